// The Kafka relay against librdkafka's mock cluster (in-process): what a
// consumer of the topic sees after normal runs, restarts, broker outages and
// delivery errors, and how the relay reports what it cannot do.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "drivers/kafka/kafka_relay.hpp"
#include "drivers/kafka/mock_cluster.hpp"
#include "drivers/kafka/topic_reader.hpp"
#include "tests/drivers/relay_fixtures.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;
using namespace std::chrono_literals;
using testing::append_interleaved;
using testing::copy_prefix;

namespace {

const std::string site = "t1";
const std::string topic = default_kafka_topic(site);

std::unique_ptr<mock_cluster> start_cluster() {
  auto c = mock_cluster::create({3, {{topic, 4}}});
  REQUIRE_MESSAGE(c.has_value(), c.error().message());
  return std::move(c).value();
}

kafka_relay_options options_for(const mock_cluster& c) {
  kafka_relay_options o;
  o.bootstrap_servers = c.bootstraps();
  o.site = site;
  // Reconnect quickly when a test brings brokers back.
  o.properties = {{"reconnect.backoff.ms", "20"}, {"reconnect.backoff.max.ms", "200"}};
  return o;
}

std::vector<testing::seen_record> read_back(const mock_cluster& c) {
  return testing::read_records({c.bootstraps(), topic, {}, 20s});
}

void require_published(const kafka_relay& relay, std::uint64_t position) {
  auto st = relay.wait_until_published(position, 30s);
  REQUIRE_MESSAGE(st.is_ok(), st.message());
}

/// A memory store whose reads can be made to fail and whose checkpoint
/// writes are counted.
class instrumented_store final : public event_store {
public:
  memory_event_store inner;
  std::atomic<int> failing_reads{0}; ///< this many reads from `fail_at` fail
  std::atomic<std::uint64_t> fail_at{0};
  mutable std::atomic<int> failed_reads{0};
  std::atomic<int> checkpoint_writes{0};

  void append_async(std::string stream, expected_revision expected,
                    std::vector<proposed_event> events, append_callback done) override {
    inner.append_async(std::move(stream), expected, std::move(events), std::move(done));
  }
  result<std::vector<recorded_event>> read_stream(std::string_view stream, std::uint64_t from,
                                                  std::size_t max) const override {
    return inner.read_stream(stream, from, max);
  }
  result<std::vector<recorded_event>> read_all(std::uint64_t from, std::size_t max) const override {
    if (from == fail_at && failed_reads < failing_reads) {
      ++failed_reads;
      return status{errc::io_error, "injected: the disk is on fire"};
    }
    return inner.read_all(from, max);
  }
  result<std::optional<std::uint64_t>> stream_revision(std::string_view s) const override {
    return inner.stream_revision(s);
  }
  std::uint64_t head_position() const override { return inner.head_position(); }
  std::uint64_t wait_for_append(std::uint64_t after,
                                std::chrono::milliseconds timeout) const override {
    return inner.wait_for_append(after, timeout);
  }
  status put_checkpoint(std::string_view name, std::uint64_t position) override {
    ++checkpoint_writes;
    return inner.put_checkpoint(name, position);
  }
  result<std::optional<std::uint64_t>> get_checkpoint(std::string_view name) const override {
    return inner.get_checkpoint(name);
  }
};

} // namespace

TEST_CASE("the relay publishes every stored and live event once, keyed by stream, as JSON") {
  auto cluster = start_cluster();
  memory_event_store store;
  append_interleaved(store, "a", 20, 15);
  kafka_relay relay{store, options_for(*cluster)};
  REQUIRE(relay.topic() == "hotline.t1.events");
  REQUIRE(relay.start().is_ok());
  require_published(relay, store.head_position());
  append_interleaved(store, "b", 5, 4); // appended while it runs
  require_published(relay, store.head_position());
  auto s = relay.status();
  CHECK(s.connected);
  CHECK(s.delivery_errors == 0);
  CHECK(s.last_error.is_ok());
  REQUIRE(relay.stop().is_ok());
  CHECK(relay.status().state == relay_state::stopped);
  CHECK(store.get_checkpoint("relay.kafka")->value() == store.head_position());
  testing::check_topic_matches_store(read_back(*cluster), store, {site});
}

TEST_CASE("after a clean stop the relay resumes from its checkpoint and sends nothing twice") {
  auto cluster = start_cluster();
  memory_event_store store;
  append_interleaved(store, "a", 10, 10);
  {
    kafka_relay relay{store, options_for(*cluster)};
    REQUIRE(relay.start().is_ok());
    require_published(relay, 50); // stop somewhere after the middle
    REQUIRE(relay.stop().is_ok());
    auto cp = store.get_checkpoint("relay.kafka")->value();
    CHECK(cp >= 50);
    CHECK(cp == relay.published_position());
  }
  append_interleaved(store, "b", 10, 10);
  kafka_relay again{store, options_for(*cluster)};
  REQUIRE(again.start().is_ok());
  require_published(again, store.head_position());
  REQUIRE(again.stop().is_ok());
  testing::check_topic_matches_store(read_back(*cluster), store, {site});
}

TEST_CASE("a broker outage delays publication but loses or duplicates nothing") {
  auto cluster = start_cluster();
  memory_event_store store;
  append_interleaved(store, "a", 10, 5);
  kafka_relay relay{store, options_for(*cluster)};
  REQUIRE(relay.start().is_ok());
  require_published(relay, 50);
  for (int b = 1; b <= 3; ++b)
    REQUIRE(cluster->set_broker_up(b, false).is_ok());
  append_interleaved(store, "b", 10, 5);
  auto st = relay.wait_until_published(store.head_position(), 1s);
  CHECK(st.code() == errc::unavailable);
  CHECK(st.detail().find("not published") != std::string::npos);
  CHECK(relay.published_position() < store.head_position());
  for (int b = 1; b <= 3; ++b)
    REQUIRE(cluster->set_broker_up(b, true).is_ok());
  require_published(relay, store.head_position());
  REQUIRE(relay.stop().is_ok());
  testing::check_topic_matches_store(read_back(*cluster), store, {site});
}

TEST_CASE("failed deliveries make the relay re-send from the first unacknowledged event") {
  auto cluster = start_cluster();
  memory_event_store store;
  append_interleaved(store, "a", 20, 10);
  cluster->fail_next_produce_requests(3);
  kafka_relay relay{store, options_for(*cluster)};
  REQUIRE(relay.start().is_ok());
  require_published(relay, store.head_position());
  auto s = relay.status();
  CHECK(s.delivery_errors >= 1);
  CHECK(s.rewinds >= 1);
  CHECK(s.last_error.code() == errc::unavailable); // what failed, e.g. the broker's refusal
  REQUIRE(relay.stop().is_ok());
  // Duplicates are allowed anywhere (the failed requests may have carried any
  // position); gaps and reordering are not.
  testing::check_topic_matches_store(read_back(*cluster), store, {site, 0});
}

TEST_CASE("a store read error stalls the relay at its position, retried, skipping nothing") {
  auto cluster = start_cluster();
  instrumented_store store;
  append_interleaved(store, "a", 10, 10);
  store.fail_at = 51;
  store.failing_reads = 3;
  auto opts = options_for(*cluster);
  opts.read_batch = 10;
  kafka_relay relay{store, opts};
  REQUIRE(relay.start().is_ok());
  require_published(relay, store.head_position());
  CHECK(store.failed_reads == 3);
  auto s = relay.status();
  CHECK(s.last_error.code() == errc::io_error);
  CHECK(s.last_error.detail().find("position 51") != std::string::npos);
  REQUIRE(relay.stop().is_ok());
  testing::check_topic_matches_store(read_back(*cluster), store, {site});
}

TEST_CASE("an event the codec cannot encode stalls the relay there and says why") {
  auto cluster = start_cluster();
  memory_event_store store;
  append_interleaved(store, "a", 1, 3);
  auto odd = testing::make_event("odd");
  odd.type = "call.teleported"; // no codec knows it
  REQUIRE(store.append("call-odd", expected_revision::any(), {odd}));
  append_interleaved(store, "b", 1, 2);
  kafka_relay relay{store, options_for(*cluster)};
  REQUIRE(relay.start().is_ok());
  require_published(relay, 3);
  auto st = relay.wait_until_published(4, 500ms);
  REQUIRE_FALSE(st.is_ok());
  CHECK(st.detail().find("position 4") != std::string::npos);
  CHECK(st.detail().find("call.teleported") != std::string::npos);
  CHECK(relay.status().state == relay_state::retrying);
  CHECK(relay.published_position() == 3);
  REQUIRE(relay.stop().is_ok());
  CHECK(store.get_checkpoint("relay.kafka")->value() == 3);
  CHECK(read_back(*cluster).size() == 3);
}

TEST_CASE("checkpoints are written periodically, not once per event") {
  auto cluster = start_cluster();
  instrumented_store store;
  for (int s = 0; s < 20; ++s)
    REQUIRE(store.append("call-" + std::to_string(s), expected_revision::any(),
                         testing::make_events("c" + std::to_string(s), 500)));
  kafka_relay relay{store, options_for(*cluster)};
  REQUIRE(relay.start().is_ok());
  require_published(relay, store.head_position());
  REQUIRE(relay.stop().is_ok());
  CHECK(store.get_checkpoint("relay.kafka")->value() == 10000);
  CHECK(store.checkpoint_writes >= 1);
  CHECK(store.checkpoint_writes < 100); // 10,000 events
}

TEST_CASE("the relay refuses bad options and an impossible checkpoint before starting") {
  memory_event_store store;
  REQUIRE(store.append("call-1", expected_revision::any(), testing::make_events("x", 2)));
  auto refused = [&](kafka_relay_options o, std::string_view says) {
    kafka_relay relay{store, std::move(o)};
    auto st = relay.start();
    CHECK(st.code() == errc::invalid_argument);
    CHECK_MESSAGE(st.detail().find(says) != std::string::npos, st.detail());
  };
  kafka_relay_options ok;
  ok.bootstrap_servers = "127.0.0.1:1";
  ok.site = "s1";
  auto with = [&](auto change) {
    auto o = ok;
    change(o);
    return o;
  };
  refused(with([](auto& o) { o.bootstrap_servers.clear(); }), "bootstrap");
  refused(with([](auto& o) { o.site.clear(); }), "site");
  refused(with([](auto& o) { o.site = "bad site"; }), "not a valid Kafka topic name");
  refused(with([](auto& o) { o.properties["enable.idempotence"] = "false"; }), "refused");
  refused(with([](auto& o) { o.properties["acks"] = "1"; }), "refused");
  refused(with([](auto& o) { o.properties["message.timeout.ms"] = "3000"; }), "refused");
  refused(with([](auto& o) { o.properties["no.such.property"] = "1"; }), "no.such.property");

  REQUIRE(store.put_checkpoint("relay.kafka", 7).is_ok());
  kafka_relay relay{store, ok};
  auto st = relay.start();
  CHECK(st.code() == errc::corrupt_record);
  CHECK(st.detail().find("position 7") != std::string::npos);
}

// -- the target a checkpoint belongs to, and a topic the store diverged from ----

namespace {

/// Relays `store` to `c` (topic `t`, default: the site's) until every stored
/// event is acknowledged; returns the relay's status at stop.
relay_status relay_all(event_store& store, const mock_cluster& c, kafka_relay_options o = {}) {
  if (o.bootstrap_servers.empty()) o = options_for(c);
  kafka_relay relay{store, o};
  REQUIRE(relay.start().is_ok());
  require_published(relay, store.head_position());
  auto s = relay.status();
  REQUIRE(relay.stop().is_ok());
  return s;
}

std::vector<kafka_record> raw_topic(const mock_cluster& c, const std::string& t) {
  topic_reader_options ro{c.bootstraps(), t, {}, 20s};
  ro.decode_events = false;
  auto records = read_topic(ro);
  REQUIRE_MESSAGE(records.has_value(), records.error().message());
  return std::move(*records);
}

} // namespace

TEST_CASE("a relayed store pointed at a new cluster publishes everything there, from position 1") {
  memory_event_store store;
  append_interleaved(store, "n", 5, 60);
  auto first = start_cluster();
  auto s1 = relay_all(store, *first);
  CHECK(s1.start_position == 1);
  CHECK_FALSE(s1.cluster_id.empty());
  REQUIRE(store.get_checkpoint("relay.kafka")->value() == 300);

  auto fresh = start_cluster(); // a new, empty cluster: another cluster id
  auto s2 = relay_all(store, *fresh);
  CHECK(s2.cluster_id != s1.cluster_id);
  CHECK(s2.start_position == 1);
  CHECK_MESSAGE(s2.notice.find("new target") != std::string::npos, s2.notice);
  testing::check_topic_matches_store(read_back(*fresh), store, {site});
  CHECK(store.get_checkpoint("relay.kafka")->value() == 300);

  // Back on the first cluster: a new target again (its checkpoint moved on).
  append_interleaved(store, "m", 2, 10);
  auto s3 = relay_all(store, *first);
  CHECK(s3.start_position == 1);
  CHECK(read_back(*first).size() == 300 + 320);
}

TEST_CASE("a new topic starts from position 1, from_position re-publishes from there") {
  memory_event_store store;
  append_interleaved(store, "t", 4, 25);
  auto c = start_cluster();
  relay_all(store, *c);
  CHECK(read_back(*c).size() == 100);

  auto o = options_for(*c);
  o.topic = "hotline.t1.events.v2";
  auto s = relay_all(store, *c, o);
  CHECK(s.start_position == 1);
  CHECK(raw_topic(*c, o.topic).size() == 100);

  auto again = options_for(*c);
  again.from_position = 61;
  s = relay_all(store, *c, again);
  CHECK(s.start_position == 61);
  CHECK_MESSAGE(s.notice.find("as asked") != std::string::npos, s.notice);
  auto records = read_back(*c);
  CHECK(records.size() == 140);
  testing::check_topic_matches_store(records, store, {site, 60});

  auto beyond = options_for(*c);
  beyond.from_position = 102;
  kafka_relay refused{store, beyond};
  CHECK(refused.start().code() == errc::invalid_argument);
}

TEST_CASE("a topic that ends behind the checkpoint is resumed from its last position + 1") {
  memory_event_store store;
  append_interleaved(store, "b", 3, 40);
  auto c = start_cluster();
  relay_all(store, *c);
  append_interleaved(store, "c", 3, 20);
  // As if positions 121..150 had been published and then lost with the
  // topic (recreated or emptied): the checkpoint says more than the topic has.
  REQUIRE(store.put_checkpoint("relay.kafka", 150).is_ok());
  auto s = relay_all(store, *c);
  CHECK(s.start_position == 121);
  CHECK_MESSAGE(s.notice.find("ends at position 120, behind the checkpoint 150") !=
                    std::string::npos,
                s.notice);
  testing::check_topic_matches_store(read_back(*c), store, {site});
  CHECK(store.get_checkpoint("relay.kafka")->value() == 180);
}

TEST_CASE("a store rolled back under its topic is refused: nothing published, position, topic and "
          "both ids named") {
  memory_event_store original;
  append_interleaved(original, "r", 4, 50);
  auto c = start_cluster();
  relay_all(original, *c);
  const auto published = read_back(*c).size();
  REQUIRE(published == 200);

  auto refused = [&](event_store& store, std::string_view says) {
    kafka_relay relay{store, options_for(*c)};
    REQUIRE(relay.start().is_ok());
    auto st = relay.wait_until_published(store.head_position(), 30s);
    CHECK(st.code() == errc::corrupt_record);
    CHECK(relay.status().state == relay_state::diverged);
    CHECK_MESSAGE(st.detail().find("topic '" + topic + "'") != std::string::npos, st.detail());
    CHECK_MESSAGE(st.detail().find(says) != std::string::npos, st.detail());
    CHECK(st.detail().find("refusing to publish") != std::string::npos);
    relay.stop();
    CHECK(read_back(*c).size() == published); // nothing was published
    return st.detail();
  };

  SUBCASE("the store lost its last events") {
    memory_event_store store;
    copy_prefix(original, store, 150);
    REQUIRE(store.put_checkpoint("relay.kafka", 150).is_ok());
    refused(store, "but the store's head is position 150");
  }
  SUBCASE("the store lost events and took new, different ones at their positions") {
    memory_event_store store;
    copy_prefix(original, store, 150);
    append_interleaved(store, "other", 4, 30); // positions 151..270
    REQUIRE(store.put_checkpoint("relay.kafka", 150).is_ok());
    auto detail = refused(store, "but the store holds event ");
    // The position named, with the topic's id and the store's id for it.
    auto at = detail.find("holds position ");
    REQUIRE(at != std::string::npos);
    auto p = std::stoull(detail.substr(at + 15));
    REQUIRE(p > 150);
    REQUIRE(p <= 200);
    CHECK(detail.find("with event " + original.read_all(p, 1)->front().meta.id.to_string()) !=
          std::string::npos);
    CHECK(detail.find("the store holds event " +
                      store.read_all(p, 1)->front().meta.id.to_string()) != std::string::npos);
  }
}
