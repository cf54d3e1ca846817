#pragma once
/// The IVR session aggregate, stream `ivr-<session>` (F4, F5, F6; issue
/// 23, docs/ivr.md): one caller walking one flow (events/ivr/flow.hpp),
/// driven by the caller's keys, the prompts ending, timers and lookups.
///
/// The shape of every aggregate here (events/acd): `initial_state(flow)`,
/// `decide(command, state) -> outcome<event>`, `evolve(state, event)`,
/// `is_terminal(state)`. What the session waits for is `pending(state)`:
/// the telephony side plays that prompt, arms that timer or runs that
/// lookup, and reports back with the state's `step`, so a late report of
/// something already overtaken (a prompt cut short by a key, a timer that
/// lost to a digit) is a harmless no-op rather than a wrong move.
///
/// Rules (docs/ivr.md "Sessions"):
///  - `play` prompts cannot be interrupted: keys pressed meanwhile are
///    ignored. Menu, language and collect prompts can: a key stops them.
///  - A wrong key, a too-short or failing entry, or no key before the
///    timeout is a failed try; after `retries` more tries the caller goes
///    to the node's `default` (a language node: on with the flow's
///    language), or, without one, the session ends with way `failed`.
///  - `branch`, `hours` and the exit nodes run at once, inside the command
///    that reached them: one command may give several events.
///  - A session ends exactly once (`ivr.exited`); afterwards a key is
///    refused (`session_ended`) and every other report is a no-op.
///
/// Rejection codes: `already_entered`, `not_entered`, `session_ended`,
/// `invalid_argument` (a key that is not 0-9, * or #).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "events/ivr/flow.hpp"
#include "events/ivr_events.hpp"
#include "events/outcome.hpp"

namespace hotline::events::ivr {

/// `ivr-<session_id>`
std::string stream_name(const std::string& session_id);

/// Where the session is within its current node.
enum class phase : std::uint8_t {
  idle,        ///< not entered yet
  prompting,   ///< the node's prompt is playing
  reprompting, ///< the node's invalid-input prompt is playing (then its prompt again)
  waiting,     ///< waiting for a key (the node's timeout runs)
  looking_up,  ///< waiting for a lookup's answer
  passing,     ///< a branch, hours or exit node: decided within the same command
  ended,
};

struct state {
  std::shared_ptr<const flow> definition;
  std::string session_id;
  phase at = phase::idle;
  std::string node;          ///< the current node's id
  std::int32_t attempts = 0; ///< failed tries at this node
  std::string digits;        ///< a collect node's entry so far
  std::uint64_t step = 0;    ///< counts events: the token reports must carry
  std::map<std::string, std::string> variables;
  std::int32_t weekday = 0;
  std::int32_t minute_of_day = 0;
  std::string date;
  std::optional<ivr_exit_way> way; ///< set once ended

  bool operator==(const state&) const = default;
};

// -- commands ---------------------------------------------------------------

/// A caller reaches the flow. `data`: the call's own variables (profile,
/// attached data); `language`: a preferred language (ignored unless the
/// flow offers it). The local time is the tenant's wall clock now.
struct enter {
  std::string session_id;
  std::string call_id;
  std::string tenant;
  std::string caller;
  std::string dialed;
  bool vip = false;
  std::map<std::string, std::string> data;
  std::string language;
  std::int32_t weekday = 0;       ///< 0 = Monday
  std::int32_t minute_of_day = 0; ///< 0..1439
  std::string date;               ///< "YYYY-MM-DD"
  std::int64_t now_ns = 0;
};

/// The calendar reading of a local wall time, as `enter` carries it.
struct local_clock {
  std::int32_t weekday = 0; ///< 0 = Monday
  std::int32_t minute_of_day = 0;
  std::string date; ///< "YYYY-MM-DD"

  bool operator==(const local_clock&) const = default;
};
/// `local_wall_ns`: ns since the epoch of the wall-clock reading as if it
/// were UTC (what drivers/time_zone's `to_local` gives for the flow's zone).
local_clock clock_at(std::int64_t local_wall_ns);

/// A key: '0'..'9', '*' or '#' (RFC 4733 or SIP INFO at the edge).
struct digit {
  char key = '0';
  std::int64_t now_ns = 0;
};

/// The timer `pending()` asked for ran out.
struct timeout {
  std::uint64_t step = 0;
  std::int64_t now_ns = 0;
};

/// The prompt `pending()` asked for finished playing.
struct prompt_done {
  std::uint64_t step = 0;
  std::int64_t now_ns = 0;
};

/// The lookup `pending()` asked for answered. `ok` false: it failed
/// (`error` says why); else `found` and the row as column -> value.
struct lookup_result {
  std::uint64_t step = 0;
  bool ok = true;
  bool found = false;
  std::map<std::string, std::string> row;
  std::string error;
  std::int64_t latency_ms = 0;
  std::int64_t now_ns = 0;
};

/// The caller hung up.
struct hangup {
  std::int64_t now_ns = 0;
};

/// The node stopped while the session ran (found open after a restart: its
/// caller went with the process). It ends at its node, way `failed`.
struct interrupted {
  std::int64_t now_ns = 0;
};

using command =
    std::variant<enter, digit, timeout, prompt_done, lookup_result, hangup, interrupted>;
using event = std::variant<ivr_entered, ivr_prompt_played, ivr_input, ivr_menu_chosen, ivr_branched,
                           ivr_lookup_done, ivr_lookup_failed, ivr_exited>;

/// REQUIRES: `definition` is not null (a flow that passed config checks,
/// or one built in code: a reference to a missing node ends the session
/// with way `failed` rather than crash).
state initial_state(std::shared_ptr<const flow> definition);

outcome<event> decide(const command& cmd, const state& s);
state evolve(state s, const event& e);
inline bool is_terminal(const state& s) noexcept {
  return s.at == phase::ended;
}

/// What the session waits for now.
struct action {
  enum class kind : std::uint8_t {
    nothing, ///< idle, ended, or passing
    play,    ///< play `prompt` (then report prompt_done; a key may cut it when `interruptible`)
    wait,    ///< wait `timeout_ms` for a key (then report timeout)
    lookup,  ///< look `key` up in `table` by `key_column` (then report lookup_result)
  } what = kind::nothing;
  std::string node;
  std::uint64_t step = 0;
  prompt_ref prompt; ///< text already rendered
  std::string language;
  bool interruptible = false;
  std::int64_t timeout_ms = 0;
  std::string table;
  std::string key_column;
  std::string key;
};
action pending(const state& s);

} // namespace hotline::events::ivr
