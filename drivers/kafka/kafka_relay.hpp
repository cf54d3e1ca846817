#pragma once
/// The Kafka relay: publishes every event of a node's event store to Kafka,
/// in global position order, after it was committed (STYLE.md rule 4). It
/// reads the store; domain code never calls it. No `kafka.bootstrap` in the
/// configuration -> callers do not construct a relay at all (relay off).
///
/// Topic: ONE topic per site, `hotline.<site>.events` by default. Why one
/// and not one per category: the store has one global order, and a single
/// topic keyed by stream keeps every stream's order (a key always lands in
/// the same partition) without the relay choosing a topology consumers must
/// know. Consumers select categories by the record key / the JSON `stream`
/// field (`call-42` -> category `call`), see events::stream_category.
///
/// Record:
///  - key:     the stream name (`call-42`);
///  - value:   the codec's JSON form of the recorded event (the text of
///             events::event_codec::to_json_text, written by its faster
///             twin append_json_text; `data` at the current schema version);
///  - headers: `type` (`call.ended`), `version` (schema version of `data`,
///             decimal), `event_id` (UUID form), `site` (the relay's site),
///             `position` (global position in the site's store, decimal).
///
/// Delivery: at-least-once. The producer is idempotent with acks=all, so a
/// retry inside one producer session neither reorders nor duplicates. The
/// relay persists, as the store checkpoint `checkpoint_name`, the highest
/// position P such that every event <= P was acknowledged by the broker
/// (see delivery_window.hpp), and on start resumes from P + 1. Hence:
///  - nothing is lost by a crash, a kill or a broker outage;
///  - events after P that had already reached the broker are sent again
///    after a crash (or after a delivery error, below). Consumers MUST drop
///    duplicates by `event_id` (header or JSON `id`); per stream, a
///    duplicate has a revision <= one already seen.
/// Checkpoint writes are periodic (every `checkpoint_interval` or
/// `checkpoint_every` events, whichever comes first, and on stop), never one
/// per event.
///
/// Delivery errors: the producer retries every transient failure itself,
/// for as long as it takes (message.timeout.ms=0: a broker outage makes the
/// relay wait, never lose or reorder). The idempotent producer's sequence
/// numbers keep a partition's records in order across those retries, and
/// enable.gapless.guarantee=true turns any permanent failure that could
/// leave a gap into a fatal producer error. On such an error (or any failed
/// delivery report, or an event the producer refuses to queue) the relay
/// stops producing, waits until every in-flight message has been reported,
/// replaces the producer (a new idempotent session, whatever the error) and
/// re-produces from the first position not acknowledged, backing off from
/// 100 ms up to 5 s between attempts. Events acknowledged after that position are sent again
/// (duplicates, never gaps): after dropping duplicates by event id, a
/// consumer sees every stream in revision order.
///
/// Target and divergence check (before the first event is produced, on
/// the relay thread; an unreachable cluster is retried, state `connecting`):
///  - the relay reads the cluster id (rd_kafka_clusterid) and the last
///    records of every partition of the topic (topic_tail.hpp);
///  - every one of those records that carries a `position` header must be
///    the store's event at that position (same `event_id`). If the store
///    no longer holds it (its head is lower, or another event sits there:
///    the store was rolled back, restored from a copy or replaced), the
///    relay publishes nothing: state `diverged`, and `last_error`
///    (corrupt_record) names the position, the topic, the cluster and both
///    event ids. Checking the highest position of the topic is enough: a
///    rolled-back store differs from the topic on a suffix of positions,
///    and that suffix holds the topic's highest position if it holds any;
///  - the checkpoint is tied to its target: beside `checkpoint_name` the
///    store keeps `<checkpoint_name>.target`, the 64-bit FNV-1a hash of
///    `<cluster id>\n<topic>`. A different cluster or topic is a new target:
///    publication starts from position 1 (or `from_position`). A store
///    checkpointed before targets were recorded adopts the current one;
///  - the same target whose topic ends below the checkpoint (the topic was
///    deleted and recreated, or emptied): the relay resumes from the
///    topic's last position + 1 (1 for an empty topic) and says so in
///    `status().notice`, rather than leave a hole the checkpoint skips;
///  - `from_position` (re-publish, `hotline relay --from-position N` or
///    `--republish`) overrides the checkpoint, never the divergence check.
/// The chosen start is checkpointed (position - 1, then the target) before
/// anything is produced, so a crash right after still resumes correctly.
///
/// The relay never skips an event: one it cannot read from the store or
/// encode stalls it at that position (retried with the same back-off) and is
/// reported in `status()`.
///
/// Publishing side: the relay produces through the record_publisher port
/// (record_publisher.hpp) and reads the topic's end back through it. Built
/// from options alone it uses librdkafka (rdkafka_publisher.hpp: the
/// producer settings and refused properties above); given a publisher (the
/// fake broker memory_publisher.hpp in tests) it uses that, and
/// `bootstrap_servers` and `properties` are not used.
///
/// Thread safety: `start` and `stop` must be called from one controlling
/// thread; `published_position`, `status` and `wait_until_published` may be
/// called from any thread at any time. The relay runs on two threads of its
/// own (one reads the store ahead, see read_ahead.hpp; one encodes and
/// produces), besides librdkafka's.
/// Ownership: the relay borrows the store (and a given publisher), which
/// must outlive it.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/ports/event_store.hpp"
#include "drivers/kafka/record_publisher.hpp"

namespace hotline::drivers {

struct kafka_relay_options {
  /// `host:port,host:port`. REQUIRED (empty -> start() fails), unless the
  /// relay is given a publisher.
  std::string bootstrap_servers;
  /// The node's site id; names the default topic and fills the `site`
  /// header. REQUIRED.
  std::string site;
  /// Default: empty, meaning `hotline.<site>.events`.
  std::string topic;
  /// Store checkpoint holding the published position. Default: "relay.kafka".
  std::string checkpoint_name = "relay.kafka";
  /// Extra librdkafka producer properties (e.g. `compression.type`,
  /// `security.protocol`, `reconnect.backoff.max.ms`); they override the
  /// relay's tunable defaults: linger.ms=5, batch.num.messages=10000,
  /// batch.size=1000000, queue.buffering.max.messages=50000,
  /// client.id=hotline-relay-<site> (the queue bound keeps the relay's
  /// memory for unacknowledged messages near 50 MB). The delivery guarantees are fixed:
  /// changing enable.idempotence (true), acks (all), enable.gapless.guarantee
  /// (true), message.timeout.ms or delivery.timeout.ms (0, forever) is
  /// refused with invalid_argument.
  std::map<std::string, std::string> properties;
  /// Checkpoint at least this often while the published position moves.
  /// Default: 100 ms.
  std::chrono::milliseconds checkpoint_interval{100};
  /// ...and whenever it moved by this many events. Default: 50,000.
  std::uint64_t checkpoint_every = 50000;
  /// Events read from the store per batch. Default: 4096.
  std::size_t read_batch = 4096;
  /// Publish from this position (>= 1, <= head + 1) whatever the checkpoint
  /// says: 1 re-publishes everything. Default: unset (resume, see "Target
  /// and divergence check").
  std::optional<std::uint64_t> from_position;
};

/// What the relay is doing.
enum class relay_state : std::uint8_t {
  stopped,     ///< not started, or stopped
  connecting,  ///< reading the target's cluster id and topic end before publishing
  diverged,    ///< refused: the topic holds events the store does not (see last_error); final
  catching_up, ///< producing stored events
  caught_up,   ///< every stored event handed to the producer; waiting for appends
  retrying,    ///< rewinding after a delivery error, or retrying a store/encode error
};
const char* to_string(relay_state s) noexcept;

struct relay_status {
  relay_state state = relay_state::stopped;
  /// A broker answered recently (a delivery or metadata request succeeded
  /// since the last transport error).
  bool connected = false;
  std::uint64_t published_position = 0;  ///< every event <= it acknowledged
  std::uint64_t checkpoint_position = 0; ///< last checkpoint written (<= published)
  std::uint64_t produced_position = 0;   ///< last event handed to the producer
  std::uint64_t delivery_errors = 0;     ///< failed deliveries since start()
  std::uint64_t rewinds = 0;             ///< re-productions from the checkpoint since start()
  /// The most recent error (delivery, transport, store, encoding); ok if none.
  /// It is kept after recovery: `state` and `connected` say whether it is current.
  events::status last_error;
  /// Once connected: the cluster's id, the first position this run
  /// publishes, and why it is not checkpoint + 1 ("" when it is).
  std::string cluster_id;
  std::uint64_t start_position = 0;
  std::string notice;
};

class kafka_relay {
public:
  /// Publishes with librdkafka to `options.bootstrap_servers`. Does not
  /// connect yet. The store must outlive the relay.
  kafka_relay(ports::event_store& store, kafka_relay_options options);
  /// Publishes through `publisher` (e.g. a memory_publisher). Does not
  /// connect yet. The store and the publisher must outlive the relay.
  kafka_relay(ports::event_store& store, kafka_relay_options options, record_publisher& publisher);
  /// Stops (as `stop()` with its default timeout) if still running.
  ~kafka_relay();
  kafka_relay(const kafka_relay&) = delete;
  kafka_relay& operator=(const kafka_relay&) = delete;

  /// Validates the options, creates the producer, reads the checkpoint and
  /// starts publishing from checkpoint + 1. Does not wait for a broker: an
  /// unreachable cluster is retried, not an error. Errors: invalid_argument
  /// (missing bootstrap or site, bad topic name, unknown or refused
  /// property, a from_position beyond head + 1), corrupt_record (the
  /// checkpoint is beyond the store's head and no from_position is given:
  /// the store was replaced), io_error (reading the checkpoint). A topic
  /// that diverged from the store is found after start (state `diverged`).
  /// REQUIRES: not running.
  events::status start();

  /// Stops reading the store, waits up to `flush_timeout` for in-flight
  /// messages to be acknowledged, writes the final checkpoint, and closes
  /// the producer. Messages still unacknowledged are dropped from the
  /// producer; they are re-sent by the next start (they are after the
  /// checkpoint). Returns the checkpoint write's status. Idempotent.
  events::status stop(std::chrono::milliseconds flush_timeout = std::chrono::seconds(10));

  /// Every event <= this position was acknowledged by the broker.
  std::uint64_t published_position() const;

  relay_status status() const;

  /// Blocks until the target is checked and `published_position() >=
  /// position`, or the relay diverged, or the timeout passes. ok when
  /// reached; otherwise `unavailable` (corrupt_record when diverged),
  /// saying where the relay is and its last error. For tests and tools.
  events::status wait_until_published(std::uint64_t position,
                                      std::chrono::milliseconds timeout) const;

  /// The topic the relay publishes to (the default resolved).
  const std::string& topic() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

/// `hotline.<site>.events`.
std::string default_kafka_topic(std::string_view site);

} // namespace hotline::drivers
