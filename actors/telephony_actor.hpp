#pragma once
/// The telephony actor: the ACD's edge towards a telephone stack, seen only
/// through the telephony port (actors/ports/telephony.hpp). It maps legs to
/// calls and agents and turns what one side says into the other's words;
/// every decision stays with the call, queue and agent actors' deciders.
///
///   stack → node                         node → ACD / stack
///   incoming(leg, from, to)              number unknown: reject not_found (SIP 404);
///                                        else spawn_call {call id = prefix + leg,
///                                        caller = from, dialed = to}; over the trunk's
///                                        calls-per-second limit: the call is blocked at
///                                        once (then rejected unavailable, SIP 503)
///   (queued_atom call)                   play music on hold to the caller (early media)
///   (announce_atom call position ewt)    `announcements`: the caller, still waiting, hears
///                                        events/acd/queue_announcement's prompts, then music
///   (ringing_atom agent call)            ring the agent's phone (its static contact);
///                                        an agent with no phone: reject_atom to it,
///                                        unless the simulator drives it (below)
///   answered(agent leg)                  answer_atom to the agent actor
///   (talking_atom call agent)            answer the caller's leg, bridge it to the agent's
///   (held_atom call agent true|false)    on hold: music to the caller (the bridge broken);
///                                        taken back: bridged to the agent's leg again
///   failed(agent leg, busy)              busy_atom to the agent actor
///   failed(agent leg, rejected|unreachable) reject_atom to the agent actor
///   failed(agent leg, no_answer)         nothing: the queue's ring timeout decides
///   (ring_stopped_atom agent call)       hang up that phone's leg (CANCEL) unless it talks
///   ended(caller leg) before talking     abandon_atom to the call
///   ended(caller leg) while talking      hangup_atom "caller" to the call
///   ended(agent leg) while talking       hangup_atom to the agent actor
///   (off_line_atom call)                 hang up the caller (it waits for a call back)
///   (ended_atom call outcome)            every leg of the call goes: a caller not yet
///                                        answered is rejected (blocked: unavailable with
///                                        Retry-After, SIP 503; refused: busy, SIP 486),
///                                        any other leg is hung up
///   held(agent leg, on)                  the phone's own hold (re-INVITE sendonly/inactive):
///                                        hold_atom / resume_atom agent to the call, as the
///                                        desk's; the caller's own hold: logged only
///   transfer_requested(agent leg, target) REFER from the phone of the agent talking: a blind
///                                        transfer_request to the call (an entry point's
///                                        number: its queue; an agent id: that agent; digits:
///                                        external), then transfer_result done | not_found |
///                                        refused (the call's refusal); any other leg: refused
///   incoming(leg, agent a1) to a2        a1's registered phone calls through the node: while
///                                        a1 talks on a call, that leg is a1's own line of a
///                                        consultation (consultative transfer_request to a2;
///                                        answered and bridged to a2 when a2 answers); no
///                                        call and a2 a number: a1's dial-out (below); no
///                                        call and a2 an agent: reject forbidden; one
///                                        running: busy; a2 no agent: not_found
///                                        (telephony_phone_calls.cpp)
///   transfer_requested(leg, replaces)    REFER with Replaces naming a1's own line (on either
///                                        of its dialogs): consult_end complete, then
///                                        transfer_result done and BYE to both lines; else
///                                        refused. The own line ended first: the consultation
///                                        is cancelled (still ringing: the target's offer ends)
///
/// Transfers, conferences, supervision (party_atom call party_change, after the call recorded it):
///   transferred from a1 (queue | agent)  hang up a1's leg, the supervisor's and the parties';
///                                        music to the caller until the target's talking_atom
///   transferred (external number)        the same; at (ended_atom transferred_out) the number
///                                        is rung through the caller's trunk group's peer and
///                                        bridged to the caller when it answers; either side
///                                        hanging up hangs up the other (no call actor left)
///   consulting a2                        the caller hears music; a2's phone rings
///                                        (ringing_atom)
///   consultation_talking a2 (answered)   a1's and a2's phones bridged; the caller keeps its
///                                        music; a2's BYE: hangup_atom to a2's agent
///   (talking_atom call a2) completed     hangs a1's leg up and bridges the caller to a2
///   consultation_ended a2                a2's leg hung up; the caller is bridged to a1 again
///   leg_ended a2 (consultation)          the caller is bridged to a1 again
///   conferenced a2 | external number     a mix: caller, agent and parties each hear the
///                                        others (a number is rung through the trunk first)
///   left a2, its phone hung up           conf_leave_atom (hung_up); the mix shrinks; two left:
///                                        bridged again
///   supervised s1 listen|whisper|barge   ring s1's phone; once up, the mix: listen: s1 hears
///                                        caller + agent, nobody hears s1; whisper: the agent
///                                        hears s1 too; barge: everyone hears everyone
///   supervised s1 stop, or s1 hangs up   s1's leg hung up (a hang-up: supervise stop to the
///                                        call); the caller and the agent bridged again
///   (held_atom) in a mix                 the caller hears music; the others still hear each other
///   dtmf                                 the caller in an IVR flow: the session's key
///                                        (actors/telephony_ivr.hpp); else logged only
///   (tivr_open / tivr_play / tivr_close) the IVR's caller side: answer, prompts, stop
///   prompt_played                        the session's prompt_finished
///   trunk_peer_down / trunk_peer_up      peer_health_atom to the trunk group, which records
///                                        trunk.peer_down / trunk.peer_up on `trunk-<group>`
///                                        and takes no outbound call while its peer is down
///
/// Outbound calls (an agent dials; acd_context::far_end_dialing):
///   (dial_atom call agent number trunk)  ring the agent's phone (shown: the number);
///                                        an agent with no phone: far_end_atom "no_phone"
///                                        (the call connects as without telephony) and
///                                        release_atom to the fan-out; no SIP peer for the
///                                        trunk (after the agent answers): "unreachable"
///   answered(agent leg)                  ring the far end: INVITE sip:number@peer of the
///                                        trunk group whose line the call seized
///   ringing(far leg)                     far_end_atom "ringing"
///   answered(far leg)                    bridge far end and agent; far_end_atom "answered"
///                                        (the call connects the agent)
///   failed(far leg, cause)               far_end_atom busy | rejected | no_answer | unreachable
///   failed(agent leg)                    far_end_atom "agent_unreachable"
///   ended(agent leg) before the answer   CANCEL the far end; far_end_atom "cancelled"
///   outbound_ring_timeout_s passes       CANCEL the far end; far_end_atom "no_answer"
///   ended(far leg) while talking         hangup_atom "caller" to the call (BYE either side)
///   incoming(leg, agent a1) to a number  a1 on no call: spawn_call(dial_out_request) as the
///                                        API's, id prefix + leg; its dial_atom rings the far
///                                        end at once (the leg is a1's, answered by a1: 180
///                                        only); far end answered: answer the leg (200), bridge;
///                                        far end busy | rejected | no_answer | unreachable:
///                                        reject the leg busy | declined | no_answer |
///                                        not_found (486/603/480/404); no SIP peer, blocked:
///                                        unavailable (503); the ACD refuses (ended refused
///                                        before dial_atom): forbidden (403), a log line; the
///                                        leg ended (CANCEL): as ended(agent leg) above
///
/// Call backs (virtual hold, a voicemail's call back; telephony_callbacks.cpp):
///   (dial_back_atom call agent number trunk) carried as a dial-out (above) on the call's
///                                        own entry (or a new one): ring the agent's phone
///                                        (shown: the number); no phone: far_end_atom
///                                        "no_phone" (the call rings the agent through the
///                                        ACD); no number, no SIP peer for the trunk:
///                                        "unreachable" at once, a log line, nothing rings
///   answered(agent leg)                  far_end_atom "dialing" (the agent's ring timeout
///                                        is over), then the far end rings as a dial-out's
///   failed(agent leg, cause)             as any offer's: busy_atom / reject_atom / nothing
///   ended(agent leg) before the answer   CANCEL the far end; reject_atom to the agent actor
///   (ring_stopped_atom agent call)       the agent let go: its leg hung up, and a far end
///                                        still ringing CANCELled
///   answered / failed(far leg), timeout  far_end_atom as a dial-out's: the call connects
///                                        its agent, or fail_callback with the result
///   registered(agent, contact)           the agent's offers ring that contact (before
///                                        any static one); `phone.registered` appended
///                                        to `phone-<agent>` (not for a mere refresh);
///                                        an agent with no phone until then: login_atom
///   unregistered(agent, reason)          `phone.unregistered` appended; back to the
///                                        static phone, or logout_atom when there is none
///   restored_phones (options, at start)  bindings recorded before a restart that still run:
///                                        rung there, agents logged in, nothing appended;
///                                        lapsed_phones: `phone.unregistered` "expired"
///
/// Recording (F14; docs/telephony.md "Recording"), through the recording
/// decider (events/recording/recording.hpp) on stream `recording-<call>`,
/// run by actors/call_recordings.hpp:
///   (talking_atom call agent), the call's queue records (policy_for: the
///   queue's `record`, else its tenant's) and `recordings_dir` is set
///                                        start_recording {caller leg left, agent leg
///                                        right, <recordings_dir>/<call>.wav};
///                                        recording.started
///   (api_atom user (recording_atom call agent pause))
///                                        the agent talking on that call (else refused
///                                        `not_on_call`): recording.paused / .resumed,
///                                        then pause_recording / resume_recording; the
///                                        decider's refusal (not_recorded, already_paused,
///                                        not_paused) is the answer
///   (ended_atom call outcome)            stop_recording (the stack stops by itself when
///                                        a leg ends first)
///   recording_done                       recording.stopped {duration, bytes, sha256, ...}
///
/// Agents with a phone (`telephony_options::phones`) are logged in and
/// ready when the actor starts, like Asterisk's static queue members;
/// agents whose phone registers are logged in when it does, and so are
/// those whose registration outlived a restart (`restored_phones`).
///
/// Simulated agents (`simulated_agents`: a node or demo that runs a
/// simulated day beside real callers) have no phone: offered a real call,
/// such an agent answers after `simulated_answer_after` (answer_atom to its
/// actor, as the simulator would), the caller is answered and hears the
/// music on hold as the simulated agent's line, and the agent hangs up
/// after `simulated_talk` (hangup_atom to its actor). A registered phone
/// still wins: it rings as for any agent.
///
/// It is spawned lazily and starts on its first message: send it
/// `caf::ok_atom` once start_acd returned (it looks agents up then).
/// Lifetime: `port` must outlive the actor.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <caf/all.hpp>

#include "actors/acd.hpp"
#include "actors/ports/telephony.hpp"
#include "actors/telephony_ivr.hpp"
#include "events/telephony/phone_binding.hpp"

namespace hotline::actors {

struct telephony_options {
  /// Calls it starts are named prefix + leg id ("sip-L7"); the observer
  /// fan-out routes their notifications here by this prefix. Non-empty.
  std::string call_id_prefix = "sip-";
  /// Agent id -> the phone's address ("sip:a1@127.0.0.1:5070").
  std::map<std::string, std::string> phones;
  /// Told to a caller turned away because every trunk channel is busy.
  std::int32_t retry_after_s = 30;
  /// Play music on hold to waiting callers (early media); else they hear ringing.
  bool music_on_hold = true;
  /// Speak the ACD's position / expected-wait announcements to waiting
  /// callers (the stack has the prompts: [sip] announcements). Default: false.
  bool announcements = false;
  /// Agents the simulator drives (no phone): they take real calls as above.
  std::set<std::string> simulated_agents;
  std::chrono::milliseconds simulated_answer_after{2'000};
  std::chrono::milliseconds simulated_talk{60'000};
  /// Trunk group -> its SIP peer ("ip:port"), where outbound calls go.
  std::map<std::string, std::string> trunk_peers;
  /// How long an outbound call's far end may ring ([sip] outbound_ring_timeout_s).
  std::int32_t outbound_ring_timeout_s = 60;
  /// Registered phones recorded before the node stopped whose bindings
  /// still run (the stack was given them too): their agents ring there and
  /// are logged in at start, with no new `phone.registered`.
  std::vector<events::telephony::phone_binding> restored_phones;
  /// Recorded bindings that lapsed while the node was down: each gets its
  /// `phone.unregistered` (reason `expired`) at start.
  std::vector<events::telephony::phone_binding> lapsed_phones;
  /// Where recorded calls' WAV files go (an existing directory). Default:
  /// empty, nothing is recorded whatever the policies say.
  std::string recordings_dir;
  /// IVR prompts' audio (actors/telephony_ivr.hpp). Default: null, every
  /// prompt is skipped with a log line (counted as played).
  ivr_prompt_resolver ivr_prompts;
  /// Voicemail (actors/telephony_ivr.hpp, take_message): where messages
  /// are written (an existing directory; empty: no messages are taken),
  /// the beep played first (a WAV), the longest message, and who leaves
  /// them (`voicemail.left`; answers an error, or empty).
  std::string voicemail_dir;
  std::string voicemail_beep;
  std::int64_t voicemail_max_ms = 120'000;
  std::function<std::string(const voicemail_message&)> leave_voicemail;
  /// Where the actor says what it could not do (a phone missing, a digit
  /// ignored); default: nowhere.
  std::function<void(const std::string&)> log;
};

caf::actor spawn_telephony(caf::actor_system& sys, std::shared_ptr<acd_context> ctx,
                           ports::telephony* port, telephony_options opts);

/// The sink to give the stack: each event becomes a message to `telephony`.
ports::telephony_sink telephony_sink_for(caf::actor telephony);

} // namespace hotline::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::ports::telephony_event)
