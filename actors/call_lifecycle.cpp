// The call actor: recording, ending, and letting go of what the call holds
// (actors/call_actor_state.hpp).
#include "actors/call_actor_state.hpp"

namespace hotline::actors::call_flow {

namespace call = events::acd::call;

std::int64_t now_of(call_self self) {
  return self->state.ctx->store.clock->now_ns();
}

std::optional<events::rejection> exec_call(call_self self, const call::command& cmd,
                                           const std::string& name, const events::principal& who,
                                           std::function<void()> then) {
  auto& s = self->state;
  auto refused = s.entity->exec(cmd, now_of(self), name, s.tenant, who, s.corr, std::move(then));
  if (refused) s.last_refusal = refused;
  return refused;
}

std::optional<events::rejection> exec(call_self self, const call::command& cmd,
                                      const std::string& name, std::function<void()> then) {
  return exec_call(self, cmd, name, self->state.who, std::move(then));
}

std::optional<events::rejection> exec_as(call_self self, const std::string& agent_id,
                                         const call::command& cmd, const std::string& name,
                                         std::function<void()> then) {
  // A person's command through the node API is theirs (api_request.hpp sets `who`).
  const auto& who = self->state.who;
  return exec_call(self, cmd, name,
                   who.role == events::principal::kind::user ? who
                                                             : events::principal::agent(agent_id),
                   std::move(then));
}

std::int64_t wrap_up_for(call_self self, const std::string& agent_id) {
  const auto& s = self->state;
  // The queue it waited in, or the one a call the agent placed was made for; 0 without either.
  const auto* q = s.queue ? s.queue : s.placed_for;
  // Its newest definition: a wrap-up time changed at runtime applies to the next wrap-up.
  if (q)
    if (const auto* newest = s.ctx->find_queue(q->id)) q = newest;
  const auto* a = s.ctx->find_agent(agent_id);
  return q && a ? events::acd::agent::effective_wrap_up_ms(*a, *q) : 0;
}

void withdraw_offer(call_self self, const caf::actor& agent, const std::string& agent_id) {
  auto& s = self->state;
  self->send(agent, cancel_atom::value, s.req.call_id, std::string{"cancelled"});
  if (s.joined) self->send(s.queue_actor, offer_failed_atom::value, s.req.call_id, agent_id);
}

void withdraw_offers(call_self self) {
  auto& s = self->state;
  for (auto& [agent_id, agent] : s.offers)
    withdraw_offer(self, agent, agent_id);
  s.offers.clear();
}

void release_parties(call_self self, const std::vector<std::string>& parties, bool wrap_up) {
  const auto& s = self->state;
  for (const auto& p : parties)
    if (auto a = s.ctx->agents.get(p))
      self->send(a, end_call_atom::value, s.req.call_id,
                 wrap_up ? wrap_up_for(self, p) : std::int64_t{0});
}

void release_channel(call_self self) {
  auto& s = self->state;
  if (s.line_channel == 0) return;
  if (auto t = s.ctx->trunks.find(s.line_group); t != s.ctx->trunks.end())
    self->send(t->second, release_atom::value, s.req.call_id, std::max(s.line_channel, 0),
               s.tenant);
  s.line_channel = 0;
}

// The line dialed for it goes back, and the timers of its wait run again (a
// widening step due while it was being dialed applies now).
void callback_waits_again(call_self self) {
  auto& s = self->state;
  release_channel(self);
  if (!s.queue) return;
  auto gen = ++s.wait_generation;
  start_wait_timers(self, gen, call::waited_ms(s.entity->state(), now_of(self)));
}

// Agents ringing for it let go (the queue offers the call again for the call
// back), and its trunk channel is free.
void leave_line(call_self self) {
  auto& s = self->state;
  const auto& call_id = s.req.call_id;
  s.entity->send_durable(s.ctx->observer, off_line_atom::value, call_id);
  if (s.joined)
    self->send(s.queue_actor, off_line_atom::value, call_id); // its agent rings only at the dial
  withdraw_offers(self);
  release_channel(self);
}

void offer_refused(call_self self, const std::string& agent_id, const std::string& why) {
  self->state.offers.erase(agent_id);
  exec(self, call::end_offer{agent_id, why, now_of(self)}, "end_offer", [self, agent_id] {
    auto& s = self->state;
    // A call back's agent let it go: it waits again, in its place, and
    // the line dialed for it is free until the next agent.
    if (call::status_of(s.entity->state()) == call::status::callback_waiting)
      callback_waits_again(self);
    if (s.joined) self->send(s.queue_actor, offer_failed_atom::value, s.req.call_id, agent_id);
  });
}

void finish(call_self self, const std::string& leave_reason) {
  auto& s = self->state;
  const auto& call_id = s.req.call_id;
  release_remote_offers(self, leave_reason);
  release_parties(self, s.entity->state().conference_parties,
                  s.entity->state().outcome != events::call_outcome::node_restart);
  release_consult_agent(self); // a consultation in progress ended with the call
  for (auto& [agent_id, agent] : s.offers)
    self->send(agent, cancel_atom::value, call_id, std::string{"cancelled"});
  s.offers.clear();
  // Joined, or a join on its way (the queue adds the call before it
  // reads this): the queue lets the call go.
  if ((s.joined || s.joining) && s.queue_actor)
    self->send(s.queue_actor, leave_atom::value, call_id, leave_reason);
  s.joined = false;
  s.joining = false;
  release_channel(self);
  notify(self, ended_atom::value, call_id, s.entity->state().outcome);
  self->quit();
}

void end_with(call_self self, events::call_outcome outcome, const std::string& reason) {
  exec(self, call::finish{outcome, reason, now_of(self)}, "finish",
       [self, outcome] { finish(self, std::string{events::to_wire(outcome)}); });
}

} // namespace hotline::actors::call_flow
