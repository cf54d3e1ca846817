// The relay seen from outside: `hotline kafka-mock` runs as its own process
// (the broker), and kcat — an independent Kafka client — reads the topic
// back. What it shows must be the store, event for event.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/kafka/kafka_federation_bus.hpp"
#include "drivers/kafka/kafka_relay.hpp"
#include "drivers/kafka/topic_reader.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "events/federation/message.hpp"
#include "events/federation/site_status.hpp"
#include "tests/drivers/store_fixtures.hpp"
#include "tests/support/kafka_mock.hpp"
#include "tests/support/process.hpp"
#include "tests/support/topic_checks.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;
using namespace std::chrono_literals;
using testing::child_process;
using testing::kafka_mock;
using testing::temp_dir;

namespace {

/// The topic as kcat shows it: `kcat -C -o beginning -e -J`.
std::vector<testing::seen_record> kcat_read(const std::string& bootstrap,
                                            const std::string& topic) {
  std::string out;
  int rc = testing::run_capture(
      {"kcat", "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-J", "-q"}, out);
  REQUIRE(rc == 0);
  std::vector<testing::seen_record> records;
  std::size_t start = 0;
  while (start < out.size()) {
    auto nl = out.find('\n', start);
    auto line = out.substr(start, nl - start);
    start = nl == std::string::npos ? out.size() : nl + 1;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    testing::seen_record r;
    r.partition = j.at("partition").get<std::int32_t>();
    r.offset = j.at("offset").get<std::int64_t>();
    r.key = j.at("key").get<std::string>();
    r.value = j.at("payload").get<std::string>();
    const auto& h = j.at("headers"); // [name, value, name, value, ...]
    for (std::size_t i = 0; i + 1 < h.size(); i += 2)
      r.headers[h[i].get<std::string>()] = h[i + 1].get<std::string>();
    records.push_back(std::move(r));
  }
  return records;
}

std::unique_ptr<rocksdb_event_store> open_store(const std::string& dir) {
  auto s = rocksdb_event_store::open(dir);
  REQUIRE_MESSAGE(s.has_value(), s.error().message());
  return std::move(s).value();
}

/// An event whose payload carries text a JSON writer must escape.
events::proposed_event awkward_event(const std::string& stream, int i) {
  events::call_arrived body{stream + "#" + std::to_string(i),
                            events::contact_channel::chat,
                            events::call_direction::inbound,
                            "\"Grüße\" \\ 你好\n🎧",
                            "\t\x01",
                            "",
                            {{"note", "a\"b"}},
                            "pstn"};
  auto name = stream + "/" + std::to_string(i);
  return events::event_codec::standard().propose(body, {events::event_id::from_name(name),
                                                        "s1",
                                                        "tenant-1",
                                                        i,
                                                        {},
                                                        {},
                                                        events::principal::user("zoë")});
}

/// `threads` writers, each appending `per_stream` events to `streams` streams
/// of its own, in batches of 1..3 with the exact expected revision.
void append_concurrently(event_store& store, int threads, int streams, int per_stream) {
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t)
    writers.emplace_back([&, t] {
      std::vector<int> written(static_cast<std::size_t>(streams), 0);
      for (int round = 0, done = 0; done < streams; ++round) {
        done = 0;
        for (int s = 0; s < streams; ++s) {
          auto& n = written[static_cast<std::size_t>(s)];
          if (n >= per_stream) {
            ++done;
            continue;
          }
          std::string stream = "call-w" + std::to_string(t) + "x" + std::to_string(s);
          std::vector<events::proposed_event> batch;
          for (int k = 0; k < 1 + (round + s) % 3 && n < per_stream; ++k, ++n)
            batch.push_back(s % 5 == 0 ? awkward_event(stream, n)
                                       : testing::make_event(stream + "#" + std::to_string(n), n));
          auto expected =
              n == static_cast<int>(batch.size())
                  ? expected_revision::no_stream()
                  : expected_revision::exact(static_cast<std::uint64_t>(n) - batch.size() - 1);
          if (!store.append(stream, expected, std::move(batch))) ++failures;
        }
      }
    });
  for (auto& w : writers)
    w.join();
  REQUIRE(failures == 0);
}

const std::string site = "s1";
const std::string topic = default_kafka_topic(site);

} // namespace

TEST_CASE("kcat reads every event exactly once, in order per stream, as the codec's JSON") {
  kafka_mock mock{{topic + ":4"}};
  temp_dir dir;
  auto store = open_store(dir.path() + "/store");
  append_concurrently(*store, 4, 25, 40);
  REQUIRE(store->head_position() == 4000);

  kafka_relay_options opts;
  opts.bootstrap_servers = mock.bootstrap;
  opts.site = site;
  kafka_relay relay{*store, opts};
  REQUIRE(relay.start().is_ok());
  auto st = relay.wait_until_published(store->head_position(), 30s);
  REQUIRE_MESSAGE(st.is_ok(), st.message());
  REQUIRE(relay.stop().is_ok());

  auto records = kcat_read(mock.bootstrap, topic);
  CHECK(records.size() == 4000);
  testing::check_topic_matches_store(records, *store, {site});
}

TEST_CASE("a relay killed mid-way resumes from its checkpoint: nothing lost, no gap") {
  kafka_mock mock{{topic + ":4"}};
  temp_dir dir;
  const std::string store_dir = dir.path() + "/store";
  {
    auto store = open_store(store_dir);
    append_concurrently(*store, 2, 15, 200);
  }
  const std::vector<std::string> relay_cmd{HOTLINE_BIN, "relay",        "--store", store_dir,
                                           "--kafka",   mock.bootstrap, "--site",  site};

  // One record per request and one request in flight: slow enough to be
  // killed while it works. It is killed as soon as it reports a checkpoint.
  auto slow = relay_cmd;
  for (const char* arg :
       {"--progress", "--checkpoint-every", "100", "--property", "batch.num.messages=1",
        "--property", "max.in.flight.requests.per.connection=1"})
    slow.push_back(arg);
  std::uint64_t reported = 0;
  {
    child_process relay{slow};
    while (reported == 0) {
      auto line = relay.read_line(30s);
      REQUIRE_MESSAGE(line.has_value(), "hotline relay reported no checkpoint");
      if (line->rfind("checkpoint ", 0) == 0) reported = std::stoull(line->substr(11));
    }
    relay.signal(SIGKILL);
    CHECK(relay.wait() == 128 + SIGKILL);
  }
  std::uint64_t at_kill = 0, head = 0;
  {
    auto store = open_store(store_dir);
    head = store->head_position();
    at_kill = store->get_checkpoint("relay.kafka")->value_or(0);
  }
  CHECK(at_kill >= reported);
  REQUIRE_MESSAGE(at_kill < head, "the relay finished before it was killed");

  std::string out;
  REQUIRE(testing::run_capture(
              [&] {
                auto argv = relay_cmd;
                argv.insert(argv.end(), {"--until-caught-up", "--timeout", "60"});
                return argv;
              }(),
              out) == 0);
  CHECK(out.find("published up to position " + std::to_string(head)) != std::string::npos);

  auto store = open_store(store_dir);
  CHECK(store->get_checkpoint("relay.kafka")->value_or(0) == head);
  // Events after the checkpoint the killed relay left may appear twice.
  testing::check_topic_matches_store(kcat_read(mock.bootstrap, topic), *store, {site, at_kill});
}

TEST_CASE("hotline relay stops on SIGTERM with a clean exit and its checkpoint written") {
  kafka_mock mock{{topic + ":4"}};
  temp_dir dir;
  const std::string store_dir = dir.path() + "/store";
  {
    auto store = open_store(store_dir);
    append_concurrently(*store, 1, 10, 10);
  }
  child_process relay{{HOTLINE_BIN, "relay", "--store", store_dir, "--kafka", mock.bootstrap,
                       "--site", site, "--progress"}};
  for (;;) { // runs until told to stop; wait until it has published everything
    auto line = relay.read_line(30s);
    REQUIRE(line.has_value());
    if (*line == "checkpoint 100") break;
  }
  relay.signal(SIGTERM);
  CHECK(relay.wait() == 0);
  auto last = relay.read_line(5s);
  REQUIRE(last.has_value());
  CHECK(last->find("published up to position 100 (checkpoint 100") == 0);
  auto store = open_store(store_dir);
  CHECK(store->get_checkpoint("relay.kafka")->value_or(0) == 100);
}

TEST_CASE("a Kafka record that does not decode is reported with its partition and offset") {
  const std::string t = "hotline.decode.events";
  kafka_mock mock{{t + ":1"}};
  memory_event_store store;
  REQUIRE(store.append("call-1", expected_revision::any(), testing::make_events("ok", 3)));
  kafka_relay_options opts;
  opts.bootstrap_servers = mock.bootstrap;
  opts.site = site;
  opts.topic = t;
  kafka_relay relay{store, opts};
  REQUIRE(relay.start().is_ok());
  REQUIRE(relay.wait_until_published(3, 30s).is_ok());
  REQUIRE(relay.stop().is_ok());

  // Someone else writes a record that is not an event (offset 3).
  temp_dir dir;
  const std::string bad = dir.path() + "/bad.json";
  std::ofstream{bad} << R"({"id":"not-an-event","stream":"call-1"})";
  std::string out;
  REQUIRE(testing::run_capture({"kcat", "-b", mock.bootstrap, "-P", "-t", t, "-p", "0", bad},
                               out) == 0);

  auto read = read_topic({mock.bootstrap, t, {}, 20s});
  REQUIRE_FALSE(read.has_value());
  CHECK(read.error().code() == errc::malformed_json);
  CHECK_MESSAGE(read.error().detail().find("topic " + t + " partition 0 offset 3: ") == 0,
                read.error().message());
  CHECK(read.error().detail().find("'id'") != std::string::npos);
}

TEST_CASE("federation status and inbox records carry type, version, site and id headers, as kcat "
          "shows them") {
  const std::string status_topic = "hotline.kcat.status", inbox = "hotline.b.federation";
  kafka_mock mock{{status_topic + ":1", inbox + ":1"}};
  kafka_federation_options fo;
  fo.bootstrap_servers = mock.bootstrap;
  fo.site = "a";
  fo.status_topic = status_topic;
  fo.peer_inboxes["b"] = inbox;
  auto started = kafka_federation_bus::start(fo, {});
  REQUIRE_MESSAGE(started.has_value(), started.error().message());
  auto bus = std::move(*started);

  events::federation::site_status s{"a", 42, 1'700'000'000'000'000'000, {}};
  events::federation::queue_status q;
  q.queue = "sales"; // nobody serves it yet: EWT and SL unknown
  s.queues.push_back(q);
  bus->publish(s);
  events::federation::message m;
  m.kind = events::federation::message_kind::offer;
  m.offer_id = "a-c7-1";
  m.call_id = "c7";
  m.from_site = "a";
  m.to_site = "b";
  m.queue = "sales";
  bus->send(m);
  bus.reset(); // flushes what was sent

  auto statuses = kcat_read(mock.bootstrap, status_topic);
  REQUIRE(statuses.size() == 1);
  const auto& sr = statuses[0];
  CHECK(sr.key == "a");
  CHECK(sr.headers.at("type") == "site.status");
  CHECK(sr.headers.at("version") == std::to_string(events::federation::site_status_version));
  CHECK(sr.headers.at("site") == "a");
  CHECK(sr.headers.at("id") == "a-42");
  auto sj = nlohmann::json::parse(sr.value);
  CHECK(sj.at("version") == events::federation::site_status_version);
  CHECK(sj.at("queues")[0].at("ewt_ms").is_null());
  CHECK(sj.at("queues")[0].at("service_level").is_null());

  auto messages = kcat_read(mock.bootstrap, inbox);
  REQUIRE(messages.size() == 1);
  const auto& mr = messages[0];
  CHECK(mr.key == "c7");
  CHECK(mr.headers.at("type") == "federation.offer");
  CHECK(mr.headers.at("version") == std::to_string(events::federation::message_version));
  CHECK(mr.headers.at("site") == "a");
  CHECK(mr.headers.at("id") == "a-c7-1.offer");
  CHECK(nlohmann::json::parse(mr.value).at("version") == events::federation::message_version);
  auto back = events::federation::message_from_json(mr.value);
  REQUIRE(back.has_value());
  CHECK(*back == m);
}
