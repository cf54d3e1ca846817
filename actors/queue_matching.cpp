// The queue actor: joins, leaves, and matching waiting calls to free agents
// (actors/queue_actor_state.hpp). Who gets which call is
// events/acd/routing.hpp's match_queue; the no-answer hold-back and the
// service-level window are events/acd/queue_rules.hpp's.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "actors/call_actor.hpp"
#include "actors/queue_actor_state.hpp"
#include "actors/refusal.hpp"
#include "events/acd/ewt.hpp"
#include "events/acd/queue_rules.hpp"
#include "events/acd/routing.hpp"

namespace hotline::actors::queue_flow {

namespace queue = events::acd::queue;

namespace {

/// Milliseconds until `at_ns`, rounded up (a timer never fires early).
std::chrono::milliseconds until(std::int64_t at_ns, std::int64_t t) {
  return std::chrono::milliseconds((at_ns - t + 999'999) / 1'000'000);
}

/// Records `cmd` in the queue's stream, caused by the ACD.
template <class Command>
void record(queue_self self, const Command& cmd, const std::string& name,
            const std::string& call_id, std::int64_t t) {
  auto& s = self->state;
  s.entity->exec(cmd, t, name, s.def.tenant, s.who, call_correlation(call_id));
}

/// Calls left waiting while members are blocked (a reject or busy delay, a
/// missed ring): match again when the first block ends.
void wake_when_unblocked(queue_self self, const candidate_view& view, std::int64_t t) {
  auto& s = self->state;
  std::int64_t wake = 0;
  for (const auto* c : view.refs)
    if (c->blocked_until_ns > t && (wake == 0 || c->blocked_until_ns < wake))
      wake = c->blocked_until_ns;
  if (wake != 0 && (s.wake_at_ns <= t || wake < s.wake_at_ns)) {
    s.wake_at_ns = wake;
    self->delayed_send(self, until(wake, t), rematch_atom::value);
  }
}

/// The waiting calls that may be offered now: no offer in flight, a call
/// back's retry due, the call's actor known.
std::vector<events::acd::waiting_call> offerable(queue_actor_state& s, std::int64_t t) {
  std::vector<events::acd::waiting_call> calls;
  for (const auto& e : queue::in_order(s.entity->state())) {
    if (!s.not_before.empty()) {
      auto nb = s.not_before.find(e.call_id);
      if (nb != s.not_before.end() && nb->second > t) continue; // its retry is not due yet
      if (nb != s.not_before.end()) s.not_before.erase(nb);
    }
    if (!s.offering.count(e.call_id) && s.calls.count(e.call_id))
      calls.push_back(events::acd::make_waiting_call(e, t));
  }
  return calls;
}

/// Asks each agent matched to a call to reserve itself for it.
void ask_to_reserve(queue_self self, const events::acd::assignment& a) {
  auto& s = self->state;
  auto call = s.calls.find(a.call_id);
  if (call == s.calls.end()) return;
  auto& asked = s.offering[a.call_id];
  for (const auto& agent_id : a.agents) {
    auto agent = s.ctx->agents.get(agent_id);
    if (!agent) continue;
    hold_back(s, agent_id);
    asked.push_back(agent_id);
    self->send(agent, reserve_atom::value,
               reserve_request{a.call_id, s.def.id, s.def.channel, s.def.ring_timeout_ms, a.reason,
                               call->second, caf::actor_cast<caf::actor>(self),
                               !s.off_line.empty() && s.off_line.count(a.call_id) > 0});
  }
}

/// Whether an agent's snapshot reaches this queue without following: it
/// serves the queue, or one that this queue's widening adds.
bool pushes_here(queue_self self, const events::acd::candidate& c) {
  const auto& s = self->state;
  for (const auto& q : c.queues) {
    if (q == s.def.id) return true;
    if (auto w = s.ctx->widened_into.find(q); w != s.ctx->widened_into.end())
      for (const auto* wq : w->second)
        if (wq->id == s.def.id) return true;
  }
  return false;
}

/// A caller prefers `agent_id` until `until_ns`. An agent who serves this
/// queue (or reaches it by widening) sends its snapshots here anyway; any
/// other agent of the node is asked to (follow_atom) until the last such
/// preference ends. A rematch is due when the preference ends.
void follow(queue_self self, const std::string& agent_id, std::int64_t until_ns, std::int64_t t) {
  auto& s = self->state;
  self->delayed_send(self, until(until_ns, t), rematch_atom::value);
  if (auto m = s.agents.find(agent_id); m != s.agents.end() && pushes_here(self, m->second.c))
    return;
  if (!s.ctx->find_agent(agent_id)) return; // not an agent of this node
  auto [it, first] = s.followed.try_emplace(agent_id, until_ns);
  it->second = std::max(it->second, until_ns);
  if (!first) return;
  if (auto agent = s.ctx->agents.get(agent_id))
    self->send(agent, follow_atom::value, s.def.id, true);
}

/// Preferences that ended: those agents stop sending snapshots here, and are
/// offered nothing more from this queue (their last snapshot may go stale).
void unfollow_expired(queue_self self, std::int64_t t) {
  auto& s = self->state;
  for (auto it = s.followed.begin(); it != s.followed.end();) {
    if (it->second > t) {
      ++it;
      continue;
    }
    if (auto agent = s.ctx->agents.get(it->first))
      self->send(agent, follow_atom::value, s.def.id, false);
    if (auto m = s.agents.find(it->first); m != s.agents.end() && !pushes_here(self, m->second.c))
      hold_back(s, m->second);
    it = s.followed.erase(it);
  }
}

/// A way out of the queue, for the site status's service level (the KPI's definition).
void count_exit(queue_self self, const queue::entry& e, const std::string& reason) {
  auto& s = self->state;
  if (!s.recent_sl) s.recent_sl.emplace(std::llround(s.def.sl_threshold_s * 1000));
  s.recent_sl->record(
      events::acd::exit_for_service_level((now_of(self) - e.joined_at_ns) / 1'000'000, reason));
}

} // namespace

std::int64_t now_of(queue_self self) {
  return self->state.ctx->store.clock->now_ns();
}

std::int64_t ewt_for(queue_self self, int position) {
  const auto& s = self->state;
  auto e =
      events::acd::expected_wait_ms(position, s.serving, aht_ms(s, *s.ctx, s.def), s.serving_free);
  return e ? *e : -1;
}

// Coalesced: a burst of updates costs one match.
void rematch(queue_self self, bool caught_up) {
  auto& s = self->state;
  s.rematch_scheduled = false;
  if (queue::in_order(s.entity->state()).size() <= s.offering.size()) return;
  if (!caught_up) catch_up(s);
  if (s.available <= 0) return;
  auto t = now_of(self);
  auto calls = offerable(s, t);
  if (calls.empty()) return;
  const auto view = candidates(s);
  const auto to_match = calls.size();
  auto m = events::acd::match_queue(s.def, std::move(calls), view.refs, view.levels, s.memory, t,
                                    ++s.seed);
  s.memory = m.memory;
  if (m.assignments.size() < to_match) wake_when_unblocked(self, view, t);
  for (const auto& a : m.assignments)
    ask_to_reserve(self, a);
}

void schedule_rematch(queue_self self) {
  auto& s = self->state;
  if (s.rematch_scheduled) return;
  // Nobody waits without an offer: nothing to match (a call that joins later
  // schedules its own). Saves a message per agent change at a queue with no
  // callers waiting.
  if (queue::in_order(s.entity->state()).size() <= s.offering.size()) return;
  s.rematch_scheduled = true;
  self->send(self, rematch_atom::value);
}

// Whether agents' posts must send this queue word (availability_board.hpp):
// while callers wait without an offer, or while its leave_empty rule watches
// waiting callers. Turning it on takes the news that came without word. Then
// the leave_empty rule: waiting calls are told to overflow once it holds.
void settle(queue_self self) {
  auto& s = self->state;
  const auto& waiting = queue::in_order(s.entity->state());
  const bool watch_empty = s.def.leave_empty != events::empty_rule::never;
  const bool want = waiting.size() > s.offering.size() || (watch_empty && !waiting.empty());
  if (want != availability_board::wants_word(*s.news)) {
    availability_board::want_word(*s.news, want);
    if (want) {
      catch_up(s);
      schedule_rematch(self);
    }
  }
  if (!watch_empty || waiting.empty()) return;
  for (const auto& call_id : queue::calls_to_eject(s.entity->state(), s.summary)) {
    auto call = s.calls.find(call_id);
    if (call != s.calls.end() && s.ejecting.insert(call_id).second)
      self->send(call->second, queue_empty_atom::value, s.def.id);
  }
}

caf::result<joined_atom, int, std::int64_t> on_join(queue_self self, const join_request& req) {
  auto& s = self->state;
  auto t = now_of(self);
  catch_up(s); // join_empty reads who is logged in
  auto rp = self->make_response_promise<joined_atom, int, std::int64_t>();
  // The continuation runs as the join is sequenced, before exec returns.
  auto refused = s.entity->exec(
      queue::join{req.call_id, req.priority, req.customer_id, req.preferred_agent,
                  req.preferred_until_ns, s.summary, t, req.skills},
      t, "join", s.def.tenant, s.who, call_correlation(req.call_id), [self, req, rp]() mutable {
        int pos = queue::position(self->state.entity->state(), req.call_id);
        rp.deliver(joined_atom::value, pos, ewt_for(self, pos));
      });
  if (refused) {
    // Through the promise: once a handler made one, what it returns is not
    // sent, and the caller would wait for an answer forever.
    rp.deliver(refusal(refused->code));
    return rp;
  }
  s.calls[req.call_id] = req.call;
  if (!req.reserved_agent.empty()) s.offering.try_emplace(req.call_id);
  // A call for a familiar agent waits for that agent only so long: then anyone may take it.
  if (req.preferred_until_ns > t) follow(self, req.preferred_agent, req.preferred_until_ns, t);
  // Matched at once, not through a rematch message: the call hears `joined`
  // first all the same (delivered above, before any reservation goes out),
  // and the offer saves a mailbox round.
  rematch(self, true);
  settle(self);
  return rp;
}

void on_leave(queue_self self, const std::string& call_id, const std::string& reason) {
  auto& s = self->state;
  // Every way out counts (moved away too).
  if (const auto* e = queue::find(s.entity->state(), call_id)) count_exit(self, *e, reason);
  s.calls.erase(call_id);
  // A call that left while agents it was offered to may not have told it yet
  // (the reservation crossed its end): they let go. The call told the agents
  // it knows; the agent ignores a second word.
  if (auto asked = s.offering.find(call_id); asked != s.offering.end()) {
    if (reason != "connected")
      for (const auto& agent_id : asked->second)
        if (auto agent = s.ctx->agents.get(agent_id))
          self->send(agent, cancel_atom::value, call_id, reason, s.def.id);
    s.offering.erase(asked);
  }
  s.ejecting.erase(call_id);
  if (!s.off_line.empty()) s.off_line.erase(call_id); // no hash while nobody waits off the line
  if (!s.not_before.empty()) s.not_before.erase(call_id);
  const auto t = now_of(self);
  record(self, queue::leave{call_id, reason, t}, "leave", call_id, t);
  settle(self);
}

void on_priority(queue_self self, const std::string& call_id, std::int32_t priority) {
  auto t = now_of(self);
  record(self, queue::change_priority{call_id, priority, t}, "change_priority", call_id, t);
  schedule_rematch(self);
}

// The agent let the call ring out (or refused it): held back for a ring
// period (queue_rules.hpp: no_answer_hold_until); wake up when that ends, in
// case nobody else can take the call.
void on_offer_failed(queue_self self, const std::string& call_id, const std::string& agent_id) {
  auto& s = self->state;
  offer_ended(s, call_id, agent_id);
  s.no_answer_until[agent_id] = events::acd::no_answer_hold_until(s.def, now_of(self));
  self->delayed_send(self, std::chrono::milliseconds(s.def.ring_timeout_ms), rematch_atom::value);
  schedule_rematch(self);
  settle(self);
}

void on_reserve_failed(queue_self self, const std::string& call_id, const std::string& agent_id) {
  offer_ended(self->state, call_id, agent_id);
  hold_back(self->state, agent_id);
  schedule_rematch(self);
  settle(self);
}

void on_agent_update(queue_self self, const events::acd::candidate& c, std::uint64_t seen,
                     std::uint64_t version) {
  set_snapshot(self->state, self->state.def, c, seen, version);
  catch_up(self->state);
  schedule_rematch(self);
  settle(self);
}

// An agent posted a status on the board while this queue wanted word.
void on_news(queue_self self) {
  availability_board::word_heard(*self->state.news);
  catch_up(self->state);
  schedule_rematch(self);
  settle(self);
}

caf::result<int, std::int64_t> on_position(queue_self self, const std::string& call_id) {
  catch_up(self->state);
  int pos = queue::position(self->state.entity->state(), call_id);
  return {pos, ewt_for(self, pos)};
}

// Waiting calls of a previous run: their actors come back and rejoin.
void recover_calls(queue_self self) {
  for (const auto& e : queue::in_order(self->state.entity->state())) {
    call_request req;
    req.call_id = e.call_id;
    req.queue = self->state.def.id; // it holds a place here, whatever its own stream says
    req.recover = true;
    spawn_call(self->home_system(), self->state.ctx, req);
  }
}

// A caller left the line for a call back: no phone rings for it until its
// call back is dialed.
void on_off_line(queue_self self, const std::string& call_id) {
  if (queue::find(self->state.entity->state(), call_id)) self->state.off_line.insert(call_id);
}

// A call back's dial-back failed: it keeps its place, but is not dialed
// again before `at_ns`; a match then.
void on_retry_at(queue_self self, const std::string& call_id, std::int64_t at_ns) {
  if (!queue::find(self->state.entity->state(), call_id)) return;
  self->state.not_before[call_id] = at_ns;
  const auto t = now_of(self);
  self->delayed_send(self, until(std::max(at_ns, t), t), rematch_atom::value);
}

void on_rejoin(queue_self self, const std::string& call_id, const caf::actor& call) {
  auto& s = self->state;
  const auto* e = queue::find(s.entity->state(), call_id);
  if (!e) return;
  s.calls[call_id] = call;
  // A preference the restart interrupted: its end, and its agent, as on joining.
  if (auto t = now_of(self); e->preferred_until_ns > t)
    follow(self, e->preferred_agent, e->preferred_until_ns, t);
  if (auto p = s.pending_remote.find(call_id); p != s.pending_remote.end()) {
    self->send(call, remote_reply_atom::value, p->second);
    s.pending_remote.erase(p);
  }
  schedule_rematch(self);
  settle(self);
}

void on_rematch(queue_self self) {
  auto& s = self->state;
  auto t = now_of(self);
  for (auto it = s.no_answer_until.begin(); it != s.no_answer_until.end();)
    it = it->second <= t ? s.no_answer_until.erase(it) : std::next(it);
  if (!s.followed.empty()) unfollow_expired(self, t);
  rematch(self);
  settle(self);
}

} // namespace hotline::actors::queue_flow
