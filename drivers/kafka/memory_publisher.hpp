#pragma once
/// The in-memory fake broker behind the record_publisher port
/// (record_publisher.hpp): the relay's logic is tested against it, and the
/// port's contract tests run against it and against librdkafka on the mock
/// cluster. It keeps topics as partitions of records with offsets, and lets
/// a test do to the relay what a real cluster does only now and then: fail
/// deliveries, refuse records, become unreachable, put a producer in a fatal
/// state, or lose a topic.
///
/// How it behaves (within the port's contract):
///  - A session's records reach the broker when the session is polled, all
///    that are queued, in the order produced; a record's value is read then
///    (the port lets the caller release it only after the report, so a
///    caller that releases it early is caught by what the topic holds).
///  - A record's partition is the 32-bit FNV-1a hash of its key modulo the
///    topic's partition count. A topic is created by its first record, with
///    `partitions` partitions, unless `create_topic` made it first.
///  - While unreachable: nothing is delivered (records wait, never time
///    out), each session reports one client error (unreachable) per outage,
///    `probe` is false and `read_tail` fails with `unavailable`.
///  - `poll` waits for its timeout only when it has nothing to report and
///    nothing to deliver (a fault cleared ends the wait early).
///
/// Thread safety: every member may be called from any thread; a session as
/// the port says. Ownership: sessions share the broker's state, so they may
/// outlive the publisher (they then deliver nothing new).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "drivers/kafka/record_publisher.hpp"

namespace hotline::drivers {

struct memory_publisher_options {
  /// What read_tail reports as the cluster id. Default: "memory-cluster".
  std::string cluster_id = "memory-cluster";
  /// Partitions of a topic created by its first record. Default: 4 (what
  /// Kafka's mock cluster gives an auto-created topic).
  int partitions = 4;
  /// Records a session holds unreported before `produce` answers
  /// queue_full. Default: 50,000 (the relay's queue.buffering.max.messages).
  std::size_t queue_capacity = 50000;
};

/// A record as the broker stores it.
struct stored_record {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::vector<std::pair<std::string, std::string>> headers; ///< in record order
  std::string value;
};

class memory_publisher final : public record_publisher {
public:
  explicit memory_publisher(memory_publisher_options options = {});
  ~memory_publisher() override;

  events::result<std::unique_ptr<producer_session>>
  open_session(const std::string& topic, delivery_listener& listener) override;
  events::result<topic_tail> read_tail(const std::string& topic,
                                       std::chrono::milliseconds timeout) override;

  // -- the broker's side (tests) --------------------------------------------------

  /// Creates `topic` with `partitions` (>= 1) partitions; no-op if it exists.
  void create_topic(const std::string& topic, int partitions);
  /// Forgets `topic` and its records (as if deleted; its next record creates it again).
  void delete_topic(const std::string& topic);
  /// The records of `topic` by partition, then offset (empty if it does not exist).
  std::vector<stored_record> records(const std::string& topic) const;
  const std::string& cluster_id() const;

  // -- faults (tests) -------------------------------------------------------------

  /// Unreachable: see above. Reachable again: queued records are delivered
  /// at the sessions' next polls.
  void set_reachable(bool reachable);
  /// The next `count` records to reach the broker fail with `reason` and are
  /// not stored; later records of their sessions in the same partitions
  /// fail too (the port's no-gap rule).
  void fail_next_deliveries(std::size_t count, std::string reason = "Broker: Invalid record");
  /// The next `count` calls of `produce` refuse their records.
  void refuse_next_produces(std::size_t count,
                            std::string reason = "Broker: Message size too large");
  /// Every session open now reports a fatal client error at its next poll,
  /// fails what it holds, and refuses every later record.
  void make_sessions_fatal();

  /// Records produced and not yet reported, over every session.
  std::size_t in_flight() const;
  /// Sessions opened so far.
  std::size_t sessions_opened() const;

  struct state;

private:
  std::shared_ptr<state> state_;
};

} // namespace hotline::drivers
