#pragma once
/// The end of a relay topic as the relay sees it before publishing: the
/// cluster's id and the last few records of every partition, with the store
/// position and event id each one carries in its headers. The relay checks
/// them against its store at start (kafka_relay.hpp: "Target and
/// divergence check"), so that it never publishes a position twice with
/// different content.
///
/// Reads with a consumer of its own (assign only: no group is joined and
/// nothing is committed); librdkafka's log lines are routed through
/// kafka_log.hpp. A topic that does not exist is an empty tail, not an
/// error.
///
/// Thread safety: a free function with no shared state.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "events/status.hpp"

namespace hotline::drivers {

/// One record at the end of a partition.
struct tail_record {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  /// The `position` header, decimal; nullopt when absent or not a number
  /// (a record some other producer wrote).
  std::optional<std::uint64_t> position;
  std::string event_id; ///< the `event_id` header ("" when absent)
  std::string site;     ///< the `site` header ("" when absent)
};

struct topic_tail {
  std::string cluster_id; ///< rd_kafka_clusterid
  bool topic_exists = false;
  std::vector<tail_record> records; ///< by partition, then offset

  /// The highest `position` header among `records`; 0 when none.
  std::uint64_t last_position() const noexcept;
};

struct topic_tail_options {
  std::string bootstrap_servers; ///< REQUIRED
  std::string topic;             ///< REQUIRED
  /// Extra librdkafka client properties (security, ...). Producer-only ones
  /// are ignored by the consumer. Default: none.
  std::map<std::string, std::string> properties;
  /// Records read at the end of each partition. Default: 8.
  std::int64_t per_partition = 8;
  /// The whole read must finish within this. Default: 5 s.
  std::chrono::milliseconds timeout{5000};
};

/// Errors: invalid_argument (options, a property), unavailable (no broker
/// answered within the timeout; the message names the brokers and the last
/// transport error).
events::result<topic_tail> read_topic_tail(const topic_tail_options& options);

} // namespace hotline::drivers
