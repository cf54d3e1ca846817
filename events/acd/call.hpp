#pragma once
/// The call aggregate, stream `call-<id>`: one contact (voice call, chat,
/// e-mail, callback request...) from arrival to its single `call.ended`.
///
///   (none) --arrive--> arrived --enqueue--> queued --offer--> offered
///   arrived --block--> ended(blocked, all_channels_busy)          (F1)
///   offered --end_offer--> queued (keeps its place; more offers may follow)
///   offered --connect(agent offered)--> connected <--hold/resume--> held
///   queued|offered --overflow(queue)--> arrived --enqueue--> queued (elsewhere)
///   queued|offered --overflow(voicemail)--> ended(voicemail)
///   queued|offered --schedule_callback | overflow(callback)--> callback_waiting
///   callback_waiting --dial_callback(agent)--> callback_dialing
///   callback_dialing --connect(that agent)--> connected
///   callback_dialing --end_offer(that agent)--> callback_waiting (keeps its place)
///   callback_waiting|callback_dialing --fail_callback, attempts left--> callback_waiting (retry
///   later) callback_waiting|callback_dialing --fail_callback--> ended(callback_failed)
///   connected|held --transfer(blind, agent|queue)--> arrived --> offer/enqueue again
///   connected|held --consult(agent)--> connected, the target rings (an offer in flight)
///   the target rings --start_consultation--> consulting: agent and target talk, caller on hold
///   consulting --transfer(consultative, that target)--> connected to the target
///   consulting --end_consultation(cancelled | target_hung_up)--> connected to the agent again
///   connected|held --conference(party)--> connected, party added; --leave_conference-->
///   connected|held --transfer(external|site)--> ended(transferred_out)
///   connected|held --hang_up--> ended(completed | callback_completed)
///   arrived, outbound (dialing) --far_end_ringing--> arrived, far end ringing
///   arrived, outbound (dialing) --far_end_failed(result)--> ended(not_connected, result)
///   (an outbound call's far end answering is `connect` of the agent who dials)
///   arrived|queued|offered --abandon--> ended(abandoned)
///   any live phase --finish(outcome)--> ended(outcome)
///   any live phase --attach_data--> the same phase, data merged (call.data_attached)
///   any live phase --recover_after_restart--> ended(node_restart), or waiting (far end kept)
///   queued (no offer ringing) --offer_remote(site)--> queued, one remote offer pending
///   pending remote offer --remote_denied--> queued (it simply stays)
///   queued, offer pending, no local ring --interflow(accepted)--> interflowing
///   interflowing --finish(interflowed)--> ended (landed at the other site: a hand-off)
///   interflowing --return_from_remote--> arrived --enqueue--> queued (here again)
///
/// "offered" is queued with at least one offer in flight (ring-all rings
/// several agents at once; the first to connect wins and the others' offers
/// end "answered_elsewhere"). A callback is not an abandon: the caller left
/// but keeps the place and the call ends only after the call back.
/// Supervision (listen / whisper / barge, F13) is accepted only while the
/// call is connected to an agent (connected or held).
///
/// A connected call rings a second agent with `consult` (one at a time): the
/// target of a consultative transfer, or an agent invited to a conference.
/// The call stays with its agent; the offer ends like any other
/// (`end_offer`) or, when the target answers, becomes a consultation
/// (`start_consultation`, purpose transfer) or a conference party
/// (`conference`). During a consultation (Asterisk's attended transfer,
/// Genesys' consult) the agent and the target talk while the caller waits
/// on hold; `transfer(consultative, target)` completes it (the target
/// takes the caller), `end_consultation` cancels it. A second consult, any
/// other transfer, a conference, hold and resume are refused
/// ("in_consultation") until it ends; the call ending ends it ("call_ended").
/// Hanging up or transferring ends a consultation still ringing
/// ("cancelled"); a transfer also lets every conference party go
/// (call.conference_left "transferred").
///
/// Every call ends exactly once: after call.ended every command is refused
/// with "already_ended" and `is_terminal` is true. Leaving the call's queue
/// (queue.call_left) is the queue aggregate's event; the actor that applies
/// call.connected / call.ended / call.overflowed tells the queue.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "events/call_events.hpp"
#include "events/interflow_events.hpp"
#include "events/outcome.hpp"

namespace hotline::events::acd::call {

/// `call-<id>`
std::string stream_name(const std::string& call_id);

enum class phase : std::uint8_t {
  none,
  arrived,
  queued,
  callback_waiting,
  callback_dialing,
  connected,
  held,
  interflowing, ///< left for another site, not yet landed there
  ended
};
/// `phase` with "offered" split out of "queued" (offers in flight).
enum class status : std::uint8_t {
  none,
  arrived,
  queued,
  offered,
  callback_waiting,
  callback_dialing,
  connected,
  held,
  interflowing,
  ended
};
const char* to_string(status s) noexcept;

struct offer_in_flight {
  std::string agent_id;
  std::int32_t attempt = 1;
  std::int64_t offered_at_ns = 0;
  std::int64_t ring_timeout_ms = 0;

  bool operator==(const offer_in_flight&) const = default;
};

struct state {
  std::string call_id;
  phase at = phase::none;
  // from call.arrived
  contact_channel channel = contact_channel::voice;
  call_direction direction = call_direction::inbound;
  std::string caller;
  std::string dialed;
  std::string customer_id;
  std::map<std::string, std::string> attached; ///< travels with the call (transfers too)
  std::string trunk_group;
  std::int64_t arrived_at_ns = 0;
  // waiting
  std::string queue; ///< the current (or last) queue
  std::int32_t priority = 0;
  std::int64_t wait_started_ns =
      -1; ///< start of the current wait (-1: not waiting); overflow keeps it
  std::int64_t last_announced_ns = 0; ///< last call.announced (0: none)
  std::int32_t widening_step = -1;    ///< last widening step applied in this queue (-1: none)
  std::vector<offer_in_flight> offers;
  std::int32_t attempts = 0; ///< offers made so far
  // connected
  std::string agent_id; ///< connected agent; after the end, the last one
  std::int64_t connected_at_ns = 0;
  std::int64_t last_wait_ms = 0;                       ///< wait before the last connection
  std::map<std::string, supervision_mode> supervisors; ///< supervisor -> listen | whisper | barge
  std::vector<std::string> conference_parties;
  std::int32_t transfers = 0;
  /// The consultation target talking with the agent (call.consultation_started); empty: none.
  std::string consultation;
  bool far_end_ringing = false; ///< an outbound call's far end rings (call.far_end_ringing)
  // callback (virtual hold)
  bool callback = false; ///< the caller chose (or was given) a call back
  std::string callback_number;
  std::string callback_agent;
  std::int32_t callback_failures = 0;    ///< dial-backs telephony reported failed
  std::int64_t callback_retry_at_ns = 0; ///< not dialed back before this
  // multi-site interflow
  std::string remote_site;     ///< the site of the pending remote offer / the move in flight
  std::string remote_offer_id; ///< empty: no remote offer pending
  // end
  call_outcome outcome = call_outcome::completed; ///< call.ended outcome once ended
  std::string end_reason;

  bool operator==(const state&) const = default;
};

// Commands; `now_ns` stamps the resulting events (event_meta::timestamp_ns).
struct arrive {
  std::string call_id;
  contact_channel channel = contact_channel::voice;
  call_direction direction = call_direction::inbound;
  std::string caller;
  std::string dialed;
  std::string customer_id;
  std::map<std::string, std::string> attached;
  std::string trunk_group;
  std::int64_t now_ns = 0;
};
/// Every trunk channel of the group is busy (trunk::pick_free_channel), or
/// (reason "trunk_down") an outbound call's group has its peer down.
struct block {
  std::string trunk_group;
  std::int64_t now_ns = 0;
  std::string reason = "all_channels_busy";
};
struct enqueue {
  std::string queue;
  std::int32_t priority = 0;
  std::int32_t position = 0; ///< from the queue's call_joined (queue::position)
  std::int64_t ewt_ms = 0;   ///< expected_wait_ms (events/acd/ewt.hpp)
  std::string reason;        ///< entry point, "transfer", "overflow from <q>", ...
  std::int64_t now_ns = 0;
};
struct change_priority {
  std::int32_t priority = 0;
  std::string reason;
  std::int64_t now_ns = 0;
};
struct announce {
  std::int32_t position = 0;
  std::int64_t ewt_ms = 0;
  std::int64_t now_ns = 0;
};
/// Apply widening step `step` of the queue (see widening.hpp: due_steps).
struct widen {
  std::int32_t step = 0;
  std::int32_t min_level_delta = 0;
  std::vector<std::string> added_queues;
  std::int64_t now_ns = 0;
};
struct offer {
  std::string agent_id;
  std::int64_t ring_timeout_ms = 0;
  std::string reason; ///< routing's explanation ("level 7, longest idle 42 s")
  std::int64_t now_ns = 0;
};
/// An offer ends without a connection (no_answer | rejected | busy |
/// logged_out | cancelled | node_restart).
/// For a call back being dialed, to its agent: the call back waits again.
struct end_offer {
  std::string agent_id;
  std::string reason = "no_answer";
  std::int64_t now_ns = 0;
};
/// The agent answered (or, for an outbound call, the agent's call was answered).
struct connect {
  std::string agent_id;
  std::int64_t now_ns = 0;
};
struct hold {
  std::string agent_id;
  std::int64_t now_ns = 0;
};
struct resume {
  std::string agent_id;
  std::int64_t now_ns = 0;
};
struct transfer {
  transfer_mode mode = transfer_mode::blind;
  std::string from_agent;
  transfer_target_kind target_kind = transfer_target_kind::queue;
  std::string target;
  std::int64_t now_ns = 0;
  std::string reason{}; ///< recorded on call.transferred
};
/// Rings `target_agent` while the call stays with `from_agent`.
struct consult {
  std::string from_agent;
  std::string target_agent;
  std::string purpose = "transfer"; ///< transfer | conference (recorded in the offer's reason)
  std::int64_t ring_timeout_ms = 0;
  std::string reason;
  std::int64_t now_ns = 0;
};
/// The target of a consultation (`consult`, purpose transfer) answered:
/// it talks with the call's agent while the caller waits on hold.
struct start_consultation {
  std::string target_agent;
  std::int64_t now_ns = 0;
};
/// The consultation ends without a transfer: `reason` cancelled (by the
/// call's agent, `agent_id`) or target_hung_up (`agent_id`: the target).
struct end_consultation {
  std::string agent_id;
  std::string reason = "cancelled";
  std::int64_t now_ns = 0;
};
struct conference {
  std::string agent_id;
  std::string party;
  std::int64_t now_ns = 0;
};
/// A conference party leaves; the call stays with its agent.
struct leave_conference {
  std::string party;
  std::string reason = "hung_up";
  std::int64_t now_ns = 0;
};
struct supervise {
  std::string supervisor_id;
  supervision_mode mode = supervision_mode::listen;
  std::int64_t now_ns = 0;
};
struct overflow {
  std::string action = "queue"; ///< queue | voicemail | callback
  std::string target;           ///< the target queue (queue; optional for callback)
  std::string reason;           ///< max_wait | max_length | no_agents | queue_empty ...
  std::int64_t now_ns = 0;
};
struct schedule_callback {
  std::string number; ///< empty: the caller's number
  std::int64_t now_ns = 0;
};
struct dial_callback {
  std::string agent_id; ///< reserved for the callback
  std::string trunk_group;
  std::int64_t now_ns = 0;
};
/// Telephony could not make the dial-back. With `attempts` (the queue's
/// callback_attempts) not yet used up, the call back waits again and is
/// not dialed for `retry_after_ms`; else it ends callback_failed.
struct fail_callback {
  std::string reason = "no_answer";
  std::int64_t now_ns = 0;
  std::int32_t attempts = 1;
  std::int64_t retry_after_ms = 0;
};
struct abandon {
  std::string reason = "caller_hangup";
  std::int64_t now_ns = 0;
};
struct hang_up {
  /// caller | agent | caller_lost (its line vanished: no ACK, no BYE).
  /// Reason of `call.ended`: `<by>_hangup`, or `caller_lost`.
  std::string by = "caller";
  std::int64_t now_ns = 0;
};
/// Offer the waiting call to another site (the federation's routing policy decided).
struct offer_remote {
  std::string site;
  std::string offer_id;
  std::string reason;
  std::int64_t now_ns = 0;
};
/// The remote site denied the offer, or did not answer in time.
struct remote_denied {
  std::string offer_id;
  std::string reason = "timeout";
  std::int64_t now_ns = 0;
};
/// The remote site accepted with `agent_id` reserved: the call leaves the
/// local queue. Refused ("offered_locally") while a local agent rings.
struct interflow {
  std::string offer_id;
  std::string agent_id;
  std::int64_t now_ns = 0;
};
/// The move failed after the call left (site_lost | landing_timeout): queue here again.
struct return_from_remote {
  std::string reason = "site_lost";
  std::int64_t now_ns = 0;
};
/// The far end of an outbound call (the agent dials out) rings.
struct far_end_ringing {
  std::int64_t now_ns = 0;
};
/// The far end of an outbound call never answered: `result` is busy (486,
/// 600), rejected (603, 403), no_answer (408, 480, the ring timeout),
/// unreachable (404, 503, transport errors, the trunk down), cancelled (the
/// agent hung up first) or agent_unreachable (the agent's own phone did
/// not answer). The call ends `not_connected` with `result` as its reason.
struct far_end_failed {
  std::string result;
  std::int64_t now_ns = 0;
};
/// Data joins the call (what its IVR session collected), merged into its
/// attached data: call.data_attached. Any live phase; an empty `data` is a
/// no-op, and so is data the call already carries with the same values.
struct attach_data {
  std::map<std::string, std::string> data;
  std::string source; ///< "ivr <flow>/<node>"
  std::int64_t now_ns = 0;
};
/// Any other end (self-service in the IVR, voicemail, refused, node_restart).
struct finish {
  call_outcome outcome = call_outcome::completed;
  std::string reason;
  std::int64_t now_ns = 0;
};

/// Which far ends of the node's calls outlive the node's process. The
/// composition root says it for its edge (actors/acd.hpp: acd_context).
struct far_ends_kept {
  /// A contact waiting in a queue still has its customer after a restart (a
  /// caller kept on hold by a media server outside the process). Default:
  /// no; the media leg ends with the process, and so do the simulator's callers.
  bool waiting_contacts = false;
  /// A call back's customer can still be dialed: its number is stored.
  /// False where the customers lived in the process (the simulator's).
  bool callback_customers = true;
};

/// The node restarted and found the call in its store, not ended (18.2).
/// Every offer still ringing ends "node_restart" (its agent let go at the
/// restart); a call back being dialed waits again in its place. Then the
/// call ends with outcome "node_restart" unless its far end is still there:
///   queued / offered, `waiting_contacts` false   -> reason "far_end_lost"
///   callback_waiting, `callback_customers` false -> reason "far_end_lost"
///   arrived, connected, held, interflowing       -> reason "media_leg_lost"
/// A call that keeps waiting keeps its place and its wait (no event beyond
/// the ended offers). Repeating the command after it is a no-op.
struct recover_after_restart {
  far_ends_kept kept;
  std::int64_t now_ns = 0;
};

/// call.ended reasons of recover_after_restart.
inline constexpr const char* far_end_lost = "far_end_lost";
inline constexpr const char* media_leg_lost = "media_leg_lost";

using command =
    std::variant<arrive, block, enqueue, change_priority, announce, widen, offer, end_offer,
                 connect, hold, resume, transfer, conference, supervise, overflow,
                 schedule_callback, dial_callback, fail_callback, abandon, hang_up, finish, consult,
                 leave_conference, offer_remote, remote_denied, interflow, return_from_remote,
                 recover_after_restart, far_end_ringing, far_end_failed, attach_data,
                 start_consultation, end_consultation>;
using event =
    std::variant<call_arrived, call_queued, call_priority_raised, call_announced, call_widened,
                 call_offered, call_offer_ended, call_connected, call_held, call_resumed,
                 call_transferred, call_conferenced, call_supervised, call_overflowed,
                 call_callback_scheduled, call_callback_dialed, call_ended, call_conference_left,
                 call_interflow_offered, call_interflow_denied, call_interflowed,
                 call_interflow_returned, call_callback_retried, call_far_end_ringing,
                 call_data_attached, call_consultation_started, call_consultation_ended>;

state initial_state(std::string call_id);

/// Rejection codes: "not_arrived", "already_arrived", "already_ended",
/// "already_queued", "not_waiting", "not_offered", "already_connected",
/// "not_connected", "not_your_call", "callback_pending", "not_supervising",
/// "consult_pending", "in_conference", "not_in_conference",
/// "remote_pending", "no_remote_offer", "offered_locally", "interflowing",
/// "not_dialing" (a far-end result for a call that is no outbound call
/// still dialing), "in_consultation" (refused while the agent consults),
/// "no_consultation" (nothing to complete or cancel), "invalid_argument".
/// docs/acd.md explains each.
outcome<event> decide(const command& cmd, const state& s);

/// `at_ns` is the event's envelope time (event_meta::timestamp_ns).
state evolve(state s, const event& e, std::int64_t at_ns);

/// True once call.ended has been applied.
inline bool is_terminal(const state& s) noexcept {
  return s.at == phase::ended;
}

status status_of(const state& s) noexcept;
/// Waiting for an agent: queued (offered or not) or callback_waiting.
bool is_waiting(const state& s) noexcept;
/// Connected to an agent: connected or held.
bool is_connected(const state& s) noexcept;
bool has_offer(const state& s, const std::string& agent_id) noexcept;
bool in_conference(const state& s, const std::string& party) noexcept;
/// The agent talks with a consultation target (call.consultation_started, not yet ended).
inline bool in_consultation(const state& s) noexcept {
  return !s.consultation.empty();
}
/// How long the call has waited at `now_ns` (0 when not waiting).
std::int64_t waited_ms(const state& s, std::int64_t now_ns) noexcept;

/// Outcomes that hand the call to another site (events/vocabulary.hpp).
using events::is_hand_off;

} // namespace hotline::events::acd::call
