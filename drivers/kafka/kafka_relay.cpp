#include "drivers/kafka/kafka_relay.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include <pthread.h>

#include "drivers/kafka/delivery_window.hpp"
#include "drivers/kafka/rdkafka_publisher.hpp"
#include "drivers/kafka/read_ahead.hpp"
#include "drivers/kafka/record_publisher.hpp"
#include "drivers/kafka/value_pages.hpp"
#include "events/codec.hpp"

namespace hotline::drivers {

using events::errc;
using clock_type = std::chrono::steady_clock;

const char* to_string(relay_state s) noexcept {
  switch (s) {
  case relay_state::stopped:
    return "stopped";
  case relay_state::connecting:
    return "connecting";
  case relay_state::diverged:
    return "diverged";
  case relay_state::catching_up:
    return "catching_up";
  case relay_state::caught_up:
    return "caught_up";
  case relay_state::retrying:
    return "retrying";
  }
  return "?";
}

std::string default_kafka_topic(std::string_view site) {
  return "hotline." + std::string{site} + ".events";
}

namespace {

constexpr auto min_backoff = std::chrono::milliseconds(100);
constexpr auto max_backoff = std::chrono::milliseconds(5000);
constexpr auto probe_interval = std::chrono::milliseconds(1000);
constexpr int poll_every = 512; ///< serve delivery reports after this many produced events

/// Kafka's rule: 1..249 characters of [a-zA-Z0-9._-].
bool is_valid_topic_name(std::string_view t) noexcept {
  if (t.empty() || t.size() > 249 || t == "." || t == "..") return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string ms_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

/// 64-bit FNV-1a of `<cluster id>\n<topic>`: the target a checkpoint belongs to.
std::uint64_t target_fingerprint(std::string_view cluster_id, std::string_view topic) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](char c) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  };
  for (char c : cluster_id)
    mix(c);
  mix('\n');
  for (char c : topic)
    mix(c);
  return h;
}

} // namespace

struct kafka_relay::impl final : delivery_listener {
  /// `publisher` null: the relay's own, on librdkafka.
  impl(ports::event_store& s, kafka_relay_options o, record_publisher* publisher)
      : store(s), opts(std::move(o)) {
    topic = opts.topic.empty() ? default_kafka_topic(opts.site) : opts.topic;
    if (publisher) {
      this->publisher = publisher;
    } else {
      owned_publisher = std::make_unique<rdkafka_publisher>(rdkafka_publisher_options{
          opts.bootstrap_servers, "hotline-relay-" + opts.site, opts.properties});
      this->publisher = owned_publisher.get();
    }
  }
  /// The relay thread closes its producer before it ends; this only keeps a
  /// session from reporting into members already destroyed.
  ~impl() { destroy_producer(); }

  ports::event_store& store;
  const kafka_relay_options opts;
  std::string topic;
  std::unique_ptr<rdkafka_publisher> owned_publisher; ///< when none was given
  record_publisher* publisher;
  const events::event_codec& codec = events::event_codec::standard();

  // -- set by start(), read by the relay thread -----------------------------------
  std::optional<std::uint64_t> stored_checkpoint; ///< the checkpoint found at start

  // -- controlling thread -------------------------------------------------------
  std::thread thread;
  bool running = false;
  std::chrono::milliseconds flush_timeout{0};
  events::status stop_status;

  // -- relay thread only --------------------------------------------------------
  std::unique_ptr<producer_session> producer;
  delivery_window window;
  bool rewind_needed = false;
  bool connected = false;
  bool have_new_error = false;
  events::status new_error;
  std::uint64_t delivery_errors = 0;
  std::uint64_t rewinds = 0;
  std::uint64_t checkpointed = 0;
  clock_type::time_point last_checkpoint{};
  clock_type::time_point retry_at{};
  clock_type::time_point last_probe{};
  std::chrono::milliseconds backoff = min_backoff;
  relay_state state = relay_state::stopped;
  std::string cluster_id;
  std::uint64_t start_position = 0;
  std::string notice;
  std::string value;  ///< reused encoding buffer
  value_pages values; ///< in-flight messages' values (the producer does not copy them)

  // -- shared -------------------------------------------------------------------
  std::atomic<bool> stopping{false};
  mutable std::mutex mu;
  mutable std::condition_variable cv; ///< published position or state changed
  relay_status shared;                ///< guarded by mu

  // -- delivery reports (delivery_listener: on the relay thread, inside poll) ---

  void delivered(std::uint64_t position) override {
    values.release(position);
    window.acknowledged(position);
    connected = true;
  }

  void failed(std::uint64_t position, const publish_problem& why) override {
    values.release(position);
    window.failed(position);
    ++delivery_errors;
    if (!rewind_needed) {
      // The first failure explains the rewind; the ones after it say the same.
      note_error({errc::unavailable, "delivery of position " + std::to_string(position) +
                                         " to topic '" + topic + "' failed: " + why.reason});
    }
    rewind_needed = true;
    if (why.unreachable) connected = false;
  }

  void client_error(const publish_problem& what) override {
    std::string text = what.reason;
    if (what.fatal) {
      text = "fatal producer error (the producer is replaced): " + what.reason;
      rewind_needed = true;
    }
    if (what.unreachable) connected = false;
    note_error({errc::unavailable, "kafka: " + text});
  }

  void note_error(events::status st) {
    new_error = std::move(st);
    have_new_error = true;
  }

  events::status check_options() const {
    if (owned_publisher && opts.bootstrap_servers.empty())
      return {errc::invalid_argument, "kafka relay: no bootstrap servers configured"};
    if (opts.site.empty()) return {errc::invalid_argument, "kafka relay: no site id configured"};
    if (!is_valid_topic_name(topic))
      return {errc::invalid_argument,
              "kafka relay: '" + topic + "'" +
                  (opts.topic.empty() ? " (the default topic of site '" + opts.site + "')" : "") +
                  " is not a valid Kafka topic name (1..249 characters of [a-zA-Z0-9._-])"};
    if (opts.checkpoint_name.empty())
      return {errc::invalid_argument, "kafka relay: empty checkpoint name"};
    if (owned_publisher) return rdkafka_publisher::check_properties(opts.properties);
    return {};
  }

  /// A new producer session on the topic.
  events::status make_producer() {
    auto session = publisher->open_session(topic, *this);
    if (!session) return session.error();
    producer = std::move(*session);
    return {};
  }

  /// Drops whatever the producer still holds (its reports served first, so
  /// that the window sees them), then closes it.
  void destroy_producer() {
    if (!producer) return;
    producer->close();
    producer.reset();
    values.reset(); // no message refers to them any more
  }

  // -- relay thread -------------------------------------------------------------

  /// Copies the relay thread's view into the shared status; wakes waiters.
  void sync_status() {
    std::lock_guard lock{mu};
    shared.state = state;
    shared.connected = connected;
    shared.published_position = window.published();
    shared.checkpoint_position = checkpointed;
    shared.produced_position = window.next_to_send() - 1;
    shared.delivery_errors = delivery_errors;
    shared.rewinds = rewinds;
    shared.cluster_id = cluster_id;
    shared.start_position = start_position;
    shared.notice = notice;
    if (have_new_error) {
      shared.last_error = std::move(new_error);
      new_error = {};
      have_new_error = false;
    }
    cv.notify_all();
  }

  void poll(int timeout_ms) {
    if (!producer) { // between producers (a replacement failed): just pace the loop
      std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
      return;
    }
    auto before = window.published();
    producer->poll(std::chrono::milliseconds(timeout_ms));
    if (window.published() != before) backoff = min_backoff; // deliveries work again
  }

  /// Writes the checkpoint if it moved and is due (or `force`).
  events::status maybe_checkpoint(bool force) {
    auto p = window.published();
    if (p <= checkpointed) return {};
    auto now = clock_type::now();
    if (!force && p - checkpointed < opts.checkpoint_every &&
        now - last_checkpoint < opts.checkpoint_interval)
      return {};
    auto st = store.put_checkpoint(opts.checkpoint_name, p);
    last_checkpoint = now;
    if (!st) {
      note_error(st);
      return st;
    }
    checkpointed = p;
    return {};
  }

  /// Pauses reading for the current back-off, then doubles it (up to 5 s).
  void schedule_retry() {
    state = relay_state::retrying;
    retry_at = clock_type::now() + backoff;
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, max_backoff);
  }

  void retry_later(events::status why) {
    note_error(std::move(why));
    schedule_retry();
  }

  /// After a delivery error: once nothing is in flight any more, replace the
  /// producer and start over from the first position not acknowledged. A new
  /// producer (a new idempotent session) rather than the old one, whatever
  /// the error was: no sequence state of the failed session can carry over.
  void rewind() {
    state = relay_state::retrying;
    if (clock_type::now() < retry_at) return; // backing off after a failed replacement
    if (window.outstanding() > 0) {
      // Messages not sent yet are dropped (they are re-produced anyway); the
      // ones on the wire are waited for, so that the next producer cannot
      // overtake them.
      if (producer) producer->purge_queued();
      poll(50);
      return;
    }
    destroy_producer();
    connected = false;
    if (auto st = make_producer(); !st) {
      retry_later(st);
      return;
    }
    window.reset(window.published() + 1);
    rewind_needed = false;
    ++rewinds;
    schedule_retry();
  }

  /// Marks the broker reachable when a metadata request succeeds (only used
  /// while idle: deliveries say it otherwise).
  void probe() {
    auto now = clock_type::now();
    if (connected || now - last_probe < probe_interval) return;
    last_probe = now;
    if (producer && producer->probe(std::chrono::milliseconds(500))) connected = true;
  }

  /// Hands one event to the producer. false: stop the batch (a rewind or a
  /// retry was scheduled, or we are stopping).
  bool produce(const events::recorded_event& e) {
    value.clear();
    if (auto st = codec.append_json_text(e, value); !st) {
      retry_later({st.code(), "cannot encode position " + std::to_string(e.position) + " (stream " +
                                  e.stream + ") for Kafka: " + st.message()});
      return false;
    }
    auto version = codec.current_version(e.type);
    char version_text[8];
    const auto version_len =
        static_cast<std::size_t>(std::to_chars(version_text, version_text + sizeof version_text,
                                               version ? *version : e.version)
                                     .ptr -
                                 version_text);
    char position_text[24];
    const auto position_len = static_cast<std::size_t>(
        std::to_chars(position_text, position_text + sizeof position_text, e.position).ptr -
        position_text);
    char id[events::event_id::text_size];
    e.meta.id.write_text(id);
    const record_header headers[] = {
        {"type", e.type},
        {"version", {version_text, version_len}},
        {"event_id", {id, sizeof id}},
        {"site", opts.site},
        {"position", {position_text, position_len}},
    };
    // Not copied by the producer: the page keeps the value until the
    // delivery report releases it.
    const char* placed = values.place(e.position, value);
    outgoing_record record;
    record.key = e.stream;
    record.value = {placed, value.size()};
    record.headers = headers;
    record.tag = e.position;
    for (;;) {
      auto queued = producer->produce(record);
      if (queued.outcome == produce_result::kind::queued) break;
      if (queued.outcome == produce_result::kind::queue_full) {
        poll(10); // back-pressure: wait for acknowledgements to free the queue
        if (stopping || rewind_needed) {
          values.release(e.position);
          return false;
        }
        continue;
      }
      values.release(e.position);
      // Not queued (e.g. larger than message.max.bytes, or a fatal producer
      // state): treat as a failed delivery of this position.
      note_error({errc::unavailable, "cannot produce position " + std::to_string(e.position) +
                                         " (stream " + e.stream + ") to topic '" + topic +
                                         "': " + queued.reason});
      ++delivery_errors;
      rewind_needed = true;
      return false;
    }
    window.sent(e.position);
    return true;
  }

  // -- target and divergence check (see the header) -----------------------------

  std::string target_name() const { return opts.checkpoint_name + ".target"; }

  enum class verdict { publish, retry, diverged };

  /// Checks the topic's end against the store and chooses where to start.
  verdict check_target(const topic_tail& tail) {
    const std::string on = "topic '" + topic + "' (cluster " + tail.cluster_id + ")";
    auto refuse = [&](const std::string& what) {
      note_error({errc::corrupt_record,
                  "kafka relay: " + what +
                      ": the store was rolled back, restored from a copy or replaced since it "
                      "was relayed; refusing to publish (the topic would hold that position "
                      "twice with different events). Publish this store to a new topic, or "
                      "see docs/kafka.md"});
      return verdict::diverged;
    };
    for (const auto& r : tail.records) {
      if (!r.position) continue; // not the relay's record
      const auto p = *r.position;
      const std::string where = on + " partition " + std::to_string(r.partition) + " offset " +
                                std::to_string(r.offset) + " holds position " + std::to_string(p) +
                                " with event " + (r.event_id.empty() ? "(no id)" : r.event_id);
      if (auto head = store.head_position(); p > head)
        return refuse(where + ", but the store's head is position " + std::to_string(head) +
                      " (it holds no event there)");
      auto stored = store.read_all(p, 1);
      if (!stored) {
        retry_later({stored.error().code(), "kafka relay: reading position " + std::to_string(p) +
                                                " to check it against " + on + ": " +
                                                stored.error().message()});
        return verdict::retry;
      }
      if (stored->empty() || stored->front().position != p)
        return refuse(where + ", but the store holds no event at that position");
      auto id = stored->front().meta.id.to_string();
      if (id != r.event_id) return refuse(where + ", but the store holds event " + id + " there");
    }

    const auto fingerprint = target_fingerprint(tail.cluster_id, topic);
    auto known = store.get_checkpoint(target_name());
    if (!known) {
      retry_later(known.error());
      return verdict::retry;
    }
    const std::uint64_t checkpoint = stored_checkpoint.value_or(0);
    const std::uint64_t topic_end = tail.last_position();
    std::uint64_t start = checkpoint + 1;
    notice.clear();
    if (opts.from_position) {
      start = *opts.from_position;
      notice = "publishing from position " + std::to_string(start) + " as asked (checkpoint " +
               std::to_string(checkpoint) + ", " + on + " ends at position " +
               std::to_string(topic_end) + ")";
    } else if (known->has_value() && **known != fingerprint) {
      start = 1;
      notice = "new target " + on + ": the checkpoint (" + std::to_string(checkpoint) +
               ") was for another cluster or topic; publishing from position 1";
    } else if (topic_end < checkpoint) {
      start = topic_end + 1;
      notice = on + " ends at position " + std::to_string(topic_end) + ", behind the checkpoint " +
               std::to_string(checkpoint) +
               " (the topic was recreated or emptied); resuming from position " +
               std::to_string(start);
    }
    // Where this run starts, then whose it is: a crash between the two writes
    // leaves the old target recorded, which starts over again (never skips).
    if (start - 1 != checkpoint || !stored_checkpoint) {
      if (auto st = store.put_checkpoint(opts.checkpoint_name, start - 1); !st) {
        retry_later(st);
        return verdict::retry;
      }
      stored_checkpoint = start - 1;
    }
    if (!known->has_value() || **known != fingerprint) {
      if (auto st = store.put_checkpoint(target_name(), fingerprint); !st) {
        retry_later(st);
        return verdict::retry;
      }
    }
    cluster_id = tail.cluster_id;
    start_position = start;
    window.reset(start);
    checkpointed = start - 1;
    last_checkpoint = clock_type::now();
    return verdict::publish;
  }

  /// Connects to the target and checks it; true once publishing may start,
  /// false when stopping or diverged.
  bool settle_target() {
    state = relay_state::connecting;
    sync_status();
    while (!stopping) {
      if (clock_type::now() < retry_at) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      auto tail = publisher->read_tail(topic, std::chrono::milliseconds(2000));
      if (!tail) {
        connected = false;
        retry_later({tail.error().code(), "kafka relay: checking " + tail.error().message()});
        state = relay_state::connecting;
        sync_status();
        continue;
      }
      connected = true;
      switch (check_target(*tail)) {
      case verdict::publish:
        backoff = min_backoff;
        retry_at = {};
        return true;
      case verdict::diverged:
        state = relay_state::diverged;
        sync_status();
        return false;
      case verdict::retry:
        state = relay_state::connecting;
        sync_status();
        break;
      }
    }
    return false;
  }

  void run() {
    pthread_setname_np(pthread_self(), "kafka-relay");
    if (!settle_target()) {
      if (state == relay_state::diverged) {
        destroy_producer();
        connected = false;
        sync_status();
      } else {
        shutdown();
      }
      return;
    }
    // Reading and decoding the store overlaps with encoding and producing.
    read_ahead reader{store, window.next_to_send(), {opts.read_batch, 4}};
    bool resync = false; ///< the reader must restart at window.next_to_send()
    state = relay_state::catching_up;
    sync_status();
    int since_poll = 0;
    while (!stopping) {
      poll(0);
      maybe_checkpoint(false);
      if (rewind_needed) {
        rewind();
        resync = true;
        sync_status();
        continue;
      }
      if (clock_type::now() < retry_at) {
        poll(20);
        sync_status();
        continue;
      }
      if (resync) {
        reader.restart(window.next_to_send());
        resync = false;
      }
      const bool idle = window.outstanding() == 0;
      auto batch = reader.next(std::chrono::milliseconds(idle ? 50 : 5));
      if (!batch) {
        retry_later({batch.error().code(), "reading the store from position " +
                                               std::to_string(window.next_to_send()) + ": " +
                                               batch.error().message()});
        resync = true;
        sync_status();
        continue;
      }
      if (batch->empty()) {
        state = relay_state::caught_up;
        if (idle) probe();
        sync_status();
        continue;
      }
      if (batch->front().position != window.next_to_send()) { // cannot happen; never skip
        resync = true;
        continue;
      }
      state = relay_state::catching_up;
      for (const auto& e : *batch) {
        if (stopping || rewind_needed || !produce(e)) {
          resync = true;
          break;
        }
        if (++since_poll >= poll_every) {
          since_poll = 0;
          poll(0);
          maybe_checkpoint(false);
        }
      }
      reader.recycle(std::move(*batch));
      sync_status();
    }
    shutdown();
  }

  void shutdown() {
    auto deadline = clock_type::now() + flush_timeout;
    while (window.outstanding() > 0 && clock_type::now() < deadline)
      poll(20);
    stop_status = maybe_checkpoint(true);
    destroy_producer();
    state = relay_state::stopped;
    connected = false;
    sync_status();
  }
};

kafka_relay::kafka_relay(ports::event_store& store, kafka_relay_options options)
    : impl_(std::make_unique<impl>(store, std::move(options), nullptr)) {}

kafka_relay::kafka_relay(ports::event_store& store, kafka_relay_options options,
                         record_publisher& publisher)
    : impl_(std::make_unique<impl>(store, std::move(options), &publisher)) {}

kafka_relay::~kafka_relay() {
  stop();
}

events::status kafka_relay::start() {
  auto& d = *impl_;
  if (d.running) return {errc::invalid_argument, "kafka relay: already running"};
  if (auto st = d.check_options(); !st) return st;
  auto cp = d.store.get_checkpoint(d.opts.checkpoint_name);
  if (!cp) return cp.error();
  std::uint64_t from = cp->value_or(0);
  const auto head = d.store.head_position();
  if (d.opts.from_position && (*d.opts.from_position < 1 || *d.opts.from_position > head + 1))
    return {errc::invalid_argument, "kafka relay: from position " +
                                        std::to_string(*d.opts.from_position) + " is outside 1.." +
                                        std::to_string(head + 1) + " (the store's head + 1)"};
  if (!d.opts.from_position && from > head)
    return {errc::corrupt_record, "kafka relay: checkpoint '" + d.opts.checkpoint_name +
                                      "' is at position " + std::to_string(from) +
                                      " but the store's head is " + std::to_string(head) +
                                      " (was the store replaced? then reset the checkpoint)"};
  if (auto st = d.make_producer(); !st) return st;
  d.stored_checkpoint = *cp;
  d.cluster_id.clear();
  d.notice.clear();
  d.start_position = 0;
  d.window.reset(from + 1);
  d.checkpointed = from;
  d.last_checkpoint = clock_type::now();
  d.retry_at = {};
  d.backoff = min_backoff;
  d.rewind_needed = d.connected = false;
  d.delivery_errors = d.rewinds = 0;
  d.stopping = false;
  {
    std::lock_guard lock{d.mu};
    d.shared = relay_status{};
    d.shared.state = relay_state::connecting;
    d.shared.published_position = d.shared.checkpoint_position = d.shared.produced_position = from;
  }
  d.running = true;
  d.thread = std::thread([&d] { d.run(); });
  return {};
}

events::status kafka_relay::stop(std::chrono::milliseconds flush_timeout) {
  auto& d = *impl_;
  if (!d.running) return d.stop_status;
  d.flush_timeout = flush_timeout;
  d.stopping = true;
  d.thread.join();
  d.running = false;
  return d.stop_status;
}

std::uint64_t kafka_relay::published_position() const {
  std::lock_guard lock{impl_->mu};
  return impl_->shared.published_position;
}

relay_status kafka_relay::status() const {
  std::lock_guard lock{impl_->mu};
  return impl_->shared;
}

events::status kafka_relay::wait_until_published(std::uint64_t position,
                                                 std::chrono::milliseconds timeout) const {
  auto& d = *impl_;
  std::unique_lock lock{d.mu};
  auto checked = [&] {
    return d.shared.state != relay_state::connecting && d.shared.state != relay_state::diverged;
  };
  d.cv.wait_for(lock, timeout, [&] {
    return (checked() && d.shared.published_position >= position) ||
           d.shared.state == relay_state::diverged;
  });
  const auto& s = d.shared;
  if (s.state == relay_state::diverged) return s.last_error;
  if (checked() && s.published_position >= position) return {};
  return {errc::unavailable,
          "kafka relay: position " + std::to_string(position) + " not published within " +
              ms_text(timeout) + " (published " + std::to_string(s.published_position) +
              ", produced " + std::to_string(s.produced_position) + ", state " +
              to_string(s.state) + (s.connected ? ", connected" : ", not connected") +
              (s.last_error.is_ok() ? std::string{} : ", last error: " + s.last_error.message()) +
              ")"};
}

const std::string& kafka_relay::topic() const {
  return impl_->topic;
}

} // namespace hotline::drivers
