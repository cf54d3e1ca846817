#pragma once
/// What one site tells the others about itself (Cisco UCCE style: pushed
/// continuously, docs/federation.md): per queue, who is ready, how many
/// wait, the expected wait of a new call and the recent service level.
/// Published as JSON on the federation status topic at least once a second
/// and on every significant change; each node keeps the newest status of
/// every other site together with its age.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.hpp"

namespace hotline::events::federation {

struct queue_status {
  std::string queue;                 ///< queue id; sites that serve the same skill use the same id
  std::int32_t agents_logged_in = 0; ///< logged-in members not paused (could serve it)
  std::int32_t agents_ready = 0;     ///< of those, free right now
  std::int32_t calls_waiting = 0;
  /// Expected wait of a call joining now; -1: unknown, nobody serves the
  /// queue (JSON `null`).
  std::int64_t ewt_ms = -1;
  /// recent_service_level::value() of the queue; nullopt (JSON `null`): no
  /// call left the queue recently, so there is nothing to measure.
  std::optional<double> service_level;
  std::int64_t sl_threshold_ms = 20'000;

  bool operator==(const queue_status&) const = default;
};

/// How one queued call left its queue.
struct queue_exit {
  std::int64_t wait_ms = 0; ///< from joining the queue to leaving it
  bool answered = false;    ///< connected to an agent of this site
  bool abandoned = false;   ///< the caller hung up while waiting
};

/// The service level a site publishes for a queue, with the KPI's default
/// definition (projections/kpi, sl_definition::offered_net), so that `sites`
/// and `kpi` agree: answered within T / (offered - short abandoned), where
/// offered is every call that joined the queue, whatever became of it
/// (answered, abandoned, moved to another site, overflowed, called back),
/// answered within T means answered here with wait <= T, and short abandoned
/// means abandoned with wait < S. Taken over the last `window` calls that
/// left the queue (the KPI takes a time range: on the same calls both give
/// the same number). A site that moves all its calls away has 0 %, not
/// 100 %. nullopt when the denominator is 0.
class recent_service_level {
public:
  /// T = `threshold_ms` (the queue's sl_threshold); S = `short_abandon_ms`
  /// (Default: 5 s, the KPI's default); `window` calls (Default: 200).
  explicit recent_service_level(std::int64_t threshold_ms, std::int64_t short_abandon_ms = 5'000,
                                std::size_t window = 200);
  void record(const queue_exit& e);
  std::optional<double> value() const noexcept;

private:
  std::int64_t threshold_ms_, short_abandon_ms_;
  std::size_t window_;
  std::deque<queue_exit> exits_;
};

struct site_status {
  std::string site;
  std::uint64_t seq = 0;  ///< increases with every status a node publishes
  std::int64_t at_ns = 0; ///< when it was measured (UTC ns)
  std::vector<queue_status> queues;

  const queue_status* find(std::string_view queue) const noexcept;
  bool operator==(const site_status&) const = default;
};

/// A change the other sites should hear about now rather than at the next
/// periodic status: a queue gained or lost its last ready agent, started or
/// stopped having callers waiting, or its EWT moved by more than a quarter
/// (and at least 5 s); a queue appeared or disappeared.
bool significant_change(const site_status& before, const site_status& after) noexcept;

/// The status record's schema version (JSON `version`, Kafka header
/// `version`). 2: `ewt_ms` and `service_level` are null when unknown
/// (version 1, without the field, wrote -1 and 1.0).
constexpr int site_status_version = 2;

std::string to_json(const site_status& s);
/// Errors name the field: "site status: queues[2].agents_ready: not an integer".
/// Reads versions 1 and 2; a newer version is refused, naming it.
result<site_status> site_status_from_json(std::string_view text);

} // namespace hotline::events::federation
