// The call actor's behaviour: one line per message, each a handler of
// actors/call_actor_state.hpp (by concern: call_routing.cpp,
// call_transfers.cpp, call_interflow.cpp, call_lifecycle.cpp).
#include "actors/call_actor.hpp"

#include "actors/api_request.hpp"
#include "actors/call_actor_state.hpp"

namespace hotline::actors {

namespace {

using namespace call_flow;

/// Who the call belongs to and which trunk line it takes: the entry point
/// the number dialed selects (a voice call seizes a channel of its group),
/// the queue named, or, for a call an agent places, the queue it is made for
/// (else the agent's first) and that queue's outbound group.
void place(call_actor_state& s) {
  const auto& req = s.req;
  const auto* ctx = s.ctx.get();
  const bool placed = !req.placed_by.empty();
  s.entry = req.queue.empty() && !placed ? ctx->find_entry(req.dialed) : nullptr;
  s.tenant = s.entry ? s.entry->tenant : "";
  if (!req.queue.empty())
    if (const auto* q = ctx->find_queue(req.queue)) s.tenant = q->tenant;
  s.line_group =
      s.entry && req.channel == events::contact_channel::voice ? s.entry->trunk_group : "";
  if (!placed) return;
  s.req.direction = events::call_direction::outbound;
  const auto* a = ctx->find_agent(req.placed_by);
  s.placed_for = ctx->find_queue(!req.queue.empty()        ? std::string_view{req.queue}
                                 : a && !a->queues.empty() ? std::string_view{a->queues.front()}
                                                           : std::string_view{});
  if (s.placed_for)
    s.tenant = s.placed_for->tenant;
  else if (a)
    s.tenant = a->tenant;
  s.line_group = s.placed_for && req.channel == events::contact_channel::voice
                     ? s.placed_for->outbound_trunk_group
                     : "";
  if (s.line_group.empty() && req.channel == events::contact_channel::voice)
    s.line_group = ctx->default_outbound_trunk;
}

} // namespace

call_request dial_out_request(std::string call_id, const std::string& agent_id, std::string number,
                              std::string queue) {
  call_request req;
  req.call_id = std::move(call_id);
  req.caller = agent_id;
  req.dialed = std::move(number);
  req.placed_by = agent_id;
  req.queue = std::move(queue);
  return req;
}

namespace {

caf::behavior call_actor(call_self self, std::shared_ptr<const acd_context> shared_ctx,
                         call_request request) {
  auto& st = self->state;
  st.ctx = std::move(shared_ctx);
  st.req = std::move(request);
  st.who = events::principal::system("acd");
  const auto* ctx = st.ctx.get();
  if (ctx->root)
    ctx->registered->track(self, ctx->root, ctx->registered); // not a link: see actor_registry.hpp
  st.entity = std::make_unique<shell<events::acd::call_decider>>(
      self, *ctx, events::acd::call::stream_name(st.req.call_id),
      events::acd::call::initial_state(st.req.call_id));
  st.corr = call_correlation(st.req.call_id);
  place(st);
  if (st.req.interflow_offer)
    hold_for_remote(self);
  else if (st.req.recover)
    self->send(self, recover_atom::value);
  else
    arrive(self);

  return {
      [self](offer_atom, const offer_info& o) { on_offer(self, o); },
      [self](ring_timeout_atom, const std::string& agent_id, std::int32_t attempt) {
        on_ring_timeout(self, agent_id, attempt);
      },
      // A pending call back cannot be made (telephony could not reach the
      // customer, or an operator cancels it).
      [self](callback_failed_atom, const std::string& reason) { on_callback_failed(self, reason); },
      [self](reject_atom, const std::string& agent_id, const std::string& reason) {
        offer_refused(self, agent_id, reason);
      },
      [self](connected_atom, const std::string& agent_id) { on_connected(self, agent_id); },
      [self](far_end_atom, const std::string& result) { on_far_end(self, result); },
      [self](hangup_atom, const std::string& by) { on_hangup(self, by); },
      [self](ivr_exit_atom, const ivr_exit& x) { on_ivr_exit(self, x); },
      [self](priority_atom, std::int32_t priority, const std::string& reason) {
        on_priority(self, priority, reason);
      },
      // The agent puts the caller on hold and takes it back (its desktop).
      [self](hold_atom, const std::string& agent_id) { on_hold(self, agent_id); },
      [self](resume_atom, const std::string& agent_id) { on_resume(self, agent_id); },
      [self](offer_callback_atom, std::uint64_t gen) { on_offer_callback(self, gen); },
      [self](callback_atom, const std::string& number) { on_callback(self, number); },
      [self](abandon_atom) { on_abandon(self); },
      [self](queue_empty_atom, const std::string& queue_id) { on_queue_empty(self, queue_id); },
      [self](max_wait_atom, std::uint64_t gen) { on_max_wait(self, gen); },
      [self](announce_atom, std::uint64_t gen) { on_announce(self, gen); },
      [self](widen_atom, std::uint64_t gen, int step) { on_widen(self, gen, step); },
      [self](recover_atom) { recover(self); },
      // ---- multi-site interflow
      [self](interflow_atom, const std::string& site, const std::string& offer_id,
             const std::string& reason) { on_interflow(self, site, offer_id, reason); },
      [self](remote_timeout_atom, const std::string& offer_id) {
        on_remote_timeout(self, offer_id);
      },
      [self](remote_reply_atom, const events::federation::message& m) { on_remote_reply(self, m); },
      [self](landing_timeout_atom, const std::string& offer_id) {
        on_landing_timeout(self, offer_id);
      },
      [self](site_lost_atom, const std::string& site) { on_site_lost(self, site); },
      [self](reserve_failed_atom, const std::string&, const std::string& agent_id,
             const std::string& code) { on_reserve_failed(self, agent_id, code); },
      // ---- transfers, conferences, supervision
      [self](transfer_atom, const transfer_request& r) { on_transfer(self, r); },
      [self](conference_atom, const conference_request& r) { on_conference(self, r); },
      [self](conf_leave_atom, const std::string& party, const std::string& reason) {
        on_conference_leave(self, party, reason);
      },
      [self](supervise_atom, const std::string& supervisor_id, events::supervision_mode mode) {
        on_supervise(self, supervisor_id, mode);
      },
      [self](leg_refused_atom, const std::string& agent_id, const std::string& code) {
        on_leg_refused(self, agent_id, code);
      },
      [self](leg_reject_atom, const std::string& agent_id, const std::string& reason) {
        on_leg_refused(self, agent_id, reason);
      },
      [self](leg_timeout_atom, const std::string& agent_id, std::int32_t attempt) {
        on_leg_timeout(self, agent_id, attempt);
      },
      [self](leg_answer_atom, const std::string& agent_id) { on_leg_answer(self, agent_id); },
      [self](consult_end_atom, const std::string& agent_id, const std::string& what) {
        on_consult_end(self, agent_id, what);
      },
      // A request of the node API (drivers/api), usually through the agent's
      // desk: the handler of the message inside runs, and the API hears
      // whether it was refused. Only the commands a person gives are taken.
      [self](api_atom, const std::string& user, caf::message& inner) {
        auto rp = self->make_response_promise();
        if (!(inner.match_elements<hold_atom, std::string>() ||
              inner.match_elements<resume_atom, std::string>() ||
              inner.match_elements<transfer_atom, transfer_request>() ||
              inner.match_elements<conference_atom, conference_request>() ||
              inner.match_elements<conf_leave_atom, std::string, std::string>() ||
              inner.match_elements<consult_end_atom, std::string, std::string>() ||
              inner.match_elements<supervise_atom, std::string, events::supervision_mode>())) {
          refuse_api(rp, "unknown_command",
                     "calls take hold, resume, transfer, conference, conf_leave, consult_end and "
                     "supervise: " +
                         to_string(inner));
          return;
        }
        run_api(self, rp, inner, self->state.last_refusal, self->state.who, user);
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
