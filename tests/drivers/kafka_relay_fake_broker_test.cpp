// The Kafka relay against the fake broker (drivers/kafka/memory_publisher.hpp):
// the cases a real cluster shows only now and then, made to happen on cue —
// a delivery that fails, a record the producer refuses, a producer in a
// fatal state, a full producer queue, a restart with records in the topic
// beyond the checkpoint, a stop with records still unacknowledged. What a
// consumer would see is checked as in kafka_relay_test.cpp.
#include <doctest/doctest.h>

#include <map>
#include <thread>

#include "drivers/kafka/kafka_relay.hpp"
#include "drivers/kafka/memory_publisher.hpp"
#include "tests/drivers/relay_fixtures.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;
using namespace std::chrono_literals;
using testing::append_interleaved;

namespace {

const std::string site = "f1";
const std::string topic = default_kafka_topic(site);

kafka_relay_options options() {
  kafka_relay_options o;
  o.site = site; // no bootstrap servers: the relay is given its publisher
  return o;
}

void require_published(const kafka_relay& relay, std::uint64_t position) {
  auto st = relay.wait_until_published(position, 20s);
  REQUIRE_MESSAGE(st.is_ok(), st.message());
}

/// Relays `store` through `broker` until every stored event is acknowledged;
/// returns the relay's status at stop.
relay_status relay_all(event_store& store, memory_publisher& broker) {
  kafka_relay relay{store, options(), broker};
  REQUIRE(relay.start().is_ok());
  require_published(relay, store.head_position());
  auto s = relay.status();
  REQUIRE(relay.stop().is_ok());
  return s;
}

/// Waits until `done` or 20 s.
bool eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 2000 && !done(); ++i)
    std::this_thread::sleep_for(10ms);
  return done();
}

/// Every copy of a position in the topic carries the same bytes.
void check_duplicates_identical(const std::vector<testing::seen_record>& records) {
  std::map<std::string, std::string> value_of;
  for (const auto& r : records) {
    auto [it, fresh] = value_of.emplace(r.headers.at("position"), r.value);
    if (!fresh) CHECK(it->second == r.value);
  }
}

} // namespace

TEST_CASE("relay on the fake broker: the relay needs no bootstrap servers when given a publisher") {
  memory_event_store store;
  append_interleaved(store, "a", 3, 4);
  memory_publisher broker;
  auto s = relay_all(store, broker);
  CHECK(s.cluster_id == "memory-cluster");
  CHECK(s.start_position == 1);
  CHECK(s.delivery_errors == 0);
  CHECK(s.connected);
  CHECK(store.get_checkpoint("relay.kafka")->value() == 12);
  testing::check_topic_matches_store(testing::seen_in(broker, topic), store, {site});
}

TEST_CASE("relay on the fake broker: failed deliveries are re-sent from the first unacknowledged "
          "event by a new producer, nothing lost, no gap") {
  memory_event_store store;
  append_interleaved(store, "a", 8, 25);
  memory_publisher broker;
  broker.fail_next_deliveries(3);
  auto s = relay_all(store, broker);
  CHECK(s.delivery_errors >= 3);
  CHECK(s.rewinds >= 1);
  CHECK(broker.sessions_opened() == 1 + s.rewinds);
  CHECK(s.last_error.code() == events::errc::unavailable);
  CHECK_MESSAGE(s.last_error.detail().find("to topic '" + topic +
                                           "' failed: Broker: Invalid record") != std::string::npos,
                s.last_error.detail());
  CHECK(store.get_checkpoint("relay.kafka")->value() == 200);
  auto records = testing::seen_in(broker, topic);
  CHECK(records.size() > 200 - 3); // the failed ones again, and some after them
  testing::check_topic_matches_store(records, store, {site, 0});
  check_duplicates_identical(records);
}

TEST_CASE("relay on the fake broker: a record the producer refuses counts as a failed delivery "
          "and is sent again") {
  memory_event_store store;
  append_interleaved(store, "r", 4, 10);
  memory_publisher broker;
  broker.refuse_next_produces(1);
  auto s = relay_all(store, broker);
  CHECK(s.delivery_errors == 1);
  CHECK(s.rewinds >= 1);
  CHECK_MESSAGE(s.last_error.detail().find("cannot produce position 1 (stream call-r0) to topic '" +
                                           topic + "': Broker: Message size too large") !=
                    std::string::npos,
                s.last_error.detail());
  testing::check_topic_matches_store(testing::seen_in(broker, topic), store, {site});
}

TEST_CASE("relay on the fake broker: a producer in a fatal state is replaced and loses nothing") {
  memory_event_store store;
  append_interleaved(store, "a", 4, 10);
  memory_publisher broker;
  kafka_relay relay{store, options(), broker};
  REQUIRE(relay.start().is_ok());
  require_published(relay, 40);
  broker.set_reachable(false);
  append_interleaved(store, "b", 4, 10);
  REQUIRE(eventually([&] { return broker.in_flight() == 40; })); // produced, waiting
  CHECK_FALSE(relay.status().connected);
  broker.make_sessions_fatal();
  broker.set_reachable(true);
  require_published(relay, 80);
  auto s = relay.status();
  CHECK(s.rewinds >= 1);
  CHECK(broker.sessions_opened() >= 2);
  CHECK_MESSAGE(s.last_error.detail().find("kafka: fatal producer error (the producer is "
                                           "replaced)") != std::string::npos,
                s.last_error.detail());
  REQUIRE(relay.stop().is_ok());
  // The fatal state failed every record it held: none of them reached the
  // topic before the new producer sent them, so each is there once.
  testing::check_topic_matches_store(testing::seen_in(broker, topic), store, {site});
}

TEST_CASE("relay on the fake broker: a full producer queue makes the relay wait for "
          "acknowledgements, and each event is sent once") {
  memory_event_store store;
  append_interleaved(store, "q", 10, 50);
  memory_publisher broker{{"memory-cluster", 4, 16}};
  auto s = relay_all(store, broker);
  CHECK(s.delivery_errors == 0);
  CHECK(s.rewinds == 0);
  CHECK(broker.sessions_opened() == 1);
  testing::check_topic_matches_store(testing::seen_in(broker, topic), store, {site});
}

TEST_CASE("relay on the fake broker: restarted with events in the topic beyond its checkpoint, it "
          "resumes after the checkpoint: byte-identical duplicates, no gap") {
  memory_event_store store;
  append_interleaved(store, "a", 5, 20);
  memory_publisher broker;
  relay_all(store, broker);
  REQUIRE(broker.records(topic).size() == 100);
  // As after a kill: 41..100 reached the topic, the checkpoint did not follow.
  REQUIRE(store.put_checkpoint("relay.kafka", 40).is_ok());
  append_interleaved(store, "b", 5, 4); // and the node went on appending
  auto s = relay_all(store, broker);
  CHECK(s.start_position == 41);
  CHECK(s.notice.empty()); // the topic is ahead of the checkpoint: nothing to say
  auto records = testing::seen_in(broker, topic);
  CHECK(records.size() == 100 + 80);
  testing::check_topic_matches_store(records, store, {site, 40});
  check_duplicates_identical(records);
  CHECK(store.get_checkpoint("relay.kafka")->value() == 120);
}

TEST_CASE("relay on the fake broker: stopped with records unacknowledged, it checkpoints what was "
          "acknowledged, and the next start sends the rest once") {
  memory_event_store store;
  append_interleaved(store, "a", 5, 10);
  memory_publisher broker;
  {
    kafka_relay relay{store, options(), broker};
    REQUIRE(relay.start().is_ok());
    require_published(relay, 50);
    broker.set_reachable(false);
    append_interleaved(store, "b", 5, 10);
    REQUIRE(eventually([&] { return broker.in_flight() == 50; }));
    CHECK(relay.status().produced_position == 100);
    REQUIRE(relay.stop(200ms).is_ok());
    CHECK(relay.published_position() == 50);
    CHECK(relay.status().state == relay_state::stopped);
  }
  CHECK(store.get_checkpoint("relay.kafka")->value() == 50);
  CHECK(broker.in_flight() == 0); // the stopped producer dropped them
  CHECK(broker.records(topic).size() == 50);
  broker.set_reachable(true);
  auto s = relay_all(store, broker);
  CHECK(s.start_position == 51);
  testing::check_topic_matches_store(testing::seen_in(broker, topic), store, {site});
  CHECK(store.get_checkpoint("relay.kafka")->value() == 100);
}

TEST_CASE("relay on the fake broker: the topic's end decides too: an emptied topic is refilled "
          "from position 1, a diverged one is refused") {
  memory_event_store store;
  append_interleaved(store, "e", 3, 10);
  memory_publisher broker;
  relay_all(store, broker);
  broker.delete_topic(topic);
  auto s = relay_all(store, broker);
  CHECK(s.start_position == 1);
  CHECK_MESSAGE(s.notice.find("ends at position 0, behind the checkpoint 30") != std::string::npos,
                s.notice);
  testing::check_topic_matches_store(testing::seen_in(broker, topic), store, {site});

  memory_event_store rolled_back;
  testing::copy_prefix(store, rolled_back, 20);
  append_interleaved(rolled_back, "other", 3, 5); // different events at 21..35
  REQUIRE(rolled_back.put_checkpoint("relay.kafka", 20).is_ok());
  kafka_relay relay{rolled_back, options(), broker};
  REQUIRE(relay.start().is_ok());
  auto st = relay.wait_until_published(rolled_back.head_position(), 20s);
  CHECK(st.code() == events::errc::corrupt_record);
  CHECK(relay.status().state == relay_state::diverged);
  CHECK(st.detail().find("(cluster memory-cluster)") != std::string::npos);
  relay.stop();
  CHECK(broker.records(topic).size() == 30); // nothing published
}
