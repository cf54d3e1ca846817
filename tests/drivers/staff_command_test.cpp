// `hotline staff` as a user runs it: JSON fields, exit status 2 with a
// message naming the flag or file:line for bad input.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"

using hotline::testing::run_capture;
using hotline::testing::temp_dir;

namespace {

/// Runs `hotline staff args...` with stderr folded into `out`.
int staff(std::vector<std::string> args, std::string& out) {
  std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$0\" staff \"$@\" 2>&1", HOTLINE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_capture(argv, out);
}

nlohmann::json staff_json(std::vector<std::string> args) {
  args.push_back("--json");
  std::string out;
  const int rc = staff(args, out);
  CAPTURE(out);
  REQUIRE(rc == 0);
  return nlohmann::json::parse(out);
}

} // namespace

TEST_CASE("hotline staff solves 360 calls/h at 80/20 to 29 agents and 42 positions") {
  auto j = staff_json({"--rate-per-hour", "360", "--aht-s", "240", "--target-sl", "0.8",
                       "--target-answer-s", "20"});
  CHECK(j["model"] == "erlang_c");
  CHECK(j["agents"] == 29);
  CHECK(j["positions"] == 42);
  CHECK(j["service_level"].get<double>() == doctest::Approx(0.840283145663));
  CHECK(j["asa_s"].get<double>() == doctest::Approx(11.6291512643));
  CHECK(j["p_wait"].get<double>() == doctest::Approx(0.242273984674));
  CHECK(j["occupancy"].get<double>() == doctest::Approx(24.0 / 29));
  CHECK(j["p_abandon"] == 0.0);
  CHECK(j["binding"] == nlohmann::json::array({"service_level", "occupancy"}));
  CHECK(j["inputs"]["rate_per_hour"] == 360.0);
  CHECK(j["inputs"]["max_occupancy"] == 0.85);
  CHECK(j["inputs"]["shrinkage"] == 0.3);
}

TEST_CASE("hotline staff with a patience uses Erlang A and reports abandonment") {
  auto j = staff_json(
      {"--rate-per-hour", "360", "--aht-s", "240", "--target-sl", "0.8", "--patience-s", "120"});
  CHECK(j["model"] == "erlang_a");
  CHECK(j["p_abandon"].get<double>() > 0);
  CHECK(j["agents"].get<int>() <= 29);
  CHECK(j["inputs"]["patience_s"] == 120.0);
}

TEST_CASE("hotline staff --agents evaluates, and an unstable staffing has a null ASA") {
  auto j = staff_json({"--rate-per-hour", "360", "--aht-s", "240", "--agents", "24"});
  CHECK(j["agents"] == 24);
  CHECK(j["stable"] == false);
  CHECK(j["asa_s"].is_null());
  CHECK(j["service_level"] == 0.0);
  CHECK(j["within_max_occupancy"] == false);
}

TEST_CASE("hotline staff rejects bad input with status 2 and names the flag") {
  struct bad {
    std::vector<std::string> args;
    std::string says;
  };
  const bad cases[] = {
      {{"--rate-per-hour", "-5", "--aht-s", "240", "--agents", "3"},
       "--rate-per-hour: expected a number (finite, 0 or more), got -5"},
      {{"--rate-per-hour", "360", "--aht-s", "0", "--agents", "3"}, "--aht-s must be"},
      {{"--rate-per-hour", "360", "--aht-s", "240", "--target-sl", "0.8", "--max-occupancy", "1.2"},
       "--max-occupancy must be"},
      {{"--rate-per-hour", "360", "--aht-s", "240", "--target-sl", "80"}, "--target-sl must be"},
      {{"--rate-per-hour", "360", "--aht-s", "240", "--target-sl", "0.8", "--shrinkage", "1"},
       "--shrinkage must be"},
      {{"--rate-per-hour", "360", "--aht-s", "abc", "--agents", "3"}, "--aht-s"},
      {{"--rate-per-hour", "360", "--aht-s", "240"}, "give --agents N"},
      {{"--rate-per-hour", "360", "--aht-s", "240", "--agents", "30", "--target-sl", "0.8"},
       "--agents evaluates"},
      {{"--aht-s", "240", "--target-sl", "0.8"}, "give --rate-per-hour"},
      {{"--rate-per-hour", "360", "--aht-s", "240", "--agents", "30", "--shift-hours", "8"},
       "--shift-hours only applies with --forecast"},
      {{"--forecast", "/nonexistent/day.csv", "--aht-s", "240", "--target-sl", "0.8"},
       "cannot read /nonexistent/day.csv"},
  };
  for (const auto& c : cases) {
    std::string out;
    const int rc = staff(c.args, out);
    CAPTURE(out);
    CHECK(rc == 2);
    CHECK(out.find(c.says) != std::string::npos);
  }
}

TEST_CASE("hotline staff --forecast names file:line of a malformed row") {
  temp_dir dir;
  const std::string path = dir.path() + "/day.csv";
  std::ofstream(path) << "interval_start,calls\n08:00,90\n08:15,lots\n";
  std::string out;
  const int rc = staff({"--forecast", path, "--aht-s", "240", "--target-sl", "0.8"}, out);
  CAPTURE(out);
  CHECK(rc == 2);
  CHECK(out.find(path + ":3: column 2 (calls): \"lots\" is not a number") != std::string::npos);
}

TEST_CASE("hotline staff --forecast staffs every interval and plans shifts that cover them") {
  temp_dir dir;
  const std::string path = dir.path() + "/day.csv";
  {
    std::ofstream f(path);
    f << "interval_start,calls\n";
    for (int i = 0; i < 48; ++i) {
      char start[8];
      std::snprintf(start, sizeof start, "%02d:%02d", 8 + i / 4, (i % 4) * 15);
      f << start << "," << (i < 24 ? 40 + 5 * i : 160 - 5 * (i - 24)) << "\n";
    }
  }
  auto j = staff_json({"--forecast", path, "--aht-s", "240", "--target-sl", "0.8",
                       "--target-answer-s", "20", "--shift-hours", "8", "--break-min", "30"});
  CHECK(j["interval_min"] == 15);
  REQUIRE(j["intervals"].size() == 48);
  for (const auto& row : j["intervals"]) {
    CHECK(row["required"] == row["positions"]);
    CHECK(row["under"] == 0);
    CHECK(row["scheduled"].get<int>() >= row["required"].get<int>());
  }
  CHECK(j["intervals"][0]["start"] == "08:00");
  CHECK(j["shift_plan"]["uncovered_intervals"] == 0);
  CHECK(j["shift_plan"]["total_shifts"].get<int>() >= j["shift_plan"]["lower_bound"].get<int>());
  CHECK(j["shift_plan"]["shifts"].size() > 0);
}

TEST_CASE("hotline staff --help documents every option") {
  std::string out;
  CHECK(staff({"--help"}, out) == 0);
  for (const char* flag :
       {"--rate-per-hour", "--aht-s", "--agents", "--target-sl", "--target-answer-s",
        "--target-asa-s", "--max-occupancy", "--shrinkage", "--patience-s", "--forecast",
        "--interval-min", "--shift-hours", "--break-min", "--json"})
    CHECK(out.find(flag) != std::string::npos);
}
