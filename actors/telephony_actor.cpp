#include "actors/telephony_actor.hpp"

#include <optional>

#include "actors/agent_phones.hpp"
#include "actors/api_request.hpp"
#include "actors/call_actor.hpp"
#include "actors/call_recordings.hpp"
#include "actors/telephony_actor_state.hpp"
#include "events/acd/queue_announcement.hpp"
#include "events/codec.hpp"

namespace hotline::actors {

namespace {

using namespace telephony_flow;

// -- the stack's events -----------------------------------------------------------------

void on_incoming(tel_self self, const tp::incoming& e) {
  auto& s = self->state;
  if (!e.agent.empty()) return on_phone_call(self, e); // telephony_phone_calls.cpp
  const auto* entry = s.ctx->find_entry(e.to);
  if (!entry) {
    say(self, "leg " + e.leg + " from " + e.from + " dialed " + e.to +
                  ": no entry point has this number");
    s.port->reject(e.leg, tp::reject_cause::not_found);
    return;
  }
  call_request req;
  req.call_id = s.opts.call_id_prefix + e.leg;
  req.caller = e.from;
  req.dialed = e.to;
  req.over_rate = e.over_rate;
  if (!e.trunk.empty()) req.attached["sip.trunk"] = e.trunk;
  tel_call c;
  c.caller = e.leg;
  c.caller_number = e.from;
  c.trunk_in = e.trunk;
  s.legs[e.leg] = tel_leg{req.call_id, {}, false};
  c.actor = spawn_call(self->home_system(), s.ctx, req);
  s.calls.emplace(req.call_id, std::move(c));
}

/// Tells an outbound call what became of its far end, once.
void tell_far_end(tel_self self, tel_call& c, const std::string& result) {
  if (c.far_end_told) return;
  if (result != "ringing") c.far_end_told = true;
  if (result != "ringing") c.far_end_said = result;
  self->send(c.actor, far_end_atom::value, result);
}

/// The agent who dials answered their phone: now the far end rings.
void ring_far_end(tel_self self, const std::string& call_id, tel_call& c) {
  auto& s = self->state;
  auto peer = s.opts.trunk_peers.find(c.trunk);
  if (peer == s.opts.trunk_peers.end()) {
    say(self, "call " + call_id + " to " + c.number + ": trunk group '" + c.trunk +
                  "' has no SIP peer ([[sip.trunk]]): unreachable");
    c.no_peer = true;
    return tell_far_end(self, c, "unreachable");
  }
  tp::ring_request r;
  r.contact = "sip:" + c.number + "@" + peer->second;
  r.caller = c.dialing_agent;
  r.call_id = call_id;
  r.trunk = c.trunk;
  c.caller = s.port->ring(r);
  s.legs[c.caller] = tel_leg{call_id, {}, false};
  self->delayed_send(self, std::chrono::seconds(s.opts.outbound_ring_timeout_s),
                     ring_timeout_atom::value, call_id, c.caller);
}

void on_answered(tel_self self, const tp::answered& e) {
  auto l = self->state.legs.find(e.leg);
  if (l == self->state.legs.end()) return;
  l->second.answered = true;
  if (l->second.role != leg_role::party) return on_extra_answered(self, l->second, e.leg);
  auto* c = find_call(self, l->second.call_id);
  if (c && c->outbound) {
    if (!l->second.agent.empty()) {
      if (!c->caller.empty() || c->far_end_told) return;
      if (c->callback) self->send(c->actor, far_end_atom::value, std::string{"dialing"});
      ring_far_end(self, l->second.call_id, *c);
      return;
    }
    // The far end answered: the two talk; the call connects its agent.
    c->caller_answered = true;
    if (auto it = c->agent_legs.find(c->dialing_agent); it != c->agent_legs.end()) {
      auto a = self->state.legs.find(it->second); // a phone-placed call's own INVITE: now 200
      if (c->phone_placed && a != self->state.legs.end() && !a->second.answered) {
        self->state.port->answer(it->second);
        a->second.answered = true;
      }
      self->state.port->bridge(c->caller, it->second);
    }
    tell_far_end(self, *c, "answered");
    return;
  }
  if (l->second.agent.empty()) return;
  if (auto a = agent_actor_of(self, l->second.agent))
    self->send(a, answer_atom::value, l->second.call_id);
}

std::string far_end_result(tp::failure_cause cause) {
  return std::string{tp::to_string(cause)}; // busy | rejected | no_answer | unreachable
}

void on_failed(tel_self self, const tp::failed& e) {
  auto l = self->state.legs.find(e.leg);
  if (l == self->state.legs.end()) return;
  auto leg = l->second;
  self->state.legs.erase(l);
  if (leg.role != leg_role::party) return on_extra_gone(self, leg, e.leg, false);
  auto* c = find_call(self, leg.call_id);
  if (c) c->agent_legs.erase(leg.agent);
  if (c && c->outbound && !(c->callback && !leg.agent.empty())) {
    say(self, "call " + leg.call_id + ": " +
                  (leg.agent.empty() ? "far end " + c->number : "agent " + leg.agent + "'s phone") +
                  " " + std::string{tp::to_string(e.cause)} +
                  (e.code ? " (" + std::to_string(e.code) + ")" : ""));
    if (leg.agent.empty()) c->caller.clear();
    tell_far_end(self, *c, leg.agent.empty() ? far_end_result(e.cause) : "agent_unreachable");
    return;
  }
  if (leg.agent.empty()) return;
  auto a = agent_actor_of(self, leg.agent);
  if (!a) return;
  switch (e.cause) {
  case tp::failure_cause::busy:
    self->send(a, busy_atom::value, leg.call_id);
    break;
  case tp::failure_cause::rejected:
  case tp::failure_cause::unreachable:
    say(self, "agent " + leg.agent + "'s phone " + std::string{tp::to_string(e.cause)} +
                  (e.code ? " (" + std::to_string(e.code) + ")" : "") + " for call " + leg.call_id);
    self->send(a, reject_atom::value, leg.call_id);
    break;
  case tp::failure_cause::no_answer:
    break; // the queue's ring timeout decides what comes next
  }
}

void on_ended(tel_self self, const tp::ended& e) {
  auto l = self->state.legs.find(e.leg);
  if (l == self->state.legs.end()) return;
  auto leg = l->second;
  self->state.legs.erase(l);
  if (leg.role != leg_role::party) return on_extra_gone(self, leg, e.leg, true);
  auto* c = find_call(self, leg.call_id);
  if (!c) return;
  if (c->handed_off) return on_handed_off_leg(self, leg.call_id, *c, e.leg, false);
  if (leg.agent.empty()) {
    c->caller.clear();
    if (on_message_caller_gone(self, *c)) return; // the message ends with the hang-up
    if (c->talking) // a caller lost (no ACK) is told apart from one who hung up
      self->send(c->actor, hangup_atom::value,
                 std::string{e.by == tp::ended_by::lost ? "caller_lost" : "caller"});
    else if (c->outbound) // answered, BYE before the call connected: hang up once it has
      c->far_end_gone = true;
    else
      self->send(c->actor, abandon_atom::value);
    return;
  }
  c->agent_legs.erase(leg.agent);
  if (c->outbound && !c->talking && !c->caller_answered) {
    // The agent hung up before the far end answered: CANCEL it.
    if (!c->caller.empty()) {
      self->state.port->hang_up(c->caller, tp::hangup_cause::withdrawn);
      self->state.legs.erase(c->caller);
      c->caller.clear();
    }
    if (c->callback) return callback_agent_gone(self, leg.call_id, *c, leg.agent);
    tell_far_end(self, *c, "cancelled");
    return;
  }
  auto a = agent_actor_of(self, leg.agent);
  if (!a) return;
  if (c->talking && c->talking_agent == leg.agent)
    self->send(a, hangup_atom::value, leg.call_id);
  else if (c->parties.count(leg.agent)) // a conference party hung up: it leaves
    self->send(a, hangup_atom::value, leg.call_id);
  else if (c->consulting == leg.agent && leg.answered) // the consultation ends
    self->send(a, hangup_atom::value, leg.call_id);
  else if (!leg.answered)
    self->send(a, reject_atom::value, leg.call_id);
}

// -- outbound calls ---------------------------------------------------------------------

/// An agent's phone rings: the ACD recorded that already. An outbound
/// call's far end rings: the call records it.
void on_leg_ringing(tel_self self, const tp::ringing& e) {
  auto l = self->state.legs.find(e.leg);
  if (l == self->state.legs.end() || !l->second.agent.empty()) return;
  auto* c = find_call(self, l->second.call_id);
  if (c && c->outbound) tell_far_end(self, *c, "ringing");
}

/// An agent dials out: ring the agent's own phone first (it shows the number).
void on_dial(tel_self self, const caf::actor& call, const std::string& call_id,
             const std::string& agent_id, const std::string& number, const std::string& trunk) {
  auto& s = self->state;
  if (auto* placed = find_call(self, call_id)) {
    // The agent's phone placed it (telephony_phone_calls.cpp): its INVITE
    // is the agent's answered leg; the far end rings now, unless the phone
    // cancelled meanwhile.
    if (!placed->phone_placed || std::exchange(placed->dial_heard, true)) return;
    placed->trunk = trunk;
    if (!placed->agent_legs.count(agent_id))
      return self->send(call, far_end_atom::value, std::string{"cancelled"});
    return ring_far_end(self, call_id, *placed);
  }
  const std::string* contact = s.phones->contact_of(agent_id);
  if (!contact) {
    // No phone (a simulated agent, a desktop without one): telephony does
    // not carry this call; it connects as without telephony.
    if (s.ctx->observer) self->send(s.ctx->observer, release_atom::value, call_id);
    self->send(call, far_end_atom::value, std::string{"no_phone"});
    return;
  }
  tel_call c;
  c.actor = call;
  c.outbound = true;
  c.dialing_agent = agent_id;
  c.number = number;
  c.trunk = trunk;
  c.caller_number = number;
  auto& placed = s.calls.emplace(call_id, std::move(c)).first->second;
  ring_agent_phone(self, call_id, placed, agent_id, *contact, number);
}

/// The far end rang `outbound_ring_timeout_s` without answering.
void on_far_end_timeout(tel_self self, const std::string& call_id, const tp::leg_id& leg) {
  auto* c = find_call(self, call_id);
  if (!c || c->caller != leg || c->caller_answered || c->far_end_told) return;
  self->state.port->hang_up(leg, tp::hangup_cause::withdrawn);
  self->state.legs.erase(leg);
  c->caller.clear();
  say(self, "call " + call_id + ": far end " + c->number + " did not answer in " +
                std::to_string(self->state.opts.outbound_ring_timeout_s) + " s");
  tell_far_end(self, *c, "no_answer");
}

void on_peer_health(tel_self self, const std::string& trunk, const std::string& peer, bool up,
                    const std::string& reason) {
  auto t = self->state.ctx->trunks.find(trunk);
  if (t == self->state.ctx->trunks.end()) return;
  self->send(t->second, peer_health_atom::value, peer, up, reason);
}

// -- registrations ----------------------------------------------------------------------

void on_registered(tel_self self, const tp::registered& e) {
  // A phone makes the agent available, like a static queue member.
  if (self->state.phones->registered(e))
    if (auto a = agent_actor_of(self, e.agent))
      self->send(a, login_atom::value, std::vector<std::string>{});
}

void on_unregistered(tel_self self, const tp::unregistered& e) {
  if (self->state.phones->unregistered(e))
    if (auto a = agent_actor_of(self, e.agent))
      self->send(a, logout_atom::value, std::string{"phone_unregistered"});
}

// -- the ACD's notifications ------------------------------------------------------------

void on_queued(tel_self self, const std::string& call_id, const std::string& queue) {
  auto* c = find_call(self, call_id);
  if (c) c->queue = queue;
  if (!c || c->caller.empty() || c->talking) return;
  if (self->state.opts.music_on_hold)
    self->state.port->play(c->caller, tp::media_kind::music_on_hold);
}

void on_announce(tel_self self, const std::string& call_id, int position, std::int64_t ewt_ms) {
  auto* c = find_call(self, call_id);
  if (!c || c->caller.empty() || c->talking || !self->state.opts.announcements) return;
  self->state.port->announce(c->caller, events::acd::queue_announcement(position, ewt_ms));
}

void on_ringing(tel_self self, const std::string& agent_id, const std::string& call_id) {
  auto& s = self->state;
  auto* c = find_call(self, call_id);
  if (!c) return;
  // A registered phone first, else the static one.
  const auto* contact = s.phones->contact_of(agent_id);
  if (!contact && s.opts.simulated_agents.count(agent_id)) {
    // The simulator's agent picks up after a moment, as it would its own calls.
    if (c->simulated_ringing.insert(agent_id).second)
      self->delayed_send(self, s.opts.simulated_answer_after, answer_atom::value, agent_id,
                         call_id);
    return;
  }
  if (!contact) {
    say(self, "agent " + agent_id + " has no phone: call " + call_id + " cannot ring it");
    if (auto a = agent_actor_of(self, agent_id)) self->send(a, reject_atom::value, call_id);
    return;
  }
  if (c->agent_legs.count(agent_id)) return; // rings already
  ring_agent_phone(self, call_id, *c, agent_id, *contact, c->caller_number);
}

void on_ring_stopped(tel_self self, const std::string& agent_id, const std::string& call_id) {
  auto* c = find_call(self, call_id);
  if (!c) return;
  c->simulated_ringing.erase(agent_id); // its answer, if still to come, is not sent
  if (c->talking && c->talking_agent == agent_id) return;
  if (c->callback) stop_dial_back(self, *c, agent_id);
  if (agent_id == c->dialing_agent && reject_phone_leg(self, call_id, *c, std::nullopt)) return;
  auto it = c->agent_legs.find(agent_id);
  if (it == c->agent_legs.end()) return;
  // An outbound call's agent answered already (its far end never did): BYE.
  auto l = self->state.legs.find(it->second);
  const bool up = l != self->state.legs.end() && l->second.answered;
  self->state.port->hang_up(it->second,
                            up ? tp::hangup_cause::normal : tp::hangup_cause::withdrawn);
  drop_agent_leg(self, *c, agent_id);
}

void on_talking(tel_self self, const std::string& call_id, const std::string& agent_id) {
  auto& s = self->state;
  auto* c = find_call(self, call_id);
  if (!c) return;
  if (c->talking && !c->talking_agent.empty() && c->talking_agent != agent_id) {
    // A consultation completed: the target takes the caller.
    consultation_completed(self, call_id, *c);
  }
  c->consulting.clear();
  c->consult_talking = false;
  c->talking = true;
  c->talking_agent = agent_id;
  if (c->far_end_gone) {
    self->send(c->actor, hangup_atom::value, std::string{"caller"});
    return;
  }
  if (c->simulated_ringing.erase(agent_id) && !c->caller.empty()) {
    // A simulated agent took the call: the caller's line is answered and
    // carries the music (the demo has no voices) until the agent hangs up.
    c->simulated_ringing.clear();
    if (!c->caller_answered) {
      s.port->answer(c->caller);
      c->caller_answered = true;
      if (auto l = s.legs.find(c->caller); l != s.legs.end()) l->second.answered = true;
    }
    s.port->play(c->caller, tp::media_kind::music_on_hold);
    self->delayed_send(self, s.opts.simulated_talk, hangup_atom::value, agent_id, call_id);
    return;
  }
  auto it = c->agent_legs.find(agent_id);
  if (c->caller.empty() || it == c->agent_legs.end()) return;
  if (!c->caller_answered) {
    s.port->answer(c->caller);
    c->caller_answered = true;
    if (auto l = s.legs.find(c->caller); l != s.legs.end()) l->second.answered = true;
  }
  s.port->bridge(c->caller, it->second);
  s.recordings->bridged(call_id, c->queue, agent_id, c->caller, it->second);
}

/// On hold the caller hears the music (the bridge is broken: the agent
/// hears nothing; in a conference the others still hear each other);
/// taken back, the caller is bridged (or mixed) again.
void on_held(tel_self self, const std::string& call_id, const std::string&, bool on) {
  auto* c = find_call(self, call_id);
  if (!c) return;
  c->held = on;
  remix(self, call_id, *c);
}

void on_off_line(tel_self self, const std::string& call_id) {
  auto* c = find_call(self, call_id);
  if (!c || c->caller.empty()) return;
  self->state.port->hang_up(c->caller, tp::hangup_cause::off_line);
  self->state.legs.erase(c->caller);
  c->caller.clear();
}

void on_call_ended(tel_self self, const std::string& call_id, events::call_outcome outcome) {
  auto& s = self->state;
  auto it = s.calls.find(call_id);
  if (it == s.calls.end()) return;
  auto& c = it->second;
  s.recordings->call_ended(call_id);
  if (!c.ivr_session.empty()) s.ivr_sessions.erase(c.ivr_session);
  if (outcome == events::call_outcome::transferred_out && !c.transfer_to.empty() &&
      !c.caller.empty() && c.caller_answered && !c.outbound) {
    // Transferred out of the center: the node rings the number through a
    // trunk and carries the caller to it after the call actor is gone.
    for (const auto& [agent, leg] : c.agent_legs) {
      s.port->hang_up(leg, tp::hangup_cause::normal);
      s.legs.erase(leg);
    }
    c.agent_legs.clear();
    c.handed_off = true;
    if (auto far = ring_external(self, call_id, c, c.transfer_to)) {
      c.far = *far;
      return;
    }
    s.port->hang_up(c.caller, tp::hangup_cause::normal);
    s.legs.erase(c.caller);
    s.calls.erase(it);
    return;
  }
  if (!c.caller.empty() && c.outbound) {
    s.port->hang_up(c.caller,
                    c.caller_answered ? tp::hangup_cause::normal : tp::hangup_cause::withdrawn);
    s.legs.erase(c.caller);
  } else if (!c.caller.empty()) {
    if (c.caller_answered)
      s.port->hang_up(c.caller, tp::hangup_cause::normal);
    else if (outcome == events::call_outcome::blocked)
      s.port->reject(c.caller, tp::reject_cause::unavailable, s.opts.retry_after_s);
    else if (outcome == events::call_outcome::refused)
      s.port->reject(c.caller, tp::reject_cause::busy);
    else
      s.port->hang_up(c.caller, tp::hangup_cause::normal);
    s.legs.erase(c.caller);
  }
  reject_phone_leg(self, call_id, c, outcome);
  for (const auto& [agent, leg] : c.agent_legs) {
    auto l = s.legs.find(leg);
    bool up = l != s.legs.end() && l->second.answered;
    s.port->hang_up(leg, up ? tp::hangup_cause::normal : tp::hangup_cause::withdrawn);
    s.legs.erase(leg);
  }
  s.calls.erase(it);
}

struct event_handler {
  tel_self self;
  void operator()(const tp::incoming& e) const { on_incoming(self, e); }
  void operator()(const tp::ringing& e) const { on_leg_ringing(self, e); }
  void operator()(const tp::answered& e) const { on_answered(self, e); }
  void operator()(const tp::failed& e) const { on_failed(self, e); }
  void operator()(const tp::ended& e) const { on_ended(self, e); }
  void operator()(const tp::dtmf& e) const {
    if (!on_ivr_dtmf(self, e)) say(self, "ignored " + tp::describe(e));
  }
  void operator()(const tp::prompt_played& e) const { on_prompt_played(self, e); }
  void operator()(const tp::message_recorded& e) const { on_message_recorded(self, e); }
  void operator()(const tp::registered& e) const { on_registered(self, e); }
  void operator()(const tp::unregistered& e) const { on_unregistered(self, e); }
  void operator()(const tp::trunk_peer_down& e) const {
    say(self, "trunk " + e.trunk + " peer " + e.peer + " down: " + e.reason);
    on_peer_health(self, e.trunk, e.peer, false, e.reason);
  }
  void operator()(const tp::trunk_peer_up& e) const {
    on_peer_health(self, e.trunk, e.peer, true, "");
  }
  void operator()(const tp::recording_done& e) const { self->state.recordings->done(e); }
  void operator()(const tp::held& e) const { on_phone_held(self, e); }
  void operator()(const tp::transfer_requested& e) const { on_transfer_requested(self, e); }
};

caf::behavior telephony_actor(tel_self self, std::shared_ptr<acd_context> ctx, tp::telephony* port,
                              telephony_options opts) {
  auto& s = self->state;
  s.ctx = std::move(ctx);
  s.port = port;
  s.opts = std::move(opts);
  s.recordings = std::make_unique<call_recordings>(
      s.ctx->store, s.port, s.opts.recordings_dir,
      [ctx = s.ctx](const std::string& queue) {
        return std::make_pair(ctx->find_queue(queue), ctx->tenant_of_queue(queue));
      },
      s.opts.log);
  s.phones = std::make_unique<agent_phones>(
      s.ctx->store, s.opts.phones,
      [ctx = s.ctx](const std::string& agent_id) -> std::optional<std::string> {
        const auto* a = ctx->find_agent(agent_id);
        return a ? std::optional{a->tenant} : std::nullopt;
      },
      s.opts.log);
  // Agents with a static phone or one registered before a restart: logged in and ready.
  for (const auto& agent_id : s.phones->start(s.opts.restored_phones, s.opts.lapsed_phones))
    if (auto a = agent_actor_of(self, agent_id))
      self->send(a, login_atom::value, std::vector<std::string>{});
  return {
      [=](caf::ok_atom) {}, // the start signal (telephony_actor.hpp)
      [=](const tp::telephony_event& e) { std::visit(event_handler{self}, e); },
      [=](queued_atom, const std::string& call_id, const std::string& queue) {
        on_queued(self, call_id, queue);
      },
      [=](announce_atom, const std::string& call_id, int position, std::int64_t ewt_ms) {
        on_announce(self, call_id, position, ewt_ms);
      },
      // The node API: (recording_atom, call, agent, pause) from the agent or a supervisor.
      [=](api_atom, const std::string& user, caf::message& inner) {
        auto rp = self->make_response_promise();
        if (!inner.match_elements<recording_atom, std::string, std::string, bool>())
          return refuse_api(rp, "unknown_command",
                            "telephony takes recording pause and resume only: " + to_string(inner));
        const auto& call_id = inner.get_as<std::string>(1);
        const auto* c = find_call(self, call_id);
        auto no = self->state.recordings->pause(call_id, inner.get_as<std::string>(2),
                                                c && c->talking ? c->talking_agent : "",
                                                inner.get_as<bool>(3), user);
        refuse_api(rp, no ? no->code : "", no ? no->detail : "");
      },
      [=](tivr_open_atom, const std::string& call_id, const std::string& session,
          ports::ivr_media_sink& sink) { on_ivr_open(self, call_id, session, std::move(sink)); },
      [=](tivr_play_atom, const std::string& session, const ports::ivr_prompt& p) {
        on_ivr_play(self, session, p);
      },
      [=](tivr_audio_atom, const std::string& session, std::uint64_t step, bool interruptible,
          const ivr_audio& a) { on_ivr_audio(self, session, step, interruptible, a); },
      [=](tivr_close_atom, const std::string& session) { on_ivr_close(self, session); },
      [=](take_message_atom, const std::string& call_id, const std::string& mailbox) {
        on_take_message(self, call_id, mailbox, self->make_response_promise());
      },
      [=](ringing_atom, const std::string& agent_id, const std::string& call_id) {
        on_ringing(self, agent_id, call_id);
      },
      [=](ring_stopped_atom, const std::string& agent_id, const std::string& call_id,
          const std::string&) { on_ring_stopped(self, agent_id, call_id); },
      [=](talking_atom, const std::string& call_id, const std::string& agent_id) {
        on_talking(self, call_id, agent_id);
      },
      [=](ended_atom, const std::string& call_id, events::call_outcome outcome) {
        on_call_ended(self, call_id, outcome);
      },
      [=](off_line_atom, const std::string& call_id) { on_off_line(self, call_id); },
      [=](held_atom, const std::string& call_id, const std::string& agent_id, bool on) {
        on_held(self, call_id, agent_id, on);
      },
      [=](party_atom, const std::string& call_id, const party_change& p) {
        on_party(self, call_id, p);
      },
      // A simulated agent's answer and hang-up, when their time comes.
      [=](answer_atom, const std::string& agent_id, const std::string& call_id) {
        auto* c = find_call(self, call_id);
        if (!c || !c->simulated_ringing.count(agent_id)) return; // withdrawn meanwhile
        if (auto a = agent_actor_of(self, agent_id)) self->send(a, answer_atom::value, call_id);
      },
      [=](hangup_atom, const std::string& agent_id, const std::string& call_id) {
        auto* c = find_call(self, call_id);
        if (!c || !c->talking || c->talking_agent != agent_id) return; // over already
        if (auto a = agent_actor_of(self, agent_id)) self->send(a, hangup_atom::value, call_id);
      },
      [=](dial_atom, const std::string& call_id, const std::string& agent_id,
          const std::string& number, const std::string& trunk) {
        on_dial(self, caf::actor_cast<caf::actor>(self->current_sender()), call_id, agent_id,
                number, trunk);
      },
      [=](dial_back_atom, const std::string& call_id, const std::string& agent_id,
          const std::string& number, const std::string& trunk) {
        on_dial_back(self, caf::actor_cast<caf::actor>(self->current_sender()), call_id, agent_id,
                     number, trunk);
      },
      [=](ring_timeout_atom, const std::string& call_id, const std::string& leg) {
        on_far_end_timeout(self, call_id, leg);
      },
      [=](callback_offered_atom, const std::string&, const std::string&) {
      }, // no IVR yet to offer it
      [=](rejected_atom, const std::string&, const std::string&) {},
  };
}

} // namespace

namespace telephony_flow {

void ring_agent_phone(tel_self self, const std::string& call_id, tel_call& c,
                      const std::string& agent_id, const std::string& contact,
                      const std::string& shown) {
  tp::ring_request r;
  r.contact = contact;
  r.caller = shown;
  r.call_id = call_id;
  auto leg = self->state.port->ring(r);
  c.agent_legs[agent_id] = leg;
  self->state.legs[leg] = tel_leg{call_id, agent_id, false};
}

} // namespace telephony_flow

caf::actor spawn_telephony(caf::actor_system& sys, std::shared_ptr<acd_context> ctx,
                           ports::telephony* port, telephony_options opts) {
  return sys.spawn<caf::lazy_init>(telephony_actor, std::move(ctx), port, std::move(opts));
}

ports::telephony_sink telephony_sink_for(caf::actor telephony) {
  return [telephony](ports::telephony_event e) { caf::anon_send(telephony, std::move(e)); };
}

} // namespace hotline::actors
