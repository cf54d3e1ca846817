// `hotline bench ivr` (bench/ivr_bench.cpp) as a smoke test: a few IVR
// sessions on the real actors and a RocksDB store for a second per phase.
// It checks the JSON's shape and that the callers got through their
// entries with audio for every prompt; never a speed (the machine is
// shared: figures go to docs/benchmarks.md).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"

using hotline::testing::run_capture;
using json = nlohmann::json;
using namespace std::chrono_literals;

TEST_CASE("bench ivr with 20 sessions prints every figure, with audio for every prompt") {
  std::string out;
  // stdout only: the JSON (progress lines go to standard error).
  const int rc = run_capture({"sh", "-c",
                              "exec \"$0\" bench ivr --sessions 20 --seconds 1 --prompt-ms 50 "
                              "--think-ms 20 --digit-gap-ms 5 --orders 2 --tts-renders 4 "
                              "2>/dev/null",
                              HOTLINE_BIN},
                             out, 300s);
  REQUIRE_MESSAGE(rc == 0, out);
  const auto j = json::parse(out);
  for (const char* field :
       {"sessions", "digits", "next_prompt_p50_ms", "next_prompt_p99_ms", "baseline_p50_ms",
        "baseline_p99_ms", "ratio_to_baseline", "dynamic_tts_p50_ms", "dynamic_tts_p99_ms",
        "target_p99_ms", "meets_target", "cpu_ms_per_session", "baseline", "measured"})
    CHECK_MESSAGE(j.contains(field), "missing " << field << " in\n" << out);
  CHECK(j.at("sessions").get<int>() == 20);
  CHECK(j.at("target_p99_ms").get<int>() == 100);
  // Short prompts and quick callers: entries were measured in both
  // phases (how many depends on the machine's speed), each with its audio.
  CHECK(j.at("digits").get<long long>() > 0);
  for (const char* phase : {"baseline", "measured"}) {
    const auto& p = j.at(phase);
    CHECK_MESSAGE(p.at("next_prompt").at("samples").get<long long>() > 0, phase);
    CHECK_MESSAGE(p.at("prompts_without_audio").get<long long>() == 0, out);
    CHECK(p.at("sessions_started").get<long long>() >= 20);
    // Every order typed is in the table: no session went to an agent or failed.
    CHECK_MESSAGE(!p.at("exits").contains("queue"), out);
    CHECK_MESSAGE(!p.at("exits").contains("failed"), out);
  }
  // Dynamic TTS: figures when espeak-ng is installed, otherwise the reason.
  if (j.contains("dynamic_tts_error")) {
    CHECK(j.at("dynamic_tts_p99_ms").is_null());
    CHECK(j.at("dynamic_tts_error").get<std::string>().find("espeak-ng") != std::string::npos);
  } else {
    CHECK(j.at("dynamic_tts_p99_ms").is_number());
    CHECK(j.at("dynamic_tts").at("failed").get<int>() == 0);
  }
}

TEST_CASE("bench ivr refuses bad options, naming them") {
  std::string out;
  const int rc =
      run_capture({"sh", "-c", "exec \"$0\" bench ivr --sessions 0 2>&1", HOTLINE_BIN}, out, 60s);
  CHECK(rc != 0);
  CHECK_MESSAGE(out.find("--sessions") != std::string::npos, out);
}
