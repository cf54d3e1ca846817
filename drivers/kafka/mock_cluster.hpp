#pragma once
/// An in-process Kafka cluster for tests and the demo: librdkafka's mock
/// cluster, which speaks the Kafka protocol on real loopback TCP ports, so
/// any client (the relay, kcat, another process) can use it as a broker.
/// `hotline kafka-mock` runs one in its own process.
///
/// Limits of the mock (librdkafka 2.0): no CreateTopics admin API (create
/// topics here, or let a producer's metadata request auto-create them with
/// 4 partitions); about 5 MiB retained per partition (older records vanish);
/// no persistence. Production code never depends on it: the relay is pointed
/// at real brokers through `bootstrap.servers`.
///
/// Ownership: the object owns the librdkafka handle and the cluster; both are
/// destroyed with it (clients still connected see their brokers go away).
/// Thread safety: every member may be called from any thread.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "events/status.hpp"

namespace hotline::drivers {

struct mock_topic {
  std::string name;
  int partitions = 4; ///< Default: 4 (what auto-creation gives)
};

struct mock_cluster_options {
  int brokers = 3;                ///< Default: 3 (ids 1..brokers)
  std::vector<mock_topic> topics; ///< created before `create` returns. Default: none
};

class mock_cluster {
public:
  /// Starts the cluster. Errors: invalid_argument (brokers < 1, a bad topic),
  /// unavailable (librdkafka could not start it).
  static events::result<std::unique_ptr<mock_cluster>> create(mock_cluster_options options = {});
  ~mock_cluster();
  mock_cluster(const mock_cluster&) = delete;
  mock_cluster& operator=(const mock_cluster&) = delete;

  /// `127.0.0.1:port,127.0.0.1:port,...`: the value for `bootstrap.servers`.
  const std::string& bootstraps() const;
  int broker_count() const;

  /// Creates a topic (replication factor min(3, brokers)).
  events::status create_topic(const std::string& name, int partitions);

  // -- fault injection (tests) --------------------------------------------------

  /// Takes a broker down (its connections close, new ones are refused) or up.
  events::status set_broker_up(int broker_id, bool up);
  /// The next `count` Produce requests fail with a non-retriable error
  /// (INVALID_RECORD): the messages in them fail their delivery.
  void fail_next_produce_requests(std::size_t count);

  struct impl;

private:
  explicit mock_cluster(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

/// Parses `NAME:PARTITIONS` (or just `NAME`: 4 partitions).
events::result<mock_topic> parse_mock_topic(std::string_view text);

} // namespace hotline::drivers
