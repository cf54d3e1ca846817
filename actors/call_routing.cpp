// The call actor: arrival, queues, offers and waits (call backs: call_callbacks.cpp)
// (actors/call_actor_state.hpp). The rules are events/acd/call_rules.hpp's.
#include <algorithm>
#include <chrono>

#include "actors/call_actor_state.hpp"
#include "actors/refusal.hpp"
#include "events/acd/call_rules.hpp"

namespace hotline::actors::call_flow {

namespace acd = events::acd;
namespace call = events::acd::call;

namespace {

/// An agent dials out (call_request::placed_by): the line is up; reserve the
/// agent who dials (offer_atom answers for it).
void reserve_dialing_agent(call_self self) {
  auto& s = self->state;
  auto agent = s.ctx->agents.get(s.req.placed_by);
  if (!agent) {
    overflow(self, "unknown_agent"); // no queue joined: ends refused
    return;
  }
  s.offers[s.req.placed_by] = agent; // an end before the answer lets it go
  reserve_request r;
  r.call_id = s.req.call_id;
  r.queue = s.placed_for ? s.placed_for->id : "";
  r.channel = s.req.channel;
  r.reason = "placed by the agent";
  r.call = caf::actor_cast<caf::actor>(self);
  r.queue_actor = r.call;
  r.placed = true;
  self->send(agent, reserve_atom::value, std::move(r));
}

/// The line is up (or needs none): to the agent who dials, the queue named, or the entry's.
void route(call_self self) {
  auto& s = self->state;
  if (!s.req.placed_by.empty()) {
    reserve_dialing_agent(self);
    return;
  }
  if (!s.req.queue.empty()) {
    join(self, s.req.queue, "direct");
    return;
  }
  if (!s.entry) {
    end_with(self, events::call_outcome::refused, "no_entry_point");
    return;
  }
  s.base_priority = s.entry->priority;
  if (route_to_flow(self)) return;
  join(self, s.entry->queue, "entry " + s.entry->dialed);
}

/// The queue took the call at `position`: record it, and time its wait.
void joined(call_self self, const std::string& queue_id, std::int32_t prio,
            const std::string& reason, int position, std::int64_t ewt_ms) {
  auto& s = self->state;
  s.joining = false;
  s.joined = true;
  auto gen = ++s.wait_generation;
  auto refused = exec(self,
                      call::enqueue{queue_id, prio, position, std::max<std::int64_t>(ewt_ms, 0),
                                    reason, now_of(self)},
                      "enqueue", [self, queue_id] {
                        notify(self, queued_atom::value, self->state.req.call_id, queue_id);
                        if (auto then = std::exchange(self->state.after_enqueue, {})) then();
                      });
  if (refused) return;
  start_wait_timers(self, gen, 0);
}

/// A caller waiting, on the line and in `gen`'s wait, in a queue.
bool waits_on_line(call_self self, std::uint64_t gen) {
  const auto& s = self->state;
  const auto& cs = s.entity->state();
  return gen == s.wait_generation && call::is_waiting(cs) &&
         call::status_of(cs) != call::status::callback_waiting;
}

/// The ring of `agent_id` that `attempt` timed is still the current offer.
bool rings_now(call_self self, const std::string& agent_id, std::int32_t attempt) {
  const auto& offers = self->state.entity->state().offers;
  return std::any_of(offers.begin(), offers.end(),
                     [&](const auto& o) { return o.agent_id == agent_id && o.attempt == attempt; });
}

} // namespace

void arrive(call_self self) {
  auto& st = self->state;
  const auto& req = st.req;
  exec(self,
       call::arrive{req.call_id, req.channel, req.direction, req.caller, req.dialed,
                    req.customer_id, req.attached, st.line_group, now_of(self)},
       "arrive", [self] {
         auto& s = self->state;
         if (s.req.over_rate) {
           exec(self, call::block{s.line_group, now_of(self)}, "block",
                [self] { finish(self, "blocked"); });
           return;
         }
         auto t = s.ctx->trunks.find(s.line_group);
         if (s.line_group.empty() || t == s.ctx->trunks.end()) {
           route(self);
           return;
         }
         self->request(t->second, caf::infinite, seize_atom::value, s.req.call_id, s.req.direction,
                       s.tenant)
             .then(
                 [self](seized_atom, int channel) {
                   self->state.line_channel = channel;
                   route(self);
                 },
                 [self](caf::error& err) {
                   // An outbound call's group whose peer is down: blocked, reason trunk_down.
                   const auto why =
                       refusal_code(err) == "trunk_down" ? "trunk_down" : "all_channels_busy";
                   exec(self, call::block{self->state.line_group, now_of(self), why}, "block",
                        [self] { finish(self, "blocked"); });
                 });
       });
}

void join(call_self self, const std::string& queue_id, const std::string& reason) {
  auto& s = self->state;
  const auto* ctx = s.ctx.get();
  s.queue = ctx->find_queue(queue_id);
  const auto* qa = ctx->queue_actor(queue_id);
  if (!s.queue || !qa) {
    end_with(self, events::call_outcome::refused, "unknown_queue");
    return;
  }
  s.queue_actor = *qa;
  auto prio = acd::priority_for(s.base_priority, s.req.caller,
                                ctx->center.find_tenant(s.queue->tenant), *s.queue);
  auto t = now_of(self);
  std::int64_t preferred_until = s.req.preferred_agent.empty() || s.queue->preferred_agent_ms <= 0
                                     ? 0
                                     : t + ms_to_ns(s.queue->preferred_agent_ms);
  s.joining = true;
  self->request(s.queue_actor, caf::infinite, join_atom::value,
                join_request{s.req.call_id, prio, s.req.customer_id, s.req.preferred_agent,
                             preferred_until, caf::actor_cast<caf::actor>(self), s.held_agent_id,
                             s.join_skills})
      .then(
          [self, queue_id, prio, reason](joined_atom, int position, std::int64_t ewt_ms) {
            joined(self, queue_id, prio, reason, position, ewt_ms);
          },
          [self](caf::error& err) {
            self->state.joining = false;
            auto code = refusal_code(err); // a broken queue: its error, as it reads
            overflow(self, code.empty() ? self->home_system().render(err) : code);
          });
}

// Nobody can answer here: the queue's overflow rule decides (call_rules.hpp: overflow_for).
void overflow(call_self self, const std::string& why) {
  auto& s = self->state;
  const auto reason = acd::overflow_reason_of(why);
  if (!s.queue) {
    end_with(self, events::call_outcome::refused, reason);
    return;
  }
  // The queue's newest rule: an overflow changed at runtime applies to calls already waiting.
  const auto* newest = s.ctx->find_queue(s.queue->id);
  const auto& q = newest ? *newest : *s.queue;
  const auto decision = acd::overflow_for(
      q, s.joined, [&](const std::string& id) { return s.ctx->find_queue(id) != nullptr; });
  using k = acd::overflow_decision::kind;
  const auto t = now_of(self);
  if (decision.what == k::to_queue) {
    auto target = decision.target;
    auto from = q.id;
    exec(self, call::overflow{"queue", target, reason, t}, "overflow", [self, target, from] {
      auto& s = self->state;
      for (auto& [a, agent] : s.offers)
        self->send(agent, cancel_atom::value, s.req.call_id, std::string{"cancelled"});
      s.offers.clear();
      if (s.joined)
        self->send(s.queue_actor, leave_atom::value, s.req.call_id, std::string{"overflowed"});
      s.joined = false;
      join(self, target, "overflow from " + from);
    });
  } else if (decision.what == k::voicemail) {
    exec(self, call::overflow{"voicemail", "", reason, t}, "overflow",
         [self] { finish(self, "overflowed"); });
  } else if (decision.what == k::callback) {
    // The caller leaves the line and keeps the place; the call stays in the queue.
    exec(self, call::overflow{"callback", "", reason, t}, "overflow", [self] { leave_line(self); });
  } else {
    end_with(self, events::call_outcome::refused, reason);
  }
}

// The timers of a wait in the current queue, `waited_ms` into it
// (events/acd/call_rules.hpp: wait_timers).
void start_wait_timers(call_self self, std::uint64_t gen, std::int64_t waited_ms) {
  using k = acd::wait_timer::kind;
  const auto& s = self->state;
  for (const auto& t : acd::wait_timers(*s.queue, waited_ms, s.entity->state().widening_step)) {
    const auto after = std::chrono::milliseconds(t.after_ms);
    switch (t.what) {
    case k::max_wait:
      self->delayed_send(self, after, max_wait_atom::value, gen);
      break;
    case k::announce:
      self->delayed_send(self, after, announce_atom::value, gen);
      break;
    case k::offer_callback:
      self->delayed_send(self, after, offer_callback_atom::value, gen);
      break;
    case k::widen:
      self->delayed_send(self, after, widen_atom::value, gen, t.step);
      break;
    }
  }
}

void on_offer(call_self self, const offer_info& o) {
  auto& s = self->state;
  if (o.agent_id == s.req.placed_by) {
    if (call::is_connected(s.entity->state())) return;
    // The dialing agent is reserved. With telephony reaching the far end,
    // the agent's leg connects when the far end answers (on_far_end);
    // else at once (connected_atom follows).
    if (s.ctx->far_end_dialing && s.req.channel == events::contact_channel::voice) {
      if (!std::exchange(s.dialing, true))
        notify(self, dial_atom::value, s.req.call_id, o.agent_id, s.req.dialed, s.line_group);
      return;
    }
    self->send(o.agent, answer_atom::value, s.req.call_id);
    return;
  }
  if (s.req.interflow_offer && !s.landed) {
    on_remote_agent_held(self, o);
    return;
  }
  if (call::status_of(s.entity->state()) == call::status::callback_waiting) {
    dial_back(self, o);
    return;
  }
  auto refused =
      exec(self, call::offer{o.agent_id, o.ring_timeout_ms, o.reason, now_of(self)}, "offer");
  if (refused) {
    // Not waiting any more (or already connected): let the agent and the queue go.
    withdraw_offer(self, o.agent, o.agent_id);
    return;
  }
  s.offers[o.agent_id] = o.agent;
  auto attempt = s.entity->state().attempts;
  if (o.ring_timeout_ms > 0)
    self->delayed_send(self, std::chrono::milliseconds(o.ring_timeout_ms), ring_timeout_atom::value,
                       o.agent_id, attempt);
}

void on_ring_timeout(call_self self, const std::string& agent_id, std::int32_t attempt) {
  auto& s = self->state;
  auto it = s.offers.find(agent_id);
  if (it == s.offers.end()) return;
  if (attempt < 0) {
    // A call back whose agent did not pick up: like a missed ring, it counts
    // against the agent, and the call back waits again in its place for the
    // next agent (its line goes back meanwhile).
    // Its agent answered and the customer rings (telephony dials it): the
    // far end's answer or failure decides, not this ring.
    if (call::status_of(s.entity->state()) != call::status::callback_dialing || s.callback_agent_up)
      return;
  } else if (!rings_now(self, agent_id, attempt)) {
    return;
  }
  auto agent = it->second;
  s.offers.erase(it);
  exec(self, call::end_offer{agent_id, "no_answer", now_of(self)}, "end_offer",
       [self, agent, agent_id] {
         auto& s = self->state;
         self->send(agent, ring_timeout_atom::value, s.req.call_id,
                    s.queue ? s.queue->max_no_answer : 0);
         if (call::status_of(s.entity->state()) == call::status::callback_waiting)
           callback_waits_again(self);
         if (s.joined) self->send(s.queue_actor, offer_failed_atom::value, s.req.call_id, agent_id);
       });
}

void on_connected(call_self self, const std::string& agent_id) {
  auto& s = self->state;
  // A repeated answer changes nothing (and must not forget the agent's handle).
  if (call::is_connected(s.entity->state()) && s.entity->state().agent_id == agent_id) return;
  auto it = s.offers.find(agent_id);
  caf::actor agent = it != s.offers.end() ? it->second : caf::actor{};
  auto refused =
      exec(self, call::connect{agent_id, now_of(self)}, "connect", [self, agent, agent_id] {
        auto& s = self->state;
        for (auto& [other_id, other] : s.offers)
          if (other_id != agent_id)
            self->send(other, cancel_atom::value, s.req.call_id, std::string{"answered_elsewhere"});
        s.offers.clear();
        s.agent = agent;
        if (s.joined)
          self->send(s.queue_actor, leave_atom::value, s.req.call_id, std::string{"connected"});
        s.joined = false;
        ++s.wait_generation;
        notify(self, talking_atom::value, s.req.call_id, agent_id);
      });
  if (refused && agent) self->send(agent, end_call_atom::value, s.req.call_id, std::int64_t{0});
}

void on_far_end(call_self self, const std::string& result) {
  auto& s = self->state;
  if (s.entity->state().callback) return on_dial_back_result(self, result); // call_callbacks.cpp
  if (!s.dialing || call::is_terminal(s.entity->state())) return;
  if (result == "ringing") {
    exec(self, call::far_end_ringing{now_of(self)}, "far_end_ringing");
    return;
  }
  if (result == "answered" || result == "no_phone") {
    // The far end answered, or telephony does not carry this call (the
    // agent has no phone): the agent's leg connects (connected_atom follows).
    if (result == "no_phone") s.dialing = false;
    if (auto it = s.offers.find(s.req.placed_by); it != s.offers.end())
      self->send(it->second, answer_atom::value, s.req.call_id);
    return;
  }
  exec(self, call::far_end_failed{result, now_of(self)}, "far_end_failed",
       [self] { finish(self, "not_connected"); });
}

void on_hangup(call_self self, const std::string& by) {
  if ((by == "caller" && hang_up_in_ivr(self)) || hang_up_completes_consultation(self, by)) return;
  exec(self, call::hang_up{by, now_of(self)}, "hang_up", [self] {
    auto& s = self->state;
    if (s.agent)
      self->send(s.agent, end_call_atom::value, s.req.call_id,
                 wrap_up_for(self, s.entity->state().agent_id));
    finish(self, "ended");
  });
}

// A VIP recognised late, a supervisor's decision: the queue moves the call,
// keeping its place among equals.
void on_priority(call_self self, std::int32_t priority, const std::string& reason) {
  exec(self, call::change_priority{priority, reason, now_of(self)}, "change_priority",
       [self, priority] {
         auto& s = self->state;
         s.base_priority = priority;
         if (s.joined) self->send(s.queue_actor, priority_atom::value, s.req.call_id, priority);
       });
}

// The call records it, then the agent's desk follows, and the observer
// (telephony: music to the caller, the bridge again on resume) hears of it.
void on_hold(call_self self, const std::string& agent_id) {
  exec_as(self, agent_id, call::hold{agent_id, now_of(self)}, "hold", [self, agent_id] {
    if (self->state.agent) self->send(self->state.agent, hold_atom::value, self->state.req.call_id);
    notify(self, held_atom::value, self->state.req.call_id, agent_id, true);
  });
}

void on_resume(call_self self, const std::string& agent_id) {
  exec_as(self, agent_id, call::resume{agent_id, now_of(self)}, "resume", [self, agent_id] {
    if (self->state.agent)
      self->send(self->state.agent, resume_atom::value, self->state.req.call_id);
    notify(self, held_atom::value, self->state.req.call_id, agent_id, false);
  });
}

void on_abandon(call_self self) {
  if (hang_up_in_ivr(self)) return;
  exec(self, call::abandon{"caller_hangup", now_of(self)}, "abandon",
       [self] { finish(self, "abandoned"); });
}

// The queue's leave_empty rule holds (nobody there can answer): a caller on
// the line overflows; a call back keeps its place.
void on_queue_empty(call_self self, const std::string& queue_id) {
  auto& s = self->state;
  if (!s.joined || !s.queue || s.queue->id != queue_id || !waits_on_line(self, s.wait_generation))
    return;
  overflow(self, "queue_empty");
}

// A caller waiting for a call back is not on the line: it keeps its place.
void on_max_wait(call_self self, std::uint64_t gen) {
  if (waits_on_line(self, gen)) overflow(self, "max_wait");
}

// A caller waiting for a call back is not on the line: nothing to announce.
void on_announce(call_self self, std::uint64_t gen) {
  auto& s = self->state;
  if (!waits_on_line(self, gen) || !s.queue) return;
  self->request(s.queue_actor, caf::infinite, position_atom::value, s.req.call_id)
      .then([self, gen](int position, std::int64_t ewt_ms) {
        if (gen != self->state.wait_generation || position <= 0) return;
        exec(self, call::announce{position, std::max<std::int64_t>(ewt_ms, 0), now_of(self)},
             "announce");
        notify(self, announce_atom::value, self->state.req.call_id, position, ewt_ms); // spoken
      });
  self->delayed_send(self, std::chrono::milliseconds(s.queue->announce_every_ms),
                     announce_atom::value, gen);
}

void on_widen(call_self self, std::uint64_t gen, int step) {
  auto& s = self->state;
  if (gen != s.wait_generation || !call::is_waiting(s.entity->state()) || !s.queue) return;
  if (step < 0 || static_cast<std::size_t>(step) >= s.queue->widening.size()) return;
  const auto& w = s.queue->widening[static_cast<std::size_t>(step)];
  exec(self, call::widen{step, w.min_level_delta, w.add_queues, now_of(self)}, "widen", [self] {
    if (self->state.joined) self->send(self->state.queue_actor, rematch_atom::value);
  });
}

void on_reserve_failed(call_self self, const std::string& agent_id, const std::string& code) {
  auto& s = self->state;
  if (agent_id == s.req.placed_by && !s.req.placed_by.empty()) {
    // The agent cannot place it (logged out, at capacity, on a voice call): no
    // queue was joined, so the call ends refused, with the agent's reason.
    s.offers.erase(agent_id);
    if (!call::is_connected(s.entity->state())) overflow(self, "agent_" + code);
    return;
  }
  if (s.req.interflow_offer && !s.landed) on_remote_hold_lost(self, code);
}

namespace {

/// A recovered call gets back its tenant, queue (and actor), trunk line and priority.
void restore_handles(call_self self, const call::state& cs) {
  auto& s = self->state;
  const auto* ctx = s.ctx.get();
  if (const auto* e = ctx->find_entry(cs.dialed)) s.tenant = e->tenant;
  // The queue that found the call in its list (req.queue) holds it even if
  // the call's own call.queued did not reach the store.
  const auto& queue_id = cs.queue.empty() ? s.req.queue : cs.queue;
  if (const auto* q = ctx->find_queue(queue_id)) {
    s.queue = q;
    if (s.tenant.empty()) s.tenant = q->tenant;
    if (const auto* qa = ctx->queue_actor(queue_id)) s.queue_actor = *qa;
  }
  s.line_group = cs.trunk_group;
  if (!s.line_group.empty() && call::status_of(cs) != call::status::callback_waiting)
    s.line_channel = -1;
  s.base_priority = cs.priority;
}

/// recover_after_restart is recorded: the call ended (and lets go of its
/// agent and place), or it waits again in its queue with its timers.
void after_restart(call_self self, bool queued_here, bool connected, const std::string& agent_id) {
  auto& s = self->state;
  const auto& cs = s.entity->state();
  if (call::is_terminal(cs)) {
    close_flow_after_restart(self);
    if (connected && !agent_id.empty())
      if (auto a = s.ctx->agents.get(agent_id))
        self->send(a, end_call_atom::value, s.req.call_id, std::int64_t{0});
    s.joined = queued_here && s.queue_actor;
    finish(self, std::string{events::to_wire(cs.outcome)});
    return;
  }
  if (!s.queue_actor) { // its queue is no longer configured: nobody would ever offer it
    end_with(self, events::call_outcome::node_restart, "unknown_queue");
    return;
  }
  const bool call_back = call::status_of(cs) == call::status::callback_waiting;
  if (call_back) release_channel(self); // a call back whose dial-back the restart cut
  s.joined = true;
  auto gen = ++s.wait_generation;
  self->send(s.queue_actor, rejoin_atom::value, s.req.call_id, caf::actor_cast<caf::actor>(self));
  // (a call back's timers are only its widening steps: max_wait and
  // announcements are for callers on the line)
  start_wait_timers(self, gen, call::waited_ms(cs, now_of(self)));
  if (!call_back) return;
  self->send(s.queue_actor, off_line_atom::value, s.req.call_id);
  if (cs.callback_retry_at_ns > now_of(self))
    self->send(s.queue_actor, retry_at_atom::value, s.req.call_id, cs.callback_retry_at_ns);
}

} // namespace

// After a node restart: rebuild from the stream; the call decider says what
// the restart did to it (call::recover_after_restart): it waits again, with
// its place, or it ends and lets go of what it held.
void recover(call_self self) {
  auto& s = self->state;
  if (!s.entity->recover()) return;
  const auto& cs = s.entity->state();
  if (cs.at == call::phase::none) {
    self->quit();
    return;
  }
  restore_handles(self, cs);
  if (call::is_terminal(cs)) {
    // It ended before the restart, but the old process did not tell
    // everyone: the queue that still lists it, the trunk channel still seized.
    if (!s.req.queue.empty() && s.queue_actor)
      self->send(s.queue_actor, leave_atom::value, s.req.call_id,
                 std::string{events::to_wire(cs.outcome)});
    release_channel(self);
    self->quit();
    return;
  }
  const bool queued_here = call::is_waiting(cs) || !s.req.queue.empty();
  const bool connected = call::is_connected(cs);
  exec(self, call::recover_after_restart{s.ctx->restart_keeps, now_of(self)},
       "recover_after_restart", [self, queued_here, connected, agent_id = cs.agent_id] {
         after_restart(self, queued_here, connected, agent_id);
       });
}

} // namespace hotline::actors::call_flow
