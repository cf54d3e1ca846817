#pragma once
/// The trunk channel aggregate, stream `trunk-<group>.<n>` (F1): one line of
/// a trunk group, free or seized by exactly one call.
///
/// Commands: `seize` (by a call, inbound or outbound), `release` (by the call
/// that holds it). A busy channel refuses a second seize ("channel_busy"):
/// two calls never share a line. Repeating the command that brought the
/// channel to its current state is a no-op, so a retried message is harmless.
///
/// Choosing a line is not this aggregate's business: `pick_free_channel`
/// looks at the states of a group's channels and names a free one, or none,
/// in which case the call is blocked (呼损): call::block ends it with outcome
/// "blocked", reason "all_channels_busy".
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "events/center.hpp"
#include "events/outcome.hpp"
#include "events/trunk_events.hpp"

namespace hotline::events::acd::trunk {

/// `trunk-<group>.<n>`
std::string stream_name(const std::string& group, int channel);

struct state {
  std::string group;
  int channel = 0;                                           ///< 1..channels
  trunk_direction allowed_direction = trunk_direction::both; ///< from the group
  bool busy = false;
  std::string call_id;                     ///< the call holding it, when busy
  std::optional<call_direction> direction; ///< of the current seizure, when busy
  std::int64_t seized_at_ns = 0;
  std::string last_call_id;   ///< the call that released it last (retry detection)
  std::uint64_t seizures = 0; ///< lifetime count (traffic statistics)

  bool operator==(const state&) const = default;
};

struct seize {
  std::string call_id;
  call_direction direction = call_direction::inbound;
  std::int64_t now_ns = 0;
};
struct release {
  std::string call_id;
  std::int64_t now_ns = 0;
};
using command = std::variant<seize, release>;
using event = std::variant<trunk_seized, trunk_released>;

/// A free channel `n` of `group`; directions are limited by the group's.
state initial_state(const trunk_group_definition& group, int channel);
state initial_state(std::string group, int channel,
                    trunk_direction allowed_direction = trunk_direction::both);

/// Rejections: "invalid_direction", "direction_not_allowed", "channel_busy"
/// (another call holds it), "not_seized" (release of a free channel that
/// this call did not release last), "wrong_call" (held by another call).
outcome<event> decide(const command& cmd, const state& s);

/// `at_ns` is the event's envelope time (event_meta::timestamp_ns).
state evolve(state s, const event& e, std::int64_t at_ns);

/// A channel lives as long as its group: never terminal.
inline bool is_terminal(const state&) noexcept {
  return false;
}

/// The channel number to seize for a call in `direction`, or nothing when
/// every channel that allows it is busy (the call is blocked). Sequential
/// hunting: the lowest-numbered free channel, so the statistics of a group
/// read like a classic trunk hunt (the first lines carry the most traffic).
std::optional<int> pick_free_channel(const std::vector<state>& channels, call_direction direction);

/// call.ended vocabulary for a blocked call.
inline constexpr call_outcome blocked_outcome = call_outcome::blocked;
inline constexpr const char* all_channels_busy = "all_channels_busy";

} // namespace hotline::events::acd::trunk
