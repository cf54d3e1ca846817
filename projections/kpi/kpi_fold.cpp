#include "projections/kpi/kpi_fold.hpp"

#include <algorithm>

#include "projections/kpi/kpi_rows.hpp"

namespace hotline::projections::kpi {

using events::recorded_event;
using events::status;

namespace {

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

/// The counter an inbound call's outcome counts in as itself (blocked,
/// refused, voicemail, call backs completed or failed); counter_count for
/// the outcomes counted otherwise (abandoned, completed) or not at all.
counter outcome_counter(events::call_outcome o) {
  switch (o) {
  case events::call_outcome::blocked:
    return blocked;
  case events::call_outcome::refused:
    return refused;
  case events::call_outcome::voicemail:
    return voicemail;
  case events::call_outcome::callback_completed:
    return callbacks_completed;
  case events::call_outcome::callback_failed:
    return callbacks_failed;
  default:
    return counter_count;
  }
}

} // namespace

kpi_fold::kpi_fold(kpi_options o) : opt(o), interval_ns(o.interval_ms * ns_per_ms) {
  if (interval_ns <= 0) interval_ns = 15 * 60 * ns_per_s;
}

bool kpi_fold::reads_payload(std::string_view type) noexcept {
  if (type.starts_with("agent.")) return true;
  if (type.starts_with("ivr.")) return true; // every IVR event moves a session or counts
  if (type == "voicemail.left" || type == "voicemail.handled") return true;
  // (ivr.* types: kpi_fold_ivr.cpp)
  if (!type.starts_with("call.")) return false;
  auto t = type.substr(5);
  return t == "arrived" || t == "queued" || t == "offered" || t == "connected" ||
         t == "transferred" || t == "overflowed" || t == "callback_scheduled" ||
         t == "callback_dialed" || t == "callback_retried" || t == "ended" || t == "interflowed";
}

// -- cells ------------------------------------------------------------------------

cell* kpi_fold::get_cell(std::int64_t interval_ns, dimension d, sym group) {
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

void kpi_fold::resolve(attribution& a) {
  a.cells[s_total] = get_cell(a.interval_ns, dimension::total, star);
  a.cells[s_site] = get_cell(a.interval_ns, dimension::site, a.site);
  a.cells[s_tenant] = get_cell(a.interval_ns, dimension::tenant, a.tenant);
  a.cells[s_queue] = get_cell(a.interval_ns, dimension::queue, a.queue);
  a.cells[s_agent] = get_cell(a.interval_ns, dimension::agent, a.agent);
}

void kpi_fold::set_queue(attribution& a, sym queue) {
  if (a.queue == queue && (a.cells[s_queue] || queue == no_name)) return;
  a.queue = queue;
  a.cells[s_queue] = get_cell(a.interval_ns, dimension::queue, queue);
}

void kpi_fold::set_agent(attribution& a, sym agent) {
  if (a.agent == agent && (a.cells[s_agent] || agent == no_name)) return;
  a.agent = agent;
  a.cells[s_agent] = get_cell(a.interval_ns, dimension::agent, agent);
}

void kpi_fold::mark(cell* c) {
  if (!c->dirty) {
    c->dirty = true;
    dirty_cells.push_back(c);
  }
}

void kpi_fold::bump(cell* c, counter k, std::int64_t by) {
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
void kpi_fold::bump_call(attribution& a, counter k, std::int64_t by) {
  bump(a.cells[s_total], k, by);
  bump(a.cells[s_site], k, by);
  bump(a.cells[s_tenant], k, by);
}

void kpi_fold::bump_all(attribution& a, counter k, std::int64_t by) {
  for (auto* c : a.cells)
    bump(c, k, by);
}

// -- entities ---------------------------------------------------------------------

std::string_view kpi_fold::call_key(std::string_view call_id, const recorded_event& e) {
  call_key_buf.assign(e.meta.site).append(1, '/').append(call_id);
  return call_key_buf;
}

call_state& kpi_fold::call_for(std::string_view call_id, const recorded_event& e, bool& created) {
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

call_state& kpi_fold::call_for(std::string_view id, const recorded_event& e) {
  bool created;
  return call_for(id, e, created);
}

void kpi_fold::erase_call(std::string_view call_id, const recorded_event& e) {
  auto it = calls.find(call_key(call_id, e));
  if (it == calls.end()) return;
  if (it->second.persisted) deletes.push_back(std::string{call_row_prefix} + it->first);
  calls.erase(it);
}

agent_st& kpi_fold::agent_for(std::string_view id, const recorded_event& e) {
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

void kpi_fold::erase_customer(flat_string_map<customer_st>::iterator it) {
  if (it->second.persisted) deletes.push_back(std::string{customer_row_prefix} + it->first);
  customers.erase(it);
}

/// Keeps an answered call of `customer` until its window ends.
void kpi_fold::to_settle(const std::string& customer, const customer_st& c, bool repeated) {
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
void kpi_fold::set_candidate(const std::string& customer, std::int64_t ts, const attribution& at) {
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

void kpi_fold::account(agent_st& a, std::int64_t now) {
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
        a.time_cells = {get_cell(iv, dimension::agent, a.self),
                        get_cell(iv, dimension::total, star), get_cell(iv, dimension::site, a.site),
                        get_cell(iv, dimension::tenant, a.tenant)};
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

void kpi_fold::set_state(agent_st& a, agent_state s, std::string_view reason) {
  a.st = s;
  a.reason.assign(reason);
}

void kpi_fold::close_leg_segment(agent_st& a, std::int64_t now) {
  if (!a.has_leg) return;
  if (a.st == agent_state::on_call)
    a.talk_ms += ms_between(a.leg_since_ns, now);
  else if (a.st == agent_state::on_hold)
    a.hold_ms += ms_between(a.leg_since_ns, now);
  a.leg_since_ns = std::max(a.leg_since_ns, now);
}

/// Ends the contact part of a leg: handled, talk and hold are counted.
void kpi_fold::finish_talk(agent_st& a, std::int64_t now) {
  close_leg_segment(a, now);
  bump_all(a.leg, handled);
  bump_all(a.leg, talk_ms, a.talk_ms);
  bump_all(a.leg, hold_ms, a.hold_ms);
  a.talk_ms = a.hold_ms = 0;
}

/// Ends after-call work if the agent is in it.
void kpi_fold::close_wrap(agent_st& a, std::int64_t now) {
  if (a.st == agent_state::wrap_up && a.has_leg) {
    bump_all(a.leg, acw_ms, ms_between(a.wrap_since_ns, now));
    a.has_leg = false;
  }
}

/// A leg still talking when the agent leaves (logout, new call) is closed.
void kpi_fold::drop_leg(agent_st& a, std::int64_t now) {
  if (!a.has_leg) return;
  if (a.st == agent_state::on_call || a.st == agent_state::on_hold)
    finish_talk(a, now);
  else
    close_wrap(a, now);
  a.has_leg = false;
}

// -- the fold ---------------------------------------------------------------------

template <class T> bool kpi_fold::try_fold(const recorded_event& e, T& buffer, status& st) {
  if (e.type != T::type_name) return false;
  st = codec.decode_into(e.version, e.payload, buffer);
  if (st) {
    on_envelope(e);
    on(e, buffer);
  }
  return true;
}

template <class F>
void kpi_fold::agent_event(const std::string& id, const recorded_event& e, F&& transition) {
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

void kpi_fold::on_envelope(const recorded_event& e) {
  as_of_ns = std::max(as_of_ns, e.meta.timestamp_ns);
  prune(as_of_ns);
}

/// Settles as resolved every candidate answered more than the window
/// before `now` (the newest event folded), and drops it: exactly the same
/// set whatever order they were added in (in (answered_ns, customer)
/// order). Runs at every event (one comparison when nothing expires), so
/// what is left is exactly the censored candidates.
void kpi_fold::prune(std::int64_t now) {
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
        deletes.push_back(std::string{x.settling ? settling_row_prefix : customer_row_prefix} +
                          it->first);
      map.erase(it);
    }
  }
}

/// Folds a record: decodes the payload in place when the fold reads its
/// type, otherwise uses the envelope alone.
status kpi_fold::apply(const recorded_event& e) {
  status st;
  const bool known = std::apply([&](auto&... p) { return (try_fold(e, p, st) || ...); }, payloads);
  if (known) return st;
  // Types the fold reads whose payload it does not hold a buffer for
  // (none today but agent.* types added later): through the codec.
  if (!reads_payload(e.type)) {
    on_envelope(e);
    return {};
  }
  auto payload = codec.decode(e);
  if (!payload) return payload.error();
  on_envelope(e);
  apply(e, *payload);
  return {};
}

void kpi_fold::apply(const recorded_event& e, const events::event& payload) {
  std::visit([&](const auto& p) { on(e, p); }, payload);
}

void kpi_fold::on(const recorded_event& e, const events::call_arrived& p) {
  const std::int64_t ts = e.meta.timestamp_ns;
  bool created;
  auto& c = call_for(p.call_id, e, created);
  if (!created) return;
  if (p.direction == events::call_direction::outbound) {
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

void kpi_fold::on(const recorded_event& e, const events::call_queued& p) {
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

void kpi_fold::on(const recorded_event& e, const events::call_offered& p) {
  auto& c = call_for(p.call_id, e);
  bump(get_cell(c.at.interval_ns, dimension::agent, names.id(p.agent_id)), offered);
}

void kpi_fold::on(const recorded_event& e, const events::call_connected& p) {
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

void kpi_fold::on(const recorded_event& e, const events::call_transferred& p) {
  auto& c = call_for(p.call_id, e);
  bump_call(c.at, transferred);
  bump(c.at.cells[s_queue], transferred);
  bump(get_cell(c.at.interval_ns, dimension::agent, names.id(p.from_agent)), transferred);
}

void kpi_fold::on(const recorded_event& e, const events::call_overflowed& p) {
  auto& c = call_for(p.call_id, e);
  bump_call(c.at, overflowed);
  const sym from = names.id(p.from_queue);
  bump(c.at.queue == from ? c.at.cells[s_queue]
                          : get_cell(c.at.interval_ns, dimension::queue, from),
       overflowed);
  if (p.action == "voicemail") c.waiting = false;
}

void kpi_fold::on(const recorded_event& e, const events::call_interflowed& p) {
  // Left for another site: no longer waiting here; its answer (or
  // abandon) is the other site's to count.
  auto& c = call_for(p.call_id, e);
  bump_call(c.at, interflowed);
  bump(c.at.cells[s_queue], interflowed);
  c.waiting = false;
}

/// A call back is the agent's offer: its answer counts like one.
void kpi_fold::on(const recorded_event& e, const events::call_callback_dialed& p) {
  auto& c = call_for(p.call_id, e);
  bump(get_cell(c.at.interval_ns, dimension::agent, names.id(p.agent_id)), offered);
}

void kpi_fold::on(const recorded_event& e, const events::call_callback_scheduled& p) {
  auto& c = call_for(p.call_id, e);
  bump_call(c.at, callbacks);
  bump(c.at.cells[s_queue], callbacks);
}

void kpi_fold::on(const recorded_event& e, const events::call_callback_retried& p) {
  auto& c = call_for(p.call_id, e);
  bump_call(c.at, callback_retries);
  bump(c.at.cells[s_queue], callback_retries);
}

void kpi_fold::on(const recorded_event& e, const events::call_ended& p) {
  const std::int64_t ts = e.meta.timestamp_ns;
  const std::int64_t T = opt.sl_threshold_ms, S = opt.short_abandon_ms;
  auto& c = call_for(p.call_id, e);
  if (c.at.queue == no_name && !p.queue.empty()) set_queue(c.at, names.id(p.queue));
  cell* q = c.at.cells[s_queue];
  const bool queued = c.first_queued_ns != not_yet;
  using events::call_outcome;
  if (c.outbound) {
    if (p.outcome == call_outcome::blocked) bump_call(c.at, blocked);
  } else if (const counter k = outcome_counter(p.outcome); k != counter_count) {
    bump_call(c.at, k);
    bump(q, k);
  } else if (p.outcome == call_outcome::abandoned) {
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
  } else if (p.outcome == call_outcome::completed && !queued && !c.answered) {
    bump_call(c.at, ivr_contained);
  }
  erase_call(p.call_id, e);
}

void kpi_fold::on(const recorded_event& e, const events::agent_logged_in& p) {
  const std::int64_t ts = e.meta.timestamp_ns;
  agent_event(p.agent_id, e, [&](agent_st& a) {
    a.observed = true;
    drop_leg(a, ts);
    set_state(a, agent_state::not_ready, "logged_in");
  });
}

void kpi_fold::on(const recorded_event& e, const events::agent_logged_out& p) {
  const std::int64_t ts = e.meta.timestamp_ns;
  agent_event(p.agent_id, e, [&](agent_st& a) {
    drop_leg(a, ts);
    set_state(a, agent_state::logged_out);
  });
}

void kpi_fold::on(const recorded_event& e, const events::agent_ready& p) {
  const std::int64_t ts = e.meta.timestamp_ns;
  agent_event(p.agent_id, e, [&](agent_st& a) {
    a.observed = true;
    close_wrap(a, ts);
    set_state(a, agent_state::ready);
  });
}

void kpi_fold::on(const recorded_event& e, const events::agent_not_ready& p) {
  const std::int64_t ts = e.meta.timestamp_ns;
  agent_event(p.agent_id, e, [&](agent_st& a) {
    a.observed = true;
    close_wrap(a, ts);
    set_state(a, agent_state::not_ready, p.reason);
  });
}

void kpi_fold::on(const recorded_event& e, const events::agent_reserved& p) {
  const std::int64_t ts = e.meta.timestamp_ns;
  agent_event(p.agent_id, e, [&](agent_st& a) {
    a.observed = true;
    close_wrap(a, ts);
    set_state(a, agent_state::ringing);
  });
}

void kpi_fold::on(const recorded_event& e, const events::agent_reservation_ended& p) {
  agent_event(p.agent_id, e, [&](agent_st& a) {
    a.observed = true;
    if (a.st == agent_state::ringing) set_state(a, agent_state::ready);
  });
}

void kpi_fold::on(const recorded_event& e, const events::agent_call_started& p) {
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

void kpi_fold::on(const recorded_event& e, const events::agent_call_held& p) {
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

void kpi_fold::on(const recorded_event& e, const events::agent_call_ended& p) {
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

void kpi_fold::on(const recorded_event& e, const events::agent_wrap_up_ended& p) {
  const std::int64_t ts = e.meta.timestamp_ns;
  agent_event(p.agent_id, e, [&](agent_st& a) {
    a.observed = true;
    close_wrap(a, ts);
    if (a.st == agent_state::wrap_up) set_state(a, agent_state::ready);
  });
}

kpi_gauges kpi_fold::gauges() const {
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

std::vector<kpi_cell_view> kpi_fold::cell_views() const {
  // every candidate left is censored (prune settles those whose window passed)
  std::unordered_map<const cell*, std::int64_t> censored;
  for (const auto* map : {&customers, &settling})
    for (const auto& [id, cust] : map->entries())
      for (const cell* c : cust.at.cells)
        if (c) ++censored[c];
  std::vector<kpi_cell_view> out;
  out.reserve(cell_store.size());
  for (const auto& c : cell_store)
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

} // namespace hotline::projections::kpi
