// Command-line values (issues 18.8, 19.15-19.17), through the real binary:
// bad numbers and times are usage errors (exit 2) that name the option and
// what it expects; typos get the nearest name.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/hotline_cli.hpp"
#include "tests/support/process.hpp"

using hotline::testing::run_capture;

namespace {

struct result {
  int status;
  std::string out; ///< stdout and stderr together
};

result run(std::vector<std::string> args) {
  result r;
  r.status = hotline::testing::hotline_argv(std::move(args), r.out);
  return r;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("bad numbers named in issue 18.8 and 19.15 are usage errors naming the option") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"node", "--config", "x.toml", "--hours", "-1"},
       "hotline node: --hours: expected a number of hours from 0 to 87600, got -1"},
      {{"node", "--config", "x.toml", "--hours", "nan"},
       "hotline node: --hours: expected a number of hours from 0 to 87600, got nan"},
      {{"node", "--config", "x.toml", "--seed", "18446744073709551616"},
       "hotline node: --seed: expected a whole number from 0 to 18446744073709551615, got "
       "18446744073709551616"},
      {{"kpi", "--store", "/nonexistent/hotline-store", "--sl-threshold-s", "nan"},
       "hotline kpi: --sl-threshold-s: expected a number of seconds from 1 to 86400, got nan"},
      {{"simulate", "--agents", "-1", "--rate-per-hour", "10", "--aht-s", "60"},
       "hotline simulate: --agents: expected a number of agents from 1 to 10000, got -1"},
      {{"simulate", "--agents", "2", "--rate-per-hour", "10", "--aht-s", "nan"},
       "hotline simulate: --aht-s: expected a number of seconds from 1 to 86400, got nan"},
      {{"simulate", "--agents", "2147483647", "--rate-per-hour", "10", "--aht-s", "60"},
       "hotline simulate: --agents: expected a number of agents from 1 to 10000, got 2147483647"},
      {{"demo", "--hours", "0"},
       "hotline demo: --hours: expected a number of hours from 0.01 to 8760, got 0"},
      {{"demo", "--hours", "-2"},
       "hotline demo: --hours: expected a number of hours from 0.01 to 8760, got -2"},
      {{"demo", "--duration", "-3"},
       "hotline demo: --duration: expected a number of wall-clock seconds from 1 to 86400, got -3"},
  };
  for (const auto& [args, expected] : cases) {
    const auto r = run(args);
    CHECK_MESSAGE(r.status == 2, r.out);
    CHECK_MESSAGE(has(r.out, expected), r.out);
  }
}

TEST_CASE("every numeric option of every subcommand refuses nan, inf, negatives and overflow") {
  // Subcommand (with its required options) and its numeric options.
  struct command {
    std::vector<std::string> base;
    std::vector<std::string> options;
  };
  const std::vector<command> commands = {
      {{"node", "--config", "x.toml"}, {"--hours", "--traffic-for", "--seed"}},
      {{"simulate"},
       {"--agents", "--rate-per-hour", "--aht-s", "--patience-s", "--sl-threshold-s", "--hours",
        "--seed", "--answer-delay-s"}},
      {{"demo"}, {"--duration", "--hours", "--seed"}},
      {{"kpi", "--store", "/nonexistent/hotline-store"}, {"--sl-threshold-s", "--short-abandon-s"}},
      {{"replay", "--store", "/nonexistent/hotline-store", "--out", "y"},
       {"--kafka-timeout", "--commit-every", "--sl-threshold-s"}},
      {{"whatif", "--store", "/", "--config", HOTLINE_CONFIG_DIR "/minimal.toml"},
       {"--seed", "--answer-delay-s", "--sl-threshold-s"}},
      {{"staff"},
       {"--rate-per-hour", "--aht-s", "--agents", "--target-sl", "--target-answer-s",
        "--target-asa-s", "--max-occupancy", "--shrinkage", "--patience-s", "--interval-min",
        "--shift-hours", "--break-min", "--break-after-min", "--break-window-min",
        "--start-step-min"}},
      {{"store", "read", "--store", "/nonexistent/hotline-store"}, {"--from", "--limit"}},
      {{"kafka-mock"}, {"--brokers"}},
      {{"relay", "--store", "/nonexistent/hotline-store", "--kafka", "k", "--site", "s"},
       {"--timeout", "--checkpoint-every"}},
      {{"sites", "--kafka", "k"}, {"--timeout"}},
  };
  for (const auto& c : commands)
    for (const auto& option : c.options)
      for (const std::string value : {"nan", "inf", "-1", "1e999", "12abc"}) {
        auto args = c.base;
        args.push_back(option);
        args.push_back(value);
        const auto r = run(args);
        INFO(c.base[0], " ", option, " ", value, ": ", r.out);
        CHECK(r.status == 2);
        CHECK(has(r.out, option + ": expected "));
      }
}

TEST_CASE("time options take RFC 3339 offsets and say the expected format") {
  // 08:00+02:00 is 06:00Z: a range from it to 06:00Z is empty, which only a
  // parser that applied the offset can tell.
  auto r = run({"audit", "query", "--store", "/nonexistent/hotline-store", "--from",
                "2026-01-05T08:00:00+02:00", "--to", "2026-01-05T06:00:00Z"});
  CHECK(r.status == 2);
  CHECK_MESSAGE(
      has(r.out, "--to 2026-01-05T06:00:00Z is not after --from 2026-01-05T08:00:00+02:00"), r.out);
  r = run({"audit", "query", "--store", "/nonexistent/hotline-store", "--from",
           "2026-01-05T08:00:00+02:00", "--to", "2026-01-05T06:00:01Z"});
  CHECK_MESSAGE(!has(r.out, "is not"), r.out); // accepted: it fails later, on the missing store
  r = run(
      {"kpi", "--store", "/nonexistent/hotline-store", "--from", "2026-01-05T08:00:00.5-05:30"});
  CHECK_MESSAGE(!has(r.out, "is not a time"), r.out);
  r = run({"kpi", "--store", "/nonexistent/hotline-store", "--from", "5 Jan 2026"});
  CHECK(r.status == 2);
  CHECK_MESSAGE(has(r.out, "--from '5 Jan 2026' is not a time: expected an RFC 3339 time such as "
                           "2026-01-05T08:00:00Z or "
                           "2026-01-05T08:00:00+02:00"),
                r.out);
}

TEST_CASE("audit query with --to before --from is an error, not an empty answer") {
  const auto r = run({"audit", "query", "--store", "/nonexistent/hotline-store", "--from",
                      "2026-01-05T08:00:00Z", "--to", "2026-01-05T07:00:00Z"});
  CHECK(r.status == 2);
  CHECK_MESSAGE(
      has(r.out,
          "--to 2026-01-05T07:00:00Z is not after --from 2026-01-05T08:00:00Z: no event can match"),
      r.out);
}

TEST_CASE("whatif on a store with no recorded calls says so and exits 2") {
  hotline::testing::temp_dir dir;
  const auto store = dir.path() + "/s";
  auto r = run({"simulate", "--agents", "1", "--rate-per-hour", "0", "--aht-s", "60", "--hours",
                "0.1", "--store", store});
  REQUIRE_MESSAGE(r.status == 0, r.out);
  r = run({"whatif", "--store", store, "--config", HOTLINE_CONFIG_DIR "/minimal.toml"});
  CHECK(r.status == 2);
  CHECK_MESSAGE(has(r.out, "hotline whatif: no recorded calls in " + store +
                               " (no call arrived in it): nothing to replay"),
                r.out);
}

TEST_CASE("an unknown subcommand or option gets the nearest name") {
  auto r = run({"nod"});
  CHECK(r.status == 2);
  CHECK_MESSAGE(has(r.out, "unknown subcommand 'nod' (did you mean 'node'?)"), r.out);
  r = run({"config", "chek", "x.toml"});
  CHECK(r.status == 2);
  CHECK_MESSAGE(has(r.out, "hotline config: "), r.out);
  CHECK_MESSAGE(has(r.out, "unknown subcommand 'chek' (did you mean 'check'?)"), r.out);
  r = run({"simulate", "--agent", "3"});
  CHECK(r.status == 2);
  CHECK_MESSAGE(has(r.out, "hotline simulate: "), r.out);
  CHECK_MESSAGE(has(r.out, "unknown option '--agent' (did you mean '--agents'?)"), r.out);
  r = run({"node", "--hour", "3"});
  CHECK(r.status == 2);
  CHECK_MESSAGE(has(r.out, "unknown option '--hour' (did you mean '--hours'?)"), r.out);
}
