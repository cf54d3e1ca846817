#include "actors/call_actor.hpp"

#include <optional>
#include <set>

#include "actors/refusal.hpp"
#include "actors/shell.hpp"
#include "events/acd/call_rules.hpp"
#include "events/acd/deciders.hpp"
#include "events/acd/widening.hpp"

namespace hotline::actors {

namespace {

namespace acd = events::acd;
namespace call = events::acd::call;

struct call_actor_state {
  std::unique_ptr<shell<events::acd::call_decider>> entity;
  std::string tenant;
  std::string trunk_group;
  int channel = 0; ///< seized trunk channel (0: none)
  const events::queue_definition* queue = nullptr;
  const events::queue_definition* placed_for =
      nullptr; ///< a call an agent places: the queue it is made for
  caf::actor queue_actor;
  bool joined = false;
  bool joining = false;                     ///< a join request is on its way to queue_actor
  std::uint64_t wait_generation = 0;        ///< invalidates timers of an earlier wait
  std::map<std::string, caf::actor> offers; ///< agent id -> agent actor, offers in flight
  caf::actor agent;                         ///< connected agent
  std::string agent_id;
  std::int32_t priority = 0;
  std::string preferred_agent;
  // multi-site interflow (actors/federation_actor.hpp)
  std::string out_offer_id; ///< origin: remote offer pending or call moving (at the call state's
                            ///< remote_site); outlives the decider's pending offer, which a local
                            ///< answer clears
  caf::actor held_agent;    ///< remote side: the agent held for the landing call
  std::string held_agent_id;
  bool landed = false;                 ///< remote side: the call arrived here
  std::function<void()> after_enqueue; ///< once, after the next call.queued commits
  // A second leg ringing (transfers, consultations, conferences): one at a time.
  std::string leg_kind; ///< transfer (blind, to an agent) | consult | conference; empty: none
  std::string leg_agent;
  std::string leg_from; ///< the agent who asked
  std::string leg_reason;
  std::string fallback_queue; ///< a blind transfer to an agent that fails goes here
  // What every handler needs, owned here once. The handlers and helpers
  // below capture raw pointers to these: a helper is copied into every
  // closure that calls it, and copies of shared_ptrs, strings and
  // std::functions in ~60 closures made building a call actor's behavior a
  // third of a simulated call's cost.
  std::shared_ptr<const acd_context> ctx;
  call_request req;
  events::principal who;
  events::event_id corr; ///< call_correlation(req.call_id): every event of the call carries it
  std::function<void(const std::string&, const std::string&)> join; ///< (queue id, reason)
  std::function<void(const std::string&)> overflow;                 ///< (why)
  std::function<void(std::uint64_t, std::int64_t)> wait_timers;     ///< (generation, waited ms)
};

// Helpers the handlers call with only `self` captured, reaching
// everything else through the state, since every captured value is copied
// into the behavior of every call actor, and 100,000 calls may wait at once.
using call_self = caf::stateful_actor<call_actor_state>*;

std::int64_t now_of(call_self self) {
  return self->state.ctx->store.clock->now_ns();
}

/// Decides and records `cmd` for the call, caused by `who` (see shell::exec).
std::optional<events::rejection> exec_call(call_self self, const call::command& cmd,
                                           const std::string& name, const events::principal& who,
                                           std::function<void()> then = {}) {
  auto& s = self->state;
  return s.entity->exec(cmd, now_of(self), name, s.tenant, who, s.corr, std::move(then));
}

/// The offer to `agent_id` goes nowhere (the call stopped waiting, or left
/// the line): the agent lets go of its reservation, and the queue may offer
/// the call again.
void withdraw_offer(call_self self, const caf::actor& agent, const std::string& agent_id) {
  auto& s = self->state;
  self->send(agent, cancel_atom::value, s.req.call_id, std::string{"cancelled"});
  if (s.joined) self->send(s.queue_actor, offer_failed_atom::value, s.req.call_id, agent_id);
}

/// Every offer of the call goes nowhere (withdraw_offer each).
void withdraw_offers(call_self self) {
  auto& s = self->state;
  for (auto& [agent_id, agent] : s.offers)
    withdraw_offer(self, agent, agent_id);
  s.offers.clear();
}

/// After-call work of `agent_id` for this call: the agent's own setting
/// wins over the queue's (the queue it waited in, or the one a call the
/// agent placed was made for); 0 without either.
std::int64_t wrap_up_for(call_self self, const std::string& agent_id) {
  const auto& s = self->state;
  const auto* q = s.queue ? s.queue : s.placed_for;
  const auto* a = s.ctx->find_agent(agent_id);
  return q && a ? events::acd::agent::effective_wrap_up_ms(*a, *q) : 0;
}

/// The call's trunk channel, if it holds one, goes back to its group (-1: a
/// recovered call; the group finds the channel by call id).
void release_channel(call_self self) {
  auto& s = self->state;
  if (s.channel == 0) return;
  if (auto t = s.ctx->trunks.find(s.trunk_group); t != s.ctx->trunks.end())
    self->send(t->second, release_atom::value, s.req.call_id, std::max(s.channel, 0), s.tenant);
  s.channel = 0;
}

/// A call back's agent did not take it (call_offer_ended from
/// callback_dialing): it waits again in its place. The line dialed for it
/// goes back, and the timers of its wait run again (a widening step due
/// while it was being dialed applies now).
void callback_waits_again(call_self self) {
  auto& s = self->state;
  release_channel(self);
  if (!s.queue) return;
  auto gen = ++s.wait_generation;
  s.wait_timers(gen, call::waited_ms(s.entity->state(), now_of(self)));
}

/// The caller leaves the line for a call back (overflow, or its choice):
/// agents ringing for it let go (the queue offers the call again for the
/// call back), and its trunk channel is free.
void leave_line(call_self self) {
  auto& s = self->state;
  const auto& call_id = s.req.call_id;
  s.entity->send_durable(s.ctx->observer, off_line_atom::value, call_id);
  if (s.joined)
    self->send(s.queue_actor, off_line_atom::value, call_id); // its agent rings only at the dial
  withdraw_offers(self);
  release_channel(self);
}

/// The agent the call rings refused it (rejected, or its phone was busy):
/// the offer ends, and the queue offers the call again.
void offer_refused(call_self self, const std::string& agent_id, const std::string& why) {
  self->state.offers.erase(agent_id);
  exec_call(self, call::end_offer{agent_id, why, now_of(self)}, "end_offer", self->state.who,
            [self, agent_id] {
              auto& s = self->state;
              // A call back's agent let it go: it waits again, in its place, and
              // the line dialed for it is free until the next agent.
              if (call::status_of(s.entity->state()) == call::status::callback_waiting)
                callback_waits_again(self);
              if (s.joined)
                self->send(s.queue_actor, offer_failed_atom::value, s.req.call_id, agent_id);
            });
}

caf::behavior call_actor(caf::stateful_actor<call_actor_state>* self,
                         std::shared_ptr<const acd_context> shared_ctx, call_request request) {
  auto& st = self->state;
  st.ctx = std::move(shared_ctx);
  st.req = std::move(request);
  st.who = events::principal::system("acd");
  // Raw pointers into the state (see call_actor_state): cheap to capture.
  const acd_context* const ctx = st.ctx.get();
  const call_request* const req = &st.req;
  if (ctx->root)
    ctx->registered->track(self, ctx->root, ctx->registered); // not a link: see actor_registry.hpp
  st.entity = std::make_unique<shell<events::acd::call_decider>>(
      self, *ctx, call::stream_name(req->call_id), call::initial_state(req->call_id));
  st.corr = call_correlation(req->call_id);
  auto now = [ctx] { return ctx->store.clock->now_ns(); };
  const bool placed = !req->placed_by.empty();
  const auto* entry = req->queue.empty() && !placed ? ctx->center.find_entry(req->dialed) : nullptr;
  st.tenant = entry ? entry->tenant : "";
  if (!req->queue.empty())
    if (const auto* q = ctx->find_queue(req->queue)) st.tenant = q->tenant;
  st.trunk_group =
      entry && req->channel == events::contact_channel::voice ? entry->trunk_group : "";
  if (placed) {
    // An agent dials out (call_request::placed_by): for the queue named,
    // else the agent's first; its outbound group carries the call.
    st.req.direction = events::call_direction::outbound;
    const auto* a = ctx->find_agent(req->placed_by);
    st.placed_for = ctx->find_queue(!req->queue.empty()       ? std::string_view{req->queue}
                                    : a && !a->queues.empty() ? std::string_view{a->queues.front()}
                                                              : std::string_view{});
    if (st.placed_for)
      st.tenant = st.placed_for->tenant;
    else if (a)
      st.tenant = a->tenant;
    st.trunk_group = st.placed_for && req->channel == events::contact_channel::voice
                         ? st.placed_for->outbound_trunk_group
                         : "";
  }
  st.preferred_agent = req->preferred_agent;

  auto exec = [self](const call::command& cmd, const std::string& name,
                     std::function<void()> then = {}) {
    return exec_call(self, cmd, name, self->state.who, std::move(then));
  };
  // What leaves the node waits for the disk (entity_log.hpp).
  auto notify = [=](auto... xs) { self->state.entity->send_durable(ctx->observer, xs...); };
  auto wrap_for = [self](const std::string& agent_id) { return wrap_up_for(self, agent_id); };
  // Conference parties who are agents leave with `parties` (the call's list before it changed).
  auto release_parties = [=](const std::vector<std::string>& parties, bool wrap_up) {
    for (const auto& p : parties)
      if (auto a = ctx->agents.get(p))
        self->send(a, end_call_atom::value, req->call_id, wrap_up ? wrap_for(p) : std::int64_t{0});
  };
  // Everything the call holds is let go when it ends.
  // A message about this call to another site, through the federation actor.
  auto to_site = [=](events::federation::message_kind kind, const std::string& site,
                     const std::string& offer_id, std::string reason = {}) {
    events::federation::message m;
    m.kind = kind;
    m.offer_id = offer_id;
    m.call_id = req->call_id;
    m.correlation_id = self->state.corr.to_string();
    m.to_site = site;
    m.reason = std::move(reason);
    return m;
  };
  // An offer or a transfer: the call as the other site needs to know it.
  auto describe = [=](events::federation::message_kind kind, const std::string& site,
                      const std::string& offer_id) {
    const auto& cs = self->state.entity->state();
    auto m = to_site(kind, site, offer_id);
    m.queue = cs.queue;
    m.priority = cs.priority;
    m.channel = cs.channel;
    m.caller = cs.caller;
    m.dialed = cs.dialed;
    m.customer_id = cs.customer_id;
    m.waited_ms = events::acd::call::waited_ms(cs, now());
    m.attached = cs.attached;
    return m;
  };
  auto send_fed = [=](events::federation::message m) {
    self->state.entity->send_durable(ctx->federation, fed_send_atom::value, std::move(m));
  };
  auto offer_done = [=](const std::string& offer_id, const std::string& site,
                        const std::string& reason) {
    self->state.entity->send_durable(ctx->federation, offer_done_atom::value, offer_id, site,
                                     reason);
  };
  auto finish = [=](const std::string& leave_reason) {
    auto& s = self->state;
    if (!s.out_offer_id.empty() && leave_reason != "interflowed") {
      // An offer still out there: the other site may hold an agent for us.
      send_fed(to_site(events::federation::message_kind::release, s.entity->state().remote_site,
                       s.out_offer_id, "call_" + leave_reason));
      offer_done(s.out_offer_id, s.entity->state().remote_site, "call_ended");
    }
    if (req->interflow_offer)
      offer_done(req->interflow_offer->offer_id, req->interflow_offer->from_site, "call_ended");
    release_parties(s.entity->state().conference_parties,
                    s.entity->state().outcome != events::call_outcome::node_restart);
    for (auto& [agent_id, agent] : s.offers)
      self->send(agent, cancel_atom::value, req->call_id, std::string{"cancelled"});
    s.offers.clear();
    // Joined, or a join on its way (the queue adds the call before it
    // reads this): the queue lets the call go.
    if ((s.joined || s.joining) && s.queue_actor)
      self->send(s.queue_actor, leave_atom::value, req->call_id, leave_reason);
    s.joined = false;
    s.joining = false;
    release_channel(self);
    const auto& cs = s.entity->state();
    notify(ended_atom::value, req->call_id, cs.outcome);
    self->quit();
  };
  auto end_with = [=](events::call_outcome outcome, const std::string& reason) {
    exec(call::finish{outcome, reason, now()}, "finish",
         [=] { finish(std::string{events::to_wire(outcome)}); });
  };

  // The timers of a wait in the current queue, `waited_ms` into it.
  // (events/acd/call_rules.hpp: wait_timers).
  st.wait_timers = [=](std::uint64_t gen, std::int64_t waited_ms) {
    using k = acd::wait_timer::kind;
    for (const auto& t : acd::wait_timers(*self->state.queue, waited_ms,
                                          self->state.entity->state().widening_step)) {
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
  };

  // Joins `queue_id`; `reason` is recorded on call.queued.
  auto join = [self](const std::string& queue_id, const std::string& reason) {
    self->state.join(queue_id, reason);
  };
  st.join = [=](const std::string& queue_id, const std::string& reason) {
    auto& s = self->state;
    s.queue = ctx->find_queue(queue_id);
    auto qa = ctx->queues.find(queue_id);
    if (!s.queue || qa == ctx->queues.end()) {
      end_with(events::call_outcome::refused, "unknown_queue");
      return;
    }
    s.queue_actor = qa->second;
    auto prio = acd::priority_for(s.priority, req->caller, ctx->center.find_tenant(s.queue->tenant),
                                  *s.queue);
    auto t = now();
    std::int64_t preferred_until = s.preferred_agent.empty() || s.queue->preferred_agent_ms <= 0
                                       ? 0
                                       : t + ms_to_ns(s.queue->preferred_agent_ms);
    s.joining = true;
    self->request(s.queue_actor, caf::infinite, join_atom::value,
                  join_request{req->call_id, prio, req->customer_id, s.preferred_agent,
                               preferred_until, caf::actor_cast<caf::actor>(self), s.held_agent_id})
        .then(
            [=](joined_atom, int position, std::int64_t ewt_ms) {
              auto& s = self->state;
              s.joining = false;
              s.joined = true;
              auto gen = ++s.wait_generation;
              auto refused = exec(call::enqueue{queue_id, prio, position,
                                                std::max<std::int64_t>(ewt_ms, 0), reason, now()},
                                  "enqueue", [=] {
                                    notify(queued_atom::value, req->call_id, queue_id);
                                    if (auto then = std::exchange(self->state.after_enqueue, {}))
                                      then();
                                  });
              if (refused) return;
              self->state.wait_timers(gen, 0);
            },
            [=](caf::error& err) {
              self->state.joining = false;
              auto code = refusal_code(err); // a broken queue: its error, as it reads
              self->state.overflow(code.empty() ? self->home_system().render(err) : code);
            });
  };
  // Nobody can answer here: the queue's overflow rule decides.
  st.overflow = [=](const std::string& why) {
    auto& s = self->state;
    const auto reason = acd::overflow_reason_of(why);
    if (!s.queue) {
      end_with(events::call_outcome::refused, reason);
      return;
    }
    const auto& q = *s.queue;
    const auto decision = acd::overflow_for(
        q, s.joined, [&](const std::string& id) { return ctx->find_queue(id) != nullptr; });
    using k = acd::overflow_decision::kind;
    if (decision.what == k::to_queue) {
      auto target = decision.target;
      auto from = q.id;
      exec(call::overflow{"queue", target, reason, now()}, "overflow", [=] {
        auto& s = self->state;
        for (auto& [a, agent] : s.offers)
          self->send(agent, cancel_atom::value, req->call_id, std::string{"cancelled"});
        s.offers.clear();
        if (s.joined)
          self->send(s.queue_actor, leave_atom::value, req->call_id, std::string{"overflowed"});
        s.joined = false;
        join(target, "overflow from " + from);
      });
    } else if (decision.what == k::voicemail) {
      exec(call::overflow{"voicemail", "", reason, now()}, "overflow",
           [=] { finish("overflowed"); });
    } else if (decision.what == k::callback) {
      // The caller leaves the line and keeps the place; the call stays in the queue.
      exec(call::overflow{"callback", "", reason, now()}, "overflow", [self] { leave_line(self); });
    } else {
      end_with(events::call_outcome::refused, reason);
    }
  };

  // Arrival: seize a trunk channel (voice), then queue.
  auto route = [=] {
    auto& s = self->state;
    if (!req->placed_by.empty()) {
      // The line is up: reserve the agent who dials (offer_atom answers for it).
      auto agent = ctx->agents.get(req->placed_by);
      if (!agent) {
        s.overflow("unknown_agent"); // no queue joined: ends refused
        return;
      }
      s.offers[req->placed_by] = agent; // an end before the answer lets it go
      reserve_request r;
      r.call_id = req->call_id;
      r.queue = s.placed_for ? s.placed_for->id : "";
      r.channel = req->channel;
      r.reason = "placed by the agent";
      r.call = caf::actor_cast<caf::actor>(self);
      r.queue_actor = r.call;
      r.placed = true;
      self->send(agent, reserve_atom::value, std::move(r));
      return;
    }
    if (!req->queue.empty()) {
      join(req->queue, "direct");
      return;
    }
    if (!entry) {
      end_with(events::call_outcome::refused, "no_entry_point");
      return;
    }
    s.priority = entry->priority;
    join(entry->queue, "entry " + entry->dialed);
  };
  // After a node restart: rebuild from the stream; the call decider says
  // what the restart did to it (call::recover_after_restart): it waits
  // again, with its place, or it ends and lets go of what it held.
  auto recover = [=] {
    auto& s = self->state;
    if (!s.entity->recover()) return;
    const auto& cs = s.entity->state();
    if (cs.at == call::phase::none) {
      self->quit();
      return;
    }
    if (const auto* e = ctx->center.find_entry(cs.dialed)) s.tenant = e->tenant;
    // The queue that found the call in its list (req->queue) holds it even
    // if the call's own call.queued did not reach the store.
    const auto& queue_id = cs.queue.empty() ? req->queue : cs.queue;
    if (const auto* q = ctx->find_queue(queue_id)) {
      s.queue = q;
      if (s.tenant.empty()) s.tenant = q->tenant;
      if (auto qa = ctx->queues.find(queue_id); qa != ctx->queues.end()) s.queue_actor = qa->second;
    }
    s.trunk_group = cs.trunk_group;
    if (!s.trunk_group.empty() && call::status_of(cs) != call::status::callback_waiting)
      s.channel = -1;
    s.priority = cs.priority;
    if (call::is_terminal(cs)) {
      // It ended before the restart, but the old process did not tell
      // everyone: the queue that still lists it, the trunk channel still seized.
      if (!req->queue.empty() && s.queue_actor)
        self->send(s.queue_actor, leave_atom::value, req->call_id,
                   std::string{events::to_wire(cs.outcome)});
      release_channel(self);
      self->quit();
      return;
    }
    const bool queued_here = call::is_waiting(cs) || !req->queue.empty();
    const bool connected = call::is_connected(cs);
    const auto agent_id = cs.agent_id;
    exec(call::recover_after_restart{ctx->restart_keeps, now()}, "recover_after_restart", [=] {
      auto& s = self->state;
      const auto& cs = s.entity->state();
      if (call::is_terminal(cs)) {
        if (connected && !agent_id.empty())
          if (auto a = ctx->agents.get(agent_id))
            self->send(a, end_call_atom::value, req->call_id, std::int64_t{0});
        s.joined = queued_here && s.queue_actor;
        finish(std::string{events::to_wire(cs.outcome)});
        return;
      }
      if (!s.queue_actor) { // its queue is no longer configured: nobody would ever offer it
        end_with(events::call_outcome::node_restart, "unknown_queue");
        return;
      }
      // A call back whose dial-back the restart cut: its line goes back.
      if (call::status_of(cs) == call::status::callback_waiting) release_channel(self);
      s.joined = true;
      auto gen = ++s.wait_generation;
      self->send(s.queue_actor, rejoin_atom::value, req->call_id,
                 caf::actor_cast<caf::actor>(self));
      // (a call back's timers are only its widening steps: max_wait and announcements are for
      // callers on the line)
      s.wait_timers(gen, call::waited_ms(cs, now()));
      if (call::status_of(cs) == call::status::callback_waiting) {
        self->send(s.queue_actor, off_line_atom::value, req->call_id);
        if (cs.callback_retry_at_ns > now())
          self->send(s.queue_actor, retry_at_atom::value, req->call_id, cs.callback_retry_at_ns);
      }
    });
  };

  // -- Transfers, conferences, supervision (docs/acd.md, "Transfers, conferences and
  // supervision"). Commands from a desktop are recorded as caused by that agent.
  auto exec_as = [self](const std::string& agent_id, const call::command& cmd,
                        const std::string& name, std::function<void()> then = {}) {
    return exec_call(self, cmd, name, events::principal::agent(agent_id), std::move(then));
  };
  // A refusal found against the configuration (unknown target), audited like the deciders' own.
  auto refuse = [=](const std::string& agent_id, const std::string& command,
                    const std::string& code, const std::string& detail) {
    audit_rejection(*ctx, self->state.entity->stream(), command, code, detail, self->state.tenant,
                    events::principal::agent(agent_id), now());
  };
  // The call.offered of a leg is recorded: ring the agent and time the ring.
  auto ring_leg = [=](const std::string& kind, const std::string& from, const std::string& agent_id,
                      const std::string& reason) {
    auto& s = self->state;
    auto a = ctx->agents.at(agent_id);
    s.leg_kind = kind;
    s.leg_agent = agent_id;
    s.leg_from = from;
    s.leg_reason = reason;
    s.offers[agent_id] = a;
    std::string queue_id = s.queue ? s.queue->id : "";
    const auto channel = s.entity->state().channel;
    self->send(
        a, leg_atom::value,
        leg_request{req->call_id, kind, queue_id, channel, caf::actor_cast<caf::actor>(self)});
    self->delayed_send(self, std::chrono::milliseconds(acd::leg_ring_ms(s.queue)),
                       leg_timeout_atom::value, agent_id, s.entity->state().attempts);
  };
  // The leg ended without an answer (`why`): a blind transfer falls back to a
  // queue; a consultation or an invitation leaves the call with its agent.
  auto leg_failed = [=](const std::string& agent_id, const std::string& why) {
    auto& s = self->state;
    s.offers.erase(agent_id);
    auto kind = s.leg_kind;
    s.leg_kind.clear();
    s.leg_agent.clear();
    if (kind == "transfer") join(s.fallback_queue, "transfer fallback: " + agent_id + " " + why);
  };
  // Ends the leg offer to `agent_id` with `why`, then `after`.
  auto end_leg = [=](const std::string& agent_id, const std::string& why,
                     std::function<void()> after) {
    auto refused = exec(call::end_offer{agent_id, why, now()}, "end_offer", [=] {
      if (after) after();
      leg_failed(agent_id, why);
    });
    if (refused) leg_failed(agent_id, why);
  };

  // ---- Multi-site interflow, origin side: the call waits here while another site is asked.
  namespace fed = events::federation;
  // Queue the call here again after a failed move.
  auto come_back = [=](const std::string& why, bool withdraw) {
    auto& s = self->state;
    auto offer_id = s.out_offer_id;
    auto site = s.entity->state().remote_site;
    exec(call::return_from_remote{why, now()}, "return_from_remote", [=] {
      auto& s = self->state;
      if (withdraw) send_fed(to_site(fed::message_kind::withdraw, site, offer_id, why));
      offer_done(offer_id, site, why);
      s.out_offer_id.clear();
      if (s.queue) join(s.queue->id, "returned from site " + site + " (" + why + ")");
    });
  };
  // ---- Remote side: an offer from another site; hold an agent, then land the call.
  const auto inbound = req->interflow_offer;
  auto give_up_hold = [=](const std::string& reason) {
    auto& s = self->state;
    if (s.held_agent)
      self->send(s.held_agent, cancel_atom::value, req->call_id, "interflow_" + reason);
    offer_done(inbound->offer_id, inbound->from_site, reason);
    self->quit();
  };
  auto land = [=](const fed::message& m) {
    auto attached = m.attached;
    for (const auto& [k, v] : m.crm)
      attached[k] = v;
    attached["interflow.origin"] = m.from_site;
    attached["interflow.offer"] = m.offer_id;
    self->state.landed = true;
    exec(call::arrive{req->call_id, m.channel, events::call_direction::inbound, m.caller, m.dialed,
                      m.customer_id, attached, "", now()},
         "arrive", [=] {
           auto& s = self->state;
           s.priority = m.priority;
           s.after_enqueue = [=] {
             auto& s = self->state;
             auto ring_ms = s.queue ? s.queue->ring_timeout_ms : 0;
             exec(call::offer{s.held_agent_id, ring_ms,
                              "reserved for the interflow from site " + m.from_site, now()},
                  "offer", [=] {
                    auto& s = self->state;
                    s.offers[s.held_agent_id] = s.held_agent;
                    self->send(s.held_agent, ring_atom::value, req->call_id);
                    if (ring_ms > 0)
                      self->delayed_send(self, std::chrono::milliseconds(ring_ms),
                                         ring_timeout_atom::value, s.held_agent_id,
                                         s.entity->state().attempts);
                    send_fed(to_site(fed::message_kind::landed, m.from_site, m.offer_id));
                  });
           };
           join(m.queue, "interflow from site " + m.from_site);
         });
  };
  if (inbound) {
    auto qa = ctx->queues.find(inbound->queue);
    auto deny = [=](const std::string& reason) {
      send_fed(to_site(fed::message_kind::deny, inbound->from_site, inbound->offer_id, reason));
      give_up_hold(reason);
    };
    if (qa == ctx->queues.end())
      deny("unknown_queue");
    else
      self->request(qa->second, std::chrono::seconds(2), reserve_remote_atom::value, req->call_id,
                    caf::actor_cast<caf::actor>(self))
          .then([=](const std::string& agent_id) { self->state.held_agent_id = agent_id; },
                [=](caf::error& err) {
                  const auto code = refusal_code(err);
                  deny(code == "local_calls_waiting" || code == "no_agent"
                           ? code
                           : std::string{"unavailable"});
                });
  } else if (req->recover)
    self->send(self, recover_atom::value);
  else
    exec(call::arrive{req->call_id, req->channel, req->direction, req->caller, req->dialed,
                      req->customer_id, req->attached, st.trunk_group, now()},
         "arrive", [=] {
           auto& s = self->state;
           auto t = ctx->trunks.find(s.trunk_group);
           if (s.trunk_group.empty() || t == ctx->trunks.end()) {
             route();
             return;
           }
           self->request(t->second, caf::infinite, seize_atom::value, req->call_id, req->direction,
                         self->state.tenant)
               .then(
                   [=](seized_atom, int channel) {
                     self->state.channel = channel;
                     route();
                   },
                   [=](caf::error&) {
                     exec(call::block{self->state.trunk_group, now()}, "block",
                          [=] { finish("blocked"); });
                   });
         });

  return {
      [=](offer_atom, const offer_info& o) {
        auto& s = self->state;
        if (o.agent_id == req->placed_by) {
          // The dialing agent is reserved: its leg connects (connected_atom follows).
          if (!call::is_connected(s.entity->state()))
            self->send(o.agent, answer_atom::value, req->call_id);
          return;
        }
        if (inbound && !s.landed) {
          // The agent is held for us: tell the origin, and wait for the call.
          s.held_agent = o.agent;
          s.held_agent_id = o.agent_id;
          auto hold_ms = ctx->interflow.landing_timeout_ms + ctx->interflow.reservation_timeout_ms;
          auto m = to_site(fed::message_kind::accept, inbound->from_site, inbound->offer_id);
          m.agent_id = o.agent_id;
          m.hold_ms = hold_ms;
          send_fed(std::move(m));
          self->delayed_send(self, std::chrono::milliseconds(hold_ms), landing_timeout_atom::value,
                             inbound->offer_id);
          return;
        }
        if (call::status_of(s.entity->state()) == call::status::callback_waiting) {
          // Virtual hold: the place came up; dial the caller back through an
          // outbound trunk channel, with this agent reserved.
          auto let_go = [=] { withdraw_offer(self, o.agent, o.agent_id); };
          // A failed dial-back's retry is not due yet (it failed while this
          // agent's reservation was on its way): the agent goes back.
          if (s.entity->state().callback_retry_at_ns > now()) {
            let_go();
            return;
          }
          auto dial = [=] {
            auto refused =
                exec(call::dial_callback{o.agent_id, self->state.trunk_group, now()},
                     "dial_callback", [=] {
                       self->state.offers[o.agent_id] = o.agent;
                       if (o.held)
                         self->send(o.agent, ring_atom::value,
                                    req->call_id); // reserved silently: ring now
                       if (o.ring_timeout_ms > 0)
                         self->delayed_send(self, std::chrono::milliseconds(o.ring_timeout_ms),
                                            ring_timeout_atom::value, o.agent_id, std::int32_t{-1});
                     });
            if (refused) let_go();
          };
          // Which group it goes out on: events/acd/call_rules.hpp (callback_trunk_group).
          const auto* group =
              acd::callback_trunk_group(s.trunk_group, s.queue, [&](const std::string& id) {
                return ctx->center.find_trunk(id);
              });
          auto t = group ? ctx->trunks.find(group->id) : ctx->trunks.end();
          if (t == ctx->trunks.end() || s.channel != 0) {
            dial();
            return;
          }
          s.trunk_group = group->id; // where the channel is released
          self->request(t->second, caf::infinite, seize_atom::value, req->call_id,
                        events::call_direction::outbound, self->state.tenant)
              .then(
                  [=](seized_atom, int channel) {
                    const auto& cs = self->state.entity->state();
                    if (call::status_of(cs) == call::status::callback_waiting &&
                        cs.callback_retry_at_ns <= now()) {
                      self->state.channel = channel;
                      dial();
                      return;
                    }
                    // It stopped waiting meanwhile: the channel and the agent go back.
                    self->send(t->second, release_atom::value, req->call_id, channel,
                               self->state.tenant);
                    let_go();
                  },
                  // Every channel busy (counted as blocked by the group): the
                  // agent goes back, and the call keeps its place for a later try.
                  [=](caf::error&) { let_go(); });
          return;
        }
        auto refused = exec(call::offer{o.agent_id, o.ring_timeout_ms, o.reason, now()}, "offer");
        if (refused) {
          // Not waiting any more (or already connected): let the agent and the queue go.
          withdraw_offer(self, o.agent, o.agent_id);
          return;
        }
        s.offers[o.agent_id] = o.agent;
        auto attempt = s.entity->state().attempts;
        if (o.ring_timeout_ms > 0)
          self->delayed_send(self, std::chrono::milliseconds(o.ring_timeout_ms),
                             ring_timeout_atom::value, o.agent_id, attempt);
      },
      [=](ring_timeout_atom, const std::string& agent_id, std::int32_t attempt) {
        auto& s = self->state;
        auto it = s.offers.find(agent_id);
        if (it == s.offers.end()) return;
        if (attempt < 0) {
          // A call back whose agent did not pick up: like a missed ring, it
          // counts against the agent, and the call back waits again in its
          // place for the next agent (its line goes back meanwhile).
          if (call::status_of(s.entity->state()) != call::status::callback_dialing) return;
        } else {
          bool current = false;
          for (const auto& o : s.entity->state().offers)
            current = current || (o.agent_id == agent_id && o.attempt == attempt);
          if (!current) return;
        }
        auto agent = it->second;
        s.offers.erase(it);
        exec(call::end_offer{agent_id, "no_answer", now()}, "end_offer", [=] {
          auto& s = self->state;
          self->send(agent, ring_timeout_atom::value, req->call_id,
                     s.queue ? s.queue->max_no_answer : 0);
          if (call::status_of(s.entity->state()) == call::status::callback_waiting)
            callback_waits_again(self);
          if (s.joined) self->send(s.queue_actor, offer_failed_atom::value, req->call_id, agent_id);
        });
      },
      // A pending call back cannot be made (telephony could not reach the
      // customer, or an operator cancels it). While the queue's
      // callback_attempts allow, it waits again in its place, not dialed
      // before callback_retry_s; else it ends, and lets go of its place,
      // its agent and its line.
      [=](callback_failed_atom, const std::string& reason) {
        const auto* q = self->state.queue;
        auto cmd = call::fail_callback{reason, now(), q ? q->callback_attempts : 1,
                                       q ? q->callback_retry_ms : 0};
        exec(cmd, "fail_callback", [=] {
          auto& s = self->state;
          const auto& cs = s.entity->state();
          if (call::is_terminal(cs)) {
            finish("callback_failed");
            return;
          }
          if (s.joined)
            self->send(s.queue_actor, retry_at_atom::value, req->call_id, cs.callback_retry_at_ns);
          withdraw_offers(self);
          callback_waits_again(self);
        });
      },
      [self](reject_atom, const std::string& agent_id, const std::string& reason) {
        offer_refused(self, agent_id, reason);
      },
      [=](connected_atom, const std::string& agent_id) {
        auto& s = self->state;
        // A repeated answer changes nothing (and must not forget the agent's handle).
        if (call::is_connected(s.entity->state()) && s.entity->state().agent_id == agent_id) return;
        auto it = s.offers.find(agent_id);
        caf::actor agent = it != s.offers.end() ? it->second : caf::actor{};
        auto refused = exec(call::connect{agent_id, now()}, "connect", [=] {
          auto& s = self->state;
          for (auto& [other_id, other] : s.offers)
            if (other_id != agent_id)
              self->send(other, cancel_atom::value, req->call_id,
                         std::string{"answered_elsewhere"});
          s.offers.clear();
          s.agent = agent;
          s.agent_id = agent_id;
          if (s.joined)
            self->send(s.queue_actor, leave_atom::value, req->call_id, std::string{"connected"});
          s.joined = false;
          ++s.wait_generation;
          notify(talking_atom::value, req->call_id, agent_id);
        });
        if (refused && agent)
          self->send(agent, end_call_atom::value, req->call_id, std::int64_t{0});
      },
      [=](hangup_atom, const std::string& by) {
        exec(call::hang_up{by, now()}, "hang_up", [=] {
          auto& s = self->state;
          if (s.agent)
            self->send(s.agent, end_call_atom::value, req->call_id, wrap_up_for(self, s.agent_id));
          finish("ended");
        });
      },
      // The caller's priority changes while waiting (a VIP recognised late,
      // a supervisor's decision): the queue moves it, keeping its place among equals.
      [self](priority_atom, std::int32_t priority, const std::string& reason) {
        exec_call(self, call::change_priority{priority, reason, now_of(self)}, "change_priority",
                  self->state.who, [self, priority] {
                    auto& s = self->state;
                    s.priority = priority;
                    if (s.joined)
                      self->send(s.queue_actor, priority_atom::value, s.req.call_id, priority);
                  });
      },
      // The agent puts the caller on hold and takes it back (its desktop):
      // the call records it, then the agent's desk follows.
      [self](hold_atom, const std::string& agent_id) {
        exec_call(self, call::hold{agent_id, now_of(self)}, "hold",
                  events::principal::agent(agent_id), [self] {
                    if (self->state.agent)
                      self->send(self->state.agent, hold_atom::value, self->state.req.call_id);
                  });
      },
      [self](resume_atom, const std::string& agent_id) {
        exec_call(self, call::resume{agent_id, now_of(self)}, "resume",
                  events::principal::agent(agent_id), [self] {
                    if (self->state.agent)
                      self->send(self->state.agent, resume_atom::value, self->state.req.call_id);
                  });
      },
      // The caller waited `callback_offer_after_s`: telephony offers it a call back.
      [self](offer_callback_atom, std::uint64_t gen) {
        auto& s = self->state;
        if (gen != s.wait_generation ||
            call::status_of(s.entity->state()) != call::status::queued || !s.queue)
          return;
        s.entity->send_durable(s.ctx->observer, callback_offered_atom::value, s.req.call_id,
                               s.queue->id);
      },
      // The caller chose a call back (virtual hold): it leaves the line and keeps its place.
      [self](callback_atom, const std::string& number) {
        exec_call(self, call::schedule_callback{number, now_of(self)}, "schedule_callback",
                  self->state.who, [self] { leave_line(self); });
      },
      [=](abandon_atom) {
        exec(call::abandon{"caller_hangup", now()}, "abandon", [=] { finish("abandoned"); });
      },
      // The queue's leave_empty rule holds (nobody there can answer): a
      // caller on the line overflows; a callback keeps its place.
      [self](queue_empty_atom, const std::string& queue_id) {
        auto& s = self->state;
        const auto& cs = s.entity->state();
        if (!s.joined || !s.queue || s.queue->id != queue_id || !call::is_waiting(cs) ||
            call::status_of(cs) == call::status::callback_waiting)
          return;
        s.overflow("queue_empty");
      },
      [=](max_wait_atom, std::uint64_t gen) {
        // A caller waiting for a call back is not on the line: it keeps its place.
        const auto& cs = self->state.entity->state();
        if (gen != self->state.wait_generation || !call::is_waiting(cs) ||
            call::status_of(cs) == call::status::callback_waiting)
          return;
        self->state.overflow("max_wait");
      },
      [=](announce_atom, std::uint64_t gen) {
        auto& s = self->state;
        // A caller waiting for a call back is not on the line: nothing to announce.
        if (gen != s.wait_generation || !call::is_waiting(s.entity->state()) || !s.queue ||
            call::status_of(s.entity->state()) == call::status::callback_waiting)
          return;
        self->request(s.queue_actor, caf::infinite, position_atom::value, req->call_id)
            .then([=](int position, std::int64_t ewt_ms) {
              if (gen != self->state.wait_generation || position <= 0) return;
              exec(call::announce{position, std::max<std::int64_t>(ewt_ms, 0), now()}, "announce");
            });
        self->delayed_send(self, std::chrono::milliseconds(s.queue->announce_every_ms),
                           announce_atom::value, gen);
      },
      [=](widen_atom, std::uint64_t gen, int step) {
        auto& s = self->state;
        if (gen != s.wait_generation || !call::is_waiting(s.entity->state()) || !s.queue) return;
        if (step < 0 || static_cast<std::size_t>(step) >= s.queue->widening.size()) return;
        const auto& w = s.queue->widening[static_cast<std::size_t>(step)];
        exec(call::widen{step, w.min_level_delta, w.add_queues, now()}, "widen", [=] {
          if (self->state.joined) self->send(self->state.queue_actor, rematch_atom::value);
        });
      },
      [=](recover_atom) { recover(); },
      // ---- multi-site interflow
      [=](interflow_atom, const std::string& site, const std::string& offer_id,
          const std::string& reason) {
        auto refused = exec(call::offer_remote{site, offer_id, reason, now()}, "offer_remote", [=] {
          auto& s = self->state;
          s.out_offer_id = offer_id;
          auto m = describe(fed::message_kind::offer, site, offer_id);
          m.expires_at_ns = now() + ms_to_ns(ctx->interflow.reservation_timeout_ms);
          send_fed(std::move(m));
          self->delayed_send(self, std::chrono::milliseconds(ctx->interflow.reservation_timeout_ms),
                             remote_timeout_atom::value, offer_id);
        });
        if (refused) offer_done(offer_id, site, refused->code);
      },
      [=](remote_timeout_atom, const std::string& offer_id) {
        auto& s = self->state;
        const auto& cs = s.entity->state();
        if (cs.remote_offer_id != offer_id || cs.at == call::phase::interflowing) return;
        auto site = s.entity->state().remote_site;
        exec(call::remote_denied{offer_id, "timeout", now()}, "remote_denied", [=] {
          // It may still reserve an agent for us: let it go.
          send_fed(to_site(fed::message_kind::release, site, offer_id, "timeout"));
          offer_done(offer_id, site, "timeout");
          self->state.out_offer_id.clear();
        });
      },
      [=](remote_reply_atom, const fed::message& m) {
        auto& s = self->state;
        using k = fed::message_kind;
        const auto& cs = s.entity->state();
        if (m.kind == k::withdraw) {
          // The origin took the call back: drop this copy (also after a
          // restart of this node, when the call came back from its stream).
          auto offer = cs.attached.find("interflow.offer");
          if (call::is_terminal(cs) || cs.at == call::phase::none || offer == cs.attached.end() ||
              offer->second != m.offer_id)
            return;
          auto agent = s.agent;
          exec(call::finish{events::call_outcome::interflow_withdrawn,
                            "origin " + m.from_site + ": " + m.reason, now()},
               "finish", [=] {
                 if (agent) self->send(agent, end_call_atom::value, req->call_id, std::int64_t{0});
                 finish("interflow_withdrawn");
               });
          return;
        }
        if (inbound) { // remote side
          if (m.kind == k::transfer && !s.landed)
            land(m);
          else if (m.kind == k::release && !s.landed)
            give_up_hold("released");
          return;
        }
        if (m.kind == k::accept) {
          auto refused = exec(call::interflow{m.offer_id, m.agent_id, now()}, "interflow", [=] {
            auto& s = self->state;
            if (s.joined && s.queue_actor)
              self->send(s.queue_actor, leave_atom::value, req->call_id,
                         std::string{"interflowed"});
            s.joined = false;
            ++s.wait_generation;
            const auto& cs = s.entity->state();
            auto t = describe(k::transfer, m.from_site, m.offer_id);
            if (ctx->crm_context && !cs.customer_id.empty())
              t.crm = ctx->crm_context(s.tenant, cs.customer_id);
            send_fed(std::move(t));
            self->state.entity->send_durable(ctx->federation, moving_atom::value, m.offer_id,
                                             m.from_site);
            self->delayed_send(self, std::chrono::milliseconds(ctx->interflow.landing_timeout_ms),
                               landing_timeout_atom::value, m.offer_id);
          });
          if (refused && refused->code != "interflowing") {
            // Answered here meanwhile, gone, or too late: free the remote agent.
            send_fed(to_site(k::release, m.from_site, m.offer_id, refused->code));
            if (cs.remote_offer_id == m.offer_id)
              exec(call::remote_denied{m.offer_id, refused->code, now()}, "remote_denied");
            if (s.out_offer_id == m.offer_id) s.out_offer_id.clear();
            offer_done(m.offer_id, m.from_site, refused->code);
          }
        } else if (m.kind == k::deny) {
          exec(call::remote_denied{m.offer_id, m.reason, now()}, "remote_denied");
          if (s.out_offer_id == m.offer_id) s.out_offer_id.clear();
          offer_done(m.offer_id, m.from_site, "denied");
        } else if (m.kind == k::landed) {
          if (cs.at != call::phase::interflowing || cs.remote_offer_id != m.offer_id) return;
          exec(call::finish{events::call_outcome::interflowed, "landed at site " + m.from_site,
                            now()},
               "finish", [=] {
                 self->state.out_offer_id.clear();
                 offer_done(m.offer_id, m.from_site, "landed");
                 finish("interflowed");
               });
        } else if (m.kind == k::bounce) {
          if (cs.at == call::phase::interflowing && cs.remote_offer_id == m.offer_id)
            come_back("bounced: " + m.reason, false);
        }
      },
      [=](landing_timeout_atom, const std::string& offer_id) {
        auto& s = self->state;
        if (inbound) { // remote side: the held agent waited long enough
          if (!s.landed) give_up_hold("hold_expired");
          return;
        }
        const auto& cs = s.entity->state();
        if (cs.at == call::phase::interflowing && cs.remote_offer_id == offer_id)
          come_back("landing_timeout", true);
      },
      [=](site_lost_atom, const std::string& site) {
        const auto& cs = self->state.entity->state();
        if (cs.at == call::phase::interflowing && cs.remote_site == site)
          come_back("site_lost", true);
      },
      [=](reserve_failed_atom, const std::string&, const std::string& agent_id,
          const std::string& code) {
        auto& s = self->state;
        if (agent_id == req->placed_by && !req->placed_by.empty()) {
          // The agent cannot place it (logged out, at capacity, on a voice call):
          // no queue was joined, so the call ends refused, with the agent's reason.
          s.offers.erase(agent_id);
          if (!call::is_connected(s.entity->state())) s.overflow("agent_" + code);
          return;
        }
        // The agent held for a remote call was taken meanwhile.
        if (inbound && !self->state.landed) {
          send_fed(to_site(fed::message_kind::deny, inbound->from_site, inbound->offer_id,
                           "agent_busy: " + code));
          self->state.held_agent = {};
          give_up_hold("agent_busy");
        }
      },
      // -- Transfers, conferences, supervision ---------------------------------
      [=](transfer_atom, const transfer_request& r) {
        auto& s = self->state;
        // Checked against the configuration first (call_rules.hpp: check_transfer).
        const auto fallback = acd::transfer_fallback_queue(r.fallback_queue, s.queue);
        if (auto no = acd::check_transfer(
                r.target_kind, r.target, r.mode, fallback,
                [&](const std::string& q) { return ctx->queues.count(q) > 0; },
                [&](const std::string& a) { return ctx->agents.contains(a); })) {
          refuse(r.from_agent, "transfer", no.code, no.detail);
          return;
        }
        if (r.target_kind == events::transfer_target_kind::agent &&
            r.mode == events::transfer_mode::consultative) {
          // The agent stays on the call while the target rings.
          auto cmd =
              call::consult{r.from_agent, r.target, "transfer", acd::leg_ring_ms(self->state.queue),
                            r.reason,     now()};
          exec_as(r.from_agent, cmd, "consult",
                  [=] { ring_leg("consult", r.from_agent, r.target, r.reason); });
          return;
        }
        auto before = s.entity->state();
        auto cmd = call::transfer{r.mode, r.from_agent, r.target_kind, r.target, now(), r.reason};
        exec_as(r.from_agent, cmd, "transfer", [=] {
          auto& s = self->state;
          // The transferring agent goes to after-call work; a consultation still
          // ringing and the conference parties are let go.
          if (auto a = ctx->agents.get(before.agent_id))
            self->send(a, end_call_atom::value, req->call_id, wrap_for(before.agent_id));
          for (auto& [id, agent] : s.offers)
            self->send(agent, cancel_atom::value, req->call_id, std::string{"cancelled"});
          s.offers.clear();
          s.leg_kind.clear();
          s.leg_agent.clear();
          release_parties(before.conference_parties, true);
          s.agent = caf::actor{};
          s.agent_id.clear();
          std::string why =
              "transfer from " + r.from_agent + (r.reason.empty() ? "" : ": " + r.reason);
          if (r.target_kind == events::transfer_target_kind::queue) {
            join(r.target, why);
          } else if (r.target_kind == events::transfer_target_kind::agent) {
            s.fallback_queue = fallback;
            exec_as(
                r.from_agent,
                call::offer{r.target, acd::leg_ring_ms(self->state.queue), "blind " + why, now()},
                "offer", [=] { ring_leg("transfer", r.from_agent, r.target, r.reason); });
          } else {
            finish("transferred_out");
          }
        });
      },
      [=](conference_atom, const conference_request& r) {
        if (auto no = acd::check_conference(r.party_kind, r.party, [&](const std::string& a) {
              return ctx->agents.contains(a);
            })) {
          refuse(r.from_agent, "conference", no.code, no.detail);
          return;
        }
        if (r.party_kind == "agent") {
          auto cmd = call::consult{r.from_agent, r.party,
                                   "conference", acd::leg_ring_ms(self->state.queue),
                                   r.reason,     now()};
          exec_as(r.from_agent, cmd, "consult",
                  [=] { ring_leg("conference", r.from_agent, r.party, r.reason); });
        } else { // external
          exec_as(r.from_agent, call::conference{r.from_agent, r.party, now()}, "conference");
        }
      },
      [=](conf_leave_atom, const std::string& party, const std::string& reason) {
        exec(call::leave_conference{party, reason, now()}, "leave_conference", [=] {
          if (auto a = ctx->agents.get(party))
            self->send(a, end_call_atom::value, req->call_id, wrap_for(party));
        });
      },
      [=](supervise_atom, const std::string& supervisor_id, events::supervision_mode mode) {
        if (auto no = acd::check_supervisor(supervisor_id, ctx->find_agent(supervisor_id))) {
          refuse(supervisor_id, "supervise", no.code, no.detail);
          return;
        }
        exec_as(supervisor_id, call::supervise{supervisor_id, mode, now()}, "supervise");
      },
      [=](leg_refused_atom, const std::string& agent_id, const std::string& code) {
        if (self->state.leg_agent != agent_id) return;
        end_leg(agent_id, code, {});
      },
      [=](leg_reject_atom, const std::string& agent_id, const std::string& reason) {
        if (self->state.leg_agent != agent_id) return;
        end_leg(agent_id, reason, {});
      },
      [=](leg_timeout_atom, const std::string& agent_id, std::int32_t attempt) {
        auto& s = self->state;
        if (s.leg_agent != agent_id) return;
        bool current = false;
        for (const auto& o : s.entity->state().offers)
          current = current || (o.agent_id == agent_id && o.attempt == attempt);
        if (!current) return;
        auto agent = s.offers[agent_id];
        end_leg(agent_id, "no_answer", [=] {
          self->send(agent, ring_timeout_atom::value, req->call_id,
                     self->state.queue ? self->state.queue->max_no_answer : 0);
        });
      },
      [=](leg_answer_atom, const std::string& agent_id) {
        auto& s = self->state;
        caf::actor agent = ctx->agents.get(agent_id);
        // The leg ended before the answer arrived: the agent is not on this call.
        auto drop = [=] {
          if (agent) self->send(agent, end_call_atom::value, req->call_id, std::int64_t{0});
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
        std::optional<events::rejection> refused;
        if (kind == "transfer") { // blind: the target simply answers
          refused = exec(call::connect{agent_id, now()}, "connect", [=] {
            self->state.agent = agent;
            self->state.agent_id = agent_id;
            notify(talking_atom::value, req->call_id, agent_id);
          });
        } else if (kind == "consult") { // the target takes over; the first agent wraps up
          auto cmd = call::transfer{events::transfer_mode::consultative,
                                    from,
                                    events::transfer_target_kind::agent,
                                    agent_id,
                                    now(),
                                    s.leg_reason};
          auto parties = s.entity->state().conference_parties;
          refused = exec_as(s.leg_from, cmd, "transfer", [=] {
            if (auto first = ctx->agents.get(from))
              self->send(first, end_call_atom::value, req->call_id, wrap_for(from));
            release_parties(parties, true);
            self->state.agent = agent;
            self->state.agent_id = agent_id;
            notify(talking_atom::value, req->call_id, agent_id);
          });
        } else { // conference: a third party on the line
          refused = exec_as(s.leg_from, call::conference{from, agent_id, now()}, "conference");
        }
        if (refused) drop();
      },
      [](deferred& d) { d.run(); },
  };
}

} // namespace

caf::actor spawn_call(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                      call_request req) {
  if (req.recover) // one actor per call, whoever finds it (recovered_calls.hpp)
    return ctx->recovered->get_or_spawn(req.call_id,
                                        [&] { return sys.spawn(call_actor, ctx, req); });
  return sys.spawn(call_actor, ctx, std::move(req));
}

} // namespace hotline::actors
