// The KPI reports as a reader sees them: the HTML page on a true time axis
// (gaps show, labels carry date, time and zone), coarse intervals for long
// ranges, per-queue, blocked and call back charts, queues before agents, and
// interval labels in a chosen zone in every rendering.
#include <doctest/doctest.h>

#include "projections/kpi/kpi_projection.hpp"
#include "projections/kpi/kpi_report.hpp"
#include "tests/projections/event_builder.hpp"
#include "tests/projections/kpi_fold.hpp"

using namespace hotline;
using namespace hotline::events;
using namespace hotline::projections::kpi;
using hotline::testing::event_builder;
using hotline::testing::fold_kpi;

namespace {

/// A call at `s` seconds into `queue`, answered by `agent` after 10 s.
void answered_call(event_builder& b, const std::string& id, double s, const std::string& queue,
                   const std::string& agent) {
  call_arrived a;
  a.call_id = id;
  a.caller = "+1555" + id;
  b.call(id, s, a);
  b.call(id, s, call_queued{id, queue, 0, 1, 0, "entry"});
  b.call(id, s + 10, call_connected{id, queue, agent, 10000});
  b.call(id, s + 70, call_ended{id, call_outcome::completed, "", agent, queue});
}

/// Calls in 08:00-08:30 and again at 10:00 (a gap of 1 h 30), in two
/// queues, one blocked call and one call back.
event_builder day_with_a_gap() {
  event_builder b;
  answered_call(b, "c1", 8 * 3600 + 60, "sales", "a1");
  answered_call(b, "c2", 8 * 3600 + 960, "support", "a2");
  answered_call(b, "c3", 10 * 3600 + 60, "sales", "agent-with-a-very-long-name-0001");
  call_arrived blocked;
  blocked.call_id = "c4";
  b.call("c4", 10 * 3600 + 100, blocked);
  b.call("c4", 10 * 3600 + 100, call_ended{"c4", call_outcome::blocked, "", "", ""});
  call_arrived cb;
  cb.call_id = "c5";
  b.call("c5", 10 * 3600 + 200, cb);
  b.call("c5", 10 * 3600 + 200, call_queued{"c5", "support", 0, 1, 0, "entry"});
  call_callback_scheduled sched;
  sched.call_id = "c5";
  sched.queue = "support";
  b.call("c5", 10 * 3600 + 230, sched);
  return b;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

} // namespace

TEST_CASE("kpi html: a true time axis where a stretch without data shows as a gap and lines break "
          "there") {
  auto rep = build_report(fold_kpi(day_with_a_gap()));
  REQUIRE(rep["intervals"].size() == 3); // 08:00, 08:15, 10:00
  auto html = render_html(rep);
  CHECK(html.find("class=\"gap\"") != std::string::npos);
  CHECK(html.find("no data 2024-01-01 08:30 .. 2024-01-01 10:00 UTC") != std::string::npos);
  // the answered line of the volume chart: two pieces, one each side of the gap
  auto series = html.find("data-series=\"answered\"");
  REQUIRE(series != std::string::npos);
  auto path = html.substr(html.find("<path d=\"", series), 200);
  CHECK(count(path.substr(0, path.find("\"", 9)), "M") == 2);
  // the x of 10:00 is not right after 08:15: 1 h 45 of 2 h 15 along the axis
  CHECK(html.find("<tspan") != std::string::npos);
  for (const char* s : {"offered", "answered", "abandoned", "blocked", "call backs scheduled",
                        "call backs completed", "service level"})
    CHECK_MESSAGE(html.find("data-series=\"" + std::string{s} + "\"") != std::string::npos, s);
  // per-queue charts
  CHECK(html.find("data-queue=\"sales\"") != std::string::npos);
  CHECK(html.find("data-queue=\"support\"") != std::string::npos);
  // no script, no network
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));
  CHECK(html.find("https://") == std::string::npos);
}

TEST_CASE("kpi html: tick labels carry date, time and zone") {
  auto html = render_html(build_report(fold_kpi(day_with_a_gap())));
  CHECK(html.find("<tspan x=") != std::string::npos);
  CHECK(html.find(">2024-01-01</tspan>") != std::string::npos);
  CHECK(html.find(">09:00 UTC</tspan>") != std::string::npos);
  CHECK(html.find("times in UTC") != std::string::npos);
}

TEST_CASE("kpi reports: queues come before agents, and names are never cut") {
  auto rep = build_report(fold_kpi(day_with_a_gap()));
  auto html = render_html(rep);
  auto queue = html.find("<td>queue sales</td>"), agent = html.find("<td>agent a1</td>");
  REQUIRE(queue != std::string::npos);
  REQUIRE(agent != std::string::npos);
  CHECK(queue < agent);
  auto table = render_table(rep);
  CHECK(table.find("queue sales") < table.find("agent a1"));
  CHECK(table.find("agent agent-with-a-very-long-name-0001 ") != std::string::npos);
}

TEST_CASE("kpi reports: long ranges are coarsened to 1 h or 1 day so a chart has at most a few "
          "hundred points") {
  event_builder b;
  // one call a day at 09:00 for 30 days
  for (int d = 0; d < 30; ++d)
    answered_call(b, "m" + std::to_string(d), d * 86400.0 + 9 * 3600, "sales", "a1");
  auto p = fold_kpi(b);
  report_request r;
  r.max_intervals = chart_max_intervals;
  auto month = build_report(p, r);
  CHECK(month["interval_s"] == 86400);
  CHECK(month["folded_interval_s"] == 900);
  CHECK(month["intervals"].size() == 30);
  CHECK(month["intervals"][1]["start"] == "2024-01-02T00:00:00Z");
  CHECK(month["totals"]["offered"] == 30);
  CHECK(month["intervals"][1]["totals"]["offered"] == 1);
  auto html = render_html(month);
  CHECK(html.find("Intervals of 1 day: the data was folded at 15 min intervals") !=
        std::string::npos);
  // without the request: the fold's intervals, nothing said
  auto fine = build_report(p);
  CHECK(fine["interval_s"] == 900);
  CHECK_FALSE(fine.contains("folded_interval_s"));
  CHECK(render_html(fine).find("coarsened") == std::string::npos);

  // a week: hours (168 points)
  event_builder w;
  for (int d = 0; d < 7; ++d)
    answered_call(w, "w" + std::to_string(d), d * 86400.0 + 9 * 3600, "sales", "a1");
  auto week = build_report(fold_kpi(w), r);
  CHECK(week["interval_s"] == 3600);
  // a day: the fold's 15 minutes
  CHECK(build_report(fold_kpi(day_with_a_gap()), r)["interval_s"] == 900);
}

TEST_CASE("kpi reports: interval labels in the chosen zone, with the zone, in JSON, table, CSV and "
          "HTML") {
  report_request r;
  r.time_zone = "Asia/Jerusalem";
  r.utc_offset_s = [](std::int64_t) { return std::int64_t{7200}; };
  auto rep = build_report(fold_kpi(day_with_a_gap()), r);
  CHECK(rep["time_zone"] == "Asia/Jerusalem");
  CHECK(rep["intervals"][0]["start"] == "2024-01-01T08:00:00Z"); // unchanged: UTC
  CHECK(rep["intervals"][0]["label"] == "2024-01-01T10:00:00+02:00[Asia/Jerusalem]");
  CHECK(rep["from_label"] == "2024-01-01T10:00:00+02:00[Asia/Jerusalem]");
  CHECK(render_table(rep).find("2024-01-01T12:00:00+02:00[Asia/Jerusalem]") != std::string::npos);
  CHECK(render_csv(rep).find(",2024-01-01T10:15:00+02:00[Asia/Jerusalem]\n") != std::string::npos);
  auto html = render_html(rep);
  CHECK(html.find(">11:00 Asia/Jerusalem</tspan>") != std::string::npos);
  CHECK(html.find("times in Asia/Jerusalem") != std::string::npos);
  // the default: UTC, said so
  auto utc = build_report(fold_kpi(day_with_a_gap()));
  CHECK(utc["time_zone"] == "UTC");
  CHECK(utc["intervals"][0]["label"] == "2024-01-01T08:00:00Z[UTC]");

  // days start at local midnight: 23:30 UTC on Jan 1 is 01:30 on Jan 2 in +02:00
  event_builder b;
  answered_call(b, "n1", 12 * 3600, "sales", "a1");
  answered_call(b, "n2", 23 * 3600 + 1800, "sales", "a1");
  for (int d = 1; d < 10; ++d)
    answered_call(b, "n" + std::to_string(d + 2), d * 86400.0 + 86400 * 20, "sales", "a1");
  r.max_intervals = 100;
  auto days = build_report(fold_kpi(b), r);
  REQUIRE(days["interval_s"] == 86400);
  CHECK(days["intervals"][0]["label"] == "2024-01-01T00:00:00+02:00[Asia/Jerusalem]");
  CHECK(days["intervals"][1]["start"] == "2024-01-01T22:00:00Z");
  CHECK(days["intervals"][1]["label"] == "2024-01-02T00:00:00+02:00[Asia/Jerusalem]");
  CHECK(days["intervals"][1]["totals"]["offered"] == 1);
}
