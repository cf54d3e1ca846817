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

} // namespace hotline::events
