#pragma once
/// The KPI fold (F18): events in, counters per reporting interval x group
/// (totals, queue, agent, site, tenant) and live gauges out. Pure: no I/O,
/// no clock; the result depends on the event sequence only. Internal to
/// projections/kpi: kpi_projection (the view glue) and kpi_rows (its stored
/// form) use it; readers see the fold through kpi_projection.hpp.
///
/// Attribution rules (why a number lands in a row):
///  - call metrics land in the interval in which the call *arrived*
///    (call.arrived; the first event seen of the call if that is missing),
///    so the numerator and denominator of a call's service level sit in the
///    same row and a row is final once its calls have ended;
///  - per queue, a call counts as offered once per queue it joins; answered /
///    abandoned land in the queue it was in at that moment, with the wait
///    measured since it joined *that* queue. Totals, site and tenant count a
///    call once, with the wait from its first queue entry to its first answer;
///  - handle time (talk, hold, after-call work) comes from the agent stream
///    (agent.call_started .. agent.call_ended, agent.call_held, wrap-up) and
///    lands in the cells of the call it belongs to;
///  - agent time by state is split at interval boundaries and lands in the
///    interval in which it was spent (agent, site, tenant and total rows);
///    an agent is "observed" once an availability event of theirs is folded
///    (logged_in, ready, not_ready, reserved, reservation_ended,
///    wrap_up_ended). Before that (an imported call log, which knows calls
///    but not availability) their busy time also counts in
///    `unobserved_busy_ms` and their idle time is not known, so it is not
///    counted: occupancy covers observed agents only;
///  - first-contact resolution: an answered call with a customer (id, else
///    calling number) counts in `repeat_contacts` when the customer calls
///    again within the window; it is settled, as `fcr_repeated` or
///    `fcr_resolved`, only once an event later than its window's end is
///    folded (so that FCR compares calls whose whole window is inside the
///    data: a repeat is seen early, a resolution only at the window's end);
///    until then it is censored (kpi_cell_view::fcr_censored).
///
/// Change tracking: what changed since the last collect (dirty cells, calls,
/// agents, FCR candidates; keys of rows that ceased to exist) is kept here,
/// so that kpi_rows can write exactly those rows.
///
/// Cost: no allocation per event on the steady path (payloads are decoded
/// in place into reused values; group names are interned; calls and FCR
/// candidates live in flat maps); per-call state is erased at call.ended.
/// Group names (sites, tenants, queues, agents) are kept for the fold's
/// life; call and customer ids are not.
///
/// Thread safety: none; one thread folds.
#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "events/catalog.hpp"
#include "events/codec.hpp"
#include "projections/flat_string_map.hpp"
#include "projections/fold_support.hpp"
#include "projections/kpi/kpi_vocabulary.hpp"

namespace hotline::projections::kpi {

constexpr std::int64_t ns_per_ms = 1'000'000;
constexpr std::int64_t ns_per_s = 1'000'000'000;
constexpr std::int64_t not_yet = -1;

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// Whole milliseconds between two instants, floored on absolute time so that
/// pieces of a split duration add up exactly.
inline std::int64_t ms_between(std::int64_t from_ns, std::int64_t to_ns) {
  if (to_ns <= from_ns) return 0;
  return floor_div(to_ns, ns_per_ms) - floor_div(from_ns, ns_per_ms);
}

/// A group name (site, tenant, queue, agent) as a small integer; 0 is the
/// empty name.
using sym = std::uint32_t;
constexpr sym no_name = 0;

/// Interns group names. Why: a replay folds millions of events, and with
/// names as strings every event copied, compared and hashed them (per-call
/// attributions held four strings, every cell lookup built and hashed a
/// key string). Groups are few (sites, tenants, queues, agents), so their
/// names are kept for the projection's life; call and customer ids, which
/// are unbounded, are never interned.
class symbols {
public:
  symbols() { names_.emplace_back(); }

  sym id(std::string_view name) {
    if (name.empty()) return no_name;
    if (auto it = ids_.find(name); it != ids_.end()) return it->second;
    const auto s = static_cast<sym>(names_.size());
    names_.emplace_back(name);
    ids_.emplace(std::string{name}, s);
    return s;
  }

  /// `id` for a name that is usually the same as last time (the envelope's
  /// site and tenant): one comparison instead of a lookup.
  sym id(std::string_view name, sym& last) {
    if (name != names_[last]) last = id(name);
    return last;
  }

  /// REQUIRES: `s` came from this table. Valid until the next `id`.
  const std::string& name(sym s) const { return names_[s]; }

private:
  std::vector<std::string> names_;
  string_map<sym> ids_;
};

/// The counters of one interval x dimension x group. It is named by its row
/// key (kpi_rows.hpp: append_cell_key), which also holds the group name
/// that kpi_cell_view points at.
struct cell {
  kpi_counters c;
  std::string key;
  std::int64_t interval_ns = 0;
  dimension dim = dimension::total;
  std::size_t group_at = 0;
  bool dirty = false;
  std::string_view group() const { return std::string_view{key}.substr(group_at); }
  bool zero() const {
    return c.not_ready_by_reason_ms.empty() &&
           std::all_of(c.v.begin(), c.v.end(), [](std::int64_t x) { return x == 0; });
  }
};

/// A cell's identity: interval x dimension x group.
struct cell_id {
  std::int64_t interval_ns;
  sym group;
  dimension dim;
  bool operator==(const cell_id&) const = default;
};

struct cell_id_hash {
  std::size_t operator()(const cell_id& k) const noexcept {
    std::uint64_t h = static_cast<std::uint64_t>(k.interval_ns) * 0x9e3779b97f4a7c15ULL;
    h ^= ((std::uint64_t{k.group} << 8) | static_cast<std::uint8_t>(k.dim)) * 0xbf58476d1ce4e5b9ULL;
    return static_cast<std::size_t>(h ^ (h >> 31));
  }
};

enum slot : std::uint8_t { s_total, s_site, s_tenant, s_queue, s_agent, slot_count };

/// Where one call's (or one agent leg's) numbers go: the call's arrival
/// interval and its groups, with the cells resolved.
struct attribution {
  std::int64_t interval_ns = 0;
  sym site = no_name, tenant = no_name, queue = no_name, agent = no_name;
  std::array<cell*, slot_count> cells{};
};

struct call_state {
  std::int64_t first_queued_ns = not_yet;
  std::int64_t queue_entry_ns = not_yet;
  std::string customer;
  bool answered = false;
  bool waiting = false;
  /// Came from another site (attached interflow.origin): counted as
  /// arrived and offered at this site and queue, not again in the totals
  /// and the tenant (the origin site counted it there).
  bool interflowed_in = false;
  /// An agent placed it (call.arrived outbound): counted in `outbound`
  /// (and `blocked`), never as arrived, offered, answered or abandoned.
  bool outbound = false;
  attribution at; ///< at.queue: current queue; at.agent: last connected agent
  bool dirty = false, persisted = false;
};

struct agent_st {
  agent_state st = agent_state::logged_out;
  std::int64_t since_ns = 0;
  std::string reason;
  sym self = no_name; ///< the agent's own id
  sym site = no_name, tenant = no_name;
  /// An availability event of this agent was folded: its idle time is known.
  bool observed = false;
  bool has_leg = false;
  std::string leg_call;
  attribution leg;
  std::int64_t talk_ms = 0, hold_ms = 0;
  std::int64_t leg_since_ns = 0; ///< start of the current talk or hold segment
  std::int64_t wrap_since_ns = 0;
  // cache of the agent-time cells (agent, total, site, tenant) for one interval
  std::int64_t cached_interval = not_yet;
  std::array<cell*, 4> time_cells{};
  bool dirty = false, persisted = false;
};

/// An answered call that a repeat contact within the window would mark as
/// not resolved at first contact.
struct customer_st {
  std::int64_t answered_ns = 0;
  attribution at;
  /// Settling entries only: a repeat contact came within the window.
  bool repeated = false;
  bool dirty = false, persisted = false;
};

/// An IVR session in flight (ivr.entered .. ivr.exited): where its numbers
/// land. Sessions are keyed like calls, by site and session id.
struct ivr_session_st {
  std::int64_t interval_ns = 0; ///< of ivr.entered
  std::int64_t entered_ns = 0;
  sym site = no_name, tenant = no_name, flow = no_name;
  bool dirty = false, persisted = false;
};

/// When a customer's FCR candidacy (or a settling entry) was set: a
/// min-heap entry. A customer answered again, or erased, leaves its old
/// entry behind; an entry counts only while the customer's `answered_ns`
/// still equals it.
struct expiry {
  std::int64_t answered_ns;
  std::string customer; ///< the candidates' key, or the settling entries' key
  bool settling = false;
};

/// Heap order: earliest first (std::*_heap keep the greatest on top).
struct later_expiry {
  bool operator()(const expiry& a, const expiry& b) const {
    if (a.answered_ns != b.answered_ns) return a.answered_ns > b.answered_ns;
    if (a.customer != b.customer) return a.customer > b.customer;
    return a.settling > b.settling;
  }
};

/// The payload types the fold reads, decoded in place into one reused value
/// each (events::event_codec::decode_into). Every other type is folded from
/// the envelope alone.
using folded_payloads =
    std::tuple<events::call_arrived, events::call_queued, events::call_offered,
               events::call_connected, events::call_transferred, events::call_overflowed,
               events::call_callback_scheduled, events::call_callback_dialed,
               events::call_callback_retried, events::call_ended, events::call_interflowed,
               events::agent_logged_in, events::agent_logged_out, events::agent_ready,
               events::agent_not_ready, events::agent_reserved, events::agent_reservation_ended,
               events::agent_call_started, events::agent_call_held, events::agent_call_ended,
               events::agent_wrap_up_ended, events::ivr_entered, events::ivr_prompt_played,
               events::ivr_input, events::ivr_menu_chosen, events::ivr_branched,
               events::ivr_lookup_done, events::ivr_lookup_failed, events::ivr_exited>;

/// The fold's state and its transitions. Fields are public because the
/// row codec (kpi_rows.cpp) writes and restores them.
struct kpi_fold {
  kpi_options opt;
  std::int64_t interval_ns;
  const events::event_codec& codec = events::event_codec::standard();

  symbols names;
  sym star = names.id("*");
  sym last_site = no_name, last_tenant = no_name; ///< the envelope's, see symbols::id
  /// Cells live in a deque (stable addresses: attributions point at them),
  /// found by their id.
  std::deque<cell> cell_store;
  std::unordered_map<cell_id, cell*, cell_id_hash> cells;
  /// In-flight calls: found on every call event, a fresh key per call (a
  /// flat map: no node allocated and freed per call, one cache miss less).
  flat_string_map<call_state> calls;
  string_map<agent_st> agents;
  /// FCR candidates: 10^5 entries in a 24-hour window, found, added and
  /// dropped about three times per call (see flat_string_map for why not a
  /// string_map).
  flat_string_map<customer_st> customers;
  /// Answered calls no longer candidates (a repeat came, or the customer was
  /// answered again) whose window has not ended yet: settled when it ends.
  /// Key: customer '#' answered_ns.
  flat_string_map<customer_st> settling;
  /// (answered_ns, customer) of FCR candidates, a min-heap: pruning touches
  /// only what expires, without a node per candidate.
  std::vector<expiry> customer_expiry;
  /// IVR sessions in flight (kpi_fold_ivr.cpp), erased at ivr.exited.
  flat_string_map<ivr_session_st> ivr_sessions;
  std::int64_t as_of_ns = 0;

  std::vector<cell*> dirty_cells;
  std::vector<std::string> dirty_calls, dirty_agents, dirty_customers, dirty_settling, dirty_ivr;
  std::vector<std::string> deletes;
  std::string last_gauges;
  bool options_written = false;
  folded_payloads payloads;

  explicit kpi_fold(kpi_options o);

  std::int64_t interval_of(std::int64_t t) const { return floor_div(t, interval_ns) * interval_ns; }

  /// True when the fold reads the payload of events of `type` (others are
  /// folded from the envelope alone, without decoding).
  static bool reads_payload(std::string_view type) noexcept;

  // -- folding ----------------------------------------------------------------------

  /// Folds a record: decodes the payload in place when the fold reads its
  /// type, otherwise uses the envelope alone. A payload that does not
  /// decode is returned as its status and leaves the state unchanged.
  events::status apply(const events::recorded_event& e);
  /// Folds the envelope's part of an event (the newest time, FCR expiry).
  void on_envelope(const events::recorded_event& e);
  /// Folds an event whose payload the caller already decoded (after
  /// on_envelope).
  void apply(const events::recorded_event& e, const events::event& payload);

  // -- reading ----------------------------------------------------------------------

  /// All non-zero cells in (interval, dimension, key) order.
  std::vector<kpi_cell_view> cell_views() const;
  kpi_gauges gauges() const;

  // -- cells and entities (also used by kpi_rows when restoring) -----------------------

  /// The cell of `group` in `d` at `interval_ns`, made when missing;
  /// nullptr for a group with no name (outside `total`).
  cell* get_cell(std::int64_t interval_ns, dimension d, sym group);
  /// Looks up the cells of an attribution.
  void resolve(attribution& a);

  template <class Entity>
  static void touch(std::vector<std::string>& dirty, const std::string& id, Entity& x) {
    if (!x.dirty) {
      x.dirty = true;
      dirty.push_back(id);
    }
  }

private:
  template <class T> bool try_fold(const events::recorded_event& e, T& buffer, events::status& st);
  template <class F>
  void agent_event(const std::string& id, const events::recorded_event& e, F&& transition);

  void set_queue(attribution& a, sym queue);
  void set_agent(attribution& a, sym agent);
  void mark(cell* c);
  void bump(cell* c, counter k, std::int64_t by = 1);
  /// The call-level groups: totals, site, tenant.
  void bump_call(attribution& a, counter k, std::int64_t by = 1);
  void bump_all(attribution& a, counter k, std::int64_t by = 1);

  /// Calls are keyed by site and id: a call that moves between sites keeps
  /// its id, and a fold over several sites' events sees each site's part.
  /// Built in a reused buffer: this runs for every call event of a replay.
  std::string call_key_buf;
  std::string_view call_key(std::string_view call_id, const events::recorded_event& e);
  call_state& call_for(std::string_view call_id, const events::recorded_event& e, bool& created);
  call_state& call_for(std::string_view id, const events::recorded_event& e);
  void erase_call(std::string_view call_id, const events::recorded_event& e);
  agent_st& agent_for(std::string_view id, const events::recorded_event& e);
  void erase_customer(flat_string_map<customer_st>::iterator it);
  /// Keeps an answered call of `customer` until its window ends.
  void to_settle(const std::string& customer, const customer_st& c, bool repeated);
  /// Makes `customer` an FCR candidate answered at `ts` in `at`.
  void set_candidate(const std::string& customer, std::int64_t ts, const attribution& at);

  void account(agent_st& a, std::int64_t now);
  void set_state(agent_st& a, agent_state s, std::string_view reason = {});
  void close_leg_segment(agent_st& a, std::int64_t now);
  /// Ends the contact part of a leg: handled, talk and hold are counted.
  void finish_talk(agent_st& a, std::int64_t now);
  /// Ends after-call work if the agent is in it.
  void close_wrap(agent_st& a, std::int64_t now);
  /// A leg still talking when the agent leaves (logout, new call) is closed.
  void drop_leg(agent_st& a, std::int64_t now);

  /// Settles as resolved every candidate answered more than the window
  /// before `now` (the newest event folded), and drops it: exactly the same
  /// set whatever order they were added in (in (answered_ns, customer)
  /// order). Runs at every event (one comparison when nothing expires), so
  /// what is left is exactly the censored candidates.
  void prune(std::int64_t now);

  /// Types the fold does not read.
  template <class T> void on(const events::recorded_event&, const T&) {}
  void on(const events::recorded_event& e, const events::call_arrived& p);
  void on(const events::recorded_event& e, const events::call_queued& p);
  void on(const events::recorded_event& e, const events::call_offered& p);
  void on(const events::recorded_event& e, const events::call_connected& p);
  void on(const events::recorded_event& e, const events::call_transferred& p);
  void on(const events::recorded_event& e, const events::call_overflowed& p);
  void on(const events::recorded_event& e, const events::call_interflowed& p);
  /// A call back is the agent's offer: its answer counts like one.
  void on(const events::recorded_event& e, const events::call_callback_dialed& p);
  void on(const events::recorded_event& e, const events::call_callback_scheduled& p);
  void on(const events::recorded_event& e, const events::call_callback_retried& p);
  void on(const events::recorded_event& e, const events::call_ended& p);
  void on(const events::recorded_event& e, const events::agent_logged_in& p);
  void on(const events::recorded_event& e, const events::agent_logged_out& p);
  void on(const events::recorded_event& e, const events::agent_ready& p);
  void on(const events::recorded_event& e, const events::agent_not_ready& p);
  void on(const events::recorded_event& e, const events::agent_reserved& p);
  void on(const events::recorded_event& e, const events::agent_reservation_ended& p);
  void on(const events::recorded_event& e, const events::agent_call_started& p);
  void on(const events::recorded_event& e, const events::agent_call_held& p);
  void on(const events::recorded_event& e, const events::agent_call_ended& p);
  void on(const events::recorded_event& e, const events::agent_wrap_up_ended& p);

  // -- IVR sessions (kpi_fold_ivr.cpp) ------------------------------------------------
  /// The session of `session_id`; nullptr when its ivr.entered was not folded.
  ivr_session_st* ivr_for(std::string_view session_id, const events::recorded_event& e);
  /// Bumps `k` in the IVR cells of `s`: flow, and totals, site and tenant when `call_level`.
  void bump_ivr(const ivr_session_st& s, counter k, bool call_level, std::int64_t by = 1);
  /// The cell of node `node` (or "node/key") of the session's flow.
  cell* ivr_cell(const ivr_session_st& s, dimension d, std::string_view node,
                 std::string_view key = {});
  /// A moving event of the session took the caller from `node` to `next`.
  void ivr_moved(std::string_view session_id, const events::recorded_event& e,
                 std::string_view node, std::string_view next);
  void on(const events::recorded_event& e, const events::ivr_entered& p);
  void on(const events::recorded_event& e, const events::ivr_prompt_played& p);
  void on(const events::recorded_event& e, const events::ivr_input& p);
  void on(const events::recorded_event& e, const events::ivr_menu_chosen& p);
  void on(const events::recorded_event& e, const events::ivr_branched& p);
  void on(const events::recorded_event& e, const events::ivr_lookup_done& p);
  void on(const events::recorded_event& e, const events::ivr_lookup_failed& p);
  void on(const events::recorded_event& e, const events::ivr_exited& p);
  void on(const events::recorded_event& e, const events::voicemail_left& p);
  void on(const events::recorded_event& e, const events::voicemail_handled& p);
  /// A voicemail counter in the event's interval: totals, site, tenant, the mailbox's queue.
  void bump_voicemail(const events::recorded_event& e, const std::string& mailbox, counter k);
};

} // namespace hotline::projections::kpi
