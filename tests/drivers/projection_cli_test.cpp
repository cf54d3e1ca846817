// The projection commands as a user runs them: import (strict and lenient),
// kpi, audit verify on a tampered chain, replay stopping at a corrupt record,
// and replay killed with SIGKILL mid-run never double-counting.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <random>
#include <thread>

#include "drivers/views/projection_runner.hpp"
#include "drivers/views/rocksdb_view_store.hpp"
#include "drivers/views/sample_traffic.hpp"
#include "projections/audit/audit_projection.hpp"
#include "projections/kpi/kpi_projection.hpp"
#include "tests/drivers/sample_store.hpp"
#include "tests/drivers/store_fixtures.hpp"
#include "tests/support/hotline_cli.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;

namespace {

using hotline::testing::write_sample_store;

using hotline::testing::hotline_cli;

std::string fixture(const std::string& name) {
  return std::string{HOTLINE_TEST_FIXTURES} + "/" + name;
}

} // namespace

TEST_CASE("hotline import --strict aborts naming the first malformed line, by default they are "
          "skipped and counted") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  std::string out;
  CHECK(hotline_cli("import --store " + store + " --preset technion --strict " +
                        fixture("technion_small.csv"),
                    out) == 1);
  CHECK(out.find("technion_small.csv:8:") != std::string::npos);
  CHECK(out.find("the first at line 8") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(store)); // nothing imported

  REQUIRE(
      hotline_cli("import --store " + store + " --preset technion " + fixture("technion_small.csv"),
                  out) == 0);
  CHECK(out.find("imported 6 calls") !=
        std::string::npos); // line 10 (AGENT, NO_SERVER) is an answered call
  CHECK(out.find("skipped 3 malformed rows (columns 1, date 1, time 1)") != std::string::npos);
  CHECK(out.find("technion_small.csv:11: ser_start") ==
        std::string::npos); // 11 is q_start... see below
  CHECK(out.find("technion_small.csv:11:") != std::string::npos);

  REQUIRE(
      hotline_cli("kpi --store " + store + " --interval 1h --format json --quiet --no-intervals",
                  out) == 0);
  auto rep = nlohmann::json::parse(out);
  CHECK(rep["totals"]["offered"] == 5);
  CHECK(rep["totals"]["answered"] == 4);
  CHECK(rep["totals"]["service_level_definition"] == "offered_net");
  CHECK(rep["groups"]["queue"].contains("PS"));
}

TEST_CASE("hotline audit verify: ok on an intact chain, exit 1 naming the first tampered record") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  write_sample_store(store, 3'000);
  std::string out;
  REQUIRE(hotline_cli("audit verify --store " + store, out) == 0);
  CHECK(out.find("audit chain ok: 3000 records") != std::string::npos);
  REQUIRE(hotline_cli("audit query --store " + store +
                          " --agent a3 --type agent.call_started --format json --quiet",
                      out) == 0);
  auto rows = nlohmann::json::parse(out);
  REQUIRE(rows.is_array());
  CHECK(!rows.empty());
  for (const auto& r : rows)
    CHECK(r["agent_id"] == "a3");
  {
    auto views =
        rocksdb_view_store::open(store + ".views"); // beside the store (was inside it: issue 19.12)
    REQUIRE(views.has_value());
    auto key = projections::audit::record_key(1234);
    auto row = (*views)->get(key);
    REQUIRE(row->has_value());
    std::string tampered = **row;
    tampered[tampered.find("acd")] = 'X';
    REQUIRE((*views)->put_raw_for_testing(key, tampered).is_ok());
  }
  CHECK(hotline_cli("audit verify --store " + store, out) == 1);
  CHECK(out.find("BROKEN at record 1234") != std::string::npos);
}

TEST_CASE(
    "hotline replay stops at a corrupt record with its position, --skip-corrupt skips and counts") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  write_sample_store(store, 2'000);
  {
    auto s = rocksdb_event_store::open(store);
    REQUIRE(s.has_value());
    REQUIRE((*s)->overwrite_raw_record_for_testing(777, "\x68\x01garbage").is_ok());
  }
  std::string out;
  CHECK(hotline_cli("replay --store " + store + " --out " + dir.path() + "/v1 --quiet", out) == 1);
  CHECK(out.find("replay stopped at position 777") != std::string::npos);
  CHECK(out.find("--skip-corrupt") != std::string::npos);
  CHECK(hotline_cli("replay --store " + store + " --out " + dir.path() + "/v2 --skip-corrupt",
                    out) == 0);
  CHECK(out.find("skipped position 777") != std::string::npos);
  CHECK(out.find("1 corrupt skipped") != std::string::npos);
}

TEST_CASE(
    "hotline replay from Kafka: bad usage is exit 2, unreachable brokers exit 1 naming the topic") {
  testing::temp_dir dir;
  std::string out;
  CHECK(hotline_cli("replay --topic t --out " + dir.path() + "/v1", out) == 2);
  CHECK(out.find("--kafka BROKERS and at least one --topic") != std::string::npos);
  CHECK(hotline_cli("replay --kafka 127.0.0.1:1 --out " + dir.path() + "/v1", out) == 2);
  CHECK(hotline_cli("replay --kafka 127.0.0.1:1 --topic t --store x --out " + dir.path() + "/v1",
                    out) == 2);
  CHECK(out.find("not both") != std::string::npos);
  // Nothing listens on port 1: the read gives up after --kafka-timeout.
  CHECK(hotline_cli("replay --kafka 127.0.0.1:1 --topic hotline.a.events --kafka-timeout 1 --out " +
                        dir.path() + "/v2",
                    out) == 1);
  CHECK(out.find("reading Kafka: ") != std::string::npos);
  CHECK(out.find("topic hotline.a.events") != std::string::npos);
}

TEST_CASE("hotline replay killed with SIGKILL mid-run: rows always match the checkpoint, never "
          "double-counted") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  write_sample_store(store, 120'000);
  std::mt19937 rng{4242};
  int mid_run_kills = 0;
  std::string last_dir;
  // The kill delay adapts: later when nothing was committed yet, earlier
  // when the replay had finished (machines differ, and so does their load).
  int delay_ms = 300;
  for (int round = 0; round < 8 && mid_run_kills < 3; ++round) {
    CAPTURE(round);
    last_dir = dir.path() + "/views-" + std::to_string(round);
    {
      testing::child_process child{{HOTLINE_BIN, "replay", "--store", store, "--out", last_dir,
                                    "--projection", "kpi", "--quiet", "--commit-every", "3"}};
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms / 2 + rng() % delay_ms));
      child.signal(SIGKILL);
      child.wait();
    }
    auto views = rocksdb_view_store::open(last_dir);
    REQUIRE(views.has_value());
    auto cp = (*views)->checkpoint("kpi");
    REQUIRE(cp.has_value());
    const std::uint64_t at = cp->value_or(0);
    if (at > 0 && at < 120'000) ++mid_run_kills;
    if (at == 0) delay_ms *= 2;
    if (at == 120'000) delay_ms = std::max(20, delay_ms / 2);
    // the stored rows are exactly the fold of events 1..checkpoint
    projections::kpi::kpi_projection expected;
    auto s = rocksdb_event_store::open(store);
    REQUIRE(s.has_value());
    auto evs = (*s)->read_all(1, at);
    REQUIRE(evs.has_value());
    for (const auto& e : *evs)
      if (!expected.apply(e).is_ok()) FAIL("position " << e.position);
    projections::view_changes ch;
    expected.collect(ch);
    std::map<std::string, std::string> want;
    for (auto& [k, v] : ch.puts)
      want[k] = v;
    for (auto& k : ch.deletes)
      want.erase(k);
    std::map<std::string, std::string> got;
    REQUIRE((*views)
                ->scan("kpi/",
                       [&](std::string_view k, std::string_view v) {
                         got.emplace(k, v);
                         return true;
                       })
                .is_ok());
    if (at == 0)
      CHECK(got.empty()); // nothing committed yet: no rows either
    else
      CHECK(got == want);
  }
  MESSAGE("kills that landed mid-run: " << mid_run_kills);
  CHECK(mid_run_kills > 0);
  // the last killed replay, resumed, ends with the bytes of an uninterrupted one
  std::string out;
  REQUIRE(
      hotline_cli("replay --store " + store + " --out " + last_dir + " --projection kpi --quiet",
                  out) == 0);
  REQUIRE(hotline_cli("replay --store " + store + " --out " + dir.path() +
                          "/whole --projection kpi --quiet",
                      out) == 0);
  auto a = rocksdb_view_store::open(last_dir);
  auto b = rocksdb_view_store::open(dir.path() + "/whole");
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(*(*a)->dump() == *(*b)->dump());
}

TEST_CASE("hotline kpi --tz labels intervals in the zone, and an imported log's occupancy and FCR "
          "read unknown") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  std::string out;
  REQUIRE(
      hotline_cli("import --store " + store + " --preset technion " + fixture("technion_small.csv"),
                  out) == 0);
  REQUIRE(hotline_cli("kpi --store " + store +
                          " --tz Asia/Jerusalem --format json --quiet --html " + dir.path() +
                          "/k.html",
                      out) == 0);
  auto rep = nlohmann::json::parse(out.substr(out.find('{')));
  CHECK(rep["time_zone"] == "Asia/Jerusalem");
  REQUIRE_FALSE(rep["intervals"].empty());
  // 1999-09-01 is summer time in Israel: UTC+3
  const auto label = rep["intervals"][0]["label"].get<std::string>();
  CHECK(label.ends_with("+03:00[Asia/Jerusalem]"));
  CHECK(rep["intervals"][0]["start"].get<std::string>().ends_with("Z"));
  // a call log knows no agent availability
  CHECK(rep["totals"]["occupancy"].is_null());
  REQUIRE(hotline_cli("kpi --store " + store + " --tz Asia/Jerusalem --quiet", out) == 0);
  CHECK(out.find(label) != std::string::npos);
  CHECK(out.find("unknown") != std::string::npos);
  std::string html;
  REQUIRE(testing::run_capture({"/bin/cat", dir.path() + "/k.html"}, html) == 0);
  CHECK(html.find("Asia/Jerusalem</tspan>") != std::string::npos);

  CHECK(hotline_cli("kpi --store " + store + " --tz Asia/Jerusalm --quiet", out) == 2);
  CHECK(out.find("Asia/Jerusalem") != std::string::npos); // the suggestion
}

TEST_CASE("hotline audit query: the table shows names in full and why a command was refused") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  const std::string agent = "agent-with-a-rather-long-name-0042";
  {
    auto s = rocksdb_event_store::open(store);
    REQUIRE(s.has_value());
    events::event_meta meta{events::event_id::from_name("rejected-1"),
                            "site-with-a-long-name",
                            "t1",
                            1'704'067'200'000'000'000,
                            {},
                            {},
                            events::principal::agent(agent)};
    events::command_rejected rej{"call-a-call-id-longer-than-twelve", "answer_call", "not_offered",
                                 "offered to another agent"};
    std::vector<events::proposed_event> one{
        events::event_codec::standard().propose(events::event{rej}, meta)};
    REQUIRE((*s)->append("rejections-site", expected_revision::any(), std::move(one)));
  }
  std::string out;
  REQUIRE(hotline_cli("audit query --store " + store + " --quiet", out) == 0);
  CHECK(out.find("agent:" + agent) != std::string::npos);
  CHECK(out.find("a-call-id-longer-than-twelve") != std::string::npos);
  CHECK(out.find("site-with-a-long-name") != std::string::npos);
  CHECK(out.find("reason") != std::string::npos);
  CHECK(out.find("answer_call: not_offered (offered to another agent)") != std::string::npos);
}
