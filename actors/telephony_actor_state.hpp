#pragma once
/// The telephony actor's state and the parts of it split by concern
/// (actors/telephony_actor.hpp is the contract): telephony_actor.cpp maps
/// legs to calls and agents; telephony_parties.cpp carries transfers,
/// conferences, supervision, a phone's own hold and REFER. Internal to
/// those two files.
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
  std::string queue;         ///< where it waited (queued_atom): whose recording policy counts
  // Transfers, conferences and supervision (party_atom).
  std::string trunk_in;          ///< inbound: its trunk group (an external transfer's way out)
  bool held = false;             ///< the agent holds the caller
  std::string consulting;        ///< an agent rings for a consultation: the caller waits
  std::set<std::string> parties; ///< conference parties on the line (agent ids, "ext:<number>")
  std::string supervisor;        ///< its leg is agent_legs[supervisor]
  events::supervision_mode supervision = events::supervision_mode::listen;
  bool mixing = false;     ///< a mix carries its media (not a bridge)
  std::string transfer_to; ///< transferred to this external number
  bool handed_off = false; ///< the call ended transferred_out: the caller talks to `far`
  tp::leg_id far;          ///< an external transfer's far end
};

/// What a leg is to its call.
enum class leg_role : std::uint8_t {
  party,      ///< the caller (agent empty) or an agent's phone (agent: its id)
  supervisor, ///< a supervisor's phone (agent: the supervisor's id)
  far_end,    ///< a number reached through a trunk for a transfer or a conference ("ext:<number>")
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

} // namespace hotline::actors::telephony_flow
