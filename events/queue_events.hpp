#pragma once
/// Events of the `queue-<id>` streams: the waiting list itself, so that a
/// restarted node rebuilds every waiting call with its place.
#include "events/event_type.hpp"

namespace hotline::events {

struct queue_call_joined {
  static constexpr std::string_view type_name = "queue.call_joined";
  static constexpr std::uint16_t version = 1;
  std::string queue;
  std::string call_id;
  std::int32_t priority = 0;
  std::uint64_t sequence = 0; ///< arrival order within the queue (FIFO tie-break)
  std::string customer_id;
  std::string preferred_agent;         ///< familiar / preferred agent, if any
  std::int64_t preferred_until_ns = 0; ///< when to fall back to the whole queue
};
HOTLINE_EVENT_FIELDS(queue_call_joined, queue, call_id, priority, sequence, customer_id,
                     preferred_agent, preferred_until_ns)

struct queue_call_priority_changed {
  static constexpr std::string_view type_name = "queue.call_priority_changed";
  static constexpr std::uint16_t version = 1;
  std::string queue;
  std::string call_id;
  std::int32_t priority = 0;
};
HOTLINE_EVENT_FIELDS(queue_call_priority_changed, queue, call_id, priority)

struct queue_call_left {
  static constexpr std::string_view type_name = "queue.call_left";
  static constexpr std::uint16_t version = 1;
  std::string queue;
  std::string call_id;
  std::string reason; ///< connected | abandoned | overflowed | transferred | node_restart
};
HOTLINE_EVENT_FIELDS(queue_call_left, queue, call_id, reason)

/// The service is closed at runtime (an administrator's tenant service
/// switch, issue 21): new calls are refused at the door ("queue_closed")
/// and take the queue's overflow rule; calls already waiting stay and are
/// answered.
struct queue_closed {
  static constexpr std::string_view type_name = "queue.closed";
  static constexpr std::uint16_t version = 1;
  std::string queue;
  std::string reason;
};
HOTLINE_EVENT_FIELDS(queue_closed, queue, reason)

/// The service is open again: calls join as configured.
struct queue_opened {
  static constexpr std::string_view type_name = "queue.opened";
  static constexpr std::uint16_t version = 1;
  std::string queue;
  std::string reason;
};
HOTLINE_EVENT_FIELDS(queue_opened, queue, reason)

} // namespace hotline::events
