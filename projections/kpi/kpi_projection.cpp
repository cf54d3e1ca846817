#include "projections/kpi/kpi_projection.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <unordered_map>

#include "events/codec.hpp"
#include "projections/fold_support.hpp"
#include "projections/row_codec.hpp"

namespace hotline::projections::kpi {

using events::errc;
using events::recorded_event;
using events::status;

// -- names ------------------------------------------------------------------------

std::string_view to_string(sl_definition d) noexcept {
  switch (d) {
    case sl_definition::answered: return "answered";
    case sl_definition::offered_net: return "offered_net";
    case sl_definition::offered: return "offered";
  }
  return "?";
}

std::string_view formula(sl_definition d) noexcept {
  switch (d) {
    case sl_definition::answered: return "answered_within_t/answered";
    case sl_definition::offered_net: return "answered_within_t/(offered-short_abandoned)";
    case sl_definition::offered: return "(answered_within_t+abandoned_within_t)/offered";
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
    case dimension::total: return "total";
    case dimension::queue: return "queue";
    case dimension::agent: return "agent";
    case dimension::site: return "site";
    case dimension::tenant: return "tenant";
  }
  return "?";
}

bool parse_dimension(std::string_view text, dimension& out) noexcept {
  for (auto d : {dimension::total, dimension::queue, dimension::agent, dimension::site,
                 dimension::tenant})
    if (text == to_string(d)) {
      out = d;
      return true;
    }
  return false;
}

std::string_view to_string(counter c) noexcept {
  static constexpr std::string_view names[counter_count] = {
      "arrived",         "offered",          "answered",        "answered_within_t",
      "wait_answered_ms", "abandoned",       "short_abandoned", "abandoned_within_t",
      "abandon_wait_ms", "longest_wait_ms",  "blocked",         "refused",
      "overflowed",      "callbacks",        "voicemail",       "ivr_contained",
      "ivr_abandoned",   "transferred",      "repeat_contacts", "handled",
      "talk_ms",         "hold_ms",          "acw_ms",          "ready_ms",
      "not_ready_ms",    "ringing_ms",       "on_call_ms",      "on_hold_ms",
      "wrap_up_ms",      "interflowed"};
  return c < counter_count ? names[c] : "?";
}

std::string_view to_string(agent_state s) noexcept {
  switch (s) {
    case agent_state::logged_out: return "logged_out";
    case agent_state::not_ready: return "not_ready";
    case agent_state::ready: return "ready";
    case agent_state::ringing: return "ringing";
    case agent_state::on_call: return "on_call";
    case agent_state::on_hold: return "on_hold";
    case agent_state::wrap_up: return "wrap_up";
  }
  return "?";
}

void kpi_counters::merge(const kpi_counters& o) {
  for (std::size_t i = 0; i < counter_count; ++i)
    v[i] = i == longest_wait_ms ? std::max(v[i], o.v[i]) : v[i] + o.v[i];
  for (const auto& [reason, ms] : o.not_ready_by_reason_ms) not_ready_by_reason_ms[reason] += ms;
}

// -- state ------------------------------------------------------------------------

namespace {

constexpr std::int64_t ns_per_ms = 1'000'000;
constexpr std::int64_t ns_per_s = 1'000'000'000;
constexpr std::uint8_t row_version = 1;
constexpr std::int64_t not_yet = -1;
/// Customers whose FCR window has passed are dropped at positions that are
/// multiples of this (a function of the event sequence, so rebuilds match).
constexpr std::uint64_t prune_every = 4096;

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

enum slot : std::uint8_t { s_total, s_site, s_tenant, s_queue, s_agent, slot_count };

/// Where one call's (or one agent leg's) numbers go: the call's arrival
/// interval and its groups, with the cells resolved.
struct attribution {
  std::int64_t interval_ns = 0;
  std::string site, tenant, queue, agent;
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
  attribution at; ///< at.queue: current queue; at.agent: last connected agent
  bool dirty = false, persisted = false;
};

struct agent_st {
  agent_state st = agent_state::logged_out;
  std::int64_t since_ns = 0;
  std::string reason;
  std::string site, tenant;
  bool has_leg = false;
  std::string leg_call;
  attribution leg;
  std::int64_t talk_ms = 0, hold_ms = 0;
  std::int64_t leg_since_ns = 0;  ///< start of the current talk or hold segment
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
  bool dirty = false, persisted = false;
};

counter state_counter(agent_state s) {
  switch (s) {
    case agent_state::ready: return ready_ms;
    case agent_state::not_ready: return not_ready_ms;
    case agent_state::ringing: return ringing_ms;
    case agent_state::on_call: return on_call_ms;
    case agent_state::on_hold: return on_hold_ms;
    case agent_state::wrap_up: return wrap_up_ms;
    case agent_state::logged_out: break;
  }
  return counter_count;
}

void write_attribution(row_writer& w, const attribution& a) {
  w.i64(a.interval_ns);
  w.str(a.site);
  w.str(a.tenant);
  w.str(a.queue);
  w.str(a.agent);
}

void read_attribution(row_reader& r, attribution& a) {
  a.interval_ns = r.i64();
  a.site = r.str();
  a.tenant = r.str();
  a.queue = r.str();
  a.agent = r.str();
}

} // namespace

struct kpi_projection::state {
  kpi_options opt;
  std::int64_t interval_ns;
  const events::event_codec& codec = events::event_codec::standard();

  string_map<cell> cells;
  string_map<call_state> calls;
  string_map<agent_st> agents;
  string_map<customer_st> customers;
  /// (answered_ns, customer) of every FCR candidate, oldest first: pruning
  /// touches only what expires (a full scan missed the cache on every node).
  std::set<std::pair<std::int64_t, std::string>> customer_expiry;
  std::int64_t as_of_ns = 0;

  std::vector<cell*> dirty_cells;
  std::vector<std::string> dirty_calls, dirty_agents, dirty_customers;
  std::vector<std::string> deletes;
  std::string last_gauges, key_buf;
  bool options_written = false;

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

  cell* get_cell(std::int64_t interval_ns, dimension d, std::string_view group) {
    if (d != dimension::total && group.empty()) return nullptr;
    if (d == dimension::total) group = "*";
    append_cell_key(key_buf, interval_ns, d, group);
    if (auto it = cells.find(std::string_view{key_buf}); it != cells.end()) return &it->second;
    auto& c = cells.emplace(key_buf, cell{}).first->second;
    c.key = key_buf;
    c.interval_ns = interval_ns;
    c.dim = d;
    c.group_at = key_buf.size() - group.size();
    return &c;
  }

  void resolve(attribution& a) {
    a.cells[s_total] = get_cell(a.interval_ns, dimension::total, "*");
    a.cells[s_site] = get_cell(a.interval_ns, dimension::site, a.site);
    a.cells[s_tenant] = get_cell(a.interval_ns, dimension::tenant, a.tenant);
    a.cells[s_queue] = get_cell(a.interval_ns, dimension::queue, a.queue);
    a.cells[s_agent] = get_cell(a.interval_ns, dimension::agent, a.agent);
  }

  void set_queue(attribution& a, std::string_view queue) {
    if (a.queue == queue && (a.cells[s_queue] || queue.empty())) return;
    a.queue.assign(queue);
    a.cells[s_queue] = get_cell(a.interval_ns, dimension::queue, queue);
  }

  void set_agent(attribution& a, std::string_view agent) {
    if (a.agent == agent && (a.cells[s_agent] || agent.empty())) return;
    a.agent.assign(agent);
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
    for (auto* c : a.cells) bump(c, k, by);
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
    auto it = calls.find(id);
    created = it == calls.end();
    if (created) {
      it = calls.emplace(std::string{id}, call_state{}).first;
      auto& c = it->second;
      c.at.interval_ns = interval_of(e.meta.timestamp_ns);
      c.at.site = e.meta.site;
      c.at.tenant = e.meta.tenant;
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
      it->second.since_ns = e.meta.timestamp_ns;
      it->second.site = e.meta.site;
      it->second.tenant = e.meta.tenant;
    }
    touch(dirty_agents, it->first, it->second);
    return it->second;
  }

  void erase_customer(string_map<customer_st>::iterator it) {
    customer_expiry.erase({it->second.answered_ns, it->first});
    if (it->second.persisted) deletes.push_back("kpi/cust/" + it->first);
    customers.erase(it);
  }

  // -- agent time -------------------------------------------------------------------

  void account(const std::string& agent_id, agent_st& a, std::int64_t now) {
    if (now <= a.since_ns) return;
    counter k = state_counter(a.st);
    if (k != counter_count) {
      for (std::int64_t t = a.since_ns; t < now;) {
        std::int64_t iv = interval_of(t);
        std::int64_t end = std::min(now, iv + interval_ns);
        if (a.cached_interval != iv) {
          a.cached_interval = iv;
          a.time_cells = {get_cell(iv, dimension::agent, agent_id),
                          get_cell(iv, dimension::total, "*"),
                          get_cell(iv, dimension::site, a.site),
                          get_cell(iv, dimension::tenant, a.tenant)};
        }
        std::int64_t ms = ms_between(t, end);
        if (ms > 0)
          for (cell* c : a.time_cells) {
            if (!c) continue;
            bump(c, k, ms);
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
    if (a.st == agent_state::on_call) a.talk_ms += ms_between(a.leg_since_ns, now);
    else if (a.st == agent_state::on_hold) a.hold_ms += ms_between(a.leg_since_ns, now);
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
    if (a.st == agent_state::on_call || a.st == agent_state::on_hold) finish_talk(a, now);
    else close_wrap(a, now);
    a.has_leg = false;
  }

  // -- the fold ---------------------------------------------------------------------

  void on_envelope(const recorded_event& e) {
    as_of_ns = std::max(as_of_ns, e.meta.timestamp_ns);
    if (e.position % prune_every == 0) prune(e.meta.timestamp_ns);
  }

  /// Drops every candidate answered more than the window before `now`:
  /// exactly the same set whatever order they were added in.
  void prune(std::int64_t now) {
    const std::int64_t cutoff = now - opt.fcr_window_ms * ns_per_ms;
    while (!customer_expiry.empty() && customer_expiry.begin()->first < cutoff) {
      auto it = customers.find(customer_expiry.begin()->second);
      if (it == customers.end()) customer_expiry.erase(customer_expiry.begin()); // not reached
      else erase_customer(it);
    }
  }

  void apply(const recorded_event& e, const events::event& payload) {
    const std::int64_t ts = e.meta.timestamp_ns;
    const std::int64_t T = opt.sl_threshold_ms, S = opt.short_abandon_ms;
    std::visit(
        overloaded{
            [&](const events::call_arrived& p) {
              bool created;
              auto& c = call_for(p.call_id, e, created);
              if (!created) return;
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
              if (ts - it->second.answered_ns <= opt.fcr_window_ms * ns_per_ms)
                bump_all(it->second.at, repeat_contacts);
              erase_customer(it);
            },
            [&](const events::call_queued& p) {
              auto& c = call_for(p.call_id, e);
              if (c.first_queued_ns == not_yet) {
                c.first_queued_ns = ts;
                if (c.interflowed_in) bump(c.at.cells[s_site], offered);
                else bump_call(c.at, offered);
              }
              if (c.waiting && c.at.queue == p.queue) return;
              set_queue(c.at, p.queue);
              bump(c.at.cells[s_queue], offered);
              c.queue_entry_ns = ts;
              c.waiting = true;
            },
            [&](const events::call_offered& p) {
              auto& c = call_for(p.call_id, e);
              bump(get_cell(c.at.interval_ns, dimension::agent, p.agent_id), offered);
            },
            [&](const events::call_connected& p) {
              auto& c = call_for(p.call_id, e);
              // A connect straight from one agent to another (a transfer to
              // an agent) is no new answer: only answers out of a queue count.
              const bool from_queue = c.waiting || !c.answered;
              c.waiting = false;
              if (c.at.queue.empty() && !p.queue.empty()) set_queue(c.at, p.queue);
              set_agent(c.at, p.agent_id);
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
              if (!c.customer.empty()) {
                auto& cust = customers[c.customer];
                customer_expiry.erase({cust.answered_ns, c.customer});
                customer_expiry.emplace(ts, c.customer);
                cust.answered_ns = ts;
                cust.at = c.at;
                touch(dirty_customers, c.customer, cust);
              }
            },
            [&](const events::call_transferred& p) {
              auto& c = call_for(p.call_id, e);
              bump_call(c.at, transferred);
              bump(c.at.cells[s_queue], transferred);
              bump(get_cell(c.at.interval_ns, dimension::agent, p.from_agent), transferred);
            },
            [&](const events::call_overflowed& p) {
              auto& c = call_for(p.call_id, e);
              bump_call(c.at, overflowed);
              bump(c.at.queue == p.from_queue
                       ? c.at.cells[s_queue]
                       : get_cell(c.at.interval_ns, dimension::queue, p.from_queue),
                   overflowed);
              if (p.action == "voicemail") c.waiting = false;
            },
            [&](const events::call_interflowed& p) {
              // Left for another site: no longer waiting here; its answer (or
              // abandon) is the other site's to count.
              auto& c = call_for(p.call_id, e);
              bump_call(c.at, interflowed);
              bump(c.at.cells[s_queue], interflowed);
              c.waiting = false;
            },
            [&](const events::call_callback_scheduled& p) {
              auto& c = call_for(p.call_id, e);
              bump_call(c.at, callbacks);
              bump(c.at.cells[s_queue], callbacks);
            },
            [&](const events::call_ended& p) {
              auto& c = call_for(p.call_id, e);
              if (c.at.queue.empty() && !p.queue.empty()) set_queue(c.at, p.queue);
              cell* q = c.at.cells[s_queue];
              const bool queued = c.first_queued_ns != not_yet;
              if (p.outcome == "blocked" || p.outcome == "refused" || p.outcome == "voicemail") {
                counter k = p.outcome == "blocked" ? blocked : p.outcome == "refused" ? refused : voicemail;
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
                    for (auto s : {s_total, s_site, s_tenant}) count(c.at.cells[s], w);
                  }
                }
              } else if (p.outcome == "completed" && !queued && !c.answered) {
                bump_call(c.at, ivr_contained);
              }
              erase_call(p.call_id, e);
            },
            [&](const events::agent_logged_in& p) {
              agent_event(p.agent_id, e, [&](agent_st& a) {
                drop_leg(a, ts);
                set_state(a, agent_state::not_ready, "logged_in");
              });
            },
            [&](const events::agent_logged_out& p) {
              agent_event(p.agent_id, e, [&](agent_st& a) {
                drop_leg(a, ts);
                set_state(a, agent_state::logged_out);
              });
            },
            [&](const events::agent_ready& p) {
              agent_event(p.agent_id, e, [&](agent_st& a) {
                close_wrap(a, ts);
                set_state(a, agent_state::ready);
              });
            },
            [&](const events::agent_not_ready& p) {
              agent_event(p.agent_id, e, [&](agent_st& a) {
                close_wrap(a, ts);
                set_state(a, agent_state::not_ready, p.reason);
              });
            },
            [&](const events::agent_reserved& p) {
              agent_event(p.agent_id, e, [&](agent_st& a) {
                close_wrap(a, ts);
                set_state(a, agent_state::ringing);
              });
            },
            [&](const events::agent_reservation_ended& p) {
              agent_event(p.agent_id, e, [&](agent_st& a) {
                if (a.st == agent_state::ringing) set_state(a, agent_state::ready);
              });
            },
            [&](const events::agent_call_started& p) {
              agent_event(p.agent_id, e, [&](agent_st& a) {
                drop_leg(a, ts);
                a.has_leg = true;
                a.leg_call = p.call_id;
                if (auto it = calls.find(call_key(p.call_id, e)); it != calls.end()) {
                  a.leg = it->second.at;
                  set_agent(a.leg, p.agent_id);
                } else {
                  a.leg = attribution{interval_of(ts), a.site, a.tenant, {}, p.agent_id, {}};
                  resolve(a.leg);
                }
                a.talk_ms = a.hold_ms = 0;
                a.leg_since_ns = ts;
                set_state(a, agent_state::on_call);
              });
            },
            [&](const events::agent_call_held& p) {
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
            },
            [&](const events::agent_call_ended& p) {
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
            },
            [&](const events::agent_wrap_up_ended& p) {
              agent_event(p.agent_id, e, [&](agent_st& a) {
                close_wrap(a, ts);
                if (a.st == agent_state::wrap_up) set_state(a, agent_state::ready);
              });
            },
            [](const auto&) {},
        },
        payload);
  }

  template <class F>
  void agent_event(const std::string& id, const recorded_event& e, F&& transition) {
    auto& a = agent_for(id, e);
    account(id, a, e.meta.timestamp_ns);
    if (a.site != e.meta.site || a.tenant != e.meta.tenant) {
      a.site = e.meta.site;
      a.tenant = e.meta.tenant;
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
    for (auto x : c.v) w.i64(x);
    w.u64(c.not_ready_by_reason_ms.size());
    for (const auto& [reason, ms] : c.not_ready_by_reason_ms) {
      w.str(reason);
      w.i64(ms);
    }
    return out;
  }

  static std::string encode(const call_state& c) {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(c.first_queued_ns);
    w.i64(c.queue_entry_ns);
    w.str(c.customer);
    w.u8(c.answered);
    w.u8(static_cast<std::uint8_t>((c.waiting ? 1 : 0) | (c.interflowed_in ? 2 : 0)));
    write_attribution(w, c.at);
    return out;
  }

  static std::string encode(const agent_st& a) {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.u8(static_cast<std::uint8_t>(a.st));
    w.i64(a.since_ns);
    w.str(a.reason);
    w.str(a.site);
    w.str(a.tenant);
    w.u8(a.has_leg);
    w.str(a.has_leg ? a.leg_call : std::string{});
    write_attribution(w, a.has_leg ? a.leg : attribution{});
    w.i64(a.has_leg ? a.talk_ms : 0);
    w.i64(a.has_leg ? a.hold_ms : 0);
    w.i64(a.has_leg ? a.leg_since_ns : 0);
    w.i64(a.has_leg ? a.wrap_since_ns : 0);
    return out;
  }

  static std::string encode(const customer_st& c) {
    std::string out;
    row_writer w{out};
    w.u8(row_version);
    w.i64(c.answered_ns);
    write_attribution(w, c.at);
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
    for (const auto& [id, c] : calls)
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
    for (auto& k : deletes) out.deletes.push_back(std::move(k));
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
      cell* c = get_cell(secs * ns_per_s, d, rest.substr(s2 + 1));
      if (!c || c->key != key) return bad_row(key, "malformed cell key");
      // Rows written before a counter was added hold fewer (new ones read 0).
      auto stored = r.u8();
      if (stored > counter_count) return bad_row(key, "unexpected number of counters");
      c->c.v.fill(0);
      for (std::size_t i = 0; i < stored; ++i) c->c.v[i] = r.i64();
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
      read_attribution(r, c.at);
      resolve(c.at);
      c.persisted = true;
    } else if (take("kpi/agent/")) {
      auto& a = agents[std::string{key.substr(10)}];
      a.st = static_cast<agent_state>(r.u8());
      a.since_ns = r.i64();
      a.reason = r.str();
      a.site = r.str();
      a.tenant = r.str();
      a.has_leg = r.u8() != 0;
      a.leg_call = r.str();
      read_attribution(r, a.leg);
      if (a.has_leg) resolve(a.leg);
      a.talk_ms = r.i64();
      a.hold_ms = r.i64();
      a.leg_since_ns = r.i64();
      a.wrap_since_ns = r.i64();
      if (a.st > agent_state::wrap_up) return bad_row(key, "unknown agent state");
      a.persisted = true;
    } else if (take("kpi/cust/")) {
      std::string id{key.substr(9)};
      auto& c = customers[id];
      customer_expiry.erase({c.answered_ns, id});
      c.answered_ns = r.i64();
      customer_expiry.emplace(c.answered_ns, id);
      read_attribution(r, c.at);
      resolve(c.at);
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

const kpi_options& kpi_projection::options() const noexcept { return s_->opt; }

bool kpi_projection::reads_payload(std::string_view type) noexcept {
  if (type.starts_with("agent.")) return true;
  if (!type.starts_with("call.")) return false;
  auto t = type.substr(5);
  return t == "arrived" || t == "queued" || t == "offered" || t == "connected" ||
         t == "transferred" || t == "overflowed" || t == "callback_scheduled" || t == "ended" ||
         t == "interflowed";
}

status kpi_projection::apply(const recorded_event& e) {
  if (!reads_payload(e.type)) {
    s_->on_envelope(e);
    return {};
  }
  auto payload = s_->codec.decode(e);
  if (!payload)
    return payload.error();
  apply(e, *payload);
  return {};
}

void kpi_projection::apply(const recorded_event& e, const events::event& payload) {
  s_->on_envelope(e);
  s_->apply(e, payload);
}

void kpi_projection::collect(view_changes& out) { s_->collect(out); }

status kpi_projection::restore(std::string_view key, std::string_view value) {
  return s_->restore(key, value);
}

std::vector<kpi_cell_view> kpi_projection::cells() const {
  std::vector<kpi_cell_view> out;
  out.reserve(s_->cells.size());
  for (const auto& [k, c] : s_->cells)
    if (!c.zero()) out.push_back({c.interval_ns, c.dim, c.group(), &c.c});
  std::sort(out.begin(), out.end(), [](const kpi_cell_view& a, const kpi_cell_view& b) {
    if (a.interval_start_ns != b.interval_start_ns) return a.interval_start_ns < b.interval_start_ns;
    if (a.dim != b.dim) return a.dim < b.dim;
    return a.key < b.key;
  });
  return out;
}

kpi_gauges kpi_projection::gauges() const { return s_->gauges(); }

std::size_t kpi_projection::open_calls() const noexcept { return s_->calls.size(); }

} // namespace hotline::projections::kpi
