// `hotline bench web --quick` (bench/web_bench.cpp) as a smoke test: a node
// with a small simulated center, chromium driven by playwright-core, the
// page loads and the wallboard's figures. It checks the JSON's shape and
// that the figures were measured (tiles drawn, events counted); never a
// speed (the machine is shared: figures go to docs/benchmarks.md).
#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"

using hotline::testing::run_capture;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string node_modules = std::string{HOTLINE_SOURCE_DIR} + "/tests/web/node_modules";

/// `hotline bench web ARGS` with its standard error joined to the output: status and text.
int bench_web(std::vector<std::string> args, std::string& out) {
  std::vector<std::string> argv{"sh", "-c", "exec \"$0\" bench web \"$@\" 2>&1", HOTLINE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_capture(argv, out, 300s);
}

} // namespace

TEST_CASE("bench web --quick loads the desktop and the wallboard and measures tile updates") {
  std::string out;
  REQUIRE_MESSAGE(run_capture({"sh", "-c", "command -v node"}, out, 10s) == 0,
                  "node is not installed: apt-get install nodejs");
  REQUIRE_MESSAGE(std::filesystem::exists("/usr/bin/chromium"),
                  "chromium is not installed: apt-get install chromium");
  REQUIRE_MESSAGE(std::filesystem::exists(node_modules + "/playwright-core"),
                  "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/web");
  // Progress lines (standard error), then the JSON (standard output).
  REQUIRE_MESSAGE(bench_web({"--quick", "--node-modules", node_modules}, out) == 0, out);
  const auto at = out.find("\n{");
  REQUIRE_MESSAGE(at != std::string::npos, out);
  const auto j = json::parse(out.substr(at + 1));
  for (const char* field :
       {"desktop_load_ms", "wallboard_load_ms", "tile_update_p99_ms", "wallboard_cpu_ratio",
        "baseline_load_ms", "event_to_page_p99_ms", "desktop_load_vs_baseline",
        "tile_update_p99_vs_event_to_page_p99", "node_cpu_ratio", "events_to_wallboard"})
    CHECK_MESSAGE(j.contains(field), "missing " << field << " in\n" << out);
  CHECK(j.at("tiles") == 5);
  CHECK(j.at("desktop_load_ms").get<double>() > 0);
  CHECK(j.at("wallboard_load_ms").get<double>() > 0);
  // Callers arrive once a second over the 5 queues: the window saw some.
  CHECK(j.at("events_to_wallboard").get<int>() > 0);
  CHECK(j.at("tile_updates_measured").get<int>() > 0);
}

TEST_CASE("bench web refuses bad options and missing tools, naming them") {
  std::string out;
  CHECK(bench_web({"--queues", "0"}, out) == 2);
  CHECK_MESSAGE(out.find("--queues: 1 to 999, not 0") != std::string::npos, out);
  CHECK(bench_web({"--queues", "10", "--agents", "5"}, out) == 2);
  CHECK_MESSAGE(out.find("--agents: at least one a queue (10)") != std::string::npos, out);
  CHECK(bench_web({"--seconds", "0.5"}, out) == 2);
  CHECK_MESSAGE(out.find("--seconds: at least 1") != std::string::npos, out);
  CHECK(bench_web({"--loads", "x"}, out) != 0);
  CHECK(bench_web({"--node-modules", "/nonexistent"}, out) == 3);
  CHECK_MESSAGE(out.find("no playwright-core in /nonexistent") != std::string::npos, out);
  CHECK(bench_web({"--chromium", "/nonexistent/chromium"}, out) == 3);
  CHECK_MESSAGE(out.find("no chromium at /nonexistent/chromium") != std::string::npos, out);
}
