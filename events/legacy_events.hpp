#pragma once
/// Shipped versions of event types that have a newer current version, kept
/// so old records stay readable (events/codec.hpp: add_legacy). Never edit
/// one of these: they are the bytes already in stores and on Kafka.
#include "events/event_type.hpp"

namespace hotline::events::legacy {

/// call.transferred before the transfer's reason was recorded.
struct call_transferred_v1 {
  static constexpr std::string_view type_name = "call.transferred";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string mode;
  std::string from_agent;
  std::string target_kind;
  std::string target;
};
HOTLINE_EVENT_FIELDS(call_transferred_v1, call_id, mode, from_agent, target_kind, target)

/// agent.logged_in before the agent's station was recorded.
struct agent_logged_in_v1 {
  static constexpr std::string_view type_name = "agent.logged_in";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::vector<std::string> queues;
};
HOTLINE_EVENT_FIELDS(agent_logged_in_v1, agent_id, queues)

/// queue.call_joined before a call's own skills were recorded.
struct queue_call_joined_v1 {
  static constexpr std::string_view type_name = "queue.call_joined";
  static constexpr std::uint16_t version = 1;
  std::string queue;
  std::string call_id;
  std::int32_t priority = 0;
  std::uint64_t sequence = 0;
  std::string customer_id;
  std::string preferred_agent;
  std::int64_t preferred_until_ns = 0;
};
HOTLINE_EVENT_FIELDS(queue_call_joined_v1, queue, call_id, priority, sequence, customer_id,
                     preferred_agent, preferred_until_ns)

} // namespace hotline::events::legacy
