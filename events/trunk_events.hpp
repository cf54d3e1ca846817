#pragma once
/// Events of the `trunk-<group>.<n>` streams, one per trunk channel (F1),
/// and of `trunk-<group>`, the group's own stream (its SIP peer's health,
/// events/acd/trunk_health.hpp). A call that finds every channel of its
/// group busy ends with outcome `blocked` (呼损) — see call.ended.
#include "events/event_type.hpp"
#include "events/vocabulary.hpp"

namespace hotline::events {

struct trunk_seized {
  static constexpr std::string_view type_name = "trunk.seized";
  static constexpr std::uint16_t version = 1;
  std::string trunk_group;
  std::int32_t channel = 0;
  std::string call_id;
  call_direction direction = call_direction::inbound;
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

/// The group's SIP peer stopped answering the keepalive (OPTIONS): new
/// outbound calls are not placed on the group until `trunk.peer_up`.
struct trunk_peer_down {
  static constexpr std::string_view type_name = "trunk.peer_down";
  static constexpr std::uint16_t version = 1;
  std::string trunk_group;
  std::string peer;   ///< "ip:port"
  std::string reason; ///< "timeout", "503 Service Unavailable", "transport error: ..."
};
HOTLINE_EVENT_FIELDS(trunk_peer_down, trunk_group, peer, reason)

/// The group's SIP peer answers again (any response to OPTIONS).
struct trunk_peer_up {
  static constexpr std::string_view type_name = "trunk.peer_up";
  static constexpr std::uint16_t version = 1;
  std::string trunk_group;
  std::string peer;
};
HOTLINE_EVENT_FIELDS(trunk_peer_up, trunk_group, peer)

/// An administrator changed how many channels of a trunk group may be
/// seized at once (stream `trunkgroup-<group>`, issue 21). Lowered below
/// the lines in use, the calls on them go on; no new seizure until fewer
/// than `new_channels` are busy.
struct trunk_channels_changed {
  static constexpr std::string_view type_name = "trunk.channels_changed";
  static constexpr std::uint16_t version = 1;
  std::string trunk_group;
  std::int32_t old_channels = 0;
  std::int32_t new_channels = 0;
  std::string reason;
};
HOTLINE_EVENT_FIELDS(trunk_channels_changed, trunk_group, old_channels, new_channels, reason)

} // namespace hotline::events
