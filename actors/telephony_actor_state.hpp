#pragma once
/// The telephony actor's state and the parts of it split by concern
/// (actors/telephony_actor.hpp is the contract): telephony_actor.cpp maps
/// legs to calls and agents; telephony_parties.cpp carries transfers,
/// conferences, supervision, a phone's own hold and REFER;
/// telephony_phone_calls.cpp the calls a phone places itself (a dial-out, an attended
/// transfer). Internal to those files.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <caf/all.hpp>

#include "actors/agent_phones.hpp"
#include "actors/call_recordings.hpp"
#include "actors/telephony_actor.hpp"
#include "actors/telephony_ivr.hpp"

namespace hotline::actors::telephony_flow {

namespace tp = hotline::ports;

/// One call this actor started: its caller's leg and the agents' phones it rings.
struct tel_call {
  caf::actor actor;
  tp::leg_id caller;         ///< empty once the caller's leg is gone
  std::string caller_number; ///< shown on the agents' phones
  bool caller_answered = false;
  bool talking = false;
  std::string talking_agent;
  std::map<std::string, tp::leg_id> agent_legs; ///< agent id -> its phone's leg
  std::set<std::string> simulated_ringing;      ///< simulated agents offered it, not yet answered
  // An agent's outbound call: `caller` is the far end's leg once rung.
  bool outbound = false;
  std::string dialing_agent;
  std::string number;
  std::string trunk;
  bool far_end_told = false; ///< the call heard the far end's last word (answered or a failure)
  bool far_end_gone = false; ///< it hung up before the call connected (hang up on talking)
  std::string far_end_said;  ///< that last word ("busy", "answered", ...)
  bool no_peer = false;      ///< its trunk group has no SIP peer: nothing was rung
  /// The agent's phone placed it itself (its own INVITE through the node,
  /// telephony_phone_calls.cpp): agent_legs[dialing_agent] is that INVITE,
  /// answered only when the far end answers; it rang nothing of the agent's.
  bool phone_placed = false;
  bool dial_heard = false; ///< the call's dial_atom came (the ACD reserved the agent)
  /// A call back dialed like an outbound call (telephony_callbacks.cpp):
  /// its agent's phone answers to the agent actor's offer (busy, declined,
  /// not answered: the offer's usual end), the far end as a dial-out's.
  bool callback = false;
  std::string queue; ///< where it waited (queued_atom): whose recording policy counts
  // Transfers, conferences and supervision (party_atom).
  std::string trunk_in;          ///< inbound: its trunk group (an external transfer's way out)
  bool held = false;             ///< the agent holds the caller
  std::string consulting;        ///< an agent rings for a consultation: the caller waits
  bool consult_talking = false;  ///< `consulting` answered: it talks with the call's agent
  std::set<std::string> parties; ///< conference parties on the line (agent ids, "ext:<number>")
  std::string supervisor;        ///< its leg is agent_legs[supervisor]
  events::supervision_mode supervision = events::supervision_mode::listen;
  bool mixing = false;     ///< a mix carries its media (not a bridge)
  std::string transfer_to; ///< transferred to this external number
  bool handed_off = false; ///< the call ended transferred_out: the caller talks to `far`
  tp::leg_id far;          ///< an external transfer's far end
  /// The agent whose phone's REFER (with Replaces) completes the
  /// consultation: its two lines wait for the NOTIFY before their BYE
  /// (telephony_phone_calls.cpp).
  std::string completing_by;
  // Its IVR session (telephony_ivr.cpp), while the caller walks a flow.
  std::string ivr_session;
  ports::ivr_media_sink ivr_sink;
  std::uint64_t ivr_asked = 0;   ///< the step of the prompt asked for last
  std::uint64_t ivr_playing = 0; ///< the step of the prompt playing (ivr_prompt_on)
  bool ivr_prompt_on = false;
  bool ivr_interruptible = false;
  // A message it takes (take_message): the beep plays, then the recording.
  bool taking_message = false;
  bool message_started = false; ///< recording (after the beep)
  std::string mailbox;
  caf::response_promise message_done; ///< answers take_message
};

/// What a leg is to its call.
enum class leg_role : std::uint8_t {
  party,      ///< the caller (agent empty) or an agent's phone (agent: its id)
  supervisor, ///< a supervisor's phone (agent: the supervisor's id)
  far_end,    ///< a number reached through a trunk for a transfer or a conference ("ext:<number>")
  own_line,   ///< a call the agent's phone placed through the node to consult on this call
              ///< (agent: own_line_key(agent id); telephony_phone_calls.cpp)
};

/// Which call a leg belongs to; `agent` empty: the caller's.
struct tel_leg {
  std::string call_id;
  std::string agent;
  bool answered = false;
  leg_role role = leg_role::party;
};

struct telephony_state {
  std::shared_ptr<acd_context> ctx;
  tp::telephony* port = nullptr;
  telephony_options opts;
  std::map<std::string, tel_call> calls;
  std::map<tp::leg_id, tel_leg> legs;
  std::unique_ptr<agent_phones> phones; ///< static, registered and restored phones
  std::unique_ptr<call_recordings> recordings;
  std::map<std::string, std::string> ivr_sessions; ///< IVR session -> call id
};

using tel_self = caf::stateful_actor<telephony_state>*;

inline void say(tel_self self, const std::string& line) {
  if (self->state.opts.log) self->state.opts.log(line);
}

inline tel_call* find_call(tel_self self, const std::string& call_id) {
  auto it = self->state.calls.find(call_id);
  return it == self->state.calls.end() ? nullptr : &it->second;
}

inline caf::actor agent_actor_of(tel_self self, const std::string& agent_id) {
  return self->state.ctx->agents.get(agent_id);
}

/// Forgets an agent's phone leg (its fate is known or no longer matters).
inline void drop_agent_leg(tel_self self, tel_call& c, const std::string& agent_id) {
  auto it = c.agent_legs.find(agent_id);
  if (it == c.agent_legs.end()) return;
  self->state.legs.erase(it->second);
  c.agent_legs.erase(it);
}

/// Rings `agent_id`'s phone at `contact` for the call (showing `shown`):
/// the leg is the agent's in `c` (telephony_actor.cpp).
void ring_agent_phone(tel_self self, const std::string& call_id, tel_call& c,
                      const std::string& agent_id, const std::string& contact,
                      const std::string& shown);

// -- telephony_callbacks.cpp ------------------------------------------------------------

/// The call's dial_back_atom: ring the agent's phone, the customer once it
/// answered (as an agent's dial-out: `outbound` with `callback`).
void on_dial_back(tel_self self, const caf::actor& call, const std::string& call_id,
                  const std::string& agent_id, const std::string& number, const std::string& trunk);
/// A call back's agent hung up while its customer rang: CANCEL the
/// customer; the agent actor hears a declined offer (the call back waits
/// for its next agent).
void callback_agent_gone(tel_self self, const std::string& call_id, tel_call& c,
                         const std::string& agent_id);
/// The call back's agent was let go (its ring timed out, the dial-back
/// failed or was cancelled): a customer still ringing is CANCELled.
void stop_dial_back(tel_self self, tel_call& c, const std::string& agent_id);

// -- telephony_parties.cpp ---------------------------------------------------------------

/// Who hears whom now: bridged when the caller and the agent are alone, a
/// mix with conference parties or a supervisor, music on hold or while
/// its agent consults.
void remix(tel_self self, const std::string& call_id, tel_call& c);
/// Hangs an agent's (a supervisor's, a far end's) leg of the call up and forgets it.
void hang_up_agent_leg(tel_self self, tel_call& c, const std::string& key);
/// The supervisor and the conference parties leave (a transfer clears them).
void drop_extras(tel_self self, const std::string& call_id, tel_call& c);
/// Rings `number` through a trunk for the call: a far-end leg keyed "ext:<number>".
std::optional<tp::leg_id> ring_external(tel_self self, const std::string& call_id, tel_call& c,
                                        const std::string& number);
/// The call's party_atom.
void on_party(tel_self self, const std::string& call_id, const party_change& p);
/// A supervisor's phone or a far end answered / failed or hung up.
void on_extra_answered(tel_self self, const tel_leg& leg, const tp::leg_id& id);
void on_extra_gone(tel_self self, const tel_leg& leg, const tp::leg_id& id, bool answered);
/// After an external transfer: the caller and the far end alone.
void on_handed_off_leg(tel_self self, const std::string& call_id, tel_call& c, const tp::leg_id& id,
                       bool up);
/// The stack's `held` and `transfer_requested`.
void on_phone_held(tel_self self, const tp::held& e);
void on_transfer_requested(tel_self self, const tp::transfer_requested& e);

// -- telephony_phone_calls.cpp ----------------------------------------------------------

/// The key of an agent's own second line in `tel_call::agent_legs` ("line:a1").
inline std::string own_line_key(const std::string& agent_id) {
  return "line:" + agent_id;
}
/// An agent's phone placed a call through the node (`incoming` with agent):
/// while the agent talks on a call, a consultation of it with that line as
/// the agent's side; otherwise refused.
void on_phone_call(tel_self self, const tp::incoming& e);
/// The agent talks on no call and its phone calls a number: that agent's
/// dial-out (the API's call_request), whose agent leg is the phone's INVITE.
void phone_dials_out(tel_self self, const tp::incoming& e);
/// A phone-placed call's own INVITE, not answered, goes: rejected with the
/// SIP cause fitting how the call ended (the far end's word, else
/// `outcome`), and forgotten. False: no such leg (answered or gone).
bool reject_phone_leg(tel_self self, const std::string& call_id, tel_call& c,
                      std::optional<events::call_outcome> outcome);
/// REFER with Replaces from the agent's phone: completes its consultation.
void on_attended_refer(tel_self self, const tp::transfer_requested& e);
/// The phone hung its own line up (or cancelled it).
void on_own_line_gone(tel_self self, const tel_leg& leg, const tp::leg_id& id);
/// The consultation's target answered: the own line is answered too (it is
/// bridged to the target by remix).
void own_line_consult_talking(tel_self self, tel_call& c);
/// The consultation ended without a transfer (cancelled, declined, the
/// target hung up): the own line goes (486 while it rang, else BYE).
void own_line_consult_over(tel_self self, tel_call& c);
/// A consultation completed (talking_atom of the target): the first agent's
/// lines go (after the REFER's NOTIFY when a REFER completed it), and so do
/// the supervisor and the parties.
void consultation_completed(tel_self self, const std::string& call_id, tel_call& c);

// -- telephony_ivr.cpp ------------------------------------------------------------------

/// The IVR media side's messages (actors/telephony_ivr.hpp).
void on_ivr_open(tel_self self, const std::string& call_id, const std::string& session,
                 ports::ivr_media_sink sink);
void on_ivr_play(tel_self self, const std::string& session, const ports::ivr_prompt& p);
void on_ivr_audio(tel_self self, const std::string& session, std::uint64_t step, bool interruptible,
                  const ivr_audio& a);
void on_ivr_close(tel_self self, const std::string& session);
/// The stack's prompt_played; a caller's digit while in a flow (true: the session took it).
void on_prompt_played(tel_self self, const tp::prompt_played& e);
bool on_ivr_dtmf(tel_self self, const tp::dtmf& e);
/// The call's take_message; the stack's message_recorded; the caller's leg
/// ended while a message is taken (true: handled here, no abandon).
void on_take_message(tel_self self, const std::string& call_id, const std::string& mailbox,
                     caf::response_promise rp);
void on_message_recorded(tel_self self, const tp::message_recorded& e);
bool on_message_caller_gone(tel_self self, tel_call& c);

} // namespace hotline::actors::telephony_flow
