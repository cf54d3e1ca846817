// Importing another ACD's call log: the Technion preset (full and reduced
// column sets), a mapped CSV, malformed rows reported with line numbers, and
// the imported history replayed through the KPI fold.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <set>
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

/// Folds the calls' events, in append order, through the KPI projection.
nlohmann::json kpi_totals(const std::vector<call_events>& calls) {
  projections::kpi::kpi_options o;
  o.interval_ms = 24 * 3600 * 1000;
  projections::kpi::kpi_projection kpi{o};
  std::uint64_t pos = 0;
  for (const auto& c : calls) {
    std::uint64_t rev = 0;
    for (const auto& e : c.events) {
      events::recorded_event rec{c.stream, rev++, ++pos, e.meta, e.type, e.version, e.payload};
      REQUIRE(kpi.apply(rec).is_ok());
    }
  }
  return projections::kpi::build_report(kpi)["totals"];
}

std::vector<std::string> types_of(const call_events& c) {
  std::vector<std::string> out;
  for (const auto& e : c.events)
    out.push_back(e.type);
  return out;
}

const call_record& by_id(const parse_result& r, const std::string& id) {
  for (const auto& c : r.calls)
    if (c.call_id == id) return c;
  FAIL("no call " << id);
  return r.calls.front();
}

} // namespace

TEST_CASE(
    "import technion: valid rows become calls, PHANTOM is ignored, bad rows are named by line") {
  auto r = parse_technion(fixture("technion_small.csv"));
  REQUIRE(r.fatal.is_ok());
  CHECK(r.rows == 10);
  CHECK(r.calls.size() == 6);
  CHECK(r.ignored == 1);
  REQUIRE(r.errors.size() == 3);
  CHECK(r.errors[0].line == 8);
  CHECK(r.errors[0].message.find("columns") != std::string::npos);
  CHECK(r.errors[1].line == 9);
  CHECK(r.errors[1].message.find("YYMMDD") != std::string::npos);
  CHECK(r.errors[2].line == 11);
  CHECK(r.errors[2].message.find("H:MM:SS") != std::string::npos);
  CHECK(r.skipped_by_reason ==
        std::map<std::string, std::size_t>{{"columns", 1}, {"date", 1}, {"time", 1}});
  // AGENT with NO_SERVER (line 10): an answered call whose agent the log does not name
  const auto& unnamed = by_id(r, "33124");
  CHECK(unnamed.outcome == events::call_outcome::completed);
  CHECK(unnamed.agent.empty());
  CHECK(unnamed.connected_ns == utc("1999-09-01T12:10:20Z"));
  CHECK(r.no_agent == 1);

  const auto& served = by_id(r, "33116");
  CHECK(served.customer_id == "9664491");
  CHECK(served.queue == "PS");
  CHECK(served.priority == 2);
  CHECK(served.agent == "MICHAL");
  CHECK(served.outcome == events::call_outcome::completed);
  CHECK(served.arrived_ns == utc("1999-09-01T11:45:33Z"));
  CHECK(served.queued_ns == utc("1999-09-01T11:45:39Z"));
  CHECK(served.connected_ns ==
        utc("1999-09-01T11:46:57Z")); // a second before q_exit, as in the data
  CHECK(served.ended_ns == utc("1999-09-01T11:51:00Z"));

  const auto& hang = by_id(r, "33117");
  CHECK(hang.outcome == events::call_outcome::abandoned);
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
  CHECK(direct.outcome ==
        events::call_outcome::completed); // served, no outcome column: inferred from the server
  CHECK(direct.agent == "ZVIKA");
  CHECK(direct.queue == "IN");
  CHECK(direct.arrived_ns == utc("1999-12-01T07:01:48Z"));
  CHECK(direct.queued_ns == direct.connected_ns); // no queue time recorded
  CHECK(direct.attached.at("caja") == "1");
  CHECK(direct.call_id == "AA0216-991201-L2"); // synthesized from vru+line, date and line
  CHECK(r.calls[2].outcome == events::call_outcome::abandoned);
}

TEST_CASE("import technion: a file that is not a call log is refused as a whole") {
  auto r = parse_technion("a,b,c\n1,2,3\n");
  CHECK_FALSE(r.fatal.is_ok());
  CHECK(r.fatal.detail().find("line 1") != std::string::npos);
}

TEST_CASE("import: imported calls replay through the KPI fold") {
  auto r = parse_technion(fixture("technion_small.csv"));
  auto calls = events_of(r.calls, {"bank", "t1", "test", "small.csv"});
  REQUIRE(calls.size() == 6);
  CHECK(calls.front().stream == "call-33116@small.csv:2");
  CHECK(calls.front().events.front().type == "call.arrived");
  // the agent's events travel with the call (one append per call)
  std::size_t agent_starts = 0;
  for (const auto& c : calls)
    for (const auto& e : c.events)
      agent_starts += e.type == "agent.call_started";
  CHECK(agent_starts == 3); // MICHAL twice, ANAT once; the NO_SERVER call has no agent

  auto t = kpi_totals(calls);
  CHECK(t["arrived"] == 6);
  CHECK(t["answered"] == 4);
  CHECK(t["abandoned"] == 1); // 8 s: not short
  CHECK(t["ivr_abandoned"] == 1);
  CHECK(t["handled"] == 3); // handled by a named agent
  CHECK(t["aht_s"].get<double>() == doctest::Approx((243 + 109 + 186) / 3.0).epsilon(0.01));
  CHECK(t["repeat_contacts"] == 1); // 9664491 called again the same day
  // ids are stable: importing the same file again proposes the same events
  auto again = events_of(parse_technion(fixture("technion_small.csv")).calls,
                         {"bank", "t1", "test", "small.csv"});
  REQUIRE(again.size() == calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    CHECK(again[i].stream == calls[i].stream);
    CHECK(again[i].events.front().meta.id == calls[i].events.front().meta.id);
  }
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
  CHECK(r.calls[1].outcome == events::call_outcome::abandoned);
  CHECK(r.calls[2].outcome == events::call_outcome::blocked);
  CHECK(r.calls[2].queued_ns == not_set); // blocked calls never reach the queue
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].line == 5);
  CHECK(r.errors[0].message.find("WHATEVER") != std::string::npos);
  CHECK(r.errors[1].line == 6);
  // a map naming a column the file lacks is refused before any row
  auto bad =
      parse_csv_map(nlohmann::json::parse(R"({"columns": {"arrived": "nope", "ended": "end"}})"));
  REQUIRE(bad.has_value());
  CHECK_FALSE(parse_mapped_csv(csv, *bad).fatal.is_ok());
  CHECK_FALSE(parse_csv_map(nlohmann::json::parse(R"({"columns": {"arrived": "a"}})")).has_value());
}

TEST_CASE("import csv: a channel is one of the contact channels, else the row is malformed") {
  const char* csv = "id,start,end,media\n"
                    "1,2024-05-01T09:00:00Z,2024-05-01T09:01:00Z,chat\n"
                    "2,2024-05-01T09:02:00Z,2024-05-01T09:03:00Z,\n"
                    "3,2024-05-01T09:04:00Z,2024-05-01T09:05:00Z,phone\n";
  auto map = parse_csv_map(nlohmann::json::parse(
      R"({"columns": {"call_id": "id", "arrived": "start", "ended": "end", "channel": "media"}})"));
  REQUIRE(map.has_value());
  auto r = parse_mapped_csv(csv, *map);
  REQUIRE(r.calls.size() == 2);
  CHECK(r.calls[0].channel == events::contact_channel::chat);
  CHECK(r.calls[1].channel == events::contact_channel::voice); // empty: the default
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].line == 4);
  CHECK(r.errors[0].reason == "channel");
  CHECK(r.errors[0].message.find("'phone'") != std::string::npos);
}

// -- issue 18/19: import truth -------------------------------------------------------

namespace {
const char* technion_header = "vru+line,call_id,customer_id,priority,type,date,vru_entry,vru_exit,"
                              "vru_time,q_start,q_exit,q_time,"
                              "outcome,ser_start,ser_exit,ser_time,server\n";
} // namespace

TEST_CASE("import: a call id on several rows gives one call per row, stable across re-imports, and "
          "is reported") {
  std::string csv = std::string{technion_header} +
                    "AA01,500,0,0,PS,990901,10:00:00,10:00:05,5,10:00:05,10:00:20,15,AGENT,10:00:"
                    "20,10:02:00,100,ANAT\n"
                    "AA01,501,0,0,PS,990901,10:30:00,10:30:05,5,10:30:05,10:30:40,35,HANG,0:00:00,"
                    "0:00:00,0,NO_SERVER\n"
                    "AA01,500,0,0,PS,990901,11:00:00,11:00:05,5,11:00:05,11:00:30,25,AGENT,11:00:"
                    "30,11:05:00,270,ANAT\n"
                    "AA01,500,0,0,PS,990901,12:00:00,12:00:05,5,12:00:05,12:01:00,55,HANG,0:00:00,"
                    "0:00:00,0,NO_SERVER\n";
  auto r = parse_technion(csv);
  REQUIRE(r.fatal.is_ok());
  REQUIRE(r.calls.size() == 4);
  REQUIRE(r.repeated.size() == 1);
  CHECK(r.repeated[0].call_id == "500");
  CHECK(r.repeated[0].lines == std::vector<std::size_t>{2, 4, 5});
  auto calls = events_of(r.calls, {"bank", "", "import:month.csv", "month.csv"});
  std::set<std::string> streams;
  for (const auto& c : calls)
    streams.insert(c.stream);
  CHECK(streams == std::set<std::string>{"call-500@month.csv:2", "call-501@month.csv:3",
                                         "call-500@month.csv:4", "call-500@month.csv:5"});
  // each call ends once: before, the three rows of 500 were one stream with three endings
  for (const auto& c : calls) {
    auto types = types_of(c);
    CHECK(std::count(types.begin(), types.end(), "call.ended") == 1);
  }
  auto t = kpi_totals(calls);
  CHECK(t["arrived"] == 4);
  CHECK(t["answered"] == 2);
  CHECK(t["abandoned"] == 2);
  CHECK(t["aht_s"].get<double>() == doctest::Approx((100 + 270) / 2.0).epsilon(0.01));
  auto again = events_of(parse_technion(csv).calls, {"bank", "", "import:month.csv", "month.csv"});
  for (std::size_t i = 0; i < calls.size(); ++i) {
    CHECK(again[i].stream == calls[i].stream);
    for (std::size_t k = 0; k < calls[i].events.size(); ++k)
      CHECK(again[i].events[k].meta.id == calls[i].events[k].meta.id);
  }
}

TEST_CASE(
    "import: a connect stamped before the queue entry is clamped, counted, and the call closes") {
  // VRU/ACD clock skew: ser_start 10 s before q_start (as in a real month of the Technion log)
  std::string csv = std::string{technion_header} +
                    "AA01,600,0,0,PS,990901,10:00:00,10:00:20,20,10:00:20,10:00:20,0,AGENT,10:00:"
                    "10,10:05:10,300,ANAT\n"
                    "AA01,601,0,0,PS,990901,10:01:00,10:01:05,5,10:01:05,10:01:35,30,AGENT,10:01:"
                    "35,10:03:35,120,DANI\n";
  auto r = parse_technion(csv);
  REQUIRE(r.calls.size() == 2);
  CHECK(r.clamped == 1);
  const auto& skewed = by_id(r, "600");
  CHECK(skewed.queued_ns == skewed.connected_ns); // queue entry pulled back to the connect
  CHECK(skewed.connected_ns == utc("1999-09-01T10:00:10Z"));
  auto calls = events_of(r.calls, {"bank", "", "import:skew.csv", "skew.csv"});
  for (const auto& c : calls) {
    CHECK(types_of(c) == std::vector<std::string>{"call.arrived", "call.queued", "call.offered",
                                                  "call.connected", "agent.call_started",
                                                  "call.ended", "agent.call_ended",
                                                  "agent.logged_out"});
    for (std::size_t i = 1; i < c.events.size(); ++i)
      CHECK(c.events[i - 1].meta.timestamp_ns <= c.events[i].meta.timestamp_ns);
  }
  auto t = kpi_totals(calls);
  CHECK(t["arrived"] == 2);
  CHECK(t["answered"] == 2);
  CHECK(t["asa_s"].get<double>() ==
        doctest::Approx(15.0)); // (0 + 30) / 2, not a wait that never ends
}

TEST_CASE("import: the reduced column set counts every arrival, even when the connect precedes the "
          "arrival") {
  std::string csv =
      "vru+line,date,q_start,q_exit,q_time,ser_start,ser_exit,ser_time,server\n"
      "AA02,991201,9:14:13,9:14:38,25,9:14:05,9:21:18,433,ZVIKA\n" // connect 8 s before q_start
      "AA02,991201,9:20:00,9:20:30,30,9:20:30,9:25:30,300,ZVIKA\n";
  auto r = parse_technion(csv);
  REQUIRE(r.calls.size() == 2);
  CHECK(r.clamped == 1);
  CHECK(r.calls[0].arrived_ns == utc("1999-12-01T09:14:05Z"));
  auto calls = events_of(r.calls, {"bank", "", "import:r.csv", "r.csv"});
  CHECK(types_of(calls[0]).front() == "call.arrived");
  auto t = kpi_totals(calls);
  CHECK(t["arrived"] == 2);
  CHECK(t["answered"] == 2);
}

TEST_CASE("import: overlapping calls of one agent each keep their own talk time") {
  // MICHAL is on 700 from 10:00 to 10:10 and on 701 from 10:05 to 10:08
  std::string csv = std::string{technion_header} +
                    "AA01,700,0,0,PS,990901,10:00:00,10:00:00,0,10:00:00,10:00:00,0,AGENT,10:00:00,"
                    "10:10:00,600,MICHAL\n"
                    "AA01,701,0,0,PS,990901,10:05:00,10:05:00,0,10:05:00,10:05:00,0,AGENT,10:05:00,"
                    "10:08:00,180,MICHAL\n";
  auto r = parse_technion(csv);
  auto t = kpi_totals(events_of(r.calls, {"bank", "", "import:o.csv", "o.csv"}));
  CHECK(t["handled"] == 2);
  CHECK(t["aht_s"].get<double>() == doctest::Approx((600 + 180) / 2.0).epsilon(0.001));
}

TEST_CASE("import technion: tab-separated files (how the lab distributes them) are read like CSV") {
  std::string csv = technion_header;
  std::replace(csv.begin(), csv.end(), ',', '\t');
  csv += "AA01\t800\t0\t0\tPS\t990901\t10:00:00\t10:00:05\t5\t10:00:05\t10:00:20\t15\tAGENT\t10:00:"
         "20\t10:02:00\t100\tANAT\n";
  auto r = parse_technion(csv);
  REQUIRE(r.fatal.is_ok());
  REQUIRE(r.calls.size() == 1);
  CHECK(r.calls[0].agent == "ANAT");
  CHECK(r.calls[0].connected_ns == utc("1999-09-01T10:00:20Z"));
}

TEST_CASE("import: text that is not UTF-8 is refused with its line and column, before any row") {
  std::string csv = std::string{technion_header} +
                    "AA01,900,0,0,PS,990901,10:00:00,10:00:05,5,10:00:05,10:00:20,15,AGENT,10:00:"
                    "20,10:02:00,100,ANAT\n"
                    "AA01,901,0,0,PS,990901,10:00:00,10:00:05,5,10:00:05,10:00:20,15,AGENT,10:00:"
                    "20,10:02:00,100,J\xff"
                    "RG\n";
  auto r = parse_technion(csv);
  REQUIRE_FALSE(r.fatal.is_ok());
  CHECK(r.calls.empty());
  CHECK(r.fatal.detail().find("line 3, column 94") != std::string::npos);
  CHECK(r.fatal.detail().find("0xFF") != std::string::npos);

  auto map = parse_csv_map(
      nlohmann::json::parse(R"({"columns": {"arrived": "a", "ended": "e", "caller": "c"}})"));
  REQUIRE(map.has_value());
  auto m = parse_mapped_csv("a,e,c\n2024-01-01T00:00:00Z,2024-01-01T00:01:00Z,\xc3\x28\n", *map);
  REQUIRE_FALSE(m.fatal.is_ok());
  CHECK(m.fatal.detail().find("line 2, column 43") != std::string::npos);
  // valid multi-byte text passes; overlong forms and surrogates do not
  CHECK_FALSE(first_invalid_utf8("J\xc3\xb6rg \xe2\x82\xac \xf0\x9f\x93\x9e").has_value());
  CHECK(first_invalid_utf8("\xc0\xaf").has_value());
  CHECK(first_invalid_utf8("\xed\xa0\x80").has_value());
  CHECK(first_invalid_utf8("ok\n\xf4\x90\x80\x80")->line == 2);
}

TEST_CASE("import csv: times out of range are refused naming row and column, never wrapped") {
  auto map = parse_csv_map(nlohmann::json::parse(
      R"({"time_format": "epoch_ms", "columns": {"call_id": "id", "arrived": "start", "ended": "stop"}})"));
  REQUIRE(map.has_value());
  auto r =
      parse_mapped_csv("id,start,stop\n1,1000,2000\n2,9223372036854775,9223372036854776\n", *map);
  REQUIRE(r.calls.size() == 1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].reason == "out_of_range");
  CHECK(r.errors[0].message.find("column 'start' (arrived)") != std::string::npos);
  CHECK(r.errors[0].message.find("9223372036854775") != std::string::npos);

  auto iso =
      parse_csv_map(nlohmann::json::parse(R"({"columns": {"arrived": "start", "ended": "stop"}})"));
  auto y = parse_mapped_csv("start,stop\n2024-01-01T00:00:00Z,9999-12-31T23:59:59Z\n1500-01-01T00:"
                            "00:00Z,2024-01-01T00:00:00Z\n",
                            *iso);
  CHECK(y.calls.empty());
  REQUIRE(y.errors.size() == 2);
  CHECK(y.errors[0].message.find("column 'stop' (ended)") != std::string::npos);
  CHECK(y.errors[0].message.find("out of range") != std::string::npos);
  CHECK(y.errors[1].message.find("column 'start' (arrived)") != std::string::npos);
  CHECK(y.skipped_by_reason.at("out_of_range") == 2);
}

TEST_CASE("import csv: empty_queued chooses what an empty queue-entry cell means") {
  const char* csv = "id,q,start,queued,end\n1,sales,2024-05-01T09:00:00Z,,2024-05-01T09:00:40Z\n";
  auto at_arrival = parse_csv_map(nlohmann::json::parse(
      R"({"columns": {"call_id": "id", "queue": "q", "arrived": "start", "queued": "queued", "ended": "end"}})"));
  auto none = parse_csv_map(nlohmann::json::parse(
      R"({"empty_queued": "none", "columns": {"call_id": "id", "queue": "q", "arrived": "start", "queued": "queued", "ended": "end"}})"));
  REQUIRE(at_arrival.has_value());
  REQUIRE(none.has_value());
  auto a = parse_mapped_csv(csv, *at_arrival);
  auto n = parse_mapped_csv(csv, *none);
  CHECK(a.calls.at(0).queued_ns == utc("2024-05-01T09:00:00Z")); // the default: queued at arrival
  CHECK(n.calls.at(0).queued_ns == not_set); // an IVR hang-up, not a queue abandon
  CHECK(kpi_totals(events_of(a.calls, {}))["abandoned"] == 1);
  auto tn = kpi_totals(events_of(n.calls, {}));
  CHECK(tn["abandoned"] == 0);
  CHECK(tn["ivr_abandoned"] == 1);
  CHECK_FALSE(
      parse_csv_map(nlohmann::json::parse(
                        R"({"empty_queued": "later", "columns": {"arrived": "a", "ended": "e"}})"))
          .has_value());
}

TEST_CASE("import: local times go through the zone's conversion, instants written with Z do not") {
  const std::int64_t hour = 3600LL * 1'000'000'000;
  local_to_utc minus_three = [&](std::int64_t local) -> std::optional<std::int64_t> {
    return local - 3 * hour;
  };
  technion_options o;
  o.to_utc = minus_three;
  auto r = parse_technion(std::string{technion_header} +
                              "AA01,1,0,0,PS,990901,11:45:33,11:45:39,6,11:45:39,11:46:58,79,AGENT,"
                              "11:46:58,11:51:00,242,M\n",
                          o);
  REQUIRE(r.calls.size() == 1);
  CHECK(r.calls[0].arrived_ns == utc("1999-09-01T08:45:33Z"));
  CHECK(r.calls[0].ended_ns == utc("1999-09-01T08:51:00Z"));

  auto map = parse_csv_map(nlohmann::json::parse(R"({"columns": {"arrived": "a", "ended": "e"}})"));
  auto m = parse_mapped_csv("a,e\n2024-07-01T12:00:00,2024-07-01T12:00:30Z\n", *map, minus_three);
  REQUIRE(m.calls.size() == 1);
  CHECK(m.calls[0].arrived_ns == utc("2024-07-01T09:00:00Z")); // local
  CHECK(m.calls[0].ended_ns == utc("2024-07-01T12:00:30Z"));   // already UTC
  // a conversion that fails (out of range in the zone) is a row error
  technion_options fails;
  fails.to_utc = [](std::int64_t) -> std::optional<std::int64_t> { return std::nullopt; };
  auto f = parse_technion(std::string{technion_header} +
                              "AA01,1,0,0,PS,990901,11:45:33,11:45:39,6,11:45:39,11:46:58,79,AGENT,"
                              "11:46:58,11:51:00,242,M\n",
                          fails);
  CHECK(f.calls.empty());
  CHECK(f.skipped_by_reason.at("out_of_range") == 1);
}
