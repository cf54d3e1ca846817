#pragma once
/// A trunk group's health, stream `trunk-<group>` (beside its channels'
/// `trunk-<group>.<n>`): whether its SIP peer answers the keepalive. The
/// SIP adapter probes the peer (OPTIONS) and says when it stops or starts
/// answering; this aggregate records the changes, once each:
///
///   up --mark_down(peer, reason)--> down   trunk.peer_down {trunk_group, peer, reason}
///   down --mark_up(peer)--> up             trunk.peer_up {trunk_group, peer}
///
/// Repeating the command that brought the peer to its state is a no-op.
/// A group with every peer down takes no new outbound call
/// (`takes_outbound`); inbound calls from it are still answered (a peer
/// that sends an INVITE is reachable for that call).
#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "events/outcome.hpp"
#include "events/trunk_events.hpp"

namespace hotline::events::acd::trunk_health {

/// `trunk-<group>`
std::string stream_name(const std::string& group);

struct state {
  std::string group;
  std::map<std::string, std::string> down; ///< peer -> why it is down
  bool operator==(const state&) const = default;
};

struct mark_down {
  std::string peer;
  std::string reason;
  std::int64_t now_ns = 0;
};
struct mark_up {
  std::string peer;
  std::int64_t now_ns = 0;
};
using command = std::variant<mark_down, mark_up>;
using event = std::variant<trunk_peer_down, trunk_peer_up>;

state initial_state(std::string group);

/// Rejections: "invalid_argument" (no peer, or mark_down without a reason).
outcome<event> decide(const command& cmd, const state& s);
state evolve(state s, const event& e, std::int64_t at_ns);
inline bool is_terminal(const state&) noexcept {
  return false;
}

/// No peer of the group is down: new outbound calls may seize its lines.
inline bool takes_outbound(const state& s) noexcept {
  return s.down.empty();
}

} // namespace hotline::events::acd::trunk_health
