#pragma once
/// The agent aggregate, stream `agent-<id>` (F11): one person's session,
/// presence and the contacts on their desk.
///
/// State = presence (logged_out | ready | not_ready + reason) x the contacts
/// the agent holds, each in a phase (ringing = reserved for a call that rings
/// the agent; on_call; on_hold; wrap_up = after-call work). A voice-only
/// agent holds at most one contact, so `status()` reads like the classic
/// state machine:
///
///   logged_out --login--> ready / not_ready(reason)
///   ready --reserve--> ringing --answer--> on_call <--hold/resume--> on_hold
///   ready|not_ready --reserve(placed)--> ringing --answer--> on_call   (a call the agent dials)
///   ringing --reject | ring_timeout | cancel_reservation--> ready / not_ready
///   on_call|on_hold --end_call--> wrap_up --end_wrap_up--> ready / not_ready
///   ready <--set_ready / set_not_ready--> not_ready   (any time while logged in)
///   any (nothing on call) --logout--> logged_out
///
/// Presence is orthogonal to contacts: going not_ready during a call means
/// "offer me nothing new" and takes effect when the desk is clear.
///
/// Capacity (F2): an agent takes at most `definition.capacity[channel]`
/// contacts of a channel at once (a channel not listed: 0, not served);
/// ringing and wrap-up occupy a slot. With `voice_blocks_others` (Default)
/// an agent with a voice contact is offered nothing else.
///
/// After `max_no_answer` consecutive ring timeouts (carried by the
/// ring_timeout command, from the queue's definition) a ready agent is
/// paused: agent.not_ready with reason "auto_pause".
///
/// Timer-driven commands (ring_timeout, end_wrap_up) and cancellations race
/// with the agent's own actions; the loser of such a race is a no-op, not a
/// rejection.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/agent_events.hpp"
#include "events/center.hpp"
#include "events/outcome.hpp"

namespace hotline::events::acd::agent {

/// `agent-<id>`
std::string stream_name(const std::string& agent_id);

enum class presence_state : std::uint8_t { logged_out, ready, not_ready };
enum class contact_phase : std::uint8_t { ringing, on_call, on_hold, wrap_up };
/// The single summary state shown on wallboards and checked by invariants.
enum class status : std::uint8_t {
  logged_out,
  ready,
  not_ready,
  ringing,
  on_call,
  on_hold,
  wrap_up
};
const char* to_string(contact_phase p) noexcept;
const char* to_string(status s) noexcept;

struct contact {
  std::string call_id;
  std::string queue;
  contact_channel channel = contact_channel::voice;
  contact_phase phase = contact_phase::ringing;
  std::int64_t since_ns = 0;        ///< entered `phase`
  std::int64_t talk_started_ns = 0; ///< answered (on_call, on_hold, wrap_up)

  bool operator==(const contact&) const = default;
};

struct state {
  agent_definition definition; ///< configuration, not history: may be replaced on reload
  presence_state presence = presence_state::logged_out;
  std::string not_ready_reason;    ///< "logged_in" right after login, then the agent's reason
  std::vector<std::string> queues; ///< served in this session
  std::string station;             ///< the phone it logged in at ("" when not said)
  std::vector<contact> contacts;   ///< in reservation order
  std::int64_t logged_in_at_ns = 0;
  /// When the agent last became idle (ready with an empty desk) by going
  /// ready or finishing a contact. A missed ring does not reset it.
  std::int64_t idle_since_ns = 0;
  std::int64_t last_offered_ns = 0;
  std::int64_t last_rejected_ns = 0; ///< last reservation ended "rejected" (0: never)
  std::int64_t last_busy_ns = 0;     ///< last reservation ended "busy" (0: never)
  int calls_handled = 0;             ///< answered this session
  std::int64_t talk_time_ms = 0;     ///< answered..ended, this session (hold included)
  int consecutive_misses = 0;        ///< ring timeouts since the last answer or ready

  bool operator==(const state&) const = default;
};

// Commands. `now_ns` is the time the command is decided; the actor stamps
// the resulting events with it (event_meta::timestamp_ns).
struct login {
  std::vector<std::string> queues; ///< empty: the definition's queues
  bool ready = true;               ///< go ready at once; else not_ready "logged_in"
  std::int64_t now_ns = 0;
  std::string station{}; ///< the phone it sits at (extension or SIP URI); may be ""
};
struct logout {
  std::string reason = "by_agent"; ///< by_agent | by_supervisor | shift_end | node_restart
  std::int64_t now_ns = 0;
};
struct set_ready {
  std::int64_t now_ns = 0;
};
struct set_not_ready {
  std::string reason; ///< required: break | lunch | meeting | training | ...
  std::int64_t now_ns = 0;
};
struct reserve {
  std::string call_id;
  std::string queue;
  contact_channel channel = contact_channel::voice;
  std::int64_t now_ns = 0;
  /// The agent places this contact itself (an outbound call from its
  /// desktop): being not ready does not stop it, since pausing means
  /// "offer me nothing", not "let me dial nothing". Logged out, capacity
  /// and voice blocking still refuse it.
  bool placed = false;
};
struct answer {
  std::string call_id;
  std::int64_t now_ns = 0;
};
struct reject {
  std::string call_id;
  std::int64_t now_ns = 0;
};
struct ring_timeout {
  std::string call_id;
  int max_no_answer = 0; ///< the offering queue's; 0: never auto-pause
  std::int64_t now_ns = 0;
};
struct cancel_reservation {
  std::string call_id;
  std::string reason = "cancelled"; ///< answered_elsewhere | cancelled | busy | ...
  std::int64_t now_ns = 0;
};
struct hold {
  std::string call_id;
  std::int64_t now_ns = 0;
};
struct resume {
  std::string call_id;
  std::int64_t now_ns = 0;
};
struct end_call {
  std::string call_id;
  std::int64_t wrap_up_ms = 0; ///< see effective_wrap_up_ms; 0: no after-call work
  std::int64_t now_ns = 0;
};
struct end_wrap_up {
  std::string call_id;
  std::int64_t now_ns = 0;
};

/// Runtime configuration (issue 21): the whole new skill set. Names are
/// non-empty, at most 64 characters of letters, digits and `_-.`; levels
/// 1..100; at most 256 skills. The same set again changes nothing.
struct set_skills {
  std::map<std::string, int> skills;
  std::string reason;
  std::int64_t now_ns = 0;
};
/// Runtime configuration: the queues served (non-empty, no duplicates;
/// whether each exists is the caller's check, the decider knows no
/// center). Logged in, the session's queues change at once; logged out,
/// the next login without a list takes them.
struct set_queues {
  std::vector<std::string> queues;
  std::string reason;
  std::int64_t now_ns = 0;
};

/// The agent records the disposition (wrap-up code) and notes of a call on
/// its desk: answered, held or in after-call work; not while it only rings
/// ("not_answered"), not once the desk let it go ("not_on_desk"). `code`
/// and `notes` follow check_disposition; `allowed` is the call's queue's
/// list (empty: any code; else a code outside it is "unknown_disposition").
/// Each one is recorded, also the same again: the newest wins.
struct set_disposition {
  std::string call_id;
  std::string code;
  std::string notes;
  std::vector<std::string> allowed;
  std::int64_t now_ns = 0;
};

using command = std::variant<login, logout, set_ready, set_not_ready, reserve, answer, reject,
                             ring_timeout, cancel_reservation, hold, resume, end_call, end_wrap_up,
                             set_skills, set_queues, set_disposition>;
using event = std::variant<agent_logged_in, agent_logged_out, agent_ready, agent_not_ready,
                           agent_reserved, agent_reservation_ended, agent_call_started,
                           agent_call_held, agent_call_ended, agent_wrap_up_ended,
                           agent_skills_changed, agent_queues_changed, agent_disposition_set>;

/// Logged out, nothing on the desk.
state initial_state(agent_definition definition);

/// Rejection codes: "already_logged_in", "logged_out", "missing_reason",
/// "not_ready", "already_has_call", "channel_not_served", "at_capacity",
/// "on_voice_call", "not_reserved", "not_ringing", "not_on_call",
/// "not_on_hold", "not_in_wrap_up", "on_call" (logout with a live call),
/// "invalid_argument" (also a bad skill name or level, an empty or
/// repeated queue list, a bad disposition code or notes), "not_on_desk",
/// "not_answered", "unknown_disposition". docs/acd.md explains each.
outcome<event> decide(const command& cmd, const state& s);

/// `at_ns` is the event's envelope time (event_meta::timestamp_ns). Never
/// refuses: an event about an unknown contact is applied as best it can.
state evolve(state s, const event& e, std::int64_t at_ns);

/// Agents log in again: never terminal.
inline bool is_terminal(const state&) noexcept {
  return false;
}

/// Why a skill set cannot be an agent's (the set_skills rule: names of
/// 1..64 letters, digits, `_-.`; levels 1..100; at most 256), or nothing.
std::optional<rejection> check_skills(const std::map<std::string, int>& skills);

/// The disposition rules. Code: 1..`max_disposition_code` characters of
/// valid UTF-8, none a control character, not all spaces. Notes: at most
/// `max_disposition_notes` characters of valid UTF-8, no control
/// character but line breaks and tabs. Each answers why not, or nothing.
inline constexpr std::size_t max_disposition_code = 64;
inline constexpr std::size_t max_disposition_notes = 4000;
std::optional<std::string> check_disposition_code(std::string_view code);
std::optional<std::string> check_disposition_notes(std::string_view notes);
/// Whether `code` may be set on a call of a queue listing `allowed`
/// (empty: any code).
bool disposition_allowed(const std::vector<std::string>& allowed, std::string_view code);

status status_of(const state& s) noexcept;
const contact* find_contact(const state& s, const std::string& call_id) noexcept;

/// Why the agent cannot take one more contact on `channel` right now
/// (presence, capacity, voice blocking), or nothing when it can.
std::optional<rejection> refuse_new_contact(const state& s, contact_channel channel);

/// The same check without building the rejection's text: its code, or
/// nullptr when the agent can take the contact. Routing snapshots ask it
/// for every queue served after every change of the agent.
const char* new_contact_refusal(const state& s, contact_channel channel) noexcept;

/// The part of that check that presence does not decide (channel served,
/// voice blocking, capacity): what a contact the agent places must pass.
const char* capacity_refusal(const state& s, contact_channel channel) noexcept;

/// Contacts of `channel` on the desk (any phase).
int contacts_on(const state& s, contact_channel channel) noexcept;

/// After-call work for a call of `queue`: the agent's own setting wins over
/// the queue's (agent_definition::wrap_up_ms = -1 means "use the queue's").
std::int64_t effective_wrap_up_ms(const agent_definition& a, const queue_definition& q) noexcept;

/// not_ready reason given by auto-pause.
inline constexpr const char* auto_pause_reason = "auto_pause";

} // namespace hotline::events::acd::agent
