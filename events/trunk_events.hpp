#pragma once
/// Events of the `trunk-<group>.<channel>` streams (one per trunk channel)
/// and of blocked calls (all channels busy: 呼损).
#include "events/event_type.hpp"

namespace hotline::events {

struct trunk_seized {
  static constexpr std::string_view type_name = "trunk.seized";
  static constexpr std::uint16_t version = 1;
  std::string trunk_group;
  std::int32_t channel = 0;
  std::string call_id;
  std::string direction = "inbound";
};
HOTLINE_EVENT_FIELDS(trunk_seized, trunk_group, channel, call_id, direction)

struct trunk_released {
  static constexpr std::string_view type_name = "trunk.released";
  static constexpr std::uint16_t version = 1;
  std::string trunk_group;
  std::int32_t channel = 0;
  std::string call_id;
};
HOTLINE_EVENT_FIELDS(trunk_released, trunk_group, channel, call_id)

struct call_blocked {
  static constexpr std::string_view type_name = "call.blocked";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string trunk_group;
  std::string reason;                 ///< "all_channels_busy"
};
HOTLINE_EVENT_FIELDS(call_blocked, call_id, trunk_group, reason)

} // namespace hotline::events
