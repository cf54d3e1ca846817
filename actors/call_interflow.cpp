// The call actor: moving a call to another site, both sides
// (actors/call_actor_state.hpp; docs/federation.md). The origin offers the
// call and keeps it queued until the other site accepts; the other site
// holds an agent, then lands the call in its queue.
#include <chrono>

#include "actors/call_actor_state.hpp"
#include "actors/refusal.hpp"

namespace hotline::actors::call_flow {

namespace call = events::acd::call;
namespace fed = events::federation;

namespace {

/// A message about this call to another site.
fed::message to_site(call_self self, fed::message_kind kind, const std::string& site,
                     const std::string& offer_id, std::string reason = {}) {
  fed::message m;
  m.kind = kind;
  m.offer_id = offer_id;
  m.call_id = self->state.req.call_id;
  m.correlation_id = self->state.corr.to_string();
  m.to_site = site;
  m.reason = std::move(reason);
  return m;
}

/// An offer or a transfer: the call as the other site needs to know it.
fed::message describe(call_self self, fed::message_kind kind, const std::string& site,
                      const std::string& offer_id) {
  const auto& cs = self->state.entity->state();
  auto m = to_site(self, kind, site, offer_id);
  m.queue = cs.queue;
  m.priority = cs.priority;
  m.channel = cs.channel;
  m.caller = cs.caller;
  m.dialed = cs.dialed;
  m.customer_id = cs.customer_id;
  m.waited_ms = call::waited_ms(cs, now_of(self));
  m.attached = cs.attached;
  return m;
}

/// Through the federation actor, once what the call recorded is on disk.
void send_fed(call_self self, fed::message m) {
  self->state.entity->send_durable(self->state.ctx->federation, fed_send_atom::value, std::move(m));
}

/// The federation actor forgets the offer.
void offer_done(call_self self, const std::string& offer_id, const std::string& site,
                const std::string& reason) {
  self->state.entity->send_durable(self->state.ctx->federation, offer_done_atom::value, offer_id,
                                   site, reason);
}

/// Origin: queue the call here again after a failed move.
void come_back(call_self self, const std::string& why, bool withdraw) {
  auto& s = self->state;
  auto offer_id = s.out_offer_id;
  auto site = s.entity->state().remote_site;
  exec(self, call::return_from_remote{why, now_of(self)}, "return_from_remote",
       [self, why, withdraw, offer_id, site] {
         auto& s = self->state;
         if (withdraw)
           send_fed(self, to_site(self, fed::message_kind::withdraw, site, offer_id, why));
         offer_done(self, offer_id, site, why);
         s.out_offer_id.clear();
         if (s.queue) join(self, s.queue->id, "returned from site " + site + " (" + why + ")");
       });
}

/// Remote side: the offer is over before the call landed; the held agent goes back.
void give_up_hold(call_self self, const std::string& reason) {
  auto& s = self->state;
  const auto& inbound = *s.req.interflow_offer;
  if (s.held_agent)
    self->send(s.held_agent, cancel_atom::value, s.req.call_id, "interflow_" + reason);
  offer_done(self, inbound.offer_id, inbound.from_site, reason);
  self->quit();
}

/// Remote side: the offer is refused.
void deny(call_self self, const std::string& reason) {
  const auto& inbound = *self->state.req.interflow_offer;
  send_fed(self,
           to_site(self, fed::message_kind::deny, inbound.from_site, inbound.offer_id, reason));
  give_up_hold(self, reason);
}

/// Remote side: the origin transferred the call; it arrives, queues, and
/// rings the agent held for it.
void land(call_self self, const fed::message& m) {
  auto attached = m.attached;
  for (const auto& [k, v] : m.crm)
    attached[k] = v;
  attached["interflow.origin"] = m.from_site;
  attached["interflow.offer"] = m.offer_id;
  self->state.landed = true;
  exec(self,
       call::arrive{self->state.req.call_id, m.channel, events::call_direction::inbound, m.caller,
                    m.dialed, m.customer_id, attached, "", now_of(self)},
       "arrive", [self, m] {
         auto& s = self->state;
         s.base_priority = m.priority;
         s.after_enqueue = [self, m] {
           auto& s = self->state;
           auto ring_ms = s.queue ? s.queue->ring_timeout_ms : 0;
           exec(self,
                call::offer{s.held_agent_id, ring_ms,
                            "reserved for the interflow from site " + m.from_site, now_of(self)},
                "offer", [self, m, ring_ms] {
                  auto& s = self->state;
                  s.offers[s.held_agent_id] = s.held_agent;
                  self->send(s.held_agent, ring_atom::value, s.req.call_id);
                  if (ring_ms > 0)
                    self->delayed_send(self, std::chrono::milliseconds(ring_ms),
                                       ring_timeout_atom::value, s.held_agent_id,
                                       s.entity->state().attempts);
                  send_fed(self, to_site(self, fed::message_kind::landed, m.from_site, m.offer_id));
                });
         };
         join(self, m.queue, "interflow from site " + m.from_site);
       });
}

/// Origin: the other site accepted, with an agent held: move the call there.
void accepted(call_self self, const fed::message& m) {
  auto& s = self->state;
  const auto& cs = s.entity->state();
  auto refused =
      exec(self, call::interflow{m.offer_id, m.agent_id, now_of(self)}, "interflow", [self, m] {
        auto& s = self->state;
        const auto* ctx = s.ctx.get();
        if (s.joined && s.queue_actor)
          self->send(s.queue_actor, leave_atom::value, s.req.call_id, std::string{"interflowed"});
        s.joined = false;
        ++s.wait_generation;
        const auto& cs = s.entity->state();
        auto t = describe(self, fed::message_kind::transfer, m.from_site, m.offer_id);
        if (ctx->crm_context && !cs.customer_id.empty())
          t.crm = ctx->crm_context(s.tenant, cs.customer_id);
        send_fed(self, std::move(t));
        s.entity->send_durable(ctx->federation, moving_atom::value, m.offer_id, m.from_site);
        self->delayed_send(self, std::chrono::milliseconds(ctx->interflow.landing_timeout_ms),
                           landing_timeout_atom::value, m.offer_id);
      });
  if (refused && refused->code != "interflowing") {
    // Answered here meanwhile, gone, or too late: free the remote agent.
    send_fed(self,
             to_site(self, fed::message_kind::release, m.from_site, m.offer_id, refused->code));
    if (cs.remote_offer_id == m.offer_id)
      exec(self, call::remote_denied{m.offer_id, refused->code, now_of(self)}, "remote_denied");
    if (s.out_offer_id == m.offer_id) s.out_offer_id.clear();
    offer_done(self, m.offer_id, m.from_site, refused->code);
  }
}

/// The origin took the call back: drop this copy (also after a restart of
/// this node, when the call came back from its stream).
void withdrawn(call_self self, const fed::message& m) {
  auto& s = self->state;
  const auto& cs = s.entity->state();
  auto offer = cs.attached.find("interflow.offer");
  if (call::is_terminal(cs) || cs.at == call::phase::none || offer == cs.attached.end() ||
      offer->second != m.offer_id)
    return;
  auto agent = s.agent;
  exec(self,
       call::finish{events::call_outcome::interflow_withdrawn,
                    "origin " + m.from_site + ": " + m.reason, now_of(self)},
       "finish", [self, agent] {
         if (agent)
           self->send(agent, end_call_atom::value, self->state.req.call_id, std::int64_t{0});
         finish(self, "interflow_withdrawn");
       });
}

} // namespace

void hold_for_remote(call_self self) {
  auto& s = self->state;
  const auto& inbound = *s.req.interflow_offer;
  const auto* qa = s.ctx->queue_actor(inbound.queue);
  if (!qa) {
    deny(self, "unknown_queue");
    return;
  }
  self->request(*qa, std::chrono::seconds(2), reserve_remote_atom::value, s.req.call_id,
                caf::actor_cast<caf::actor>(self))
      .then([self](const std::string& agent_id) { self->state.held_agent_id = agent_id; },
            [self](caf::error& err) {
              const auto code = refusal_code(err);
              deny(self, code == "local_calls_waiting" || code == "no_agent"
                             ? code
                             : std::string{"unavailable"});
            });
}

// The agent is held for us: tell the origin, and wait for the call.
void on_remote_agent_held(call_self self, const offer_info& o) {
  auto& s = self->state;
  const auto& inbound = *s.req.interflow_offer;
  s.held_agent = o.agent;
  s.held_agent_id = o.agent_id;
  auto hold_ms = s.ctx->interflow.landing_timeout_ms + s.ctx->interflow.reservation_timeout_ms;
  auto m = to_site(self, fed::message_kind::accept, inbound.from_site, inbound.offer_id);
  m.agent_id = o.agent_id;
  m.hold_ms = hold_ms;
  send_fed(self, std::move(m));
  self->delayed_send(self, std::chrono::milliseconds(hold_ms), landing_timeout_atom::value,
                     inbound.offer_id);
}

void on_remote_hold_lost(call_self self, const std::string& code) {
  const auto& inbound = *self->state.req.interflow_offer;
  send_fed(self, to_site(self, fed::message_kind::deny, inbound.from_site, inbound.offer_id,
                         "agent_busy: " + code));
  self->state.held_agent = {};
  give_up_hold(self, "agent_busy");
}

void on_interflow(call_self self, const std::string& site, const std::string& offer_id,
                  const std::string& reason) {
  auto refused = exec(self, call::offer_remote{site, offer_id, reason, now_of(self)},
                      "offer_remote", [self, site, offer_id] {
                        auto& s = self->state;
                        const auto timeout_ms = s.ctx->interflow.reservation_timeout_ms;
                        s.out_offer_id = offer_id;
                        auto m = describe(self, fed::message_kind::offer, site, offer_id);
                        m.expires_at_ns = now_of(self) + ms_to_ns(timeout_ms);
                        send_fed(self, std::move(m));
                        self->delayed_send(self, std::chrono::milliseconds(timeout_ms),
                                           remote_timeout_atom::value, offer_id);
                      });
  if (refused) offer_done(self, offer_id, site, refused->code);
}

void on_remote_timeout(call_self self, const std::string& offer_id) {
  const auto& cs = self->state.entity->state();
  if (cs.remote_offer_id != offer_id || cs.at == call::phase::interflowing) return;
  auto site = cs.remote_site;
  exec(self, call::remote_denied{offer_id, "timeout", now_of(self)}, "remote_denied",
       [self, site, offer_id] {
         // It may still reserve an agent for us: let it go.
         send_fed(self, to_site(self, fed::message_kind::release, site, offer_id, "timeout"));
         offer_done(self, offer_id, site, "timeout");
         self->state.out_offer_id.clear();
       });
}

void on_remote_reply(call_self self, const fed::message& m) {
  auto& s = self->state;
  using k = fed::message_kind;
  const auto& cs = s.entity->state();
  if (m.kind == k::withdraw) {
    withdrawn(self, m);
  } else if (s.req.interflow_offer) { // remote side
    if (m.kind == k::transfer && !s.landed)
      land(self, m);
    else if (m.kind == k::release && !s.landed)
      give_up_hold(self, "released");
  } else if (m.kind == k::accept) {
    accepted(self, m);
  } else if (m.kind == k::deny) {
    exec(self, call::remote_denied{m.offer_id, m.reason, now_of(self)}, "remote_denied");
    if (s.out_offer_id == m.offer_id) s.out_offer_id.clear();
    offer_done(self, m.offer_id, m.from_site, "denied");
  } else if (m.kind == k::landed) {
    if (cs.at != call::phase::interflowing || cs.remote_offer_id != m.offer_id) return;
    exec(self,
         call::finish{events::call_outcome::interflowed, "landed at site " + m.from_site,
                      now_of(self)},
         "finish", [self, m] {
           self->state.out_offer_id.clear();
           offer_done(self, m.offer_id, m.from_site, "landed");
           finish(self, "interflowed");
         });
  } else if (m.kind == k::bounce) {
    if (cs.at == call::phase::interflowing && cs.remote_offer_id == m.offer_id)
      come_back(self, "bounced: " + m.reason, false);
  }
}

void on_landing_timeout(call_self self, const std::string& offer_id) {
  auto& s = self->state;
  if (s.req.interflow_offer) { // remote side: the held agent waited long enough
    if (!s.landed) give_up_hold(self, "hold_expired");
    return;
  }
  const auto& cs = s.entity->state();
  if (cs.at == call::phase::interflowing && cs.remote_offer_id == offer_id)
    come_back(self, "landing_timeout", true);
}

void on_site_lost(call_self self, const std::string& site) {
  const auto& cs = self->state.entity->state();
  if (cs.at == call::phase::interflowing && cs.remote_site == site)
    come_back(self, "site_lost", true);
}

void release_remote_offers(call_self self, const std::string& leave_reason) {
  auto& s = self->state;
  if (!s.out_offer_id.empty() && leave_reason != "interflowed") {
    // An offer still out there: the other site may hold an agent for us.
    const auto& site = s.entity->state().remote_site;
    send_fed(self, to_site(self, fed::message_kind::release, site, s.out_offer_id,
                           "call_" + leave_reason));
    offer_done(self, s.out_offer_id, site, "call_ended");
  }
  if (const auto& inbound = s.req.interflow_offer)
    offer_done(self, inbound->offer_id, inbound->from_site, "call_ended");
}

} // namespace hotline::actors::call_flow
