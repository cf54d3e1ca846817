#pragma once
/// Events of the `agent-<id>` streams.
#include "events/event_type.hpp"

namespace hotline::events {

struct agent_logged_in {
  static constexpr std::string_view type_name = "agent.logged_in";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::vector<std::string> queues;
};
HOTLINE_EVENT_FIELDS(agent_logged_in, agent_id, queues)

struct agent_state_changed {
  static constexpr std::string_view type_name = "agent.state_changed";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string from;                   ///< logged_out | ready | not_ready | ringing | on_call | on_hold | wrap_up
  std::string to;
  std::string reason;                 ///< not-ready reason code, or why the state changed
};
HOTLINE_EVENT_FIELDS(agent_state_changed, agent_id, from, to, reason)

struct agent_logged_out {
  static constexpr std::string_view type_name = "agent.logged_out";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string reason;
};
HOTLINE_EVENT_FIELDS(agent_logged_out, agent_id, reason)

} // namespace hotline::events
