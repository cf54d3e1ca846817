#pragma once
/// Where the Kafka relay publishes: the port between the relay's logic
/// (order, retries, the delivery window, where to resume, stopping;
/// kafka_relay.hpp) and a Kafka cluster. Two implementations:
/// drivers/kafka/rdkafka_publisher.hpp (librdkafka, the relay's producer
/// configuration) and the in-memory fake broker
/// drivers/kafka/memory_publisher.hpp. Contract checked against both (the
/// librdkafka one on `hotline kafka-mock` in a process of its own) by
/// tests/drivers/record_publisher_contract_test.cpp.
///
/// A `record_publisher` opens producer sessions on a topic and reads the
/// topic's end back (the relay's start-up check). A `producer_session` is
/// one idempotent producer: the relay replaces a session after a failed
/// delivery rather than reuse it.
///
/// Contract of a session:
///  - `produce` queues a record; records with the same key land in the same
///    partition (chosen by the key), in the order produced.
///  - Every queued record gets exactly one report, `delivered` or `failed`,
///    passed to the session's listener from inside `poll` or `close`, on the
///    thread that calls them; never from anywhere else, never after `close`.
///  - A record is never given up on for lack of time: while no broker can be
///    reached it stays in flight (no report) until delivered, or until it is
///    purged (`purge_queued`, `close`).
///  - No gaps: once a record of a partition failed, no later record of the
///    same session is stored in that partition (they fail too). Within a
///    session nothing is stored twice.
///  - `delivered` means stored (acks=all for Kafka); `failed` says nothing
///    about whether the broker kept it (a record purged while on the wire
///    may have been).
///
/// Thread safety: a publisher may be used from any thread. A session is
/// used by one thread at a time; its listener is called on that thread.
/// Ownership: a session borrows its listener, which must outlive it.
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "drivers/kafka/topic_tail.hpp"
#include "events/status.hpp"

namespace hotline::drivers {

struct record_header {
  std::string_view name;
  std::string_view value;
};

/// One record to produce.
struct outgoing_record {
  std::string_view key; ///< copied by produce
  /// NOT copied: the bytes must stay valid and unchanged until the record's
  /// report (or the end of `close`).
  std::string_view value;
  std::span<const record_header> headers; ///< copied by produce
  std::uint64_t tag = 0;                  ///< handed back in the record's report
};

/// What went wrong, as the client says it.
struct publish_problem {
  std::string reason; ///< e.g. "Broker: Invalid record", "Local: Purged in queue"
  /// No broker can be reached (transport failure, no broker up, name
  /// resolution, authentication).
  bool unreachable = false;
  /// (client errors only) The session can deliver nothing more: replace it.
  bool fatal = false;
};

/// Receives a session's reports. Not owned; called only from inside the
/// session's `poll` and `close`.
class delivery_listener {
public:
  virtual void delivered(std::uint64_t tag) = 0;
  virtual void failed(std::uint64_t tag, const publish_problem& why) = 0;
  /// A problem of the client rather than of one record (a broker down, a
  /// fatal producer state); informational unless `fatal`.
  virtual void client_error(const publish_problem& what) = 0;

protected:
  ~delivery_listener() = default;
};

/// What `produce` did with a record.
struct produce_result {
  enum class kind : std::uint8_t {
    queued,     ///< it will be reported
    queue_full, ///< not queued: too many unreported records; poll, then try again
    refused,    ///< not queued and never will be (e.g. too large); `reason` says why
  };
  kind outcome = kind::queued;
  std::string reason;
};

class producer_session {
public:
  /// Closes the session if `close` was not called.
  virtual ~producer_session() = default;

  /// Queues `record` (see outgoing_record for what is copied). No report is
  /// given for a record that was not queued.
  virtual produce_result produce(const outgoing_record& record) = 0;

  /// Serves the reports that are ready, waiting up to `timeout` for one when
  /// none is.
  virtual void poll(std::chrono::milliseconds timeout) = 0;

  /// Records not yet sent to a broker fail ("purged"); their reports come
  /// with the next `poll`. Records on the wire are still reported as the
  /// broker answers.
  virtual void purge_queued() = 0;

  /// Whether a broker answers a metadata request within `timeout`.
  virtual bool probe(std::chrono::milliseconds timeout) = 0;

  /// Purges everything unreported, serves those reports (failed), and ends
  /// the session: no report after it. Idempotent.
  virtual void close() = 0;
};

class record_publisher {
public:
  virtual ~record_publisher() = default;

  /// A new session producing to `topic`. Does not wait for a broker.
  /// Errors: invalid_argument (the client's configuration, the topic).
  virtual events::result<std::unique_ptr<producer_session>>
  open_session(const std::string& topic, delivery_listener& listener) = 0;

  /// The cluster's id and the last records (up to 8) of every partition of
  /// `topic`, within `timeout`. A topic that does not exist is an empty
  /// tail, not an error. Errors: unavailable (no broker answered).
  virtual events::result<topic_tail> read_tail(const std::string& topic,
                                               std::chrono::milliseconds timeout) = 0;
};

} // namespace hotline::drivers
