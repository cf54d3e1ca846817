// Importing another ACD's call log: the Technion preset (full and reduced
// column sets), a mapped CSV, malformed rows reported with line numbers, and
// the imported history replayed through the KPI fold.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "projections/import/call_log_import.hpp"
#include "projections/kpi/kpi_projection.hpp"
#include "projections/kpi/kpi_report.hpp"

using namespace hotline;
using namespace hotline::projections::import;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in{std::string{HOTLINE_TEST_FIXTURES} + "/" + name, std::ios::binary};
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::int64_t utc(const std::string& text) {
  std::int64_t ns = 0;
  REQUIRE(events::parse_timestamp(text, ns));
  return ns;
}

const call_record& by_id(const parse_result& r, const std::string& id) {
  for (const auto& c : r.calls)
    if (c.call_id == id) return c;
  FAIL("no call " << id);
  return r.calls.front();
}

} // namespace

TEST_CASE("import technion: valid rows become calls, PHANTOM is ignored, bad rows are named by line") {
  auto r = parse_technion(fixture("technion_small.csv"));
  REQUIRE(r.fatal.is_ok());
  CHECK(r.rows == 10);
  CHECK(r.calls.size() == 5);
  CHECK(r.ignored == 1);
  REQUIRE(r.errors.size() == 4);
  CHECK(r.errors[0].line == 8);
  CHECK(r.errors[0].message.find("columns") != std::string::npos);
  CHECK(r.errors[1].line == 9);
  CHECK(r.errors[1].message.find("YYMMDD") != std::string::npos);
  CHECK(r.errors[2].line == 10);
  CHECK(r.errors[2].message.find("server") != std::string::npos);
  CHECK(r.errors[3].line == 11);
  CHECK(r.errors[3].message.find("H:MM:SS") != std::string::npos);

  const auto& served = by_id(r, "33116");
  CHECK(served.customer_id == "9664491");
  CHECK(served.queue == "PS");
  CHECK(served.priority == 2);
  CHECK(served.agent == "MICHAL");
  CHECK(served.outcome == "completed");
  CHECK(served.arrived_ns == utc("1999-09-01T11:45:33Z"));
  CHECK(served.queued_ns == utc("1999-09-01T11:45:39Z"));
  CHECK(served.connected_ns == utc("1999-09-01T11:46:57Z")); // a second before q_exit, as in the data
  CHECK(served.ended_ns == utc("1999-09-01T11:51:00Z"));

  const auto& hang = by_id(r, "33117");
  CHECK(hang.outcome == "abandoned");
  CHECK(hang.customer_id.empty()); // 0 = not identified
  CHECK(hang.ended_ns == utc("1999-09-01T11:50:10Z"));

  const auto& ivr = by_id(r, "33119");
  CHECK(ivr.queued_ns == not_set); // hung up in the VRU

  const auto& midnight = by_id(r, "33121");
  CHECK(midnight.queued_ns == utc("1999-09-01T23:59:46Z"));
  CHECK(midnight.connected_ns == utc("1999-09-02T00:00:04Z"));
  CHECK(midnight.ended_ns == utc("1999-09-02T00:03:10Z"));
}

TEST_CASE("import technion: the reduced column set of the published extracts") {
  technion_options o;
  o.default_queue = "IN";
  auto r = parse_technion(fixture("technion_reduced.csv"), o);
  REQUIRE(r.fatal.is_ok());
  CHECK(r.errors.empty());
  REQUIRE(r.calls.size() == 3);
  const auto& direct = r.calls[0];
  CHECK(direct.outcome == "completed"); // served, no outcome column: inferred from the server
  CHECK(direct.agent == "ZVIKA");
  CHECK(direct.queue == "IN");
  CHECK(direct.arrived_ns == utc("1999-12-01T07:01:48Z"));
  CHECK(direct.queued_ns == direct.connected_ns); // no queue time recorded
  CHECK(direct.attached.at("caja") == "1");
  CHECK(direct.call_id == "AA0216-991201-L2"); // synthesized from vru+line, date and line
  CHECK(r.calls[2].outcome == "abandoned");
}

TEST_CASE("import technion: a file that is not a call log is refused as a whole") {
  auto r = parse_technion("a,b,c\n1,2,3\n");
  CHECK_FALSE(r.fatal.is_ok());
  CHECK(r.fatal.detail().find("line 1") != std::string::npos);
}

TEST_CASE("import: imported calls replay through the KPI fold") {
  auto r = parse_technion(fixture("technion_small.csv"));
  auto evs = events_of(r.calls, {"bank", "t1", "test"});
  REQUIRE(!evs.empty());
  for (std::size_t i = 1; i < evs.size(); ++i)
    CHECK(evs[i - 1].event.meta.timestamp_ns <= evs[i].event.meta.timestamp_ns);
  CHECK(evs.front().stream == "call-33116");
  CHECK(evs.front().event.type == "call.arrived");
  // the agent's stream is written too
  CHECK(std::count_if(evs.begin(), evs.end(), [](auto& e) { return e.stream == "agent-MICHAL"; }) == 6);

  projections::kpi::kpi_options o;
  o.interval_ms = 24 * 3600 * 1000;
  projections::kpi::kpi_projection kpi{o};
  std::uint64_t pos = 0;
  for (auto& e : evs) {
    events::recorded_event rec{e.stream, 0, ++pos, e.event.meta, e.event.type, e.event.version, e.event.payload};
    REQUIRE(kpi.apply(rec).is_ok());
  }
  auto t = projections::kpi::build_report(kpi)["totals"];
  CHECK(t["arrived"] == 5);
  CHECK(t["offered"] == 4);
  CHECK(t["answered"] == 3);
  CHECK(t["abandoned"] == 1);     // 8 s: not short
  CHECK(t["ivr_abandoned"] == 1);
  CHECK(t["handled"] == 3);
  CHECK(t["aht_s"].get<double>() == doctest::Approx((243 + 109 + 186) / 3.0).epsilon(0.01));
  CHECK(t["repeat_contacts"] == 1); // 9664491 called again the same day
  // ids are stable: importing the same file again proposes the same events
  auto again = events_of(parse_technion(fixture("technion_small.csv")).calls, {"bank", "t1", "test"});
  CHECK(again.front().event.meta.id == evs.front().event.meta.id);
}

TEST_CASE("import csv: a column map turns any call log into calls") {
  const char* csv =
      "id;ani;skill;agent;start;answer;end;result;crm\n"
      "1;+861;sales;a7;2024-05-01 09:00:00;2024-05-01 09:00:12;2024-05-01 09:03:00;ANSWERED;X1\n"
      "2;+862;sales;;2024-05-01 09:01:00;;2024-05-01 09:01:40;ABANDON;\n"
      "3;+863;sales;;2024-05-01 09:02:00;;2024-05-01 09:02:00;BUSY;\n"
      "4;+864;sales;;2024-05-01 09:03:00;;2024-05-01 09:03:30;WHATEVER;\n"
      "5;+865;sales;;not a time;;2024-05-01 09:03:30;ANSWERED;\n";
  auto map = parse_csv_map(nlohmann::json::parse(R"({
    "delimiter": ";", "time_format": "ymd_hms",
    "columns": {"call_id": "id", "caller": "ani", "queue": "skill", "agent": "agent",
                "arrived": "start", "connected": "answer", "ended": "end", "outcome": "result"},
    "outcomes": {"ANSWERED": "completed", "ABANDON": "abandoned", "BUSY": "blocked"},
    "attach": ["crm"]
  })"));
  REQUIRE(map.has_value());
  auto r = parse_mapped_csv(csv, *map);
  REQUIRE(r.fatal.is_ok());
  REQUIRE(r.calls.size() == 3);
  CHECK(r.calls[0].connected_ns == utc("2024-05-01T09:00:12Z"));
  CHECK(r.calls[0].attached.at("crm") == "X1");
  CHECK(r.calls[1].outcome == "abandoned");
  CHECK(r.calls[2].outcome == "blocked");
  CHECK(r.calls[2].queued_ns == not_set); // blocked calls never reach the queue
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].line == 5);
  CHECK(r.errors[0].message.find("WHATEVER") != std::string::npos);
  CHECK(r.errors[1].line == 6);
  // a map naming a column the file lacks is refused before any row
  auto bad = parse_csv_map(nlohmann::json::parse(R"({"columns": {"arrived": "nope", "ended": "end"}})"));
  REQUIRE(bad.has_value());
  CHECK_FALSE(parse_mapped_csv(csv, *bad).fatal.is_ok());
  CHECK_FALSE(parse_csv_map(nlohmann::json::parse(R"({"columns": {"arrived": "a"}})")).has_value());
}
