// The call actor's call backs (virtual hold): offered, scheduled, dialed
// back with a reserved agent, failed and retried (actors/call_actor_state.hpp;
// docs/acd.md §8). With telephony reaching far ends, the customer is dialed
// through the call back's trunk group once its agent answered
// (docs/telephony.md "Call backs through trunks").
#include <chrono>

#include "actors/call_actor_state.hpp"
#include "actors/refusal.hpp"
#include "events/acd/call_rules.hpp"

namespace hotline::actors::call_flow {

namespace acd = events::acd;
namespace call = events::acd::call;

namespace {

/// Telephony dials the customer (acd_context::far_end_dialing): it rings the
/// agent's phone itself and, once the agent answered, the customer's number
/// through `trunk`; its far_end_atom comes back here (on_dial_back_result).
/// False: nothing reaches far ends here, the agent is rung as before.
bool dial_far_end(call_self self, const offer_info& o, const std::string& trunk) {
  auto& s = self->state;
  s.callback_agent_up = false;
  if (!s.ctx->far_end_dialing || !s.ctx->observer ||
      s.req.channel != events::contact_channel::voice)
    return false;
  s.dialing = true;
  s.ring_held_agent = o.held;
  notify(self, dial_back_atom::value, s.req.call_id, o.agent_id, s.entity->state().callback_number,
         trunk);
  return true;
}

} // namespace

/// Virtual hold: the place came up for a caller waiting for a call back.
/// Dial the caller back through an outbound trunk channel, with this agent reserved.
void dial_back(call_self self, const offer_info& o) {
  auto& s = self->state;
  auto let_go = [self, o] { withdraw_offer(self, o.agent, o.agent_id); };
  // A failed dial-back's retry is not due yet (it failed while this agent's
  // reservation was on its way): the agent goes back.
  if (s.entity->state().callback_retry_at_ns > now_of(self)) {
    let_go();
    return;
  }
  // Which group it goes out on: events/acd/call_rules.hpp (callback_trunk_group).
  const auto* group = acd::callback_trunk_group(
      s.line_group, s.queue, [&](const std::string& id) { return s.ctx->center.find_trunk(id); });
  const std::string trunk = group ? group->id : "";
  auto dial = [self, o, let_go, trunk] {
    auto refused =
        exec(self, call::dial_callback{o.agent_id, self->state.line_group, now_of(self)},
             "dial_callback", [self, o, trunk] {
               auto& s = self->state;
               s.offers[o.agent_id] = o.agent;
               // Reserved silently: ring now (telephony rings the phone itself).
               if (!dial_far_end(self, o, trunk) && o.held)
                 self->send(o.agent, ring_atom::value, s.req.call_id);
               if (o.ring_timeout_ms > 0)
                 self->delayed_send(self, std::chrono::milliseconds(o.ring_timeout_ms),
                                    ring_timeout_atom::value, o.agent_id, std::int32_t{-1});
             });
    if (refused) let_go();
  };
  auto t = group ? s.ctx->trunks.find(group->id) : s.ctx->trunks.end();
  if (t == s.ctx->trunks.end() || s.line_channel != 0) {
    dial();
    return;
  }
  s.line_group = group->id; // where the channel is released
  auto trunk_actor = t->second;
  self->request(trunk_actor, caf::infinite, seize_atom::value, s.req.call_id,
                events::call_direction::outbound, s.tenant)
      .then(
          [self, trunk_actor, dial, let_go](seized_atom, int channel) {
            const auto& cs = self->state.entity->state();
            if (call::status_of(cs) == call::status::callback_waiting &&
                cs.callback_retry_at_ns <= now_of(self)) {
              self->state.line_channel = channel;
              dial();
              return;
            }
            // It stopped waiting meanwhile: the channel and the agent go back.
            self->send(trunk_actor, release_atom::value, self->state.req.call_id, channel,
                       self->state.tenant);
            let_go();
          },
          [self, let_go](caf::error& err) {
            let_go();
            // The group's peer is down: the customer cannot be reached
            // through it now, a failed attempt (retried while attempts
            // last). Every channel busy (counted as blocked by the group):
            // the call keeps its place for a later try.
            if (refusal_code(err) == "trunk_down" &&
                call::status_of(self->state.entity->state()) == call::status::callback_waiting)
              on_callback_failed(self, "trunk_down");
          });
}

// Telephony's word on a call back it dials (dial_far_end).
void on_dial_back_result(call_self self, const std::string& result) {
  auto& s = self->state;
  const auto& cs = s.entity->state();
  // A word about a dial-back that is over (its agent let go meanwhile) changes nothing.
  if (!s.dialing || call::status_of(cs) != call::status::callback_dialing) return;
  auto agent = s.offers.find(cs.callback_agent);
  if (result == "no_phone") {
    // Telephony does not carry it (an agent without a phone, a call back
    // telephony did not start): the agent is rung as without telephony.
    s.dialing = false;
    if (s.ring_held_agent && agent != s.offers.end())
      self->send(agent->second, ring_atom::value, s.req.call_id);
    return;
  }
  if (result == "dialing") { // the agent answered: the customer rings now
    s.callback_agent_up = true;
    return;
  }
  if (result == "ringing") return;
  s.dialing = false;
  if (result == "answered") { // the agent's leg connects (connected_atom follows)
    if (agent != s.offers.end()) self->send(agent->second, answer_atom::value, s.req.call_id);
    return;
  }
  on_callback_failed(self, result); // busy | rejected | no_answer | unreachable
}

// While the queue's callback_attempts allow, it waits again in its place, not
// dialed before callback_retry_s; else it ends, and lets go of its place, its
// agent and its line.
void on_callback_failed(call_self self, const std::string& reason) {
  const auto* q = self->state.queue;
  auto cmd = call::fail_callback{reason, now_of(self), q ? q->callback_attempts : 1,
                                 q ? q->callback_retry_ms : 0};
  self->state.dialing = false;
  exec(self, cmd, "fail_callback", [self] {
    auto& s = self->state;
    const auto& cs = s.entity->state();
    if (call::is_terminal(cs)) {
      finish(self, "callback_failed");
      return;
    }
    if (s.joined)
      self->send(s.queue_actor, retry_at_atom::value, s.req.call_id, cs.callback_retry_at_ns);
    withdraw_offers(self);
    callback_waits_again(self);
  });
}

// The caller waited `callback_offer_after_s`: telephony offers it a call back.
void on_offer_callback(call_self self, std::uint64_t gen) {
  auto& s = self->state;
  if (gen != s.wait_generation || call::status_of(s.entity->state()) != call::status::queued ||
      !s.queue)
    return;
  notify(self, callback_offered_atom::value, s.req.call_id, s.queue->id);
}

// The caller chose a call back (virtual hold): it leaves the line and keeps its place.
void on_callback(call_self self, const std::string& number) {
  exec(self, call::schedule_callback{number, now_of(self)}, "schedule_callback",
       [self] { leave_line(self); });
}

} // namespace hotline::actors::call_flow
