#pragma once
/// The call actor's state and its handlers (actors/call_actor.hpp says what
/// the actor does). Private to the call actor's files:
///  - call_actor.cpp        the behaviour (one line per message) and spawn_call;
///  - call_lifecycle.cpp    recording, ending, and letting go of what the call holds;
///  - call_routing.cpp      arrival, queues, offers, waits, recovery;
///  - call_callbacks.cpp    call backs (virtual hold): offered, dialed back, failed;
///  - call_transfers.cpp    transfers, conferences, supervision and their second legs;
///  - call_interflow.cpp    moving a call to another site, both sides;
///  - call_ivr.cpp          the entry point's IVR flow before any queue, and its way out.
///
/// The state holds handles, timers' generations and plumbing only: what
/// happened to the call lives in the decider's state (`entity->state()`,
/// events/acd/call.hpp), and every rule in events/acd/call_rules.hpp. A
/// handler takes `self` alone: every captured value is copied into the
/// behaviour of every call actor, and 100,000 calls may wait at once.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/acd.hpp"
#include "actors/ivr_actor.hpp"
#include "actors/shell.hpp"
#include "events/acd/deciders.hpp"

namespace hotline::actors {

struct call_actor_state {
  std::unique_ptr<shell<events::acd::call_decider>> entity;
  std::shared_ptr<const acd_context> ctx;
  call_request req;
  events::principal who; ///< the ACD: whoever causes what no person asked for
  /// The last command refused (by the decider or a rule): the node API's requests report it.
  std::optional<events::rejection> last_refusal;
  events::event_id corr; ///< call_correlation(req.call_id): every event of the call carries it
  std::string tenant;
  const events::entry_point* entry =
      nullptr; ///< the number dialed selects it (none: placed, direct)
  const events::queue_definition* queue = nullptr; ///< the queue it waits in (or waited in)
  const events::queue_definition* placed_for =
      nullptr; ///< a call an agent places: the queue it is made for
  /// The priority the call brings to its next queue, before that queue's VIP
  /// rule (events/acd/call_rules.hpp: priority_for): the entry point's, the
  /// origin site's, or the one a supervisor set. The decider holds the
  /// priority in the current queue, which that rule may have raised.
  std::int32_t base_priority = 0;
  /// The trunk line the call holds: the group whose actor gets it back, and
  /// the channel (0: none; -1: a recovered call, the group finds it by call id).
  std::string line_group;
  int line_channel = 0;
  caf::actor queue_actor;
  bool joined = false;
  bool joining = false; ///< a join request is on its way to queue_actor
  bool dialing = false; ///< an outbound call whose far end telephony reaches (dial_atom sent),
                        ///< or a call back telephony dials (dial_back_atom sent)
  bool callback_agent_up = false; ///< the call back's agent answered; the customer rings
  bool ring_held_agent = false; ///< the call back's agent was reserved silently (offer_info::held)
  std::uint64_t wait_generation = 0; ///< invalidates timers of an earlier wait
  /// The agents the call rings, by id (the offers themselves are the decider's).
  std::map<std::string, caf::actor> offers;
  caf::actor agent; ///< the connected agent (its id: the decider's agent_id)
  // Multi-site interflow (actors/federation_actor.hpp).
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
  /// The consultation target talking with the agent (its id: the decider's `consultation`).
  caf::actor consult_agent;
  std::string consult_reason; ///< the consultative transfer's reason (call.transferred)
  /// The IVR session the caller is in (actors/ivr_actor.hpp); invalid: none.
  caf::actor ivr;
  /// Skills the IVR's way out asks of the agent (its queue node's `skills`),
  /// set for the one join it makes (call_ivr.cpp): they go into that
  /// queue's entry and stay there; an overflow, transfer or interflow from
  /// it joins its target with the target's own requirements (docs/acd.md § 6).
  std::map<std::string, int> join_skills;
};

using call_self = caf::stateful_actor<call_actor_state>*;

/// The handlers, by concern; each takes the actor and the message's values.
namespace call_flow {

// -- call_lifecycle.cpp ------------------------------------------------------
std::int64_t now_of(call_self self);
/// Decides and records `cmd` for the call, caused by `who` (see shell::exec).
std::optional<events::rejection> exec_call(call_self self, const events::acd::call::command& cmd,
                                           const std::string& name, const events::principal& who,
                                           std::function<void()> then = {});
/// exec_call caused by the ACD.
std::optional<events::rejection> exec(call_self self, const events::acd::call::command& cmd,
                                      const std::string& name, std::function<void()> then = {});
/// exec_call caused by an agent at its desktop (by the API's user while
/// the actor runs an API request: api_request.hpp).
std::optional<events::rejection> exec_as(call_self self, const std::string& agent_id,
                                         const events::acd::call::command& cmd,
                                         const std::string& name, std::function<void()> then = {});
/// Tells the observer, once what the call recorded is on disk (entity_log.hpp).
template <class... Ts> void notify(call_self self, Ts&&... xs) {
  self->state.entity->send_durable(self->state.ctx->observer, std::forward<Ts>(xs)...);
}
/// After-call work of `agent_id` for this call (the agent's setting wins over the queue's).
std::int64_t wrap_up_for(call_self self, const std::string& agent_id);
/// The offer to `agent_id` goes nowhere: the agent lets go, the queue may offer again.
void withdraw_offer(call_self self, const caf::actor& agent, const std::string& agent_id);
void withdraw_offers(call_self self);
/// Conference parties who are agents leave (`parties`: the list before it changed).
void release_parties(call_self self, const std::vector<std::string>& parties, bool wrap_up);
/// The call's trunk line, if it holds one, goes back to its group.
void release_channel(call_self self);
/// The caller leaves the line for a call back, keeping its place.
void leave_line(call_self self);
/// A call back's agent did not take it: it waits again in its place.
void callback_waits_again(call_self self);
/// The agent the call rings refused it: the offer ends, the queue offers again.
void offer_refused(call_self self, const std::string& agent_id, const std::string& why);
/// The call has ended (call.ended is recorded): everything it holds is let go.
void finish(call_self self, const std::string& leave_reason);
/// Records call.ended with `outcome` and `reason`, then finish.
void end_with(call_self self, events::call_outcome outcome, const std::string& reason);

// -- call_routing.cpp --------------------------------------------------------
/// A new call (not recovered, not from another site): arrive, seize a line, route.
void arrive(call_self self);
void join(call_self self, const std::string& queue_id, const std::string& reason);
void overflow(call_self self, const std::string& why);
void start_wait_timers(call_self self, std::uint64_t gen, std::int64_t waited_ms);
void recover(call_self self);
void on_offer(call_self self, const offer_info& o);
void on_ring_timeout(call_self self, const std::string& agent_id, std::int32_t attempt);
void on_connected(call_self self, const std::string& agent_id);
/// Telephony's word on an outbound call's far end (acd_context::far_end_dialing).
void on_far_end(call_self self, const std::string& result);
void on_hangup(call_self self, const std::string& by);
void on_priority(call_self self, std::int32_t priority, const std::string& reason);
void on_hold(call_self self, const std::string& agent_id);
void on_resume(call_self self, const std::string& agent_id);
void on_abandon(call_self self);
void on_queue_empty(call_self self, const std::string& queue_id);
void on_max_wait(call_self self, std::uint64_t gen);
void on_announce(call_self self, std::uint64_t gen);
void on_widen(call_self self, std::uint64_t gen, int step);
void on_reserve_failed(call_self self, const std::string& agent_id, const std::string& code);

// -- call_callbacks.cpp -----------------------------------------------------
/// The place came up for a call back: seize its line, record dial_callback,
/// ring the reserved agent (or have telephony dial: dial_back_atom).
void dial_back(call_self self, const offer_info& o);
/// Telephony's far_end_atom for a call back it dials: "dialing" (the agent
/// answered), "ringing", "answered" (the agent connects), "no_phone" (rung
/// as without telephony), or a failure (fail_callback with that reason).
void on_dial_back_result(call_self self, const std::string& result);
void on_callback_failed(call_self self, const std::string& reason);
void on_offer_callback(call_self self, std::uint64_t gen);
void on_callback(call_self self, const std::string& number);

// -- call_transfers.cpp ------------------------------------------------------
void on_transfer(call_self self, const transfer_request& r);
void on_conference(call_self self, const conference_request& r);
void on_conference_leave(call_self self, const std::string& party, const std::string& reason);
void on_supervise(call_self self, const std::string& supervisor_id, events::supervision_mode mode);
void on_leg_refused(call_self self, const std::string& agent_id, const std::string& why);
void on_leg_timeout(call_self self, const std::string& agent_id, std::int32_t attempt);
void on_leg_answer(call_self self, const std::string& agent_id);
/// A consultation in progress ends: `what` complete | cancel (the call's agent
/// `agent_id`) or target_hung_up (`agent_id`: the target, or the call's agent
/// since the consultation completed: then a hang-up).
void on_consult_end(call_self self, const std::string& agent_id, const std::string& what);
/// The call's agent hangs up while consulting (`by` agent): the transfer
/// completes, as Asterisk's attended transfer does, and the caller is not
/// dropped. True: handled so.
bool hang_up_completes_consultation(call_self self, const std::string& by);
/// The consultation target is let go (no after-call work): the consultation ended.
void release_consult_agent(call_self self);

// -- call_interflow.cpp ------------------------------------------------------
/// Remote side: an offer from another site; hold an agent for it.
void hold_for_remote(call_self self);
/// Remote side: the agent the queue holds for the offer (offer_atom).
void on_remote_agent_held(call_self self, const offer_info& o);
/// Remote side: the held agent was taken meanwhile.
void on_remote_hold_lost(call_self self, const std::string& code);
void on_interflow(call_self self, const std::string& site, const std::string& offer_id,
                  const std::string& reason);
void on_remote_timeout(call_self self, const std::string& offer_id);
void on_remote_reply(call_self self, const events::federation::message& m);
void on_landing_timeout(call_self self, const std::string& offer_id);
void on_site_lost(call_self self, const std::string& site);
/// Origin: an offer to another site is still out when the call ends.
void release_remote_offers(call_self self, const std::string& leave_reason);

// -- call_ivr.cpp -------------------------------------------------------------
/// The entry point names a flow and the node runs flows: the caller enters
/// it (an IVR session actor). A flow's entry point without a queue on a
/// node that runs no flows: the call ends refused, reason `no_ivr`. Both
/// true; false: on to the entry point's queue.
bool route_to_flow(call_self self);
/// The session ended: queue, call back, or end the call (docs/ivr.md "The way out").
void on_ivr_exit(call_self self, const ivr_exit& x);
/// The caller hung up (or its patience ran out) while in the IVR: the
/// session records it and its exit ends the call. False: not in the IVR.
bool hang_up_in_ivr(call_self self);
/// After a restart ended the call: a flow session it left open is closed
/// (`ivr.exited` way failed at its node), so entered and exited still match.
void close_flow_after_restart(call_self self);

} // namespace call_flow
} // namespace hotline::actors
