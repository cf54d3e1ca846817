// The telephony actor: transfers, conferences, supervision, a phone's own
// hold and REFER (actors/telephony_actor.hpp has the mapping;
// docs/telephony.md "Transfers, conferences and supervision").
#include "actors/api_request.hpp"
#include "actors/telephony_actor_state.hpp"

namespace hotline::actors::telephony_flow {

namespace {

/// The leg of `key` (an agent id, "ext:<number>") when it is up.
std::optional<tp::leg_id> leg_up(tel_self self, const tel_call& c, const std::string& key) {
  if (key.empty()) return std::nullopt;
  auto it = c.agent_legs.find(key);
  if (it == c.agent_legs.end()) return std::nullopt;
  auto l = self->state.legs.find(it->second);
  if (l == self->state.legs.end() || !l->second.answered) return std::nullopt;
  return it->second;
}

/// Where a number outside the center is reached: the caller's trunk
/// group's peer, else the first configured peer.
std::optional<std::pair<std::string, std::string>> route_out(tel_self self, const tel_call& c) {
  const auto& peers = self->state.opts.trunk_peers;
  auto it = peers.find(c.trunk_in.empty() ? c.trunk : c.trunk_in);
  if (it == peers.end()) it = peers.begin();
  if (it == peers.end()) return std::nullopt;
  return *it;
}

/// Rings a supervisor's phone (its registered contact, else its static one).
void ring_supervisor(tel_self self, const std::string& call_id, tel_call& c,
                     const std::string& supervisor) {
  auto& s = self->state;
  const std::string* contact = s.phones->contact_of(supervisor);
  if (!contact) {
    say(self, "supervisor " + supervisor + " has no phone: call " + call_id +
                  " is supervised without media");
    return;
  }
  tp::ring_request r;
  r.contact = *contact;
  r.caller = c.caller_number;
  r.call_id = call_id;
  auto leg = s.port->ring(r);
  c.agent_legs[supervisor] = leg;
  s.legs[leg] = tel_leg{call_id, supervisor, false, leg_role::supervisor};
}

} // namespace

/// Who hears whom now: the caller and the agent bridged (no decoding)
/// when they are alone; a mix as soon as a conference party or a
/// supervisor is on the line; music to the caller on hold or while its
/// agent consults another (the others still hear each other). A
/// consultation target who answered talks with the agent: bridged to it
/// (or in the mix), never heard by the caller.
void remix(tel_self self, const std::string& call_id, tel_call& c) {
  auto& s = self->state;
  if (c.caller.empty() || !c.caller_answered || c.handed_off) return;
  const bool caller_away = c.held || !c.consulting.empty();
  std::vector<tp::leg_id> group; // each hears all the others
  if (!caller_away) group.push_back(c.caller);
  const auto agent = c.talking ? leg_up(self, c, c.talking_agent) : std::nullopt;
  if (agent) group.push_back(*agent);
  const auto consult = c.consult_talking ? leg_up(self, c, c.consulting) : std::nullopt;
  if (consult) group.push_back(*consult);
  for (const auto& p : c.parties)
    if (auto l = leg_up(self, c, p)) group.push_back(*l);
  const auto sup = leg_up(self, c, c.supervisor);
  const auto mode = c.supervision;
  if (sup && mode == events::supervision_mode::barge) group.push_back(*sup);
  if (caller_away) s.port->play(c.caller, tp::media_kind::music_on_hold);
  if (!sup && c.parties.empty()) {
    if (c.mixing) s.port->mix(tp::mix_request{call_id, {}});
    c.mixing = false;
    if (!caller_away && agent) s.port->bridge(c.caller, *agent);
    // The agent consults from its phone's own second line: that line talks.
    const auto own = leg_up(self, c, own_line_key(c.talking_agent));
    if (caller_away && (own || agent) && consult) s.port->bridge(own ? *own : *agent, *consult);
    return;
  }
  tp::mix_request m{call_id, {}};
  for (const auto& x : group) {
    tp::mix_party p{x, {}};
    for (const auto& y : group)
      if (y != x) p.hears.push_back(y);
    // Whisper: the agent hears the supervisor too; nobody else does.
    if (sup && mode == events::supervision_mode::whisper && agent && x == *agent)
      p.hears.push_back(*sup);
    m.parties.push_back(std::move(p));
  }
  if (sup && mode != events::supervision_mode::barge) m.parties.push_back({*sup, group});
  if (m.parties.size() < 2 && !c.mixing) return;
  c.mixing = m.parties.size() >= 2;
  if (!c.mixing) m.parties.clear();
  s.port->mix(m);
}

/// Hangs an agent's (or a supervisor's, or a far end's) leg of the call up and forgets it.
void hang_up_agent_leg(tel_self self, tel_call& c, const std::string& key) {
  auto it = c.agent_legs.find(key);
  if (it == c.agent_legs.end()) return;
  auto l = self->state.legs.find(it->second);
  const bool up = l != self->state.legs.end() && l->second.answered;
  self->state.port->hang_up(it->second,
                            up ? tp::hangup_cause::normal : tp::hangup_cause::withdrawn);
  drop_agent_leg(self, c, key);
}

/// The supervisor and the conference parties leave (a transfer clears them).
void drop_extras(tel_self self, const std::string& call_id, tel_call& c) {
  if (!c.supervisor.empty()) hang_up_agent_leg(self, c, c.supervisor);
  c.supervisor.clear();
  for (const auto& p : c.parties)
    hang_up_agent_leg(self, c, p);
  c.parties.clear();
  if (c.mixing) self->state.port->mix(tp::mix_request{call_id, {}});
  c.mixing = false;
}

/// Rings `number` through a trunk for the call: a far-end leg keyed "ext:<number>".
std::optional<tp::leg_id> ring_external(tel_self self, const std::string& call_id, tel_call& c,
                                        const std::string& number) {
  auto route = route_out(self, c);
  if (!route) {
    say(self, "call " + call_id + ": no [[sip.trunk]] to reach " + number);
    return std::nullopt;
  }
  tp::ring_request r;
  r.contact = "sip:" + number + "@" + route->second;
  r.caller = c.caller_number;
  r.call_id = call_id;
  r.trunk = route->first;
  auto leg = self->state.port->ring(r);
  c.agent_legs["ext:" + number] = leg;
  self->state.legs[leg] = tel_leg{call_id, "ext:" + number, false, leg_role::far_end};
  return leg;
}

void on_party(tel_self self, const std::string& call_id, const party_change& p) {
  auto* c = find_call(self, call_id);
  if (!c || c->outbound) return;
  using k = party_change::kind;
  switch (p.what) {
  case k::transferred:
    // The first agent's part is over: its phone is hung up; the caller
    // hears music until the target answers (or while it waits in the queue).
    hang_up_agent_leg(self, *c, p.from_agent);
    hang_up_agent_leg(self, *c, own_line_key(p.from_agent));
    drop_extras(self, call_id, *c);
    c->talking = false;
    c->talking_agent.clear();
    c->consulting.clear();
    c->consult_talking = false;
    c->held = false;
    if (p.target_kind == events::transfer_target_kind::external ||
        p.target_kind == events::transfer_target_kind::site)
      c->transfer_to = p.target;
    if (!c->caller.empty() && c->caller_answered)
      self->state.port->play(c->caller, tp::media_kind::music_on_hold);
    return;
  case k::consulting:
    c->consulting = p.agent;
    return remix(self, call_id, *c);
  case k::inviting:
    return; // its phone rings (ringing_atom); the caller stays with the agent
  case k::consultation_talking:
    c->consulting = p.agent;
    c->consult_talking = true;
    own_line_consult_talking(self, *c);
    return remix(self, call_id, *c);
  case k::consultation_ended:
    // Cancelled or the target hung up: its phone goes, the caller is back.
    if (c->consulting == p.agent) {
      hang_up_agent_leg(self, *c, p.agent);
      c->consulting.clear();
      c->consult_talking = false;
    }
    own_line_consult_over(self, *c);
    return remix(self, call_id, *c);
  case k::leg_ended:
    if (c->consulting == p.agent) {
      c->consulting.clear(); // back to the first agent
      own_line_consult_over(self, *c);
      remix(self, call_id, *c);
    }
    return;
  case k::conferenced:
    if (p.agent.empty()) { // an external number: ring it, it joins when it answers
      ring_external(self, call_id, *c, p.target);
      return;
    }
    c->parties.insert(p.agent);
    return remix(self, call_id, *c);
  case k::left:
    c->parties.erase(p.agent);
    hang_up_agent_leg(self, *c, p.agent);
    return remix(self, call_id, *c);
  case k::supervised:
    if (p.mode == events::supervision_mode::stop) {
      if (c->supervisor == p.agent) {
        hang_up_agent_leg(self, *c, p.agent);
        c->supervisor.clear();
      }
      return remix(self, call_id, *c);
    }
    if (c->supervisor != p.agent) {
      if (!c->supervisor.empty()) hang_up_agent_leg(self, *c, c->supervisor);
      c->supervisor = p.agent;
      c->supervision = p.mode;
      ring_supervisor(self, call_id, *c, p.agent);
      return; // it joins the mix when it answers
    }
    c->supervision = p.mode;
    return remix(self, call_id, *c);
  }
}

/// A supervisor's phone or a far end (not the call's own parties) answered.
void on_extra_answered(tel_self self, const tel_leg& leg, const tp::leg_id& id) {
  auto* c = find_call(self, leg.call_id);
  if (!c) return;
  if (c->handed_off) return on_handed_off_leg(self, leg.call_id, *c, id, true);
  if (leg.role == leg_role::far_end) c->parties.insert(leg.agent); // an external party joins
  remix(self, leg.call_id, *c);
}

/// A supervisor's phone or a far end failed or hung up.
void on_extra_gone(tel_self self, const tel_leg& leg, const tp::leg_id& id, bool answered) {
  if (leg.role == leg_role::own_line) return on_own_line_gone(self, leg, id);
  auto* c = find_call(self, leg.call_id);
  if (!c) return;
  if (c->handed_off) return on_handed_off_leg(self, leg.call_id, *c, id, false);
  c->agent_legs.erase(leg.agent);
  if (leg.role == leg_role::supervisor) {
    say(self, "supervisor " + leg.agent + "'s phone " + (answered ? "hung up" : "did not answer") +
                  ": call " + leg.call_id + " supervision stops");
    if (c->supervisor == leg.agent) c->supervisor.clear();
    self->send(c->actor, supervise_atom::value, leg.agent, events::supervision_mode::stop);
  } else {
    say(self, "call " + leg.call_id + ": conference party " + leg.agent.substr(4) +
                  (answered ? " hung up" : " did not answer"));
    // The number joined the conference when it was dialed (docs/acd.md): it leaves.
    c->parties.erase(leg.agent);
    self->send(c->actor, conf_leave_atom::value, leg.agent.substr(4),
               std::string{answered ? "hung_up" : "not_connected"});
  }
  remix(self, leg.call_id, *c);
}

/// After an external transfer the call actor is gone: the caller and the
/// far end talk through the node until either hangs up (`up`: `id` answered).
void on_handed_off_leg(tel_self self, const std::string& call_id, tel_call& c, const tp::leg_id& id,
                       bool up) {
  auto& s = self->state;
  if (up && id == c.far && !c.caller.empty()) {
    s.port->bridge(c.caller, c.far);
    return;
  }
  // Either side is gone: so is the other.
  for (const auto& leg : {c.caller, c.far})
    if (!leg.empty() && leg != id) {
      s.port->hang_up(leg, tp::hangup_cause::normal);
      s.legs.erase(leg);
    }
  s.legs.erase(id);
  s.calls.erase(call_id);
}

/// The phone of the agent talking on the call put it on hold or took it
/// back: the same as the desk's hold and resume.
void on_phone_held(tel_self self, const tp::held& e) {
  auto l = self->state.legs.find(e.leg);
  if (l == self->state.legs.end()) return;
  auto* c = find_call(self, l->second.call_id);
  if (!c) return;
  if (l->second.role != leg_role::party || l->second.agent.empty() || !c->talking ||
      c->talking_agent != l->second.agent) {
    say(self, "call " + l->second.call_id + ": leg " + e.leg + (e.on ? " holds" : " resumes") +
                  " by itself: the call is not changed (only its agent's phone holds it)");
    return;
  }
  if (e.on)
    self->send(c->actor, hold_atom::value, l->second.agent);
  else
    self->send(c->actor, resume_atom::value, l->second.agent);
}

/// REFER from the agent's phone: a blind transfer, as the API's. The
/// target is an entry point's number (its queue), an agent id, or else a
/// number outside (through the trunk).
void on_transfer_requested(tel_self self, const tp::transfer_requested& e) {
  if (!e.replaces.empty()) return on_attended_refer(self, e); // telephony_phone_calls.cpp
  auto& s = self->state;
  auto l = s.legs.find(e.leg);
  auto* c = l == s.legs.end() ? nullptr : find_call(self, l->second.call_id);
  if (!c || l->second.role != leg_role::party || l->second.agent.empty() || !c->talking ||
      c->talking_agent != l->second.agent || c->outbound) {
    say(self, "REFER from leg " + e.leg + " to " + e.uri +
                  " refused: only the phone of the agent talking on an inbound call transfers it");
    s.port->transfer_result(e.leg, tp::transfer_outcome::refused);
    return;
  }
  transfer_request r;
  r.from_agent = l->second.agent;
  r.mode = events::transfer_mode::blind;
  r.reason = "REFER from the agent's phone";
  if (const auto* entry = s.ctx->find_entry(e.target); entry && !entry->queue.empty()) {
    r.target_kind = events::transfer_target_kind::queue;
    r.target = entry->queue;
  } else if (s.ctx->find_agent(e.target)) {
    r.target_kind = events::transfer_target_kind::agent;
    r.target = e.target;
  } else if (!e.target.empty() && e.target.find_first_not_of("+0123456789") == std::string::npos) {
    r.target_kind = events::transfer_target_kind::external;
    r.target = e.target;
  } else {
    say(self, "REFER from leg " + e.leg + " to " + e.uri + " refused: '" + e.target +
                  "' is no entry point, agent or number");
    s.port->transfer_result(e.leg, tp::transfer_outcome::not_found);
    return;
  }
  auto port = s.port;
  auto leg = e.leg;
  auto uri = e.uri;
  self->request(c->actor, caf::infinite, api_atom::value, std::string{},
                caf::make_message(transfer_atom::value, r))
      .then(
          [self, port, leg, uri](api_atom, const std::string& code, const std::string& detail) {
            if (!code.empty())
              say(self,
                  "REFER from leg " + leg + " to " + uri + " refused: " + code + " " + detail);
            port->transfer_result(leg, code.empty()               ? tp::transfer_outcome::done
                                       : code == "unknown_target" ? tp::transfer_outcome::not_found
                                                                  : tp::transfer_outcome::refused);
          },
          [self, port, leg, uri](caf::error& err) {
            say(self, "REFER from leg " + leg + " to " + uri + " failed: " + to_string(err));
            port->transfer_result(leg, tp::transfer_outcome::refused);
          });
}

} // namespace hotline::actors::telephony_flow
