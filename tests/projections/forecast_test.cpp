// Forecast CSV parsing and per-interval staffing. Errors must name the
// source, the line and the column, because a planner fixes them by hand.
#include <doctest/doctest.h>

#include "projections/staffing/forecast.hpp"

using namespace hotline::projections::staffing;

namespace {

std::string error_of(std::string_view csv, forecast_options o = {}) {
  auto f = parse_forecast(csv, "day.csv", o);
  REQUIRE_FALSE(f.has_value());
  CHECK(f.error().code() == hotline::events::errc::invalid_argument);
  return f.error().detail();
}

} // namespace

TEST_CASE("given clock-time rows, when parsing, then the interval is inferred") {
  auto f = parse_forecast("interval_start,calls\n08:00,120\n08:15,135.5\n08:30,0\n", "day.csv");
  REQUIRE(f.has_value());
  CHECK(f->interval_min == 15);
  CHECK(f->form == time_form::clock);
  REQUIRE(f->rows.size() == 3);
  CHECK(f->rows[1].start == "08:15");
  CHECK(f->rows[1].start_min == 8 * 60 + 15);
  CHECK(f->rows[1].calls == 135.5);
  CHECK(f->rows[1].line == 3);
  CHECK_FALSE(f->rows[1].aht_s.has_value());
}

TEST_CASE("given an aht_s column in any order, when parsing, then rows carry their handle time") {
  auto f = parse_forecast("# forecast for Monday\r\n\r\naht_s, interval_start ,calls\r\n"
                          "250,09:00,10\r\n,09:30,12\r\n",
                          "day.csv");
  REQUIRE(f.has_value());
  CHECK(f->interval_min == 30);
  REQUIRE(f->rows.size() == 2);
  CHECK(f->rows[0].aht_s == 250);
  CHECK_FALSE(f->rows[1].aht_s.has_value()); // empty cell: use the default
  CHECK(f->rows[1].line == 5);
}

TEST_CASE("given a byte-order mark and a single row, when parsing, then 30-minute intervals") {
  auto f = parse_forecast("\xEF\xBB\xBFinterval_start,calls\n10:00,5\n", "day.csv");
  REQUIRE(f.has_value());
  CHECK(f->interval_min == 30);
  auto g = parse_forecast("interval_start,calls\n10:00,5\n", "day.csv", {.interval_min = 15});
  REQUIRE(g.has_value());
  CHECK(g->interval_min == 15);
}

TEST_CASE("given rows past midnight, when parsing clock times, then they continue the next day") {
  auto f = parse_forecast("interval_start,calls\n23:30,4\n00:00,3\n00:30,2\n", "night.csv");
  REQUIRE(f.has_value());
  CHECK(f->rows[1].start_min == 24 * 60);
  CHECK(f->rows[2].start_min == 24 * 60 + 30);
  CHECK(format_minute(*f, f->rows[2].start_min) == "00:30");
}

TEST_CASE("given dated rows, when parsing, then dates and times both count") {
  auto f = parse_forecast("interval_start,calls\n2024-02-29 23:45,1\n2024-03-01T00:00:00,2\n",
                          "week.csv");
  REQUIRE(f.has_value());
  CHECK(f->form == time_form::date_time);
  CHECK(f->interval_min == 15);
  CHECK(format_minute(*f, f->rows[1].start_min) == "2024-03-01 00:00");
  CHECK(format_minute(*f, f->rows[1].start_min + 8 * 60 + 30) == "2024-03-01 08:30");
}

TEST_CASE("given malformed forecasts, when parsing, then the error names file, line and column") {
  CHECK(error_of("interval_start,calls\n08:00,10\n08:15,12x\n") ==
        "day.csv:3: column 2 (calls): \"12x\" is not a number");
  CHECK(error_of("interval_start,calls\n08:00,-1\n") ==
        "day.csv:2: column 2 (calls): calls must be >= 0, got -1");
  CHECK(error_of("interval_start,calls\n08:00,10\n8h15,12\n") ==
        "day.csv:3: column 1 (interval_start): \"8h15\" is not a time: expected HH:MM or "
        "YYYY-MM-DD HH:MM");
  CHECK(error_of("interval_start,calls\n24:00,1\n") ==
        "day.csv:2: column 1 (interval_start): \"24:00\" is not a time: the hour must be 00-23");
  CHECK(error_of("interval_start,calls\n2023-02-29 08:00,1\n") ==
        "day.csv:2: column 1 (interval_start): \"2023-02-29 08:00\" is not a valid date");
  CHECK(error_of("interval_start,calls\n08:00,10\n08:15\n") ==
        "day.csv:3: expected 2 fields, found 1");
  CHECK(error_of("interval_start,calls,aht\n") ==
        "day.csv:1: column 3: unknown column \"aht\" (expected header "
        "interval_start,calls[,aht_s])");
  CHECK(error_of("calls,aht_s\n").find("day.csv:1: the header must name interval_start") == 0);
  CHECK(error_of("interval_start,calls,calls\n") ==
        "day.csv:1: column 3: duplicate column \"calls\"");
  CHECK(error_of("interval_start,calls,aht_s\n08:00,10,0\n") ==
        "day.csv:2: column 3 (aht_s): handle time must be > 0 seconds, got 0");
  CHECK(error_of("") == "day.csv: empty file: expected a header line interval_start,calls[,aht_s]");
  CHECK(error_of("interval_start,calls\n\n# nothing\n") ==
        "day.csv: no data rows after the header");
}

TEST_CASE("given rows that skip or repeat an interval, when parsing, then the line is named") {
  CHECK(error_of("interval_start,calls\n08:00,1\n08:15,1\n09:00,1\n") ==
        "day.csv:4: column 1 (interval_start): \"09:00\" is 45 min after line 3's \"08:15\"; "
        "every row must start one interval (15 min) after the previous");
  CHECK(error_of("interval_start,calls\n08:00,1\n08:30,1\n", {.interval_min = 15}) ==
        "day.csv:3: column 1 (interval_start): \"08:30\" is 30 min after line 2's \"08:00\"; "
        "every row must start one interval (15 min) after the previous");
  CHECK(error_of("interval_start,calls\n08:00,1\n08:00,1\n") ==
        "day.csv:3: column 1 (interval_start): \"08:00\" repeats line 2's interval start");
  CHECK(error_of("interval_start,calls\n08:00,1\n2024-01-01 08:30,1\n")
            .find("day.csv:3: column 1 (interval_start): \"2024-01-01 08:30\" is written "
                  "differently") == 0);
  CHECK(error_of("interval_start,calls\n08:00,1\n", {.interval_min = 0}).find("interval length") !=
        std::string::npos);
}

TEST_CASE("given a forecast, when staffing it, then each interval is solved on its own rate and "
          "handle time") {
  auto f =
      parse_forecast("interval_start,calls,aht_s\n08:00,90,\n08:15,180,300\n08:30,0,\n", "day.csv");
  REQUIRE(f.has_value());
  staffing_problem base;
  base.target.service_level = 0.8;
  base.target.answer_within_s = 20;
  auto s = staff_forecast(*f, base, 240.0);
  REQUIRE(s.has_value());
  REQUIRE(s->size() == 3);
  // 90 calls in 15 minutes is 360 calls/h: 29 agents for 80/20 (see the solver test).
  CHECK((*s)[0].arrival_rate_per_s == doctest::Approx(0.1));
  CHECK((*s)[0].aht_s == 240);
  CHECK((*s)[0].need.agents == 29);
  CHECK((*s)[1].aht_s == 300);
  staffing_problem alone = base;
  alone.arrival_rate_per_s = 180.0 / 900;
  alone.aht_s = 300;
  CHECK((*s)[1].need.agents == solve_staffing(alone)->agents);
  CHECK((*s)[2].need.agents == 0);
}

TEST_CASE(
    "given rows without a handle time and no default, when staffing, then the line is named") {
  auto f = parse_forecast("interval_start,calls,aht_s\n08:00,90,200\n08:15,180,\n", "day.csv");
  REQUIRE(f.has_value());
  staffing_problem base;
  base.target.service_level = 0.8;
  auto s = staff_forecast(*f, base, std::nullopt);
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().detail() ==
        "day.csv:3 (08:15): no aht_s in this row and no default handle time given");
}
