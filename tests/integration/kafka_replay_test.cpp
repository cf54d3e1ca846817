// `hotline replay --kafka`: views rebuilt from relay topics, read back from
// `hotline kafka-mock` running as its own process, equal the views rebuilt
// from the stores themselves — with duplicates on the topic (a relay that
// re-sent part of it) and a record that is not an event (a dead letter).
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>

#include "drivers/kafka/kafka_relay.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "drivers/views/sample_traffic.hpp"
#include "drivers/views/view_store.hpp"
#include "tests/support/kafka_mock.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace std::chrono_literals;
using testing::child_process;
using testing::kafka_mock;
using testing::temp_dir;

namespace {

std::unique_ptr<rocksdb_event_store> open_store(const std::string& dir) {
  auto s = rocksdb_event_store::open(dir);
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  return std::move(s).value();
}

/// A store holding `n` events of synthetic contact-center traffic of `site`.
void fill_store(const std::string& dir, const std::string& site, std::uint64_t seed, std::uint64_t n) {
  auto store = open_store(dir);
  traffic_options t;
  t.site = site;
  t.seed = seed;
  t.agents = 12;
  t.calls_per_hour = 600;
  generate_traffic(t, n, [&](const std::string& stream, events::proposed_event&& e) {
    std::vector<events::proposed_event> one;
    one.push_back(std::move(e));
    REQUIRE(store->append(stream, expected_revision::any(), std::move(one)));
    return true;
  });
  REQUIRE(store->head_position() == n);
}

/// `hotline relay ... --until-caught-up` as its own process.
void relay(const std::string& store_dir, const std::string& bootstrap, const std::string& site) {
  std::string out;
  REQUIRE(testing::run_capture({HOTLINE_BIN, "relay", "--store", store_dir, "--kafka", bootstrap,
                                "--site", site, "--until-caught-up", "--timeout", "60"},
                               out) == 0);
}

int run(const std::vector<std::string>& argv, std::string& out) {
  out.clear();
  return testing::run_capture(argv, out, 120s);
}

std::vector<std::pair<std::string, std::string>> dump_views(const std::string& dir) {
  auto views = view_store::open(dir);
  REQUIRE_MESSAGE(views.has_value(), views.error().message());
  auto rows = (*views)->dump();
  REQUIRE(rows.has_value());
  return std::move(*rows);
}

/// The rows of the two view stores are equal; says where they first differ.
void check_same_views(const std::string& a, const std::string& b) {
  auto x = dump_views(a);
  auto y = dump_views(b);
  CHECK(x.size() == y.size());
  for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    if (x[i] != y[i]) {
      FAIL_CHECK("first difference at row " << i << ": '" << x[i].first << "' vs '" << y[i].first << "'");
      return;
    }
  }
  CHECK(x.size() > 10); // views with something in them
}

} // namespace

TEST_CASE("replay --kafka rebuilds the views replay --store builds, dropping duplicates and dead letters") {
  const std::string topic = default_kafka_topic("s1");
  kafka_mock mock{{topic + ":4"}};
  temp_dir dir;
  const std::string store_dir = dir.path() + "/store";
  const std::uint64_t n = 3000;
  fill_store(store_dir, "s1", 11, n);

  relay(store_dir, mock.bootstrap, "s1");
  // As after a relay crash: its checkpoint is behind what the brokers have,
  // so the next run sends events n/2+1..n again.
  open_store(store_dir)->put_checkpoint("relay.kafka", n / 2);
  relay(store_dir, mock.bootstrap, "s1");
  // Someone else writes a record that is not an event.
  const std::string bad = dir.path() + "/bad.json";
  std::ofstream{bad} << R"({"id":"not-an-event","stream":"call-1"})";
  std::string out;
  REQUIRE(run({"kcat", "-b", mock.bootstrap, "-P", "-t", topic, "-p", "2", bad}, out) == 0);

  REQUIRE(run({HOTLINE_BIN, "replay", "--kafka", mock.bootstrap, "--topic", topic, "--out",
               dir.path() + "/from-kafka"},
              out) == 0);
  CHECK_MESSAGE(out.find("read " + std::to_string(n + n / 2 + 1) + " records from 1 topic: " +
                         std::to_string(n) + " events, " + std::to_string(n / 2) +
                         " duplicates dropped, 1 dead letters") != std::string::npos,
                out);
  CHECK_MESSAGE(out.find("replayed " + std::to_string(n) + " events") != std::string::npos, out);
  REQUIRE(run({HOTLINE_BIN, "replay", "--store", store_dir, "--out", dir.path() + "/from-store",
               "--quiet"},
              out) == 0);
  check_same_views(dir.path() + "/from-kafka", dir.path() + "/from-store");
}

TEST_CASE("replay --kafka with several topics folds the sites' events merged by event time") {
  const std::string topic_a = default_kafka_topic("a"), topic_b = default_kafka_topic("b");
  kafka_mock mock{{topic_a + ":2", topic_b + ":3"}};
  temp_dir dir;
  fill_store(dir.path() + "/a", "a", 5, 1500);
  fill_store(dir.path() + "/b", "b", 6, 1200);
  relay(dir.path() + "/a", mock.bootstrap, "a");
  relay(dir.path() + "/b", mock.bootstrap, "b");

  std::string out;
  REQUIRE(run({HOTLINE_BIN, "replay", "--kafka", mock.bootstrap, "--topic", topic_a, "--topic",
               topic_b, "--out", dir.path() + "/federated", "--quiet"},
              out) == 0);

  // The same order by hand: each site in store order, merged by event time
  // (ties: the first topic given), into one store replayed the usual way.
  {
    auto a = open_store(dir.path() + "/a");
    auto b = open_store(dir.path() + "/b");
    auto merged = open_store(dir.path() + "/merged");
    auto ea = *a->read_all(1, SIZE_MAX);
    auto eb = *b->read_all(1, SIZE_MAX);
    std::size_t i = 0, j = 0;
    while (i < ea.size() || j < eb.size()) {
      const bool take_a =
          j == eb.size() || (i < ea.size() && ea[i].meta.timestamp_ns <= eb[j].meta.timestamp_ns);
      auto& e = take_a ? ea[i++] : eb[j++];
      std::vector<events::proposed_event> one;
      one.push_back({e.meta, e.type, e.version, e.payload});
      REQUIRE(merged->append(e.stream, expected_revision::any(), std::move(one)));
    }
  }
  REQUIRE(run({HOTLINE_BIN, "replay", "--store", dir.path() + "/merged", "--out",
               dir.path() + "/from-merged", "--quiet"},
              out) == 0);
  check_same_views(dir.path() + "/federated", dir.path() + "/from-merged");

  // A federated view is rebuilt whole, never resumed.
  CHECK(run({HOTLINE_BIN, "replay", "--kafka", mock.bootstrap, "--topic", topic_a, "--topic",
             topic_b, "--out", dir.path() + "/federated", "--quiet"},
            out) == 2);
}
