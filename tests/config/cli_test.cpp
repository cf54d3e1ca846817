// `hotline config check|show` as an operator runs them: output and exit status.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/config/config_files.hpp"
#include "tests/support/process.hpp"

using hotline::config::testing::config_files;
using hotline::testing::run_capture;

namespace {
const std::string shipped = HOTLINE_CONFIG_DIR;
}

TEST_CASE("config check on the demo prints one ok line and exits 0") {
  std::string out;
  const auto file = shipped + "/demo.toml";
  CHECK(run_capture({HOTLINE_BIN, "config", "check", file}, out) == 0);
  CHECK(out == file + ": ok (2 tenants, 8 queues, 40 agents, 3 trunk groups (46 channels), "
                      "8 entry points, 1 IVR flow, 10 arrival profiles)\n");
}

TEST_CASE("config check on a broken file prints every problem gcc-style and exits 2") {
  config_files files;
  const auto file = files.write("bad.toml", R"([[queues]]
id = "sales"
ring_timeout_s = -5
strategy = "fastest"
)");
  std::string out;
  CHECK(run_capture({HOTLINE_BIN, "config", "check", file}, out) == 2);
  CHECK(out.find(file + ":3:18: error: queues[0].ring_timeout_s: expected a positive integer "
                        "number of seconds, got -5\n") != std::string::npos);
  CHECK(out.find(file + ":4:12: error: queues[0].strategy: unknown strategy 'fastest'") !=
        std::string::npos);
  CHECK(out.find(file + ": invalid: 2 errors") != std::string::npos);
}

TEST_CASE("config check --json reports the same as data") {
  config_files files;
  const auto file = files.write("bad.toml", "[[queues]]\nid = \"sales\"\nring_timeout_s = -5\n");
  std::string out;
  CHECK(run_capture({HOTLINE_BIN, "config", "check", "--json", file}, out) == 2);
  auto j = nlohmann::json::parse(out);
  CHECK(j["ok"] == false);
  REQUIRE(j["diagnostics"].size() >= 1);
  const auto& d = j["diagnostics"][0];
  CHECK(d["severity"] == "error");
  CHECK(d["file"] == file);
  CHECK(d["line"] == 3);
  CHECK(d["column"] == 18);
  CHECK(d["key"] == "queues[0].ring_timeout_s");

  out.clear();
  CHECK(run_capture({HOTLINE_BIN, "config", "check", "--json", shipped + "/minimal.toml"}, out) ==
        0);
  auto ok = nlohmann::json::parse(out);
  CHECK(ok["ok"] == true);
  CHECK(ok["summary"]["agents"] == 3);
}

TEST_CASE("config show prints the resolved configuration as JSON") {
  std::string out;
  CHECK(run_capture({HOTLINE_BIN, "config", "show", shipped + "/demo.toml"}, out) == 0);
  auto j = nlohmann::json::parse(out);
  CHECK(j["agents"].size() == 40);
  CHECK(j["agents"][8]["id"] == "ab01"); // groups expanded after explicit agents
  CHECK(j["agents"][8]["shift"]["start"] == "08:00");
  CHECK(j["queues"][0]["ring_timeout_s"] == 15); // units as in the file
  CHECK(j["queues"][0]["max_no_answer"] == 3);   // defaults filled in
  CHECK(j["entry_points"][0]["tenant"] == "acme-telecom");

  config_files files;
  const auto bad = files.write("bad.toml", "[[queues]]\nid = 1\n");
  out.clear();
  CHECK(run_capture({HOTLINE_BIN, "config", "show", bad}, out) == 2);
  CHECK(out.empty()); // problems go to stderr
}

TEST_CASE("the shipped demo arrivals file is one forecast both the simulator and staff read") {
  // The simulator reads it through config/demo.toml (checked above); the
  // staffing command reads the very same file.
  std::string out;
  const auto csv = shipped + "/demo-arrivals-acme-billing.csv";
  CHECK(
      run_capture({HOTLINE_BIN, "staff", "--forecast", csv, "--aht-s", "240", "--target-sl", "0.8"},
                  out) == 0);
  CHECK(out.find("30-min intervals") != std::string::npos);
  CHECK(out.find("16:00") != std::string::npos);
}
