#pragma once
/// Events of the `config-<site>` stream: agents and queues created at
/// runtime through the node API (issue 21). Each event carries the whole
/// definition, so that a restarted node rebuilds the object from the store
/// alone (events/acd/configuration.hpp folds them over the TOML seed).
///
/// Why one stream per node and not one per object or per tenant: agent and
/// queue ids are unique per node (their streams are `agent-<id>`,
/// `queue-<id>`), so the check "no such id yet" must see every tenant's
/// objects; one stream, appended with its expected revision, makes that
/// check atomic, and a node rebuilds its whole runtime catalog with one
/// read at start. Each event's envelope names the object's tenant, so the
/// audit trail and the feeds scope it like any other event.
#include "events/event_type.hpp"

namespace hotline::events {

/// An agent created at runtime. `skills`: skill -> level (1..100);
/// `queues`: served when logging in without a list; `wrap_up_ms` -1: the
/// queue's after-call work.
struct agent_defined {
  static constexpr std::string_view type_name = "agent.defined";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string tenant;
  std::string name;
  std::map<std::string, int> skills;
  std::vector<std::string> queues;
  bool supervisor = false;
  std::int64_t wrap_up_ms = -1;
};
HOTLINE_EVENT_FIELDS(agent_defined, agent_id, tenant, name, skills, queues, supervisor, wrap_up_ms)

/// A queue created at runtime. `skills`: skill -> minimum level, all
/// required; `strategy` and `overflow` by their names (events/center.hpp);
/// `entry_points`: dialed numbers whose calls come here, on
/// `trunk_group` (empty: no line modelled).
struct queue_defined {
  static constexpr std::string_view type_name = "queue.defined";
  static constexpr std::uint16_t version = 1;
  std::string queue_id;
  std::string tenant;
  std::string name;
  std::map<std::string, int> skills;
  std::string strategy = "longest_idle";
  std::int64_t ring_timeout_ms = 15'000;
  std::int64_t wrap_up_ms = 10'000;
  std::int64_t service_level_ms = 20'000;
  std::int64_t max_wait_ms = 0;
  std::int32_t max_length = 0;
  std::string overflow = "none";
  std::string overflow_queue;
  std::vector<std::string> entry_points;
  std::string trunk_group;
};
HOTLINE_EVENT_FIELDS(queue_defined, queue_id, tenant, name, skills, strategy, ring_timeout_ms,
                     wrap_up_ms, service_level_ms, max_wait_ms, max_length, overflow,
                     overflow_queue, entry_points, trunk_group)

} // namespace hotline::events
