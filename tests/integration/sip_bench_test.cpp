// `hotline bench sip --quick` (bench/sip_bench.cpp) as a smoke test: a node,
// sipp callers and phones, the baselines, a few bridged calls with RTP.
// It checks the JSON's shape and that the lowest rate had no failure;
// never a speed (the machine is shared: figures go to docs/benchmarks.md).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"

using hotline::testing::run_capture;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

bool have(const std::string& program) {
  std::string out;
  return run_capture({"sh", "-c", "command -v " + program}, out, 10s) == 0;
}

/// `hotline bench sip ARGS` with its standard error joined to the output: status and text.
int bench_sip(std::vector<std::string> args, std::string& out, std::chrono::seconds timeout) {
  std::vector<std::string> argv{"sh", "-c", "exec \"$0\" bench sip \"$@\" 2>&1", HOTLINE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_capture(argv, out, timeout);
}

} // namespace

TEST_CASE("bench sip --quick prints every figure, with no failed call at the lowest rate") {
  REQUIRE_MESSAGE(have("sipp"), "sipp is not installed: apt-get install sip-tester");
  std::string out;
  // stdout only: the JSON (progress lines go to standard error).
  const int rc = run_capture({"sh", "-c", "exec \"$0\" bench sip --quick 2>/dev/null", HOTLINE_BIN},
                             out, 300s);
  REQUIRE_MESSAGE(rc == 0, out);
  const auto j = json::parse(out);
  for (const char* field :
       {"calls_per_s_zero_failures", "concurrent_bridged_calls", "rtp_loss_ratio",
        "post_dial_delay_p50_ms", "post_dial_delay_p99_ms", "cpu_us_per_call",
        "kamailio_calls_per_s", "sipp_direct_calls_per_s", "calls_per_s_without_retransmissions",
        "loadavg_at_start", "sweep", "direct_sweep", "concurrency", "post_dial_delay_measured",
        "rtp_loss_measured"})
    CHECK_MESSAGE(j.contains(field), "missing " << field << " in\n" << out);

  // The lowest rate: every call sipp placed succeeded and ended completed in the store.
  const auto& first = j.at("sweep").at(0);
  CHECK(first.at("failed").get<long long>() == 0);
  CHECK(first.at("successful") == first.at("calls"));
  CHECK(first.at("completed_in_store") == first.at("calls"));
  CHECK(first.at("passed").get<bool>());
  CHECK(j.at("calls_per_s_zero_failures").get<int>() >= first.at("rate").get<int>());
  CHECK(j.at("direct_sweep").at(0).at("failed").get<long long>() == 0);

  // Kamailio: a figure when installed, otherwise null with the reason. A
  // baseline, not what this test guards: on a busy machine its first step
  // has lost a call (1 run in ~8), so its failures are shown, not checked.
  if (have("kamailio")) {
    CHECK(j.at("kamailio_calls_per_s").is_number());
    REQUIRE(j.at("kamailio_sweep").size() >= 1);
    if (j.at("kamailio_sweep").at(0).at("failed").get<long long>() != 0)
      MESSAGE("Kamailio's lowest rate lost a call: " << j.at("kamailio_sweep").at(0).dump(2));
  } else {
    CHECK(j.at("kamailio_calls_per_s").is_null());
    CHECK(j.at("kamailio_error").get<std::string>().find("not installed") != std::string::npos);
  }

  // Bridged calls with RTP: every call answered, and the echo came back
  // (loss is a figure, not a pass mark, on a shared machine: only that
  // packets made the round trip at all).
  const auto& level = j.at("concurrency").at(0);
  CHECK(level.at("failed").get<long long>() == 0);
  CHECK(level.at("successful") == level.at("level"));
  CHECK(level.at("rtp_received").get<double>() > 0);
  CHECK(j.at("rtp_loss_ratio").is_number());
}

TEST_CASE("bench sip refuses bad options, naming them") {
  std::string out;
  CHECK(bench_sip({"--max-rate", "0"}, out, 30s) == 2);
  CHECK(out.find("--max-rate") != std::string::npos);
  out.clear();
  CHECK(bench_sip({"--seconds-per-step", "-1"}, out, 30s) == 2);
  CHECK(out.find("--seconds-per-step") != std::string::npos);
  out.clear();
  CHECK(bench_sip({"--seconds-per-step", "0"}, out, 30s) == 2);
  CHECK(out.find("--seconds-per-step") != std::string::npos);
  out.clear();
  CHECK(bench_sip({"--max-concurrent", "lots"}, out, 30s) == 2);
  CHECK(out.find("--max-concurrent") != std::string::npos);
  out.clear();
  CHECK(bench_sip({"--max-rat", "10"}, out, 30s) == 2);
  CHECK(out.find("--max-rate") != std::string::npos); // did you mean
}
