// `hotline replay --kafka`: views rebuilt from relay topics, read back from
// `hotline kafka-mock` running as its own process, equal the views rebuilt
// from the stores themselves — with duplicates on the topic (a relay that
// re-sent part of it) and a record that is not an event (a dead letter).
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "drivers/kafka/kafka_relay.hpp"
#include "drivers/kafka/topic_reader.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "drivers/views/rocksdb_view_store.hpp"
#include "drivers/views/sample_traffic.hpp"
#include "tests/support/kafka_mock.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;
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
void fill_store(const std::string& dir, const std::string& site, std::uint64_t seed,
                std::uint64_t n) {
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
  auto views = rocksdb_view_store::open(dir);
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
      FAIL_CHECK("first difference at row " << i << ": '" << x[i].first << "' vs '" << y[i].first
                                            << "'");
      return;
    }
  }
  CHECK(x.size() > 10); // views with something in them
}

} // namespace

TEST_CASE("replay --kafka rebuilds the views replay --store builds, dropping duplicates and dead "
          "letters") {
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

// -- the relay never publishes a position twice with different content ---------

namespace {

/// Records of `topic` read raw (no decoding), by their `position` header.
std::map<std::uint64_t, std::vector<std::string>> values_by_position(const std::string& bootstrap,
                                                                     const std::string& topic) {
  topic_reader_options ro{bootstrap, topic, {}, 60s};
  ro.decode_events = false;
  auto records = read_topic(ro);
  REQUIRE_MESSAGE(records.has_value(), records.error().message());
  std::map<std::uint64_t, std::vector<std::string>> out;
  for (const auto& r : *records) {
    std::string position;
    for (const auto& [k, v] : r.headers)
      if (k == "position") position = v;
    REQUIRE_FALSE(position.empty());
    out[std::stoull(position)].push_back(r.value);
  }
  return out;
}

/// `n` more events of synthetic traffic (seed `seed`) appended to the store.
void append_traffic(const std::string& dir, const std::string& site, std::uint64_t seed,
                    std::uint64_t n) {
  auto store = open_store(dir);
  const auto before = store->head_position();
  traffic_options t;
  t.site = site;
  t.seed = seed;
  t.agents = 12;
  t.calls_per_hour = 600;
  generate_traffic(t, n, [&](const std::string& stream, events::proposed_event&& e) {
    std::vector<events::proposed_event> one;
    one.push_back(std::move(e));
    REQUIRE(store->append(stream + "-s" + std::to_string(seed), expected_revision::any(),
                          std::move(one)));
    return true;
  });
  REQUIRE(store->head_position() == before + n);
}

} // namespace

TEST_CASE("hotline relay killed mid-publish and restarted: each position once or byte-identical, "
          "replay --kafka folds the store") {
  const std::string topic = default_kafka_topic("s1");
  const std::uint64_t n = 2000;
  // One record per request, one request in flight: slow, but a fast mock
  // may still take all 2,000 before the test, on a loaded machine, gets
  // round to the kill. Such a run killed nothing mid-publish: it starts
  // again on a fresh store and broker (the kill must land mid-way).
  std::unique_ptr<kafka_mock> mock_at;
  std::unique_ptr<temp_dir> dir_at;
  std::uint64_t checkpoint = n;
  for (int attempt = 0; attempt < 5 && checkpoint >= n; ++attempt) {
    mock_at.reset();
    mock_at = std::make_unique<kafka_mock>(std::vector<std::string>{topic + ":4"});
    dir_at = std::make_unique<temp_dir>();
    const std::string store_dir = dir_at->path() + "/store";
    fill_store(store_dir, "s1", 5, n);
    child_process slow{{HOTLINE_BIN, "relay", "--store", store_dir, "--kafka", mock_at->bootstrap,
                        "--site", "s1", "--progress", "--checkpoint-every", "100", "--property",
                        "batch.num.messages=1", "--property",
                        "max.in.flight.requests.per.connection=1"}};
    for (;;) {
      auto line = slow.read_line(30s);
      REQUIRE_MESSAGE(line.has_value(), "hotline relay reported no checkpoint");
      if (line->rfind("checkpoint ", 0) == 0) break;
    }
    slow.signal(SIGKILL);
    CHECK(slow.wait() == 128 + SIGKILL);
    checkpoint = open_store(store_dir)->get_checkpoint("relay.kafka")->value_or(0);
  }
  REQUIRE_MESSAGE(checkpoint < n, "the relay published everything before each of 5 kills");
  auto& mock = *mock_at;
  auto& dir = *dir_at;
  const std::string store_dir = dir.path() + "/store";
  relay(store_dir, mock.bootstrap, "s1");

  auto by_position = values_by_position(mock.bootstrap, topic);
  CHECK(by_position.size() == n);
  std::uint64_t duplicated = 0, differing = 0;
  for (std::uint64_t p = 1; p <= n; ++p) {
    const auto& copies = by_position[p];
    REQUIRE_MESSAGE(!copies.empty(), "position " << p << " is missing");
    if (copies.size() > 1) ++duplicated;
    for (const auto& c : copies)
      if (c != copies.front()) ++differing;
  }
  CHECK(differing == 0);
  MESSAGE(duplicated << " positions published twice (byte-identical) after the kill");

  std::string out;
  REQUIRE(run({HOTLINE_BIN, "replay", "--kafka", mock.bootstrap, "--topic", topic, "--out",
               dir.path() + "/from-kafka"},
              out) == 0);
  CHECK_MESSAGE(out.find("replayed " + std::to_string(n) + " events") != std::string::npos, out);
  REQUIRE(run({HOTLINE_BIN, "replay", "--store", store_dir, "--out", dir.path() + "/from-store",
               "--quiet"},
              out) == 0);
  check_same_views(dir.path() + "/from-kafka", dir.path() + "/from-store");
}

TEST_CASE("hotline relay refuses a store rolled back under its topic: exit 1, position, topic and "
          "both event ids named") {
  const std::string topic = default_kafka_topic("s1");
  kafka_mock mock{{topic + ":4"}};
  temp_dir dir;
  const std::string store_dir = dir.path() + "/store", copy_dir = dir.path() + "/copy";
  fill_store(store_dir, "s1", 21, 300);
  relay(store_dir, mock.bootstrap, "s1");
  // A copy from before (the store at 300, checkpoint and all); the original
  // goes on to 500 and is relayed.
  std::filesystem::copy(store_dir, copy_dir, std::filesystem::copy_options::recursive);
  append_traffic(store_dir, "s1", 22, 200);
  relay(store_dir, mock.bootstrap, "s1");
  REQUIRE(values_by_position(mock.bootstrap, topic).size() == 500);
  // The copy takes other events at positions 301..650.
  append_traffic(copy_dir, "s1", 23, 350);

  std::string out;
  const int rc = run({"/bin/sh", "-c",
                      std::string{HOTLINE_BIN} + " relay --store " + copy_dir + " --kafka " +
                          mock.bootstrap + " --site s1 --until-caught-up --timeout 60 2>&1"},
                     out);
  CHECK(rc == 1);
  CHECK_MESSAGE(out.find("refusing to publish") != std::string::npos, out);
  CHECK_MESSAGE(out.find("topic '" + topic + "'") != std::string::npos, out);
  auto at = out.find("holds position ");
  REQUIRE_MESSAGE(at != std::string::npos, out);
  const auto p = std::stoull(out.substr(at + 15));
  CHECK(p > 300);
  CHECK(p <= 500);
  const auto published_id = open_store(store_dir)->read_all(p, 1)->front().meta.id.to_string();
  const auto copy_id = open_store(copy_dir)->read_all(p, 1)->front().meta.id.to_string();
  CHECK_MESSAGE(out.find("with event " + published_id) != std::string::npos, out);
  CHECK_MESSAGE(out.find("the store holds event " + copy_id) != std::string::npos, out);

  // Nothing of the copy reached the topic: every position still holds one record, the original's.
  auto by_position = values_by_position(mock.bootstrap, topic);
  CHECK(by_position.size() == 500);
  for (const auto& [position, copies] : by_position)
    CHECK(copies.size() == 1);
}
