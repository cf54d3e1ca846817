#pragma once
/// The messages between hotline's actors, and between them and the outside
/// (telephony, agent desktops, the traffic simulator). All local-only: they
/// never cross a process (sites talk over Kafka).
///
/// Directions (caller → callee: message):
///   outside → node:        arrive_atom, call_request
///   call → trunk group:    seize_atom, call_id, direction, tenant ⇒ seized_atom, channel |
///   blocked_atom call → trunk group:    release_atom, call_id, channel, tenant call → queue:
///   join_atom, join_request             ⇒ joined_atom, position, ewt_ms | refused_atom, code call
///   → queue:          leave_atom, call_id, reason call → queue:          offer_failed_atom,
///   call_id, agent_id  (offer ended: re-match) call → queue:          off_line_atom, call_id (the
///   caller left the line for a call back: the
///                          agent it is offered to is held, and rings once the call back is dialed)
///   call → queue:          retry_at_atom, call_id, at_ns  (a call back's dial-back failed: not
///   dialed again before) call → agent:          ring_atom, call_id       (a held reservation's
///   call is here: ring) queue → agent:         reserve_atom, reserve_request call → agent:
///   reserve_atom, reserve_request (placed: the agent dials out, call_request::placed_by) call →
///   agent:          answer_atom, call_id     (a placed call's line is up: the agent's leg
///   connects) agent → queue:         reserve_failed_atom, call_id, agent_id, code queue → agent:
///   follow_atom, queue_id, on  (a caller there prefers this agent, who does not serve
///                          the queue (F10): send it your snapshots too, or stop when the
///                          preferences ended)
///   agent → queue(s):      agent_update_atom, candidate, withdrawals, version (first, and when its
///   queues change) agent → queue:         news_atom  (its status changed and the queue asked for
///   word: it reads
///                          the availability board; other changes are posted there silently, and
///                          becoming unavailable moves the withdrawal count:
///                          availability_board.hpp)
///   queue → call:          queue_empty_atom, queue_id  (the queue's leave_empty rule holds:
///   overflow) agent → call:          offer_atom, offer_info               (reserved: ring) agent →
///   call:          connected_atom, agent_id             (answered) call → agent:
///   ring_timeout_atom, call_id, max_no_answer call → agent:          cancel_atom, call_id, reason
///   call → agent:          end_call_atom, call_id, wrap_up_ms
///   outside → agent:       login_atom | logout_atom | ready_atom | not_ready_atom | answer_atom |
///   reject_atom | hangup_atom outside → agent:       busy_atom, call_id   (the phone signalled
///   busy: the offer ends, `busy_delay_s` applies) agent → call:          reject_atom, agent_id,
///   reason        (rejected | busy | logged_out) outside → call:        abandon_atom | hangup_atom
///   outside → call:        priority_atom, priority, reason      (raise or lower a waiting caller:
///   keeps its place) outside → call:        hold_atom, agent_id | resume_atom, agent_id  (agent
///   desktop: the caller on hold) outside → call:        callback_atom, number                (the
///   caller chose a call back; empty: its own number) outside → call:        callback_failed_atom,
///   reason         (a pending call back cannot be made: the customer is
///                          unreachable, or an operator cancels it; it ends callback_failed)
///   call → agent:          hold_atom, call_id | resume_atom, call_id
///   call → queue:          priority_atom, call_id, priority
///   outside → call:        transfer_atom, transfer_request       (agent desktop)
///   outside → call:        conference_atom, conference_request   (agent desktop)
///   outside → call:        conf_leave_atom, party, reason        (a party leaves the conference)
///   outside → call:        supervise_atom, supervisor_id, events::supervision_mode
///   call → agent:          leg_atom, leg_request                 (ring for a transfer /
///   consultation / conference) agent → call:          leg_refused_atom, agent_id, code      (could
///   not reserve) agent → call:          leg_answer_atom, agent_id | leg_reject_atom, agent_id,
///   reason
///                          (rejected | busy | logged_out: the leg's call.offer_ended reason)
///   agent → call:          conf_leave_atom, agent_id, "hung_up"  (a conference party hung up)
///   outside → call:        consult_end_atom, agent_id, what      (a consultation in progress:
///                          what complete | cancel from the call's agent (desktop, API);
///                          target_hung_up from the target's agent)
///   call → observer:       party_atom, call_id, party_change     (transfers, conferences,
///                          supervision: who is on the call's media)
///   any → observer:        notifications (see observer below)
///   API → agent (request): api_atom, user, caf::message  — one of the agent's own commands
///                          above (login, logout, ready, not_ready, answer, reject, hangup,
///                          wrap_up_done), a runtime change (skills_atom, skills, reason |
///                          queues_atom, queues, reason) or (desk_atom, call_id, caf::message)
///                          for the call on its desk; ⇒ api_atom, code, detail: code empty when
///                          done, else the decider's (or a rule's) refusal, or not_on_desk,
///                          unknown_command. `user` (the API's user name; empty: none) is the
///                          author of the events the command causes (api_request.hpp).
///   API → call (request):  api_atom, user, caf::message  — hold, resume, transfer, conference,
///                          conf_leave, supervise (as above) ⇒ api_atom, code, detail
///   API → queue (request): api_atom, user, caf::message  — (close_atom, reason) or
///                          (open_atom, reason): the service closed / open ⇒ api_atom, code, detail
///   API → agent (request): api_atom, user, (disposition_atom, call_id, code, notes) — the
///                          disposition of a call on the desk (also in after-call work)
///   API → queue (request): api_atom, user, (settings_atom, settings_patch, reason) — the
///                          queue's business parameters (events/acd/queue.hpp: change_settings)
///   API → trunk group (request): api_atom, user, (channels_atom, channels, reason) ⇒ api_atom,
///                          code, detail
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "events/acd/candidate.hpp"
#include "events/acd/queue.hpp"
#include "events/envelope.hpp"
#include "events/federation/message.hpp"
#include "events/federation/site_status.hpp"
#include "events/vocabulary.hpp"

namespace hotline::actors {

using arrive_atom = caf::atom_constant<caf::atom("arrive")>;
using seize_atom = caf::atom_constant<caf::atom("seize")>;
/// telephony → trunk group: (peer_health_atom, peer, up, reason) its SIP peer's keepalive verdict.
using peer_health_atom = caf::atom_constant<caf::atom("peerhlth")>;
/// call → observer: (dial_atom, call_id, agent_id, number, trunk_group) an agent's outbound
/// call whose far end telephony reaches (acd_context::far_end_dialing).
using dial_atom = caf::atom_constant<caf::atom("dial")>;
/// call → observer: (dial_back_atom, call_id, agent_id, number, trunk_group) a call back whose
/// agent is reserved: telephony rings the agent's phone, then the customer's number through the
/// trunk group; answers with far_end_atom ("dialing" once the agent answered, then as for
/// dial_atom; "no_phone": ring the agent as without telephony).
using dial_back_atom = caf::atom_constant<caf::atom("dialback")>;
/// telephony → call: (far_end_atom, result) the far end of an outbound call: "ringing",
/// "answered", or why it never answered (call::far_end_failed's results).
using far_end_atom = caf::atom_constant<caf::atom("farend")>;
using seized_atom = caf::atom_constant<caf::atom("seized")>;
using blocked_atom = caf::atom_constant<caf::atom("blocked")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using join_atom = caf::atom_constant<caf::atom("join")>;
using joined_atom = caf::atom_constant<caf::atom("joined")>;
using refused_atom = caf::atom_constant<caf::atom("refused")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using offer_failed_atom = caf::atom_constant<caf::atom("offerfail")>;
using reserve_atom = caf::atom_constant<caf::atom("reserve")>;
using reserve_failed_atom = caf::atom_constant<caf::atom("resfail")>;
using agent_update_atom = caf::atom_constant<caf::atom("agentupd")>;
using news_atom = caf::atom_constant<caf::atom("news")>;
using queue_empty_atom = caf::atom_constant<caf::atom("qempty")>;
using passivate_atom =
    caf::atom_constant<caf::atom("passivate")>; ///< an agent to itself: idle time is up
using follow_atom = caf::atom_constant<caf::atom("follow")>;
using offer_atom = caf::atom_constant<caf::atom("offer")>;
using connected_atom = caf::atom_constant<caf::atom("connected")>;
using ring_timeout_atom = caf::atom_constant<caf::atom("ringto")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using end_call_atom = caf::atom_constant<caf::atom("endcall")>;
using wrap_up_done_atom = caf::atom_constant<caf::atom("wrapdone")>;
using login_atom = caf::atom_constant<caf::atom("login")>;
using logout_atom = caf::atom_constant<caf::atom("logout")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using not_ready_atom = caf::atom_constant<caf::atom("notready")>;
using answer_atom = caf::atom_constant<caf::atom("answer")>;
using reject_atom = caf::atom_constant<caf::atom("reject")>;
using hangup_atom = caf::atom_constant<caf::atom("hangup")>;
using abandon_atom = caf::atom_constant<caf::atom("abandon")>;
using busy_atom = caf::atom_constant<caf::atom("busy")>;
using priority_atom = caf::atom_constant<caf::atom("priority")>;
using hold_atom = caf::atom_constant<caf::atom("hold")>;
using resume_atom = caf::atom_constant<caf::atom("resume")>;
using callback_atom = caf::atom_constant<caf::atom("callback")>;
using callback_failed_atom = caf::atom_constant<caf::atom("cbfailed")>;
using retry_at_atom = caf::atom_constant<caf::atom("retryat")>;
using offer_callback_atom =
    caf::atom_constant<caf::atom("offercb")>; ///< a call to itself: callback_offer_after is up
using max_wait_atom = caf::atom_constant<caf::atom("maxwait")>;
using announce_atom = caf::atom_constant<caf::atom("announce")>;
using widen_atom = caf::atom_constant<caf::atom("widen")>;
using position_atom = caf::atom_constant<caf::atom("position")>;
using rematch_atom = caf::atom_constant<caf::atom("rematch")>;
using committed_atom = caf::atom_constant<caf::atom("committed")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using recover_atom = caf::atom_constant<caf::atom("recover")>;
using rejoin_atom = caf::atom_constant<caf::atom("rejoin")>;
// multi-site federation (actors/federation_actor.hpp)
using interflow_atom = caf::atom_constant<caf::atom("interflow")>;
using remote_reply_atom = caf::atom_constant<caf::atom("rreply")>;
using remote_timeout_atom = caf::atom_constant<caf::atom("rtimeout")>;
using landing_timeout_atom = caf::atom_constant<caf::atom("landto")>;
using site_lost_atom = caf::atom_constant<caf::atom("sitelost")>;
using fed_send_atom = caf::atom_constant<caf::atom("fedsend")>;
using offer_done_atom = caf::atom_constant<caf::atom("offerdone")>;
using moving_atom = caf::atom_constant<caf::atom("moving")>;
using fed_snapshot_atom = caf::atom_constant<caf::atom("fedsnap")>;
using reserve_remote_atom = caf::atom_constant<caf::atom("resremote")>;
using ring_atom = caf::atom_constant<caf::atom("ring")>;
using inbound_atom = caf::atom_constant<caf::atom("inbound")>;
using site_status_atom = caf::atom_constant<caf::atom("sitestat")>;
using fed_tick_atom = caf::atom_constant<caf::atom("fedtick")>;
using sites_atom = caf::atom_constant<caf::atom("sites")>;
// transfers, conferences, supervision (docs/acd.md, "Transfers, conferences and supervision")
using transfer_atom = caf::atom_constant<caf::atom("transfer")>;
using conference_atom = caf::atom_constant<caf::atom("conference")>;
using conf_leave_atom = caf::atom_constant<caf::atom("confleave")>;
using supervise_atom = caf::atom_constant<caf::atom("supervise")>;
using leg_atom = caf::atom_constant<caf::atom("leg")>;
using leg_refused_atom = caf::atom_constant<caf::atom("legrefused")>;
using leg_answer_atom = caf::atom_constant<caf::atom("leganswer")>;
using leg_reject_atom = caf::atom_constant<caf::atom("legreject")>;
using leg_timeout_atom = caf::atom_constant<caf::atom("legtimeout")>;
using consult_end_atom = caf::atom_constant<caf::atom("consultend")>;
// observer notifications
using ringing_atom = caf::atom_constant<caf::atom("ringing")>;
using queued_atom = caf::atom_constant<caf::atom("queued")>;
using talking_atom = caf::atom_constant<caf::atom("talking")>;
using ended_atom = caf::atom_constant<caf::atom("ended")>;
using rejected_atom = caf::atom_constant<caf::atom("rejected")>;
using callback_offered_atom = caf::atom_constant<caf::atom("cboffered")>;
using off_line_atom = caf::atom_constant<caf::atom("offline")>;
using ring_stopped_atom = caf::atom_constant<caf::atom("ringstop")>;
using held_atom = caf::atom_constant<caf::atom("held")>;
/// call → observer: (party_atom, call_id, party_change) who is on the call's media changes
/// (a transfer, a consultation, a conference party, a supervisor): what telephony mixes.
using party_atom = caf::atom_constant<caf::atom("party")>;
// the node API (drivers/api): requests that answer
using api_atom = caf::atom_constant<caf::atom("api")>;
using skills_atom = caf::atom_constant<caf::atom("skills")>;
using queues_atom = caf::atom_constant<caf::atom("queues")>;
using close_atom = caf::atom_constant<caf::atom("close")>;
using open_atom = caf::atom_constant<caf::atom("open")>;
using desk_atom = caf::atom_constant<caf::atom("desk")>;
using disposition_atom = caf::atom_constant<caf::atom("dispose")>;
using settings_atom = caf::atom_constant<caf::atom("settings")>;
using channels_atom = caf::atom_constant<caf::atom("channels")>;
/// (recording_atom, call_id, agent_id, bool pause) to the telephony actor:
/// pause (true) or resume (false) a call's recording (telephony_actor.hpp).
using recording_atom = caf::atom_constant<caf::atom("recording")>;

/// A new contact, as telephony (or the simulator) reports it.
struct call_request {
  std::string call_id;
  events::contact_channel channel = events::contact_channel::voice;
  events::call_direction direction = events::call_direction::inbound;
  std::string caller;
  std::string dialed; ///< selects the entry point (queue, trunk group, tenant)
  std::string customer_id;
  std::map<std::string, std::string> attached;
  std::string preferred_agent; ///< familiar agent (F10), if known
  std::string
      queue; ///< straight into this queue (chat, e-mail, web callback): no entry point, no trunk
  /// An outbound call this agent places from its desktop (F3, F11): the
  /// direction is outbound and `dialed` the number called. `queue` (else
  /// the agent's first queue) is the one it is made for: its tenant, its
  /// after-call work and its `outbound_trunk_group`, whose channel the call
  /// seizes. The call arrives and seizes its channel (none free: blocked),
  /// then reserves the agent (refused: the call ends `refused`, reason
  /// "agent_<code>"), and the agent's leg connects: no queue, no offer.
  std::string placed_by;
  /// Its trunk's calls-per-second limit turned it away (telephony): the
  /// call arrives and is blocked at once without seizing a line, the same
  /// outcome as every line busy.
  bool over_rate = false;
  /// Recovery after a node restart: the call exists in the store; rebuild
  /// it from its stream instead of arriving (see actors/acd.hpp).
  bool recover = false;
  /// An offer from another site (multi-site interflow): the call does not
  /// arrive yet; it reserves an agent, answers the offer, and arrives when
  /// the origin transfers it (actors/federation_actor.hpp).
  std::shared_ptr<const events::federation::message> interflow_offer;
};

struct join_request {
  std::string call_id;
  std::int32_t priority = 0;
  std::string customer_id;
  std::string preferred_agent;
  std::int64_t preferred_until_ns = 0;
  caf::actor call;            ///< the call actor, for offers
  std::string reserved_agent; ///< already reserved for it (interflow): counts as offered
  /// Skills asked of the agent for this call only, besides the queue's
  /// (an IVR flow's queue node: skill -> minimum level; events/acd/routing.hpp).
  std::map<std::string, int> skills;
};

struct reserve_request {
  std::string call_id;
  std::string queue;
  events::contact_channel channel = events::contact_channel::voice;
  std::int64_t ring_timeout_ms = 0;
  std::string reason; ///< routing's explanation
  caf::actor call;
  caf::actor queue_actor; ///< hears reserve_failed (the call itself for a remote hold)
  /// Held for a call coming from another site: reserved, but the phone
  /// rings only when the call lands (ring_atom from the call).
  bool hold = false;
  /// The agent places this call itself (call_request::placed_by): no
  /// ringing; the call answers for the agent once its line is up.
  bool placed = false;
};

/// A queue as the federation sees it (fed_snapshot_atom).
struct queue_snapshot {
  events::federation::queue_status status;
  struct waiting {
    std::string call_id;
    std::int32_t position = 0;
    std::int64_t waited_ms = 0;
    bool offering = false;    ///< an agent rings for it
    std::int64_t ewt_ms = -1; ///< its expected remaining wait here; -1: nobody serves the queue
    caf::actor call;
  };
  std::vector<waiting> calls; ///< in service order
};

struct offer_info {
  std::string agent_id;
  std::int64_t ring_timeout_ms = 0;
  std::string reason;
  caf::actor agent;
  bool held =
      false; ///< reserved without ringing (reserve_request::hold): ring_atom starts the ring
};

/// An agent's request to move its call (to the call actor).
///   blind, queue:         the agent goes to after-call work; the call joins `target`.
///   blind, agent:         the agent goes to after-call work; `target` rings; if it
///                         cannot be reserved, rejects or lets it ring out, the call
///                         joins `fallback_queue` (empty: the queue it came through).
///   consultative, agent:  the agent stays on the call while `target` rings; when the
///                         target answers the two talk, the caller on hold
///                         (a consultation); consult_end_atom completes it (the target
///                         takes the call, the agent wraps up) or cancels it. Unanswered,
///                         the call stays with the agent. Sent again for the target the
///                         agent consults, it completes the consultation.
///   external | site:      the call leaves the center: ends transferred_out.
struct transfer_request {
  std::string from_agent;
  events::transfer_mode mode = events::transfer_mode::blind;
  events::transfer_target_kind target_kind = events::transfer_target_kind::queue;
  std::string target;
  std::string reason;         ///< recorded on call.transferred
  std::string fallback_queue; ///< blind to an agent; empty: the call's queue
};

/// Add a third party: `party_kind` agent (rings that agent; joins on answer)
/// or external (a number, joins at once).
struct conference_request {
  std::string from_agent;
  std::string party_kind = "agent"; ///< agent | external
  std::string party;
  std::string reason;
};

/// The call asks an agent to ring for a second leg (not a queue offer).
struct leg_request {
  std::string call_id;
  std::string kind;  ///< transfer (blind) | consult | conference
  std::string queue; ///< the call's queue, recorded on agent.reserved
  events::contact_channel channel = events::contact_channel::voice;
  caf::actor call;
};

/// What changed among a call's parties (party_atom to the observer), after
/// the call recorded it. Telephony turns it into legs and media: who hears
/// whom (docs/telephony.md, "Transfers, conferences and supervision").
struct party_change {
  enum class kind : std::uint8_t {
    transferred,          ///< `from_agent` handed the call to `target` (target_kind): the agent's
                          ///< part ended; external: the call ends transferred_out to `target`
    consulting,           ///< `agent` rings for a consultation (the caller waits on hold)
    inviting,             ///< `agent` rings to join as a conference party
    leg_ended,            ///< the consultation or invitation of `agent` ended unanswered
    consultation_talking, ///< consultation target `agent` answered: it and `from_agent`
                          ///< talk, the caller hears music and neither of them
    consultation_ended,   ///< the consultation with `agent` ended without a transfer: its
                          ///< phone is hung up, the caller is back with its agent
    conferenced,          ///< `agent` joined as a conference party (external: `target`)
    left,                 ///< conference party `agent` left
    supervised,           ///< supervisor `agent` joins in `mode` (stop: leaves)
  };
  kind what = kind::transferred;
  std::string agent;
  std::string from_agent;
  events::transfer_target_kind target_kind = events::transfer_target_kind::queue;
  std::string target;
  events::supervision_mode mode = events::supervision_mode::listen;
};

/// A continuation to run inside an actor (completions of asynchronous
/// appends come back to their actor as one of these).
struct deferred {
  std::function<void()> run;
};

} // namespace hotline::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::call_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::join_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::reserve_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::offer_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::deferred)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::transfer_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::conference_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::leg_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::party_change)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::events::acd::candidate)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::events::acd::candidate_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::events::acd::queue::settings_patch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::queue_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::events::federation::message)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::events::federation::site_status)
