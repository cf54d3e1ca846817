// Call backs (virtual hold, a voicemail's call back) dialed through a trunk
// (actors/telephony_actor.hpp, "Call backs"; docs/telephony.md "Call backs
// through trunks"). The call back is carried as an agent's dial-out is
// (`tel_call::outbound`): the agent's phone first, the customer's number
// through the trunk group's peer once it answered, the same far-end
// timeout, bridge and hang-ups (telephony_actor.cpp). What differs is the
// agent's side, which stays the agent actor's offer: `tel_call::callback`.
#include "actors/telephony_actor_state.hpp"

namespace hotline::actors::telephony_flow {

void on_dial_back(tel_self self, const caf::actor& call, const std::string& call_id,
                  const std::string& agent_id, const std::string& number,
                  const std::string& trunk) {
  auto& s = self->state;
  auto tell = [&](const std::string& result) { self->send(call, far_end_atom::value, result); };
  const std::string* contact = s.phones->contact_of(agent_id);
  if (!contact) { // a simulated agent, a desktop without a phone: rung as without telephony
    tell("no_phone");
    return;
  }
  if (number.empty()) {
    say(self, "call back " + call_id + ": no number to call back: unreachable");
    tell("unreachable");
    return;
  }
  if (!s.opts.trunk_peers.count(trunk)) {
    say(self, "call back " + call_id + " to " + number + ": " +
                  (trunk.empty() ? std::string{"no trunk group places its calls (the queue's "
                                               "outbound_trunk_group)"}
                                 : "trunk group '" + trunk + "' has no SIP peer ([[sip.trunk]])") +
                  ": unreachable");
    tell("unreachable");
    return;
  }
  // The call the caller made (off the line now), or a new one: a call back
  // recovered after a restart, or one telephony did not start.
  auto& c = s.calls[call_id];
  c.actor = call;
  c.outbound = true;
  c.callback = true;
  c.dialing_agent = agent_id;
  c.number = number;
  c.trunk = trunk;
  c.caller_number = number; // shown on the agent's phone
  c.caller_answered = false;
  c.talking = false;
  c.talking_agent.clear();
  c.far_end_told = false;
  c.far_end_gone = false;
  if (!c.caller.empty()) { // the caller's leg is not gone yet: the call back replaces it
    s.port->hang_up(c.caller, tp::hangup_cause::off_line);
    s.legs.erase(c.caller);
    c.caller.clear();
  }
  if (c.agent_legs.count(agent_id)) return; // its offer rings it already
  ring_agent_phone(self, call_id, c, agent_id, *contact, number);
}

void callback_agent_gone(tel_self self, const std::string& call_id, tel_call& c,
                         const std::string& agent_id) {
  c.far_end_told = true; // the call hears of its agent, not of the far end
  say(self,
      "call back " + call_id + ": agent " + agent_id + " hung up before " + c.number + " answered");
  if (auto a = agent_actor_of(self, agent_id)) self->send(a, reject_atom::value, call_id);
}

void stop_dial_back(tel_self self, tel_call& c, const std::string& agent_id) {
  if (agent_id != c.dialing_agent || c.caller.empty() || c.caller_answered) return;
  self->state.port->hang_up(c.caller, tp::hangup_cause::withdrawn);
  self->state.legs.erase(c.caller);
  c.caller.clear();
  c.far_end_told = true;
}

} // namespace hotline::actors::telephony_flow
