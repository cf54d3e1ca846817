#pragma once
/// The event store: the node's source of truth (D2).
///
/// Contract (both implementations, checked by tests/drivers/event_store_contract.cpp):
///  - Streams are named `category-id`; revisions are 0-based and gap-free per
///    stream; positions are 1-based and gap-free across the whole store, in
///    commit order. `head_position()` is the last committed position (0: empty).
///  - `append` is atomic: all events of one call are stored, or none.
///  - The expected revision is checked at commit time; a mismatch is
///    `wrong_expected_revision` and writes nothing.
///  - Idempotence: an event id is stored at most once per stream. An append
///    whose events are all stored in the stream already (a retry, an import
///    run twice) succeeds again with the original positions and writes
///    nothing, whatever its expected revision. An append of which some
///    events are stored and some are not is refused whole with
///    `invalid_argument` naming the first of each, and writes nothing: it is
///    not a retry (a retry repeats an atomic append, so all or none of its
///    events are stored) but a writer mixing old and new events, and
///    storing "the new part" would split what the writer meant as one.
///    How it is checked: an append that meets an `exact` or `no_stream`
///    expectation is decided from the stream as its writer read it, so its
///    events are new by construction and it is written without a look-up
///    (the path every actor append takes); every other append to an
///    existing stream (`any`, `stream_exists`, or a revision that does not
///    match) has its ids looked up in the stream. The RocksDB store keeps a
///    stream's ids in memory once an append needed them, while the stream
///    stays in its writer's cache (drivers/store/stream_head_cache.hpp).
///  - A successful append is durable under the store's sync policy before its
///    callback runs; callbacks run in commit order, never under a store lock.
///  - Appending an empty list is a no-op that reports the stream's state.
///
/// Thread safety: every member may be called from any thread concurrently.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/envelope.hpp"
#include "events/status.hpp"

namespace hotline::ports {

using events::errc;
using events::proposed_event;
using events::recorded_event;
using events::result;
using events::status;

/// What the writer believes about the stream (EventStoreDB's model).
struct expected_revision {
  enum class kind : std::uint8_t { any, no_stream, stream_exists, exact };
  kind k = kind::any;
  std::uint64_t revision = 0; ///< for `exact`: the stream's current last revision

  static expected_revision any() { return {kind::any, 0}; }
  static expected_revision no_stream() { return {kind::no_stream, 0}; }
  static expected_revision stream_exists() { return {kind::stream_exists, 0}; }
  static expected_revision exact(std::uint64_t last_revision) {
    return {kind::exact, last_revision};
  }
  /// `no_stream` when `last` is empty, `exact(*last)` otherwise.
  static expected_revision after(std::optional<std::uint64_t> last) {
    return last ? exact(*last) : no_stream();
  }

  /// Does a stream whose last revision is `current` (nullopt: no stream) meet it?
  bool accepts(std::optional<std::uint64_t> current) const noexcept;
  std::string to_string() const;
};

struct append_result {
  std::uint64_t first_position = 0; ///< 0 when nothing was appended
  std::uint64_t last_position = 0;
  std::optional<std::uint64_t> last_revision; ///< the stream's last revision after the append
};

using append_callback = std::function<void(result<append_result>)>;

/// Sees one event of a scan; an error stops the scan (see event_store::visit_all).
using event_visitor = std::function<status(const recorded_event&)>;

/// Lifecycle of a subscription.
enum class subscription_state {
  catching_up, ///< reading stored history
  caught_up,   ///< delivered everything committed; now waiting for live appends
  fell_behind, ///< was caught up, now more than `behind_threshold` events behind
  dropped,     ///< stopped: by `stop()` (ok status) or by an error (the status says which)
};
const char* to_string(subscription_state s) noexcept;

struct subscription_handler {
  /// Called for every event in global order, on the subscription's thread.
  std::function<void(const recorded_event&)> on_event;
  /// Called on every state change (optional).
  std::function<void(subscription_state, const status&)> on_state;
};

struct subscription_options {
  std::size_t read_batch = 1024;           ///< Default: 1024 events per read
  std::uint64_t behind_threshold = 100000; ///< Default: 100,000 events
};

/// A running subscription; destroying it stops it (and joins its thread).
class subscription {
public:
  virtual ~subscription() = default;
  /// Stops delivery; returns after the last `on_event` call has returned.
  /// REQUIRES: not called from inside a handler.
  virtual void stop() = 0;
  /// The position of the last event delivered (0: none yet).
  virtual std::uint64_t position() const = 0;
};

class event_store {
public:
  virtual ~event_store() = default;

  /// Queues an append; `done` runs once it is committed or refused.
  /// REQUIRES: `stream` is a valid stream name (see events::is_valid_stream_name);
  /// otherwise `done` receives invalid_argument.
  virtual void append_async(std::string stream, expected_revision expected,
                            std::vector<proposed_event> events, append_callback done) = 0;

  /// The blocking form of append_async.
  result<append_result> append(std::string stream, expected_revision expected,
                               std::vector<proposed_event> events);

  /// Events of one stream from `from_revision`, at most `max_count`.
  /// A stream that does not exist gives an empty list.
  virtual result<std::vector<recorded_event>>
  read_stream(std::string_view stream, std::uint64_t from_revision = 0,
              std::size_t max_count = SIZE_MAX) const = 0;

  /// Events in global order from `from_position` (1-based), at most `max_count`.
  virtual result<std::vector<recorded_event>> read_all(std::uint64_t from_position,
                                                       std::size_t max_count) const = 0;

  /// Visits events in global order from `from_position` (1-based), at most
  /// `max_count`, up to the head as it was when called, without building a
  /// vector: the event `visit` sees lives in a buffer the store reuses, valid
  /// only during that call (copy what you keep). The scan path for replays
  /// and the relay; several times cheaper per event than read_all.
  /// Returns how many events were visited. A record the store cannot read or
  /// decode stops the scan with the error read_all would give for it (every
  /// event before it was visited); an error returned by `visit` stops the
  /// scan and is returned unchanged.
  /// The default implementation pages through read_all.
  virtual result<std::uint64_t> visit_all(std::uint64_t from_position, std::size_t max_count,
                                          const event_visitor& visit) const;

  /// The last revision of `stream`; nullopt when it does not exist.
  virtual result<std::optional<std::uint64_t>> stream_revision(std::string_view stream) const = 0;

  virtual std::uint64_t head_position() const = 0;

  /// Blocks until head_position() > after or the timeout passes; returns the head.
  virtual std::uint64_t wait_for_append(std::uint64_t after,
                                        std::chrono::milliseconds timeout) const = 0;

  /// Named positions (relay, projections) kept beside the events.
  virtual status put_checkpoint(std::string_view name, std::uint64_t position) = 0;
  virtual result<std::optional<std::uint64_t>> get_checkpoint(std::string_view name) const = 0;

  /// Delivers every event from `from_position`, then live appends, on a thread
  /// of its own. Built on read_all + wait_for_append, so it works the same on
  /// every implementation.
  std::unique_ptr<subscription> subscribe_all(std::uint64_t from_position,
                                              subscription_handler handler,
                                              subscription_options options = {});
};

} // namespace hotline::ports
