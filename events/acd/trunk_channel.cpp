#include "events/acd/trunk_channel.hpp"

namespace hotline::events::acd::trunk {

namespace {

bool allows(const state& s, call_direction direction) {
  return carries(s.allowed_direction, direction);
}

outcome<event> decide_seize(const seize& c, const state& s) {
  if (!is_known(c.direction))
    return rejection{"invalid_direction", "direction '" +
                                              std::to_string(static_cast<int>(c.direction)) +
                                              "' is not inbound or outbound"};
  if (!allows(s, c.direction))
    return rejection{"direction_not_allowed", stream_name(s.group, s.channel) + " is " +
                                                  std::string{to_wire(s.allowed_direction)} +
                                                  " only"};
  if (s.busy) {
    if (s.call_id == c.call_id) return outcome<event>::nothing();
    return rejection{"channel_busy",
                     stream_name(s.group, s.channel) + " is held by call " + s.call_id};
  }
  return event{trunk_seized{s.group, s.channel, c.call_id, c.direction}};
}

outcome<event> decide_release(const release& c, const state& s) {
  if (!s.busy) {
    if (s.last_call_id == c.call_id) return outcome<event>::nothing();
    return rejection{"not_seized", stream_name(s.group, s.channel) + " is free"};
  }
  if (s.call_id != c.call_id)
    return rejection{"wrong_call", stream_name(s.group, s.channel) + " is held by call " +
                                       s.call_id + ", not " + c.call_id};
  return event{trunk_released{s.group, s.channel, c.call_id}};
}

} // namespace

std::string stream_name(const std::string& group, int channel) {
  return "trunk-" + group + "." + std::to_string(channel);
}

state initial_state(const trunk_group_definition& group, int channel) {
  return initial_state(group.id, channel, group.direction);
}

state initial_state(std::string group, int channel, trunk_direction allowed_direction) {
  state s;
  s.group = std::move(group);
  s.channel = channel;
  s.allowed_direction = allowed_direction;
  return s;
}

outcome<event> decide(const command& cmd, const state& s) {
  return std::visit(
      [&](const auto& c) -> outcome<event> {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, seize>)
          return decide_seize(c, s);
        else
          return decide_release(c, s);
      },
      cmd);
}

state evolve(state s, const event& e, std::int64_t at_ns) {
  if (const auto* seized = std::get_if<trunk_seized>(&e)) {
    s.busy = true;
    s.call_id = seized->call_id;
    s.direction = seized->direction;
    s.seized_at_ns = at_ns;
    ++s.seizures;
  } else if (const auto* released = std::get_if<trunk_released>(&e)) {
    s.busy = false;
    s.last_call_id = released->call_id;
    s.call_id.clear();
    s.direction.reset();
  }
  return s;
}

std::optional<int> pick_free_channel(const std::vector<state>& channels, call_direction direction) {
  std::optional<int> best;
  for (const auto& c : channels)
    if (!c.busy && allows(c, direction) && (!best || c.channel < *best)) best = c.channel;
  return best;
}

} // namespace hotline::events::acd::trunk
