// The record_publisher contract (drivers/kafka/record_publisher.hpp), run
// against the fake broker and against librdkafka on `hotline kafka-mock` in
// a process of its own (the broker the integration tests use).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <thread>

#include "drivers/kafka/memory_publisher.hpp"
#include "drivers/kafka/mock_cluster.hpp"
#include "drivers/kafka/rdkafka_publisher.hpp"
#include "drivers/kafka/topic_reader.hpp"
#include "tests/drivers/relay_fixtures.hpp"
#include "tests/support/kafka_mock.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace std::chrono_literals;

namespace {

const std::string contract_topic = "contract.events";

struct memory_publisher_fixture {
  memory_publisher broker;
  memory_publisher_fixture() { broker.create_topic(contract_topic, 4); }
  record_publisher& publisher() { return broker; }
  std::vector<testing::seen_record> read_back() { return testing::seen_in(broker, contract_topic); }
  /// A publisher no broker answers.
  std::unique_ptr<record_publisher> unreachable() {
    auto p = std::make_unique<memory_publisher>();
    p->set_reachable(false);
    return p;
  }
};

struct kafka_mock_publisher_fixture {
  testing::kafka_mock mock{{contract_topic + ":4"}};
  rdkafka_publisher librdkafka{{mock.bootstrap, "hotline-contract", {}}};
  record_publisher& publisher() { return librdkafka; }
  std::vector<testing::seen_record> read_back() {
    topic_reader_options ro{mock.bootstrap, contract_topic, {}, 20s};
    ro.decode_events = false;
    return testing::read_records(ro);
  }
  std::unique_ptr<record_publisher> unreachable() {
    // Nothing listens on port 1: every connection is refused.
    return std::make_unique<rdkafka_publisher>(rdkafka_publisher_options{"127.0.0.1:1", "", {}});
  }
};

/// Deliveries made to fail: by the fake, or by librdkafka's mock cluster in
/// this process (it fails whole Produce requests, which kafka-mock in its
/// own process cannot be asked to do).
struct failing_memory_fixture : memory_publisher_fixture {
  void fail_next(std::size_t n) { broker.fail_next_deliveries(n); }
};

struct failing_mock_cluster_fixture {
  std::unique_ptr<mock_cluster> cluster = [] {
    auto c = mock_cluster::create({3, {{contract_topic, 4}}});
    REQUIRE_MESSAGE(c.has_value(), c.error().message());
    return std::move(c).value();
  }();
  rdkafka_publisher librdkafka{{cluster->bootstraps(), "hotline-contract", {}}};
  record_publisher& publisher() { return librdkafka; }
  void fail_next(std::size_t n) { cluster->fail_next_produce_requests(n); }
  std::vector<testing::seen_record> read_back() {
    topic_reader_options ro{cluster->bootstraps(), contract_topic, {}, 20s};
    ro.decode_events = false;
    return testing::read_records(ro);
  }
};

/// Counts what a session reports (called on the polling thread only).
struct recording_listener final : delivery_listener {
  std::map<std::uint64_t, int> delivered_times, failed_times;
  std::map<std::uint64_t, std::string> failed_why;
  std::vector<publish_problem> client_errors;
  std::size_t reports = 0;

  void delivered(std::uint64_t tag) override {
    ++delivered_times[tag];
    ++reports;
  }
  void failed(std::uint64_t tag, const publish_problem& why) override {
    ++failed_times[tag];
    failed_why[tag] = why.reason;
    ++reports;
  }
  void client_error(const publish_problem& what) override { client_errors.push_back(what); }

  /// Reports of `tag`: delivered and failed.
  int delivered_count(std::uint64_t tag) const {
    return delivered_times.count(tag) ? delivered_times.at(tag) : 0;
  }
  int failed_count(std::uint64_t tag) const {
    return failed_times.count(tag) ? failed_times.at(tag) : 0;
  }
};

/// What a test produces: record `tag` has key `key-<tag % keys>`, a value
/// with bytes a text codec would mangle, and the relay's headers.
struct record_source {
  int keys = 4;
  std::map<std::uint64_t, std::string> keys_of, values_of; ///< kept until reported

  outgoing_record make(std::uint64_t tag, std::vector<std::string>& header_text,
                       std::vector<record_header>& headers) {
    keys_of[tag] = "key-" + std::to_string(tag % static_cast<std::uint64_t>(keys));
    values_of[tag] = std::string{"value \0 \xff of ", 12} + std::to_string(tag);
    header_text = {std::to_string(tag), keys_of[tag], "s1"};
    headers = {
        {"position", header_text[0]}, {"event_id", header_text[1]}, {"site", header_text[2]}};
    outgoing_record r;
    r.key = keys_of[tag];
    r.value = values_of[tag];
    r.headers = headers;
    r.tag = tag;
    return r;
  }

  /// Produces tags `first`..`last`; every one must be queued.
  void produce(producer_session& s, std::uint64_t first, std::uint64_t last) {
    for (auto tag = first; tag <= last; ++tag) {
      std::vector<std::string> text;
      std::vector<record_header> headers;
      auto result = s.produce(make(tag, text, headers));
      REQUIRE(result.outcome == produce_result::kind::queued);
    }
  }
};

std::unique_ptr<producer_session> open(record_publisher& p, delivery_listener& l) {
  auto s = p.open_session(contract_topic, l);
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  return std::move(*s);
}

void poll_until(producer_session& s, const std::function<bool()>& done,
                std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline)
    s.poll(50ms);
}

} // namespace

TEST_CASE_TEMPLATE("publisher: every record is reported delivered once and stored as produced, a "
                   "key keeps its partition and its order",
                   F, memory_publisher_fixture, kafka_mock_publisher_fixture) {
  F f;
  recording_listener l;
  record_source src;
  auto session = open(f.publisher(), l);
  src.produce(*session, 1, 12);
  poll_until(*session, [&] { return l.reports == 12; });
  CHECK(l.reports == 12);
  CHECK(l.failed_times.empty());
  for (std::uint64_t tag = 1; tag <= 12; ++tag)
    CHECK(l.delivered_count(tag) == 1);
  session->close();

  auto records = f.read_back();
  REQUIRE(records.size() == 12);
  std::map<std::string, std::int32_t> partition_of;
  std::map<std::string, std::int64_t> last_offset_of;
  std::set<std::uint64_t> seen;
  for (const auto& r : records) { // by partition, then offset
    const auto tag = std::stoull(r.headers.at("position"));
    CAPTURE(tag);
    CHECK(seen.insert(tag).second);
    CHECK(r.key == src.keys_of[tag]);
    CHECK(r.value == src.values_of[tag]);
    CHECK(r.headers.at("event_id") == r.key);
    CHECK(r.headers.at("site") == "s1");
    CHECK(partition_of.emplace(r.key, r.partition).first->second == r.partition);
    if (last_offset_of.count(r.key)) CHECK(r.offset > last_offset_of[r.key]);
    last_offset_of[r.key] = r.offset;
  }
  // A key's records are in produce order: tags of one key grow with the offset.
  for (const auto& [key, partition] : partition_of) {
    std::uint64_t previous = 0;
    for (const auto& r : records)
      if (r.key == key) {
        CHECK(std::stoull(r.headers.at("position")) > previous);
        previous = std::stoull(r.headers.at("position"));
      }
  }

  auto tail = f.publisher().read_tail(contract_topic, 10s);
  REQUIRE_MESSAGE(tail.has_value(), tail.error().message());
  CHECK_FALSE(tail->cluster_id.empty());
  CHECK(tail->topic_exists);
  CHECK(tail->last_position() == 12);
  std::map<std::int32_t, std::int64_t> last_in_partition;
  for (const auto& r : records)
    last_in_partition[r.partition] = std::max(last_in_partition[r.partition], r.offset);
  for (const auto& t : tail->records) {
    auto it = std::find_if(records.begin(), records.end(), [&](const auto& r) {
      return r.partition == t.partition && r.offset == t.offset;
    });
    REQUIRE(it != records.end());
    CHECK(t.position == std::stoull(it->headers.at("position")));
    CHECK(t.event_id == it->key);
    CHECK(t.site == "s1");
  }
  for (const auto& [partition, offset] : last_in_partition) {
    CAPTURE(partition);
    CHECK(std::any_of(tail->records.begin(), tail->records.end(), [&](const auto& t) {
      return t.partition == partition && t.offset == offset;
    }));
  }
  auto again = f.publisher().read_tail(contract_topic, 10s);
  REQUIRE(again.has_value());
  CHECK(again->cluster_id == tail->cluster_id);
}

TEST_CASE_TEMPLATE("publisher: the tail of a topic that does not exist is empty, not an error", F,
                   memory_publisher_fixture, kafka_mock_publisher_fixture) {
  F f;
  auto tail = f.publisher().read_tail("contract.nothing.here", 10s);
  REQUIRE_MESSAGE(tail.has_value(), tail.error().message());
  // (topic_exists may be true: the mock cluster creates a topic when asked
  // for its metadata, as a cluster with auto-creation on does.)
  CHECK(tail->records.empty());
  CHECK(tail->last_position() == 0);
  CHECK_FALSE(tail->cluster_id.empty());
}

TEST_CASE_TEMPLATE("publisher: purged records fail, every record is reported once, only the "
                   "delivered ones are stored",
                   F, memory_publisher_fixture, kafka_mock_publisher_fixture) {
  F f;
  recording_listener l;
  record_source src;
  auto session = open(f.publisher(), l);
  src.produce(*session, 1, 200);
  session->purge_queued();
  poll_until(*session, [&] { return l.reports == 200; });
  CHECK(l.reports == 200);
  for (std::uint64_t tag = 1; tag <= 200; ++tag)
    CHECK(l.delivered_count(tag) + l.failed_count(tag) == 1);
  for (const auto& [tag, why] : l.failed_why)
    CHECK_FALSE(why.empty());
  MESSAGE(l.failed_times.size() << " of 200 purged");
  session->close();
  CHECK(l.reports == 200); // nothing more at close
  std::set<std::uint64_t> stored, delivered;
  for (const auto& r : f.read_back())
    CHECK(stored.insert(std::stoull(r.headers.at("position"))).second);
  for (const auto& [tag, n] : l.delivered_times)
    delivered.insert(tag);
  CHECK(stored == delivered);
}

TEST_CASE_TEMPLATE("publisher: close reports every unreported record once, as failed unless "
                   "delivered, and nothing after it",
                   F, memory_publisher_fixture, kafka_mock_publisher_fixture) {
  F f;
  recording_listener l;
  record_source src;
  auto session = open(f.publisher(), l);
  src.produce(*session, 1, 50);
  session->close();
  CHECK(l.reports == 50);
  for (std::uint64_t tag = 1; tag <= 50; ++tag)
    CHECK(l.delivered_count(tag) + l.failed_count(tag) == 1);
  session->close(); // idempotent
  CHECK(l.reports == 50);
  std::set<std::uint64_t> stored, delivered;
  for (const auto& r : f.read_back())
    stored.insert(std::stoull(r.headers.at("position")));
  for (const auto& [tag, n] : l.delivered_times)
    delivered.insert(tag);
  CHECK(std::includes(stored.begin(), stored.end(), delivered.begin(), delivered.end()));
}

TEST_CASE_TEMPLATE("publisher: probe is true once a broker answers", F, memory_publisher_fixture,
                   kafka_mock_publisher_fixture) {
  F f;
  recording_listener l;
  auto session = open(f.publisher(), l);
  bool answered = false;
  for (int i = 0; i < 20 && !answered; ++i)
    answered = session->probe(500ms);
  CHECK(answered);
  session->close();
}

TEST_CASE_TEMPLATE("publisher: with no broker reachable records wait unreported, the client says "
                   "so, reads fail unavailable",
                   F, memory_publisher_fixture, kafka_mock_publisher_fixture) {
  F f;
  auto publisher = f.unreachable();
  auto tail = publisher->read_tail(contract_topic, 1s);
  REQUIRE_FALSE(tail.has_value());
  CHECK(tail.error().code() == events::errc::unavailable);

  recording_listener l;
  record_source src;
  auto session = open(*publisher, l);
  src.produce(*session, 1, 3);
  auto told = [&] {
    return std::any_of(l.client_errors.begin(), l.client_errors.end(),
                       [](const auto& e) { return e.unreachable && !e.fatal; });
  };
  poll_until(*session, told, 10s);
  CHECK(told());
  const auto until = std::chrono::steady_clock::now() + 1s;
  while (std::chrono::steady_clock::now() < until)
    session->poll(50ms);
  CHECK(l.reports == 0); // no timeout: they wait
  CHECK_FALSE(session->probe(300ms));
  session->close();
  CHECK(l.failed_times.size() == 3);
  CHECK(l.delivered_times.empty());
}

TEST_CASE_TEMPLATE("publisher: after a failed delivery no later record of its partition is stored "
                   "by that session: failures leave no gap",
                   F, failing_memory_fixture, failing_mock_cluster_fixture) {
  F f;
  recording_listener l;
  record_source src;
  src.keys = 10;
  auto session = open(f.publisher(), l);
  src.produce(*session, 1, 20); // these are delivered
  poll_until(*session, [&] { return l.reports == 20; });
  REQUIRE(l.delivered_times.size() == 20);
  f.fail_next(3);
  src.produce(*session, 21, 220);
  poll_until(*session, [&] { return l.reports == 220; });
  session->close();
  CHECK(l.reports == 220);
  for (std::uint64_t tag = 1; tag <= 220; ++tag)
    CHECK(l.delivered_count(tag) + l.failed_count(tag) == 1);
  REQUIRE_FALSE(l.failed_times.empty());
  MESSAGE(l.failed_times.size() << " of 200 failed");

  std::map<std::int32_t, std::uint64_t> first_failed; ///< partition -> lowest failed tag
  std::map<std::string, std::int32_t> partition_of;
  auto records = f.read_back();
  for (const auto& r : records)
    partition_of[r.key] = r.partition;
  std::set<std::uint64_t> stored;
  for (const auto& r : records)
    stored.insert(std::stoull(r.headers.at("position")));
  for (const auto& [tag, n] : l.failed_times) {
    auto key = src.keys_of[tag];
    if (!partition_of.count(key)) continue; // a key nothing of was stored: no partition known
    auto p = partition_of[key];
    if (!first_failed.count(p)) first_failed[p] = tag;
  }
  for (const auto& r : records) {
    const auto tag = std::stoull(r.headers.at("position"));
    CAPTURE(tag);
    if (first_failed.count(r.partition)) CHECK(tag < first_failed[r.partition]);
    CHECK(l.delivered_count(tag) == 1); // stored means delivered
  }
  for (const auto& [tag, n] : l.delivered_times)
    CHECK(stored.count(tag) == 1); // and delivered means stored
}
