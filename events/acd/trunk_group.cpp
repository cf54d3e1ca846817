#include "events/acd/trunk_group.hpp"

#include <set>

namespace hotline::events::acd::trunk_group {

std::string stream_name(const std::string& group) {
  return "trunkgroup-" + group;
}

state initial_state(const trunk_group_definition& group) {
  return state{group.id, group.channels};
}

std::string tenant_of(const center_definition& center, const std::string& group) {
  std::set<std::string> tenants;
  for (const auto& e : center.entry_points)
    if (e.trunk_group == group) tenants.insert(e.tenant);
  for (const auto& q : center.queues)
    if (q.outbound_trunk_group == group) tenants.insert(q.tenant);
  return tenants.size() == 1 ? *tenants.begin() : std::string{};
}

std::optional<std::string> check_channels(std::int64_t channels) {
  if (channels < 1 || channels > max_channels)
    return "must be from 1 to " + std::to_string(max_channels) + " (got " +
           std::to_string(channels) + ")";
  return std::nullopt;
}

outcome<event> decide(const command& cmd, const state& s) {
  const auto& c = std::get<set_channels>(cmd);
  if (auto why = check_channels(c.channels))
    return rejection{"invalid_argument", "trunk group " + s.group + ": channels " + *why};
  if (c.channels == s.channels) return outcome<event>::nothing();
  return event{trunk_channels_changed{s.group, s.channels, c.channels, c.reason}};
}

state evolve(state s, const event& e, std::int64_t) {
  s.channels = std::get<trunk_channels_changed>(e).new_channels;
  return s;
}

std::optional<int> pick_channel(const std::vector<trunk::state>& channels, call_direction direction,
                                int limit) {
  int busy = 0;
  std::optional<int> best;
  for (const auto& c : channels) {
    if (c.busy) {
      ++busy;
      continue;
    }
    if (c.channel >= 1 && c.channel <= limit && carries(c.allowed_direction, direction) &&
        (!best || c.channel < *best))
      best = c.channel;
  }
  if (busy >= limit) return std::nullopt;
  return best;
}

} // namespace hotline::events::acd::trunk_group
