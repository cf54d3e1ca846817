// The telephony actor: calls an agent's phone places through the node, and
// the attended transfer they make (actors/telephony_actor.hpp has the
// mapping; docs/telephony.md "Calls a phone places: attended transfer").
//
// A desk phone's Transfer key holds the caller (re-INVITE sendonly: the
// call's hold), places a second call to a colleague, and completes with
// REFER on the first call whose Refer-To replaces the second (RFC 5589
// §7). The node maps that onto the consultation the API drives
// (call_transfers.cpp): the second call is the agent's side of the
// consultation (its "own line", keyed own_line_key(agent) among the call's
// agent legs), the REFER completes it, hanging up the own line cancels it.
//
// A phone whose agent talks on no call and that calls a number places that
// agent's dial-out (phone_dials_out: the API's call_request), its INVITE the
// agent's leg (docs/telephony.md, "Calls a phone places: dial-out").
#include "actors/api_request.hpp"
#include "actors/call_actor.hpp"
#include "actors/telephony_actor_state.hpp"

namespace hotline::actors::telephony_flow {

namespace {

/// The inbound call the agent talks on now (not an outbound one it dialed).
std::pair<std::string, tel_call*> call_talked_on(tel_self self, const std::string& agent_id) {
  for (auto& [id, c] : self->state.calls)
    if (c.talking && c.talking_agent == agent_id && !c.outbound && !c.handed_off) return {id, &c};
  return {{}, nullptr};
}

/// What the phone's second call hears when the consultation is refused.
tp::reject_cause reject_cause_of(const std::string& code) {
  if (code == "unknown_target") return tp::reject_cause::not_found;
  if (code == "in_consultation" || code == "consult_pending") return tp::reject_cause::busy;
  return tp::reject_cause::forbidden;
}

/// Forgets the own line of `agent_id` on call `c` (the leg itself is already handled).
void forget_own_line(tel_self self, tel_call& c, const std::string& agent_id) {
  drop_agent_leg(self, c, own_line_key(agent_id));
}

/// Digits a dial-out may call (as POST /api/agents/{id}/dial takes them).
bool is_number(const std::string& to) {
  return !to.empty() && to.find_first_not_of("+0123456789*#") == std::string::npos;
}

/// What the phone's own INVITE hears when its dial-out ends unanswered.
tp::reject_cause phone_reject_cause(const tel_call& c,
                                    std::optional<events::call_outcome> outcome) {
  if (c.no_peer) return tp::reject_cause::unavailable;
  const auto& said = c.far_end_said;
  if (said == "busy") return tp::reject_cause::busy;
  if (said == "rejected") return tp::reject_cause::declined;
  if (said == "no_answer") return tp::reject_cause::no_answer;
  if (said == "unreachable") return tp::reject_cause::not_found;
  if (outcome == events::call_outcome::blocked) return tp::reject_cause::unavailable;
  return tp::reject_cause::forbidden; // refused: the agent cannot place it now
}

} // namespace

void phone_dials_out(tel_self self, const tp::incoming& e) {
  auto& s = self->state;
  auto req = dial_out_request(s.opts.call_id_prefix + e.leg, e.agent, e.to);
  say(self, "call " + req.call_id + ": agent " + e.agent + "'s phone dials " + e.to +
                " (a dial-out; its INVITE rings on until the far end answers)");
  tel_call c;
  c.outbound = true;
  c.phone_placed = true;
  c.dialing_agent = e.agent;
  c.number = e.to;
  c.caller_number = e.to;
  c.agent_legs[e.agent] = e.leg;
  s.legs[e.leg] = tel_leg{req.call_id, e.agent, false};
  c.actor = spawn_call(self->home_system(), s.ctx, req);
  s.calls.emplace(req.call_id, std::move(c));
}

bool reject_phone_leg(tel_self self, const std::string& call_id, tel_call& c,
                      std::optional<events::call_outcome> outcome) {
  auto it = c.agent_legs.find(c.dialing_agent);
  if (!c.phone_placed || it == c.agent_legs.end()) return false;
  auto l = self->state.legs.find(it->second);
  if (l == self->state.legs.end() || l->second.answered) return false;
  const auto cause = phone_reject_cause(c, outcome);
  if (!c.dial_heard)
    say(self, "call " + call_id + ": agent " + c.dialing_agent + "'s phone dialed " + c.number +
                  ": refused (" + std::string{tp::to_string(cause)} +
                  "): the ACD would not place it (the agent is not logged in or busy, or "
                  "no line is free: the call's events say why)");
  self->state.port->reject(it->second, cause);
  drop_agent_leg(self, c, c.dialing_agent);
  return true;
}

void on_phone_call(tel_self self, const tp::incoming& e) {
  auto& s = self->state;
  auto refuse = [&](tp::reject_cause cause, const std::string& why) {
    say(self, "call " + e.leg + " from agent " + e.agent + "'s phone to " + e.to + " refused (" +
                  std::string{tp::to_string(cause)} + "): " + why);
    s.port->reject(e.leg, cause);
  };
  auto [call_id, c] = call_talked_on(self, e.agent);
  if (!c && is_number(e.to) && !s.ctx->find_agent(e.to)) return phone_dials_out(self, e);
  if (!c)
    return refuse(tp::reject_cause::forbidden,
                  "the agent talks on no call to consult on, and '" + e.to +
                      "' is no number to dial out to (agent-to-agent calls are not placed)");
  if (!c->consulting.empty() || c->agent_legs.count(own_line_key(e.agent)))
    return refuse(tp::reject_cause::busy, "call " + call_id + " has a consultation running");
  if (!s.ctx->find_agent(e.to) || e.to == e.agent)
    return refuse(tp::reject_cause::not_found,
                  "'" + e.to + "' is no other agent of this node (a phone consults agents only)");
  // The line rings on (180) until the colleague answers.
  c->agent_legs[own_line_key(e.agent)] = e.leg;
  s.legs[e.leg] = tel_leg{call_id, own_line_key(e.agent), false, leg_role::own_line};
  transfer_request r;
  r.from_agent = e.agent;
  r.mode = events::transfer_mode::consultative;
  r.target_kind = events::transfer_target_kind::agent;
  r.target = e.to;
  r.reason = "the agent's phone called " + e.to;
  auto leg = e.leg;
  auto agent = e.agent;
  auto id = call_id;
  self->request(c->actor, caf::infinite, api_atom::value, std::string{},
                caf::make_message(transfer_atom::value, r))
      .then(
          [self, leg, agent, id](api_atom, const std::string& code, const std::string& detail) {
            if (code.empty()) return; // consulting: the target rings (ringing_atom)
            say(self, "call " + leg + " from agent " + agent + "'s phone: consultation on " + id +
                          " refused: " + code + " " + detail);
            if (auto* c = find_call(self, id)) forget_own_line(self, *c, agent);
            self->state.port->reject(leg, reject_cause_of(code));
          },
          [self, leg, agent, id](caf::error& err) {
            say(self, "call " + leg + " from agent " + agent + "'s phone: consultation on " + id +
                          " failed: " + to_string(err));
            if (auto* c = find_call(self, id)) forget_own_line(self, *c, agent);
            self->state.port->reject(leg, tp::reject_cause::forbidden);
          });
}

void on_attended_refer(tel_self self, const tp::transfer_requested& e) {
  auto& s = self->state;
  auto refuse = [&](const std::string& why) {
    say(self, "REFER from leg " + e.leg + " to " + e.uri + " replacing leg " + e.replaces +
                  " refused: " + why);
    s.port->transfer_result(e.leg, tp::transfer_outcome::refused);
  };
  auto l = s.legs.find(e.leg);
  auto other = s.legs.find(e.replaces);
  if (l == s.legs.end() || other == s.legs.end() || l->second.call_id != other->second.call_id)
    return refuse("the two dialogs are not one call's and its consultation's");
  auto* c = find_call(self, l->second.call_id);
  // Either dialog may carry the REFER (RFC 5589 sends it on the first; some
  // phones send it on the second): one is the agent's call, the other its own line.
  const auto& a = l->second.role == leg_role::own_line ? other->second : l->second;
  const auto& b = l->second.role == leg_role::own_line ? l->second : other->second;
  if (!c || a.role != leg_role::party || a.agent.empty() || b.role != leg_role::own_line ||
      b.agent != own_line_key(a.agent) || !c->talking || c->talking_agent != a.agent)
    return refuse("it names no consultation that this agent's phone placed on the call");
  if (!c->consult_talking) return refuse("the consultation's target has not answered yet");
  if (!c->completing_by.empty()) return refuse("a transfer of this call is completing already");
  const auto agent = a.agent;
  const auto call_id = l->second.call_id;
  c->completing_by = agent;
  auto leg = e.leg;
  auto uri = e.uri;
  // Once the NOTIFY has gone, the agent's two lines are hung up (BYE); the
  // phone may have hung them up first: then there is nothing left to do.
  auto finish = [self, call_id, agent](bool done) {
    auto* c = find_call(self, call_id);
    if (!c || c->completing_by != agent) return;
    c->completing_by.clear();
    if (!done) return;
    hang_up_agent_leg(self, *c, own_line_key(agent));
    if (c->talking_agent != agent) hang_up_agent_leg(self, *c, agent);
  };
  self->request(c->actor, caf::infinite, api_atom::value, std::string{},
                caf::make_message(consult_end_atom::value, agent, std::string{"complete"}))
      .then(
          [self, leg, uri, finish](api_atom, const std::string& code, const std::string& detail) {
            if (!code.empty())
              say(self,
                  "REFER from leg " + leg + " to " + uri + " refused: " + code + " " + detail);
            self->state.port->transfer_result(leg, code.empty() ? tp::transfer_outcome::done
                                                                : tp::transfer_outcome::refused);
            finish(code.empty());
          },
          [self, leg, uri, finish](caf::error& err) {
            say(self, "REFER from leg " + leg + " to " + uri + " failed: " + to_string(err));
            self->state.port->transfer_result(leg, tp::transfer_outcome::refused);
            finish(false);
          });
}

void on_own_line_gone(tel_self self, const tel_leg& leg, const tp::leg_id&) {
  auto* c = find_call(self, leg.call_id);
  if (!c) return;
  const auto agent = leg.agent.substr(std::string{"line:"}.size());
  c->agent_legs.erase(leg.agent);
  // Completing (REFER) or over already: nothing to undo.
  if (c->completing_by == agent || c->consulting.empty() || c->talking_agent != agent) return;
  say(self, "call " + leg.call_id + ": agent " + agent +
                "'s phone hung up its consultation line: the consultation with " + c->consulting +
                " is cancelled");
  if (c->consult_talking) {
    self->send(c->actor, consult_end_atom::value, agent, std::string{"cancel"});
    return;
  }
  // The target still rings: the offer ends, and its phone stops.
  self->send(c->actor, leg_refused_atom::value, c->consulting, std::string{"cancelled"});
  if (auto target = agent_actor_of(self, c->consulting))
    self->send(target, cancel_atom::value, leg.call_id, std::string{"cancelled"});
}

void own_line_consult_talking(tel_self self, tel_call& c) {
  auto it = c.agent_legs.find(own_line_key(c.talking_agent));
  if (it == c.agent_legs.end()) return;
  auto l = self->state.legs.find(it->second);
  if (l == self->state.legs.end() || l->second.answered) return;
  self->state.port->answer(it->second);
  l->second.answered = true;
}

void own_line_consult_over(tel_self self, tel_call& c) {
  if (!c.completing_by.empty()) return;
  auto it = c.agent_legs.find(own_line_key(c.talking_agent));
  if (it == c.agent_legs.end()) return;
  auto l = self->state.legs.find(it->second);
  if (l != self->state.legs.end() && !l->second.answered)
    self->state.port->reject(it->second, tp::reject_cause::busy); // the colleague did not come
  else
    self->state.port->hang_up(it->second, tp::hangup_cause::normal);
  drop_agent_leg(self, c, own_line_key(c.talking_agent));
}

void consultation_completed(tel_self self, const std::string& call_id, tel_call& c) {
  // A REFER completing it: the lines go after its NOTIFY (on_attended_refer).
  if (c.completing_by != c.talking_agent) {
    hang_up_agent_leg(self, c, c.talking_agent);
    hang_up_agent_leg(self, c, own_line_key(c.talking_agent));
  }
  drop_extras(self, call_id, c);
  c.held = false; // the phone held its caller to consult: the target has it now
}

} // namespace hotline::actors::telephony_flow
