#pragma once
/// Reads a relay topic back: a small consumer for tools and tests. It reads
/// every partition from its first retained offset to the end it had when the
/// read began (no consumer group, nothing committed) and decodes each value
/// with the codec's JSON form.
///
/// A value that does not decode is an error naming where it is:
///   "malformed_json: topic hotline.a.events partition 0 offset 3: key 'id' is missing ..."
/// unless `on_undecodable` is set: then it is handed there (a dead letter)
/// and the read goes on.
/// Records come in partition order, each partition in offset order (so in
/// order per stream: a stream's records share a partition).
///
/// Thread safety: `read_topic` is a free function with no shared state.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "events/envelope.hpp"
#include "events/status.hpp"

namespace hotline::drivers {

struct kafka_record {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::vector<std::pair<std::string, std::string>> headers; ///< in record order
  std::string value;                                        ///< the JSON text as stored
  events::recorded_event event; ///< `value` decoded (unless decode_events is false)
};

struct topic_reader_options {
  std::string bootstrap_servers; ///< REQUIRED
  std::string topic;             ///< REQUIRED
  /// Extra librdkafka consumer properties. Default: none.
  std::map<std::string, std::string> properties;
  /// The whole read must finish within this. Default: 30 s.
  std::chrono::milliseconds timeout{30000};
  /// A broker must answer (the topic's metadata) within this, else the read
  /// fails with one `unavailable` error naming the brokers and what they
  /// answered last; librdkafka's own log lines are not printed (kafka_log.hpp,
  /// collect). Capped by `timeout`. Default: 10 s.
  std::chrono::milliseconds connect_timeout{10000};
  /// Decode each value as an event (`kafka_record::event`). Default: true;
  /// false for topics of other records (the federation's), read raw.
  bool decode_events = true;
  /// Receives each record whose value does not decode (its `event` is
  /// empty) with the reason, prefixed with topic, partition and offset; the
  /// record is left out of the result. Default: unset (the read fails).
  std::function<void(const kafka_record&, const events::status&)> on_undecodable = nullptr;
};

/// Errors: invalid_argument (options), not_found (no such topic),
/// unavailable (brokers unreachable, timeout), and the codec's error for a
/// value that does not decode, prefixed with topic, partition and offset.
events::result<std::vector<kafka_record>> read_topic(const topic_reader_options& options);

} // namespace hotline::drivers
