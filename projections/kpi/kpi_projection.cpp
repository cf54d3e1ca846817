#include "projections/kpi/kpi_projection.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <tuple>
#include <unordered_map>

#include "events/codec.hpp"
#include "projections/flat_string_map.hpp"
#include "projections/fold_support.hpp"
#include "projections/row_codec.hpp"

namespace hotline::projections::kpi {

using events::errc;
using events::recorded_event;
using events::status;

// -- names ------------------------------------------------------------------------

std::string_view to_string(sl_definition d) noexcept {
  switch (d) {
  case sl_definition::answered:
    return "answered";
  case sl_definition::offered_net:
    return "offered_net";
  case sl_definition::offered:
    return "offered";
  }
  return "?";
}

std::string_view formula(sl_definition d) noexcept {
  switch (d) {
  case sl_definition::answered:
    return "answered_within_t/answered";
  case sl_definition::offered_net:
    return "answered_within_t/(offered-short_abandoned)";
  case sl_definition::offered:
    return "(answered_within_t+abandoned_within_t)/offered";
  }
  return "?";
}

bool parse_sl_definition(std::string_view text, sl_definition& out) noexcept {
  for (auto d : {sl_definition::answered, sl_definition::offered_net, sl_definition::offered})
    if (text == to_string(d) || text == formula(d)) {
      out = d;
      return true;
    }
  return false;
}

std::string_view to_string(dimension d) noexcept {
  switch (d) {
  case dimension::total:
    return "total";
  case dimension::queue:
    return "queue";
  case dimension::agent:
    return "agent";
  case dimension::site:
    return "site";
  case dimension::tenant:
    return "tenant";
  }
  return "?";
}

bool parse_dimension(std::string_view text, dimension& out) noexcept {
  for (auto d :
       {dimension::total, dimension::queue, dimension::agent, dimension::site, dimension::tenant})
    if (text == to_string(d)) {
      out = d;
      return true;
    }
  return false;
}

std::string_view to_string(counter c) noexcept {
  static constexpr std::string_view names[counter_count] = {"arrived",
                                                            "offered",
                                                            "answered",
                                                            "answered_within_t",
                                                            "wait_answered_ms",
                                                            "abandoned",
                                                            "short_abandoned",
                                                            "abandoned_within_t",
                                                            "abandon_wait_ms",
                                                            "longest_wait_ms",
                                                            "blocked",
                                                            "refused",
                                                            "overflowed",
                                                            "callbacks",
                                                            "voicemail",
                                                            "ivr_contained",
                                                            "ivr_abandoned",
                                                            "transferred",
                                                            "repeat_contacts",
                                                            "handled",
                                                            "talk_ms",
                                                            "hold_ms",
                                                            "acw_ms",
                                                            "ready_ms",
                                                            "not_ready_ms",
                                                            "ringing_ms",
                                                            "on_call_ms",
                                                            "on_hold_ms",
                                                            "wrap_up_ms",
                                                            "interflowed",
                                                            "outbound",
                                                            "callbacks_completed",
                                                            "callbacks_failed",
                                                            "callback_retries",
                                                            "fcr_resolved",
                                                            "fcr_no_customer",
                                                            "unobserved_busy_ms",
                                                            "fcr_repeated"};
  return c < counter_count ? names[c] : "?";
}

std::string_view to_string(agent_state s) noexcept {
  switch (s) {
  case agent_state::logged_out:
    return "logged_out";
  case agent_state::not_ready:
    return "not_ready";
  case agent_state::ready:
    return "ready";
  case agent_state::ringing:
    return "ringing";
  case agent_state::on_call:
    return "on_call";
  case agent_state::on_hold:
    return "on_hold";
  case agent_state::wrap_up:
    return "wrap_up";
  }
  return "?";
}

void kpi_counters::merge(const kpi_counters& o) {
  for (std::size_t i = 0; i < counter_count; ++i)
    v[i] = i == longest_wait_ms ? std::max(v[i], o.v[i]) : v[i] + o.v[i];
  for (const auto& [reason, ms] : o.not_ready_by_reason_ms)
    not_ready_by_reason_ms[reason] += ms;
}

// -- state ------------------------------------------------------------------------

namespace {

constexpr std::int64_t ns_per_ms = 1'000'000;
constexpr std::int64_t ns_per_s = 1'000'000'000;
constexpr std::uint8_t row_version = 1;
constexpr std::int64_t not_yet = -1;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// Whole milliseconds between two instants, floored on absolute time so that
/// pieces of a split duration add up exactly.
std::int64_t ms_between(std::int64_t from_ns, std::int64_t to_ns) {
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

counter state_counter(agent_state s) {
  switch (s) {
  case agent_state::ready:
    return ready_ms;
  case agent_state::not_ready:
    return not_ready_ms;
  case agent_state::ringing:
    return ringing_ms;
  case agent_state::on_call:
    return on_call_ms;
  case agent_state::on_hold:
    return on_hold_ms;
  case agent_state::wrap_up:
    return wrap_up_ms;
  case agent_state::logged_out:
    break;
  }
  return counter_count;
}

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
               events::agent_wrap_up_ended>;

template <class Tuple> struct type_names;
template <class... T> struct type_names<std::tuple<T...>> {
  static bool contain(std::string_view type) { return ((type == T::type_name) || ...); }
};

} // namespace

struct kpi_projection::state {
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
  std::int64_t as_of_ns = 0;

  std::vector<cell*> dirty_cells;
  std::vector<std::string> dirty_calls, dirty_agents, dirty_customers, dirty_settling;
  std::vector<std::string> deletes;
  std::string last_gauges;
  bool options_written = false;
  folded_payloads payloads;

  explicit state(kpi_options o) : opt(o), interval_ns(o.interval_ms * ns_per_ms) {
    if (interval_ns <= 0) interval_ns = 15 * 60 * ns_per_s;
  }

  std::int64_t interval_of(std::int64_t t) const { return floor_div(t, interval_ns) * interval_ns; }

  // -- cells ------------------------------------------------------------------------

  static void append_cell_key(std::string& k, std::int64_t interval_ns, dimension d,
                              std::string_view group) {
    k.assign("kpi/cell/");
    char buf[24];
    auto secs = floor_div(interval_ns, ns_per_s);
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, secs < 0 ? 0 : secs);
    (void)ec;
    auto len = static_cast<std::size_t>(end - buf);
    if (len < 12) k.append(12 - len, '0');
    k.append(buf, len);
    k.push_back('/');
    k.append(to_string(d));
    k.push_back('/');
    k.append(group);
  }

  cell* get_cell(std::int64_t interval_ns, dimension d, sym group) {
    if (d == dimension::total)
      group = star;
    else if (group == no_name)
      return nullptr;
    const cell_id id{interval_ns, group, d};
    if (auto it = cells.find(id); it != cells.end()) return it->second;
    auto& c = cell_store.emplace_back();
    const auto& name = names.name(group);
    append_cell_key(c.key, interval_ns, d, name);
    c.interval_ns = interval_ns;
    c.dim = d;
    c.group_at = c.key.size() - name.size();
    cells.emplace(id, &c);
    return &c;
  }

  void resolve(attribution& a) {
    a.cells[s_total] = get_cell(a.interval_ns, dimension::total, star);
    a.cells[s_site] = get_cell(a.interval_ns, dimension::site, a.site);
    a.cells[s_tenant] = get_cell(a.interval_ns, dimension::tenant, a.tenant);
    a.cells[s_queue] = get_cell(a.interval_ns, dimension::queue, a.queue);
    a.cells[s_agent] = get_cell(a.interval_ns, dimension::agent, a.agent);
  }

  void set_queue(attribution& a, sym queue) {
    if (a.queue == queue && (a.cells[s_queue] || queue == no_name)) return;
    a.queue = queue;
    a.cells[s_queue] = get_cell(a.interval_ns, dimension::queue, queue);
  }

  void set_agent(attribution& a, sym agent) {
    if (a.agent == agent && (a.cells[s_agent] || agent == no_name)) return;
    a.agent = agent;
    a.cells[s_agent] = get_cell(a.interval_ns, dimension::agent, agent);
  }

  void mark(cell* c) {
    if (!c->dirty) {
      c->dirty = true;
      dirty_cells.push_back(c);
    }
  }

  void bump(cell* c, counter k, std::int64_t by = 1) {
    if (!c) return;
    if (k == longest_wait_ms) {
      if (by <= c->c.v[k]) return;
      c->c.v[k] = by;
    } else {
      c->c.v[k] += by;
    }
    mark(c);
  }

  /// The call-level groups: totals, site, tenant.
  void bump_call(attribution& a, counter k, std::int64_t by = 1) {
    bump(a.cells[s_total], k, by);
    bump(a.cells[s_site], k, by);
    bump(a.cells[s_tenant], k, by);
  }

  void bump_all(attribution& a, counter k, std::int64_t by = 1) {
    for (auto* c : a.cells)
      bump(c, k, by);
  }

  void write_attribution(row_writer& w, const attribution& a) const {
    w.i64(a.interval_ns);
    w.str(names.name(a.site));
    w.str(names.name(a.tenant));
    w.str(names.name(a.queue));
    w.str(names.name(a.agent));
  }

  void read_attribution(row_reader& r, attribution& a) {
    a.interval_ns = r.i64();
    a.site = names.id(r.str());
    a.tenant = names.id(r.str());
    a.queue = names.id(r.str());
    a.agent = names.id(r.str());
  }

  // -- entities ---------------------------------------------------------------------

  template <class Entity>
  static void touch(std::vector<std::string>& dirty, const std::string& id, Entity& x) {
    if (!x.dirty) {
      x.dirty = true;
      dirty.push_back(id);
    }
  }

  /// Calls are keyed by site and id: a call that moves between sites keeps
  /// its id, and a fold over several sites' events sees each site's part.
  /// Built in a reused buffer: this runs for every call event of a replay.
  std::string call_key_buf;
  std::string_view call_key(std::string_view call_id, const recorded_event& e) {
    call_key_buf.assign(e.meta.site).append(1, '/').append(call_id);
    return call_key_buf;
  }

  call_state& call_for(std::string_view call_id, const recorded_event& e, bool& created) {
    auto id = call_key(call_id, e);
    auto [it, added] = calls.try_emplace(id);
    created = added;
    if (created) {
      auto& c = it->second;
      c.at.interval_ns = interval_of(e.meta.timestamp_ns);
      c.at.site = names.id(e.meta.site, last_site);
      c.at.tenant = names.id(e.meta.tenant, last_tenant);
      resolve(c.at);
    }
    touch(dirty_calls, it->first, it->second);
    return it->second;
  }

  call_state& call_for(std::string_view id, const recorded_event& e) {
    bool created;
    return call_for(id, e, created);
  }

  void erase_call(std::string_view call_id, const recorded_event& e) {
    auto it = calls.find(call_key(call_id, e));
    if (it == calls.end()) return;
    if (it->second.persisted) deletes.push_back("kpi/call/" + it->first);
    calls.erase(it);
  }

  agent_st& agent_for(std::string_view id, const recorded_event& e) {
    auto it = agents.find(id);
    if (it == agents.end()) {
      it = agents.emplace(std::string{id}, agent_st{}).first;
      it->second.self = names.id(id);
      it->second.since_ns = e.meta.timestamp_ns;
      it->second.site = names.id(e.meta.site, last_site);
      it->second.tenant = names.id(e.meta.tenant, last_tenant);
    }
    touch(dirty_agents, it->first, it->second);
    return it->second;
  }

  void erase_customer(flat_string_map<customer_st>::iterator it) {
    if (it->second.persisted) deletes.push_back("kpi/cust/" + it->first);
    customers.erase(it);
  }

  /// Keeps an answered call of `customer` until its window ends.
  void to_settle(const std::string& customer, const customer_st& c, bool repeated) {
    std::string key = customer + "#" + std::to_string(c.answered_ns);
    auto& s = settling[key];
    s.answered_ns = c.answered_ns;
    s.at = c.at;
    s.repeated = repeated;
    customer_expiry.push_back({c.answered_ns, key, true});
    std::push_heap(customer_expiry.begin(), customer_expiry.end(), later_expiry{});
    touch(dirty_settling, key, s);
  }

  /// Makes `customer` an FCR candidate answered at `ts` in `at`.
  void set_candidate(const std::string& customer, std::int64_t ts, const attribution& at) {
    auto [it, added] = customers.try_emplace(customer);
    auto& cust = it->second;
    // answered again without an arrival seen in between: the earlier answer
    // had no repeat contact
    if (!added) to_settle(customer, cust, false);
    cust.answered_ns = ts;
    cust.at = at;
    customer_expiry.push_back({ts, customer});
    std::push_heap(customer_expiry.begin(), customer_expiry.end(), later_expiry{});
    touch(dirty_customers, customer, cust);
  }

  // -- agent time -------------------------------------------------------------------

  void account(agent_st& a, std::int64_t now) {
    if (now <= a.since_ns) return;
    counter k = state_counter(a.st);
    // idle time of an agent no availability event told about is not known
    if (!a.observed && (k == ready_ms || k == not_ready_ms)) k = counter_count;
    if (k != counter_count) {
      for (std::int64_t t = a.since_ns; t < now;) {
        std::int64_t iv = interval_of(t);
        std::int64_t end = std::min(now, iv + interval_ns);
        if (a.cached_interval != iv) {
          a.cached_interval = iv;
          a.time_cells = {
              get_cell(iv, dimension::agent, a.self), get_cell(iv, dimension::total, star),
              get_cell(iv, dimension::site, a.site), get_cell(iv, dimension::tenant, a.tenant)};
        }
        std::int64_t ms = ms_between(t, end);
        if (ms > 0)
          for (cell* c : a.time_cells) {
            if (!c) continue;
            bump(c, k, ms);
            if (!a.observed) bump(c, unobserved_busy_ms, ms);
            if (k == not_ready_ms) {
              auto r = c->c.not_ready_by_reason_ms.find(a.reason);
              if (r == c->c.not_ready_by_reason_ms.end())
                c->c.not_ready_by_reason_ms.emplace(a.reason, ms);
              else
                r->second += ms;
            }
          }
        t = end;
      }
    }
    a.since_ns = now;
  }

  void set_state(agent_st& a, agent_state s, std::string_view reason = {}) {
    a.st = s;
    a.reason.assign(reason);
  }

  void close_leg_segment(agent_st& a, std::int64_t now) {
    if (!a.has_leg) return;
    if (a.st == agent_state::on_call)
      a.talk_ms += ms_between(a.leg_since_ns, now);
    else if (a.st == agent_state::on_hold)
      a.hold_ms += ms_between(a.leg_since_ns, now);
    a.leg_since_ns = std::max(a.leg_since_ns, now);
  }

  /// Ends the contact part of a leg: handled, talk and hold are counted.
  void finish_talk(agent_st& a, std::int64_t now) {
    close_leg_segment(a, now);
    bump_all(a.leg, handled);
    bump_all(a.leg, talk_ms, a.talk_ms);
    bump_all(a.leg, hold_ms, a.hold_ms);
    a.talk_ms = a.hold_ms = 0;
  }

  /// Ends after-call work if the agent is in it.
  void close_wrap(agent_st& a, std::int64_t now) {
    if (a.st == agent_state::wrap_up && a.has_leg) {
      bump_all(a.leg, acw_ms, ms_between(a.wrap_since_ns, now));
      a.has_leg = false;
    }
  }

  /// A leg still talking when the agent leaves (logout, new call) is closed.
  void drop_leg(agent_st& a, std::int64_t now) {
    if (!a.has_leg) return;
    if (a.st == agent_state::on_call || a.st == agent_state::on_hold)
      finish_talk(a, now);
    else
      close_wrap(a, now);
    a.has_leg = false;
  }

  // -- the fold ---------------------------------------------------------------------

  void on_envelope(const recorded_event& e) {
    as_of_ns = std::max(as_of_ns, e.meta.timestamp_ns);
    prune(as_of_ns);
  }

  /// Settles as resolved every candidate answered more than the window
  /// before `now` (the newest event folded), and drops it: exactly the same
  /// set whatever order they were added in (in (answered_ns, customer)
  /// order). Runs at every event (one comparison when nothing expires), so
  /// what is left is exactly the censored candidates.
  void prune(std::int64_t now) {
    const std::int64_t cutoff = now - opt.fcr_window_ms * ns_per_ms;
    while (!customer_expiry.empty() && customer_expiry.front().answered_ns < cutoff) {
      std::pop_heap(customer_expiry.begin(), customer_expiry.end(), later_expiry{});
      const expiry x = std::move(customer_expiry.back());
      customer_expiry.pop_back();
      auto& map = x.settling ? settling : customers;
      auto it = map.find(x.customer);
      if (it != map.end() && it->second.answered_ns == x.answered_ns) {
        bump_all(it->second.at, it->second.repeated ? fcr_repeated : fcr_resolved);
        if (it->second.persisted)
          deletes.push_back((x.settling ? "kpi/settle/" : "kpi/cust/") + it->first);
        map.erase(it);
      }
    }
  }

  /// Folds a record: decodes the payload in place when the fold reads its
  /// type, otherwise uses the envelope alone.
  status apply(const recorded_event& e) {
    status st;
    const bool known =
        std::apply([&](auto&... p) { return (try_fold(e, p, st) || ...); }, payloads);
    if (known) return st;
    // Types the fold reads whose payload it does not hold a buffer for
    // (none today but agent.* types added later): through the codec.
    if (!kpi_projection::reads_payload(e.type)) {
      on_envelope(e);
      return {};
    }
    auto payload = codec.decode(e);
    if (!payload) return payload.error();
    on_envelope(e);
    apply(e, *payload);
    return {};
  }

  template <class T> bool try_fold(const recorded_event& e, T& buffer, status& st) {
    if (e.type != T::type_name) return false;
    st = codec.decode_into(e.version, e.payload, buffer);
    if (st) {
      on_envelope(e);
      on(e, buffer);
    }
    return true;
  }

  void apply(const recorded_event& e, const events::event& payload) {
    std::visit([&](const auto& p) { on(e, p); }, payload);
  }

  /// Types the fold does not read.
  template <class T> void on(const recorded_event&, const T&) {}

  void on(const recorded_event& e, const events::call_arrived& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    bool created;
    auto& c = call_for(p.call_id, e, created);
    if (!created) return;
    if (p.direction == "outbound") {
      c.outbound = true;
      bump_call(c.at, outbound);
      return; // no inbound contact: not a repeat, not an arrival
    }
    c.customer = !p.customer_id.empty() ? p.customer_id : p.caller;
    c.interflowed_in = p.attached.count("interflow.origin") > 0;
    if (c.interflowed_in) {
      bump(c.at.cells[s_site], arrived);
      return; // its customer's repeat contact was counted at the origin
    }
    bump_call(c.at, arrived);
    if (c.customer.empty()) return;
    auto it = customers.find(c.customer);
    if (it == customers.end()) return;
    if (ts - it->second.answered_ns <= opt.fcr_window_ms * ns_per_ms) {
      bump_all(it->second.at, repeat_contacts);
      to_settle(c.customer, it->second, true);
    } else {
      bump_all(it->second.at, fcr_resolved);
    }
    erase_customer(it);
  }

  void on(const recorded_event& e, const events::call_queued& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    auto& c = call_for(p.call_id, e);
    if (c.first_queued_ns == not_yet) {
      c.first_queued_ns = ts;
      if (c.interflowed_in)
        bump(c.at.cells[s_site], offered);
      else
        bump_call(c.at, offered);
    }
    const sym queue = names.id(p.queue);
    if (c.waiting && c.at.queue == queue) return;
    set_queue(c.at, queue);
    bump(c.at.cells[s_queue], offered);
    c.queue_entry_ns = ts;
    c.waiting = true;
  }

  void on(const recorded_event& e, const events::call_offered& p) {
    auto& c = call_for(p.call_id, e);
    bump(get_cell(c.at.interval_ns, dimension::agent, names.id(p.agent_id)), offered);
  }

  void on(const recorded_event& e, const events::call_connected& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    const std::int64_t T = opt.sl_threshold_ms;
    auto& c = call_for(p.call_id, e);
    if (c.outbound) {
      set_agent(c.at, names.id(p.agent_id));
      if (!c.answered) bump(c.at.cells[s_agent], outbound);
      c.answered = true;
      return;
    }
    // A connect straight from one agent to another (a transfer to
    // an agent) is no new answer: only answers out of a queue count.
    const bool from_queue = c.waiting || !c.answered;
    c.waiting = false;
    if (c.at.queue == no_name && !p.queue.empty()) set_queue(c.at, names.id(p.queue));
    set_agent(c.at, names.id(p.agent_id));
    if (!from_queue) return;
    std::int64_t seg = c.queue_entry_ns == not_yet ? 0 : ms_between(c.queue_entry_ns, ts);
    for (cell* q : {c.at.cells[s_queue], c.at.cells[s_agent]}) {
      bump(q, answered);
      if (seg <= T) bump(q, answered_within_t);
      bump(q, wait_answered_ms, seg);
      bump(q, longest_wait_ms, seg);
    }
    if (c.answered) return;
    c.answered = true;
    std::int64_t w = c.first_queued_ns == not_yet ? 0 : ms_between(c.first_queued_ns, ts);
    bump_call(c.at, answered);
    if (w <= T) bump_call(c.at, answered_within_t);
    bump_call(c.at, wait_answered_ms, w);
    bump_call(c.at, longest_wait_ms, w);
    if (!c.customer.empty())
      set_candidate(c.customer, ts, c.at);
    else
      bump_all(c.at, fcr_no_customer);
  }

  void on(const recorded_event& e, const events::call_transferred& p) {
    auto& c = call_for(p.call_id, e);
    bump_call(c.at, transferred);
    bump(c.at.cells[s_queue], transferred);
    bump(get_cell(c.at.interval_ns, dimension::agent, names.id(p.from_agent)), transferred);
  }

  void on(const recorded_event& e, const events::call_overflowed& p) {
    auto& c = call_for(p.call_id, e);
    bump_call(c.at, overflowed);
    const sym from = names.id(p.from_queue);
    bump(c.at.queue == from ? c.at.cells[s_queue]
                            : get_cell(c.at.interval_ns, dimension::queue, from),
         overflowed);
    if (p.action == "voicemail") c.waiting = false;
  }

  void on(const recorded_event& e, const events::call_interflowed& p) {
    // Left for another site: no longer waiting here; its answer (or
    // abandon) is the other site's to count.
    auto& c = call_for(p.call_id, e);
    bump_call(c.at, interflowed);
    bump(c.at.cells[s_queue], interflowed);
    c.waiting = false;
  }

  /// A call back is the agent's offer: its answer counts like one.
  void on(const recorded_event& e, const events::call_callback_dialed& p) {
    auto& c = call_for(p.call_id, e);
    bump(get_cell(c.at.interval_ns, dimension::agent, names.id(p.agent_id)), offered);
  }

  void on(const recorded_event& e, const events::call_callback_scheduled& p) {
    auto& c = call_for(p.call_id, e);
    bump_call(c.at, callbacks);
    bump(c.at.cells[s_queue], callbacks);
  }

  void on(const recorded_event& e, const events::call_callback_retried& p) {
    auto& c = call_for(p.call_id, e);
    bump_call(c.at, callback_retries);
    bump(c.at.cells[s_queue], callback_retries);
  }

  void on(const recorded_event& e, const events::call_ended& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    const std::int64_t T = opt.sl_threshold_ms, S = opt.short_abandon_ms;
    auto& c = call_for(p.call_id, e);
    if (c.at.queue == no_name && !p.queue.empty()) set_queue(c.at, names.id(p.queue));
    cell* q = c.at.cells[s_queue];
    const bool queued = c.first_queued_ns != not_yet;
    if (c.outbound) {
      if (p.outcome == "blocked") bump_call(c.at, blocked);
    } else if (p.outcome == "blocked" || p.outcome == "refused" || p.outcome == "voicemail" ||
               p.outcome == "callback_completed" || p.outcome == "callback_failed") {
      counter k = p.outcome == "blocked"              ? blocked
                  : p.outcome == "refused"            ? refused
                  : p.outcome == "voicemail"          ? voicemail
                  : p.outcome == "callback_completed" ? callbacks_completed
                                                      : callbacks_failed;
      bump_call(c.at, k);
      bump(q, k);
    } else if (p.outcome == "abandoned") {
      if (!queued && !c.answered) {
        bump_call(c.at, ivr_abandoned);
      } else {
        auto count = [&](cell* x, std::int64_t wait) {
          bump(x, wait < S ? short_abandoned : abandoned);
          if (wait <= T) bump(x, abandoned_within_t);
          bump(x, abandon_wait_ms, wait);
          bump(x, longest_wait_ms, wait);
        };
        if (c.waiting || !c.answered)
          count(q, c.queue_entry_ns == not_yet ? 0 : ms_between(c.queue_entry_ns, ts));
        if (!c.answered) {
          std::int64_t w = queued ? ms_between(c.first_queued_ns, ts) : 0;
          for (auto s : {s_total, s_site, s_tenant})
            count(c.at.cells[s], w);
        }
      }
    } else if (p.outcome == "completed" && !queued && !c.answered) {
      bump_call(c.at, ivr_contained);
    }
    erase_call(p.call_id, e);
  }

  void on(const recorded_event& e, const events::agent_logged_in& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    agent_event(p.agent_id, e, [&](agent_st& a) {
      a.observed = true;
      drop_leg(a, ts);
      set_state(a, agent_state::not_ready, "logged_in");
    });
  }

  void on(const recorded_event& e, const events::agent_logged_out& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    agent_event(p.agent_id, e, [&](agent_st& a) {
      drop_leg(a, ts);
      set_state(a, agent_state::logged_out);
    });
  }

  void on(const recorded_event& e, const events::agent_ready& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    agent_event(p.agent_id, e, [&](agent_st& a) {
      a.observed = true;
      close_wrap(a, ts);
      set_state(a, agent_state::ready);
    });
  }

  void on(const recorded_event& e, const events::agent_not_ready& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    agent_event(p.agent_id, e, [&](agent_st& a) {
      a.observed = true;
      close_wrap(a, ts);
      set_state(a, agent_state::not_ready, p.reason);
    });
  }

  void on(const recorded_event& e, const events::agent_reserved& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    agent_event(p.agent_id, e, [&](agent_st& a) {
      a.observed = true;
      close_wrap(a, ts);
      set_state(a, agent_state::ringing);
    });
  }

  void on(const recorded_event& e, const events::agent_reservation_ended& p) {
    agent_event(p.agent_id, e, [&](agent_st& a) {
      a.observed = true;
      if (a.st == agent_state::ringing) set_state(a, agent_state::ready);
    });
  }

  void on(const recorded_event& e, const events::agent_call_started& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    agent_event(p.agent_id, e, [&](agent_st& a) {
      drop_leg(a, ts);
      a.has_leg = true;
      a.leg_call = p.call_id;
      if (auto it = calls.find(call_key(p.call_id, e)); it != calls.end()) {
        a.leg = it->second.at;
        set_agent(a.leg, a.self);
      } else {
        a.leg = attribution{interval_of(ts), a.site, a.tenant, no_name, a.self, {}};
        resolve(a.leg);
      }
      a.talk_ms = a.hold_ms = 0;
      a.leg_since_ns = ts;
      set_state(a, agent_state::on_call);
    });
  }

  void on(const recorded_event& e, const events::agent_call_held& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    agent_event(p.agent_id, e, [&](agent_st& a) {
      if (!a.has_leg) return;
      if (p.on_hold && a.st == agent_state::on_call) {
        close_leg_segment(a, ts);
        set_state(a, agent_state::on_hold);
      } else if (!p.on_hold && a.st == agent_state::on_hold) {
        close_leg_segment(a, ts);
        set_state(a, agent_state::on_call);
      }
    });
  }

  void on(const recorded_event& e, const events::agent_call_ended& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    agent_event(p.agent_id, e, [&](agent_st& a) {
      if (!a.has_leg) return;
      finish_talk(a, ts);
      if (p.wrap_up_ms > 0) {
        a.wrap_since_ns = ts;
        set_state(a, agent_state::wrap_up);
      } else {
        a.has_leg = false;
        set_state(a, agent_state::ready);
      }
    });
  }

  void on(const recorded_event& e, const events::agent_wrap_up_ended& p) {
    const std::int64_t ts = e.meta.timestamp_ns;
    agent_event(p.agent_id, e, [&](agent_st& a) {
      a.observed = true;
      close_wrap(a, ts);
      if (a.st == agent_state::wrap_up) set_state(a, agent_state::ready);
    });
  }

  template <class F>
  void agent_event(const std::string& id, const recorded_event& e, F&& transition) {
    auto& a = agent_for(id, e);
    account(a, e.meta.timestamp_ns);
    const sym site = names.id(e.meta.site, last_site);
    const sym tenant = names.id(e.meta.tenant, last_tenant);
    if (a.site != site || a.tenant != tenant) {
      a.site = site;
      a.tenant = tenant;
      a.cached_interval = not_yet;
    }
    transition(a);
  }

  // -- rows ---------------------------------------------------------------------------

  static std::string encode(const kpi_counters& c) {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.u8(counter_count);
    for (auto x : c.v)
      w.i64(x);
    w.u64(c.not_ready_by_reason_ms.size());
    for (const auto& [reason, ms] : c.not_ready_by_reason_ms) {
      w.str(reason);
      w.i64(ms);
    }
    return out;
  }

  std::string encode(const call_state& c) const {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(c.first_queued_ns);
    w.i64(c.queue_entry_ns);
    w.str(c.customer);
    w.u8(c.answered);
    w.u8(static_cast<std::uint8_t>((c.waiting ? 1 : 0) | (c.interflowed_in ? 2 : 0) |
                                   (c.outbound ? 4 : 0)));
    write_attribution(w, c.at);
    return out;
  }

  std::string encode(const agent_st& a) const {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.u8(static_cast<std::uint8_t>(a.st));
    w.i64(a.since_ns);
    w.str(a.reason);
    w.str(names.name(a.site));
    w.str(names.name(a.tenant));
    w.u8(a.has_leg);
    w.str(a.has_leg ? a.leg_call : std::string{});
    write_attribution(w, a.has_leg ? a.leg : attribution{});
    w.i64(a.has_leg ? a.talk_ms : 0);
    w.i64(a.has_leg ? a.hold_ms : 0);
    w.i64(a.has_leg ? a.leg_since_ns : 0);
    w.i64(a.has_leg ? a.wrap_since_ns : 0);
    w.u8(a.observed); // added 2026-12: rows written before end here
    return out;
  }

  std::string encode(const customer_st& c) const {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(c.answered_ns);
    write_attribution(w, c.at);
    w.u8(c.repeated); // added 2026-12: rows written before end here
    return out;
  }

  std::string encode_gauges() const {
    auto g = gauges();
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(g.as_of_ns);
    w.i64(g.calls_waiting);
    w.i64(g.oldest_wait_ms);
    w.u64(g.agents_by_state.size());
    for (const auto& [s, n] : g.agents_by_state) {
      w.str(s);
      w.i64(n);
    }
    return out;
  }

  std::string encode_options() const {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(opt.interval_ms);
    w.i64(opt.sl_threshold_ms);
    w.i64(opt.short_abandon_ms);
    w.i64(opt.fcr_window_ms);
    w.u8(static_cast<std::uint8_t>(opt.sl));
    return out;
  }

  kpi_gauges gauges() const {
    kpi_gauges g;
    g.as_of_ns = as_of_ns;
    std::int64_t oldest = as_of_ns;
    for (const auto& [id, c] : calls.entries())
      if (c.waiting) {
        ++g.calls_waiting;
        oldest = std::min(oldest, c.queue_entry_ns);
      }
    if (g.calls_waiting > 0) g.oldest_wait_ms = ms_between(oldest, as_of_ns);
    for (const auto& [id, a] : agents)
      if (a.st != agent_state::logged_out) ++g.agents_by_state[std::string{to_string(a.st)}];
    return g;
  }

  template <class Map>
  void collect_entities(Map& map, std::vector<std::string>& dirty, std::string_view prefix,
                        view_changes& out) {
    for (auto& id : dirty) {
      auto it = map.find(id);
      if (it == map.end() || !it->second.dirty) continue;
      it->second.dirty = false;
      it->second.persisted = true;
      out.puts.emplace_back(std::string{prefix} + id, encode(it->second));
    }
    dirty.clear();
  }

  void collect(view_changes& out) {
    for (auto& k : deletes)
      out.deletes.push_back(std::move(k));
    deletes.clear();
    if (!options_written) {
      out.puts.emplace_back("kpi/options", encode_options());
      options_written = true;
    }
    for (cell* c : dirty_cells) {
      c->dirty = false;
      out.puts.emplace_back(c->key, encode(c->c));
    }
    dirty_cells.clear();
    collect_entities(calls, dirty_calls, "kpi/call/", out);
    collect_entities(agents, dirty_agents, "kpi/agent/", out);
    collect_entities(customers, dirty_customers, "kpi/cust/", out);
    collect_entities(settling, dirty_settling, "kpi/settle/", out);
    auto g = encode_gauges();
    if (g != last_gauges) {
      out.puts.emplace_back("kpi/gauges", g);
      last_gauges = std::move(g);
    }
  }

  // -- restore --------------------------------------------------------------------------

  status bad_row(std::string_view key, std::string_view why) const {
    return {errc::corrupt_record, "view row '" + std::string{key} + "': " + std::string{why}};
  }

  status restore(std::string_view key, std::string_view value) {
    auto take = [&](std::string_view prefix) { return key.starts_with(prefix); };
    row_reader r{value};
    if (r.u8() != row_version) return bad_row(key, "unknown row version");
    if (take("kpi/cell/")) {
      auto rest = key.substr(9);
      auto s1 = rest.find('/');
      auto s2 = s1 == std::string_view::npos ? s1 : rest.find('/', s1 + 1);
      dimension d;
      std::int64_t secs = 0;
      if (s2 == std::string_view::npos ||
          std::from_chars(rest.data(), rest.data() + s1, secs).ec != std::errc{} ||
          !parse_dimension(rest.substr(s1 + 1, s2 - s1 - 1), d))
        return bad_row(key, "malformed cell key");
      cell* c = get_cell(secs * ns_per_s, d, names.id(rest.substr(s2 + 1)));
      if (!c || c->key != key) return bad_row(key, "malformed cell key");
      // Rows written before a counter was added hold fewer (new ones read 0).
      auto stored = r.u8();
      if (stored > counter_count) return bad_row(key, "unexpected number of counters");
      c->c.v.fill(0);
      for (std::size_t i = 0; i < stored; ++i)
        c->c.v[i] = r.i64();
      auto n = r.u64();
      c->c.not_ready_by_reason_ms.clear();
      for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
        auto reason = r.str();
        c->c.not_ready_by_reason_ms[reason] = r.i64();
      }
    } else if (take("kpi/call/")) {
      auto& c = calls[std::string{key.substr(9)}];
      c.first_queued_ns = r.i64();
      c.queue_entry_ns = r.i64();
      c.customer = r.str();
      c.answered = r.u8() != 0;
      auto flags = r.u8();
      c.waiting = (flags & 1) != 0;
      c.interflowed_in = (flags & 2) != 0;
      c.outbound = (flags & 4) != 0;
      read_attribution(r, c.at);
      resolve(c.at);
      c.persisted = true;
    } else if (take("kpi/agent/")) {
      auto& a = agents[std::string{key.substr(10)}];
      a.self = names.id(key.substr(10));
      a.st = static_cast<agent_state>(r.u8());
      a.since_ns = r.i64();
      a.reason = r.str();
      a.site = names.id(r.str());
      a.tenant = names.id(r.str());
      a.has_leg = r.u8() != 0;
      a.leg_call = r.str();
      read_attribution(r, a.leg);
      if (a.has_leg) resolve(a.leg);
      a.talk_ms = r.i64();
      a.hold_ms = r.i64();
      a.leg_since_ns = r.i64();
      a.wrap_since_ns = r.i64();
      // a row written before `observed` existed: count its idle time as before
      a.observed = r.done() || r.u8() != 0;
      if (a.st > agent_state::wrap_up) return bad_row(key, "unknown agent state");
      a.persisted = true;
    } else if (take("kpi/cust/") || take("kpi/settle/")) {
      const bool settles = take("kpi/settle/");
      std::string id{key.substr(settles ? 11 : 9)};
      auto& c = (settles ? settling : customers)[id];
      c.answered_ns = r.i64();
      customer_expiry.push_back({c.answered_ns, id, settles});
      std::push_heap(customer_expiry.begin(), customer_expiry.end(), later_expiry{});
      read_attribution(r, c.at);
      resolve(c.at);
      c.repeated = !r.done() && r.u8() != 0;
      c.persisted = true;
    } else if (key == "kpi/gauges") {
      last_gauges.assign(value);
      as_of_ns = r.i64();
      r.i64();
      r.i64();
      for (auto n = r.u64(); n > 0 && r.ok(); --n) {
        r.str();
        r.i64();
      }
    } else if (key == "kpi/options") {
      kpi_options o;
      o.interval_ms = r.i64();
      o.sl_threshold_ms = r.i64();
      o.short_abandon_ms = r.i64();
      o.fcr_window_ms = r.i64();
      o.sl = static_cast<sl_definition>(r.u8());
      if (r.done() && !(o == opt))
        return {errc::invalid_argument,
                "the stored KPI view was built with other options (interval, thresholds, SL "
                "definition); rebuild it into a fresh directory"};
      options_written = true;
    } else {
      return bad_row(key, "unknown KPI row");
    }
    if (!r.done()) return bad_row(key, "truncated or malformed value");
    return {};
  }
};

// -- the public face ----------------------------------------------------------------

kpi_projection::kpi_projection(kpi_options options) : s_(std::make_unique<state>(options)) {}
kpi_projection::~kpi_projection() = default;
kpi_projection::kpi_projection(kpi_projection&&) noexcept = default;
kpi_projection& kpi_projection::operator=(kpi_projection&&) noexcept = default;

const kpi_options& kpi_projection::options() const noexcept {
  return s_->opt;
}

bool kpi_projection::reads_payload(std::string_view type) noexcept {
  if (type.starts_with("agent.")) return true;
  if (!type.starts_with("call.")) return false;
  auto t = type.substr(5);
  return t == "arrived" || t == "queued" || t == "offered" || t == "connected" ||
         t == "transferred" || t == "overflowed" || t == "callback_scheduled" ||
         t == "callback_dialed" || t == "callback_retried" || t == "ended" || t == "interflowed";
}

status kpi_projection::apply(const recorded_event& e) {
  return s_->apply(e);
}

void kpi_projection::apply(const recorded_event& e, const events::event& payload) {
  s_->on_envelope(e);
  s_->apply(e, payload);
}

void kpi_projection::collect(view_changes& out) {
  s_->collect(out);
}

status kpi_projection::restore(std::string_view key, std::string_view value) {
  return s_->restore(key, value);
}

std::vector<kpi_cell_view> kpi_projection::cells() const {
  // every candidate left is censored (prune settles those whose window passed)
  std::unordered_map<const cell*, std::int64_t> censored;
  for (const auto* map : {&s_->customers, &s_->settling})
    for (const auto& [id, cust] : map->entries())
      for (const cell* c : cust.at.cells)
        if (c) ++censored[c];
  std::vector<kpi_cell_view> out;
  out.reserve(s_->cell_store.size());
  for (const auto& c : s_->cell_store)
    if (!c.zero()) {
      auto it = censored.find(&c);
      out.push_back({c.interval_ns, c.dim, c.group(), &c.c, it == censored.end() ? 0 : it->second});
    }
  std::sort(out.begin(), out.end(), [](const kpi_cell_view& a, const kpi_cell_view& b) {
    if (a.interval_start_ns != b.interval_start_ns)
      return a.interval_start_ns < b.interval_start_ns;
    if (a.dim != b.dim) return a.dim < b.dim;
    return a.key < b.key;
  });
  return out;
}

kpi_gauges kpi_projection::gauges() const {
  return s_->gauges();
}

std::size_t kpi_projection::open_calls() const noexcept {
  return s_->calls.size();
}

} // namespace hotline::projections::kpi
