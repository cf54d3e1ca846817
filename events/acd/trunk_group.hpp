#pragma once
/// The trunk group aggregate, stream `trunkgroup-<id>` (F1, issue 21): how
/// many of a group's channels may be seized at once. The TOML file seeds
/// it (`[[trunks]] channels`); an administrator changes it at runtime
/// (`set_channels` → `trunk.channels_changed`), and after a restart the
/// stream's changes win over the file.
///
/// Lowering the limit below the lines in use ends no call: the calls on
/// them go on, and no new seizure succeeds until fewer than `channels`
/// lines are busy (`pick_channel`). Which line a call gets is still the
/// trunk channel rule (trunk_channel.hpp: sequential hunting).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "events/acd/trunk_channel.hpp"
#include "events/center.hpp"
#include "events/outcome.hpp"
#include "events/trunk_events.hpp"

namespace hotline::events::acd::trunk_group {

/// `trunkgroup-<id>`
std::string stream_name(const std::string& group);

/// Channels a group may have at runtime (a center has at most 10,000 in
/// all, docs/config.md; the runtime limit is per group).
inline constexpr int max_channels = 10'000;

struct state {
  std::string group;
  int channels = 0; ///< may be seized at once: the file's, then the latest change

  bool operator==(const state&) const = default;
};

/// Runtime configuration: the channels that may be seized at once, 1..max_channels.
/// The same number again changes nothing.
struct set_channels {
  int channels = 0;
  std::string reason;
  std::int64_t now_ns = 0;
};

using command = std::variant<set_channels>;
using event = std::variant<trunk_channels_changed>;

state initial_state(const trunk_group_definition& group);

/// Rejections: "invalid_argument" (channels outside 1..max_channels).
outcome<event> decide(const command& cmd, const state& s);
state evolve(state s, const event& e, std::int64_t at_ns);
inline bool is_terminal(const state&) noexcept {
  return false;
}

/// The one tenant whose calls use trunk group `group` (its entry points,
/// and queues placing outbound calls on it), or "" when several tenants
/// share it or none uses it: such a group is the platform's.
std::string tenant_of(const center_definition& center, const std::string& group);

/// Why `channels` cannot be a group's limit, or nothing.
std::optional<std::string> check_channels(std::int64_t channels);

/// The channel a call in `direction` seizes when at most `limit` may be
/// busy at once: none while `limit` or more are busy (even on lines above
/// the limit, which a lowered limit lets finish), else the lowest-numbered
/// free channel among 1..limit that allows the direction.
std::optional<int> pick_channel(const std::vector<trunk::state>& channels, call_direction direction,
                                int limit);

} // namespace hotline::events::acd::trunk_group
