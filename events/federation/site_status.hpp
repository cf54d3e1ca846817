#pragma once
/// What one site tells the others about itself (Cisco UCCE style: pushed
/// continuously, docs/federation.md): per queue, who is ready, how many
/// wait, the expected wait of a new call and the recent service level.
/// Published as JSON on the federation status topic at least once a second
/// and on every significant change; each node keeps the newest status of
/// every other site together with its age.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.hpp"

namespace hotline::events::federation {

struct queue_status {
  std::string queue;            ///< queue id; sites that serve the same skill use the same id
  std::int32_t agents_logged_in = 0; ///< logged-in members not paused (could serve it)
  std::int32_t agents_ready = 0;     ///< of those, free right now
  std::int32_t calls_waiting = 0;
  std::int64_t ewt_ms = -1;     ///< expected wait of a call joining now; -1: nobody serves it
  double service_level = 1.0;   ///< answered within sl_threshold over recently answered+abandoned (1: none yet)
  std::int64_t sl_threshold_ms = 20'000;

  bool operator==(const queue_status&) const = default;
};

struct site_status {
  std::string site;
  std::uint64_t seq = 0;        ///< increases with every status a node publishes
  std::int64_t at_ns = 0;       ///< when it was measured (UTC ns)
  std::vector<queue_status> queues;

  const queue_status* find(std::string_view queue) const noexcept;
  bool operator==(const site_status&) const = default;
};

/// A change the other sites should hear about now rather than at the next
/// periodic status: a queue gained or lost its last ready agent, started or
/// stopped having callers waiting, or its EWT moved by more than a quarter
/// (and at least 5 s); a queue appeared or disappeared.
bool significant_change(const site_status& before, const site_status& after) noexcept;

std::string to_json(const site_status& s);
/// Errors name the field: "site status: queues[2].agents_ready: not an integer".
result<site_status> site_status_from_json(std::string_view text);

} // namespace hotline::events::federation
