// The call actor: transfers, conferences, supervision and their second legs
// (actors/call_actor_state.hpp; docs/acd.md, "Transfers, conferences and
// supervision"). Commands from a desktop are recorded as caused by that
// agent; the checks are events/acd/call_rules.hpp's.
#include <algorithm>
#include <chrono>

#include "actors/call_actor_state.hpp"
#include "events/acd/call_rules.hpp"

namespace hotline::actors::call_flow {

namespace acd = events::acd;
namespace call = events::acd::call;

namespace {

/// A refusal found against the configuration (unknown target), audited like
/// the deciders' own.
void refuse(call_self self, const std::string& agent_id, const std::string& command,
            const events::acd::config_refusal& no) {
  auto& s = self->state;
  s.last_refusal = events::rejection{no.code, no.detail};
  audit_rejection(*s.ctx, s.entity->stream(), command, no.code, no.detail, s.tenant,
                  events::principal::agent(agent_id), now_of(self));
}

/// Tells the observer (telephony) who is on the call's media now.
void tell_parties(call_self self, party_change::kind what, const std::string& agent,
                  const std::string& from_agent = {}) {
  party_change p;
  p.what = what;
  p.agent = agent;
  p.from_agent = from_agent;
  notify(self, party_atom::value, self->state.req.call_id, std::move(p));
}

/// The call.offered of a leg is recorded: ring the agent and time the ring.
void ring_leg(call_self self, const std::string& kind, const std::string& from,
              const std::string& agent_id, const std::string& reason) {
  auto& s = self->state;
  auto a = s.ctx->agents.at(agent_id);
  s.leg_kind = kind;
  s.leg_agent = agent_id;
  s.leg_from = from;
  s.leg_reason = reason;
  s.offers[agent_id] = a;
  std::string queue_id = s.queue ? s.queue->id : "";
  const auto channel = s.entity->state().channel;
  self->send(
      a, leg_atom::value,
      leg_request{s.req.call_id, kind, queue_id, channel, caf::actor_cast<caf::actor>(self)});
  self->delayed_send(self, std::chrono::milliseconds(acd::leg_ring_ms(s.queue)),
                     leg_timeout_atom::value, agent_id, s.entity->state().attempts);
  if (kind == "consult" || kind == "conference")
    tell_parties(self,
                 kind == "consult" ? party_change::kind::consulting : party_change::kind::inviting,
                 agent_id, from);
}

/// The leg ended without an answer (`why`): a blind transfer falls back to a
/// queue; a consultation or an invitation leaves the call with its agent.
void leg_failed(call_self self, const std::string& agent_id, const std::string& why) {
  auto& s = self->state;
  s.offers.erase(agent_id);
  auto kind = s.leg_kind;
  s.leg_kind.clear();
  s.leg_agent.clear();
  if (kind == "transfer")
    join(self, s.fallback_queue, "transfer fallback: " + agent_id + " " + why);
  else if (!kind.empty())
    tell_parties(self, party_change::kind::leg_ended, agent_id);
}

/// Ends the leg offer to `agent_id` with `why`, then `after`.
void end_leg(call_self self, const std::string& agent_id, const std::string& why,
             std::function<void()> after) {
  auto refused = exec(self, call::end_offer{agent_id, why, now_of(self)}, "end_offer", [=] {
    if (after) after();
    leg_failed(self, agent_id, why);
  });
  if (refused) leg_failed(self, agent_id, why);
}

/// A transfer is recorded: the transferring agent goes to after-call work;
/// a consultation still ringing and the conference parties are let go; the
/// call goes where the transfer sends it.
void transferred(call_self self, const transfer_request& r, const call::state& before,
                 const std::string& fallback) {
  auto& s = self->state;
  const auto& call_id = s.req.call_id;
  if (auto a = s.ctx->agents.get(before.agent_id))
    self->send(a, end_call_atom::value, call_id, wrap_up_for(self, before.agent_id));
  for (auto& [id, agent] : s.offers)
    self->send(agent, cancel_atom::value, call_id, std::string{"cancelled"});
  s.offers.clear();
  s.leg_kind.clear();
  s.leg_agent.clear();
  release_parties(self, before.conference_parties, true);
  s.agent = caf::actor{};
  party_change p;
  p.what = party_change::kind::transferred;
  p.from_agent = before.agent_id;
  p.target_kind = r.target_kind;
  p.target = r.target;
  notify(self, party_atom::value, call_id, std::move(p));
  std::string why = "transfer from " + r.from_agent + (r.reason.empty() ? "" : ": " + r.reason);
  if (r.target_kind == events::transfer_target_kind::queue) {
    join(self, r.target, why);
  } else if (r.target_kind == events::transfer_target_kind::agent) {
    s.fallback_queue = fallback;
    exec_as(self, r.from_agent,
            call::offer{r.target, acd::leg_ring_ms(s.queue), "blind " + why, now_of(self)}, "offer",
            [self, r] { ring_leg(self, "transfer", r.from_agent, r.target, r.reason); });
  } else {
    finish(self, "transferred_out");
  }
}

} // namespace

void on_transfer(call_self self, const transfer_request& r) {
  auto& s = self->state;
  const auto* ctx = s.ctx.get();
  // Checked against the configuration first (call_rules.hpp: check_transfer).
  const auto fallback = acd::transfer_fallback_queue(r.fallback_queue, s.queue);
  if (auto no = acd::check_transfer(
          r.target_kind, r.target, r.mode, fallback,
          [&](const std::string& q) { return ctx->queue_actor(q) != nullptr; },
          [&](const std::string& a) { return ctx->agents.contains(a); })) {
    refuse(self, r.from_agent, "transfer", no);
    return;
  }
  if (r.target_kind == events::transfer_target_kind::agent &&
      r.mode == events::transfer_mode::consultative) {
    // The same transfer again, to the target the agent talks with: complete it.
    if (s.entity->state().consultation == r.target)
      return on_consult_end(self, r.from_agent, "complete");
    // The agent stays on the call while the target rings.
    auto cmd = call::consult{r.from_agent, r.target,    "transfer", acd::leg_ring_ms(s.queue),
                             r.reason,     now_of(self)};
    exec_as(self, r.from_agent, cmd, "consult",
            [self, r] { ring_leg(self, "consult", r.from_agent, r.target, r.reason); });
    return;
  }
  auto before = s.entity->state();
  auto cmd = call::transfer{r.mode, r.from_agent, r.target_kind, r.target, now_of(self), r.reason};
  exec_as(self, r.from_agent, cmd, "transfer",
          [self, r, before, fallback] { transferred(self, r, before, fallback); });
}

void on_conference(call_self self, const conference_request& r) {
  auto& s = self->state;
  if (auto no = acd::check_conference(
          r.party_kind, r.party, [&](const std::string& a) { return s.ctx->agents.contains(a); })) {
    refuse(self, r.from_agent, "conference", no);
    return;
  }
  if (r.party_kind == "agent") {
    auto cmd = call::consult{r.from_agent, r.party,     "conference", acd::leg_ring_ms(s.queue),
                             r.reason,     now_of(self)};
    exec_as(self, r.from_agent, cmd, "consult",
            [self, r] { ring_leg(self, "conference", r.from_agent, r.party, r.reason); });
  } else { // external
    exec_as(self, r.from_agent, call::conference{r.from_agent, r.party, now_of(self)}, "conference",
            [self, r] {
              party_change p;
              p.what = party_change::kind::conferenced;
              p.from_agent = r.from_agent;
              p.target_kind = events::transfer_target_kind::external;
              p.target = r.party;
              notify(self, party_atom::value, self->state.req.call_id, std::move(p));
            });
  }
}

void on_conference_leave(call_self self, const std::string& party, const std::string& reason) {
  exec(self, call::leave_conference{party, reason, now_of(self)}, "leave_conference",
       [self, party] {
         if (auto a = self->state.ctx->agents.get(party))
           self->send(a, end_call_atom::value, self->state.req.call_id, wrap_up_for(self, party));
         tell_parties(self, party_change::kind::left, party);
       });
}

void on_supervise(call_self self, const std::string& supervisor_id, events::supervision_mode mode) {
  if (auto no = acd::check_supervisor(supervisor_id, self->state.ctx->find_agent(supervisor_id))) {
    refuse(self, supervisor_id, "supervise", no);
    return;
  }
  exec_as(self, supervisor_id, call::supervise{supervisor_id, mode, now_of(self)}, "supervise",
          [self, supervisor_id, mode] {
            party_change p;
            p.what = party_change::kind::supervised;
            p.agent = supervisor_id;
            p.mode = mode;
            notify(self, party_atom::value, self->state.req.call_id, std::move(p));
          });
}

// The leg's agent refused it (its phone was busy, or it rejected it).
void on_leg_refused(call_self self, const std::string& agent_id, const std::string& why) {
  if (self->state.leg_agent != agent_id) return;
  end_leg(self, agent_id, why, {});
}

void on_leg_timeout(call_self self, const std::string& agent_id, std::int32_t attempt) {
  auto& s = self->state;
  if (s.leg_agent != agent_id) return;
  const auto& offers = s.entity->state().offers;
  if (std::none_of(offers.begin(), offers.end(),
                   [&](const auto& o) { return o.agent_id == agent_id && o.attempt == attempt; }))
    return;
  auto agent = s.offers[agent_id];
  end_leg(self, agent_id, "no_answer", [self, agent] {
    self->send(agent, ring_timeout_atom::value, self->state.req.call_id,
               self->state.queue ? self->state.queue->max_no_answer : 0);
  });
}

void on_leg_answer(call_self self, const std::string& agent_id) {
  auto& s = self->state;
  caf::actor agent = s.ctx->agents.get(agent_id);
  // The leg ended before the answer arrived: the agent is not on this call.
  auto drop = [self, agent] {
    if (agent) self->send(agent, end_call_atom::value, self->state.req.call_id, std::int64_t{0});
  };
  if (s.leg_agent != agent_id || !agent) {
    drop();
    return;
  }
  auto kind = s.leg_kind;
  auto from = s.entity->state().agent_id;
  s.leg_kind.clear();
  s.leg_agent.clear();
  s.offers.erase(agent_id);
  auto connected = [self, agent, agent_id] {
    self->state.agent = agent;
    notify(self, talking_atom::value, self->state.req.call_id, agent_id);
  };
  std::optional<events::rejection> refused;
  if (kind == "transfer") { // blind: the target simply answers
    refused = exec(self, call::connect{agent_id, now_of(self)}, "connect", connected);
  } else if (kind == "consult") { // the two agents talk; the caller waits on hold
    s.consult_reason = s.leg_reason;
    refused = exec(self, call::start_consultation{agent_id, now_of(self)}, "start_consultation",
                   [self, agent, agent_id, from] {
                     self->state.consult_agent = agent;
                     tell_parties(self, party_change::kind::consultation_talking, agent_id, from);
                   });
  } else { // conference: a third party on the line
    refused = exec_as(self, s.leg_from, call::conference{from, agent_id, now_of(self)},
                      "conference", [self, agent_id, from] {
                        tell_parties(self, party_change::kind::conferenced, agent_id, from);
                      });
  }
  if (refused) drop();
}

bool hang_up_completes_consultation(call_self self, const std::string& by) {
  const auto& now = self->state.entity->state();
  if (by != "agent" || !call::in_consultation(now)) return false;
  on_consult_end(self, now.agent_id, "complete");
  return true;
}

void release_consult_agent(call_self self) {
  auto& s = self->state;
  if (!s.consult_agent) return;
  self->send(s.consult_agent, end_call_atom::value, s.req.call_id, std::int64_t{0});
  s.consult_agent = caf::actor{};
}

void on_consult_end(call_self self, const std::string& agent_id, const std::string& what) {
  auto& s = self->state;
  const auto& now = s.entity->state();
  if (what == "target_hung_up" && now.consultation != agent_id) {
    // The target took the call since (its agent still calls it a consultation leg).
    if (now.agent_id == agent_id && call::is_connected(now)) on_hangup(self, "agent");
    return;
  }
  if (what == "complete") {
    if (!call::in_consultation(now)) {
      refuse(self, agent_id, "transfer",
             {"no_consultation", "call " + s.req.call_id + " has no consultation to complete"});
      return;
    }
    const auto target = now.consultation;
    const auto parties = now.conference_parties;
    auto cmd = call::transfer{events::transfer_mode::consultative,
                              agent_id,
                              events::transfer_target_kind::agent,
                              target,
                              now_of(self),
                              s.consult_reason};
    exec_as(self, agent_id, cmd, "transfer", [self, agent_id, target, parties] {
      auto& st = self->state;
      if (auto first = st.ctx->agents.get(agent_id))
        self->send(first, end_call_atom::value, st.req.call_id, wrap_up_for(self, agent_id));
      release_parties(self, parties, true);
      st.agent = st.consult_agent;
      st.consult_agent = caf::actor{};
      // Telephony hangs the first agent's phone up and bridges the caller to the target.
      notify(self, talking_atom::value, st.req.call_id, target);
    });
    return;
  }
  if (what != "cancel" && what != "target_hung_up") {
    refuse(self, agent_id, "end_consultation",
           {"invalid_argument",
            "a consultation ends by complete, cancel or target_hung_up, not '" + what + "'"});
    return;
  }
  const auto target = now.consultation;
  auto cmd = call::end_consultation{agent_id, what == "cancel" ? "cancelled" : what, now_of(self)};
  auto then = [self, target] {
    release_consult_agent(self);
    tell_parties(self, party_change::kind::consultation_ended, target);
  };
  if (what == "cancel")
    exec_as(self, agent_id, cmd, "end_consultation", then);
  else
    exec(self, cmd, "end_consultation", then);
}

} // namespace hotline::actors::call_flow
