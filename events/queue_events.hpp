#pragma once
/// Events of the `queue-<id>` streams: the waiting list itself, so that a
/// restarted node rebuilds every waiting call with its place.
#include "events/event_type.hpp"

namespace hotline::events {

/// Version 2 adds `skills`; version 1 (legacy_events.hpp) reads with none.
struct queue_call_joined {
  static constexpr std::string_view type_name = "queue.call_joined";
  static constexpr std::uint16_t version = 2;
  std::string queue;
  std::string call_id;
  std::int32_t priority = 0;
  std::uint64_t sequence = 0; ///< arrival order within the queue (FIFO tie-break)
  std::string customer_id;
  std::string preferred_agent;         ///< familiar / preferred agent, if any
  std::int64_t preferred_until_ns = 0; ///< when to fall back to the whole queue
  /// Skills asked of the agent for this call only, besides the queue's
  /// (skill -> minimum level; an IVR flow's queue node): routing.hpp.
  std::map<std::string, int> skills;
};
HOTLINE_EVENT_FIELDS(queue_call_joined, queue, call_id, priority, sequence, customer_id,
                     preferred_agent, preferred_until_ns, skills)

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

/// An administrator changed the queue's business parameters at runtime
/// (issue 21). Only the parameters that changed are listed, each with its
/// value before (`old_*`) and after (`new_*`): numbers in `*_values`
/// (`ring_timeout_ms`, `wrap_up_ms`, `max_wait_ms`, `max_length`,
/// `max_no_answer`, `sl_threshold_ms`, `vip_priority`), texts in `*_texts`
/// (`overflow`, `overflow_queue`), and, when the required skills changed,
/// the whole sets (skill -> minimum level) in `*_skills` with
/// `skills_changed` true. Folded over the configured definition on
/// recovery: the stream wins over the TOML file.
struct queue_settings_changed {
  static constexpr std::string_view type_name = "queue.settings_changed";
  static constexpr std::uint16_t version = 1;
  std::string queue;
  std::map<std::string, int> old_values;
  std::map<std::string, int> new_values;
  std::map<std::string, std::string> old_texts;
  std::map<std::string, std::string> new_texts;
  bool skills_changed = false;
  std::map<std::string, int> old_skills;
  std::map<std::string, int> new_skills;
  std::string reason;
};
HOTLINE_EVENT_FIELDS(queue_settings_changed, queue, old_values, new_values, old_texts, new_texts,
                     skills_changed, old_skills, new_skills, reason)

} // namespace hotline::events
