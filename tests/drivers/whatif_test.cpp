// What-if replay: a simulated day's callers, extracted from its store and
// re-run through the ACD under the same or another configuration.
#include <doctest/doctest.h>

#include <cmath>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/sim/quick_center.hpp"
#include "drivers/sim/recorded_arrivals.hpp"
#include "drivers/sim/simulator.hpp"
#include "drivers/sim/whatif.hpp"

using namespace hotline;
using namespace hotline::drivers::sim;

namespace {

/// 5 agents, 80 calls/h of 180 s (80 % occupancy), impatient callers: a
/// day with queueing, answers and abandons.
quick_center_options recorded_center() {
  quick_center_options q;
  q.agents = 5;
  q.rate_per_hour = 80;
  q.aht_s = 180;
  q.patience_s = 90;
  q.hours = 3;
  q.seed = 7;
  return q;
}

struct recording {
  ports::memory_event_store store;
  simulation_summary summary;
};

std::unique_ptr<recording> record(const quick_center_options& q) {
  auto r = std::make_unique<recording>();
  simulation_options opts;
  opts.answer_delay_s = 0;
  opts.progress_every_s = 0;
  auto sum = run_simulation(quick_center(q), r->store, opts);
  REQUIRE(sum);
  r->summary = *sum;
  return r;
}

whatif_options replay_options() {
  whatif_options o;
  o.answer_delay_s = 0;
  return o;
}

} // namespace

TEST_CASE("recorded arrivals: one per call, with its entry point, handle time and patience") {
  auto rec = record(recorded_center());
  auto calls = extract_recorded_arrivals(rec->store);
  REQUIRE(calls);
  REQUIRE(calls->arrivals.size() == rec->summary.arrivals);
  REQUIRE(calls->arrivals.size() > 150);
  std::size_t completed = 0, abandoned = 0;
  std::int64_t last = 0;
  for (const auto& a : calls->arrivals) {
    CHECK(a.at_ns >= last);
    last = a.at_ns;
    CHECK(a.dialed == "100");
    CHECK(a.channel == events::contact_channel::voice);
    CHECK_FALSE(a.caller.empty());
    if (a.recorded_outcome == events::call_outcome::completed) {
      ++completed;
      CHECK(a.queue == "main");
      CHECK(a.handle_time_s >= 1.0);   // the simulator's floor
      CHECK(std::isinf(a.patience_s)); // answered: censored, replayed as never abandoning
    } else if (a.recorded_outcome == events::call_outcome::abandoned) {
      ++abandoned;
      CHECK(std::isnan(a.handle_time_s));
      CHECK(a.patience_s >= 0);
      CHECK(std::isfinite(a.patience_s));
    }
  }
  CHECK(completed > 100);
  CHECK(abandoned > 5);
  CHECK(calls->first_event_ns == rec->summary.start_ns);

  fill_unknown_handle_times(calls->arrivals, 1);
  for (const auto& a : calls->arrivals)
    CHECK_FALSE(std::isnan(a.handle_time_s));
}

TEST_CASE("whatif with the recorded configuration reproduces the recording") {
  auto q = recorded_center();
  auto rec = record(q);
  auto r = run_whatif(rec->store, quick_center(q), replay_options());
  REQUIRE(r);
  CHECK(r->unknown.count == 0);
  CHECK(r->replayed == rec->summary.arrivals);
  const auto& a = r->recorded["totals"];
  const auto& b = r->whatif["totals"];
  CHECK(a["offered"].get<std::int64_t>() > 150);
  CHECK(b["offered"] == a["offered"]);
  CHECK(r->delta["offered"] == 0);
  CHECK(std::abs(b["answered"].get<double>() - a["answered"].get<double>()) <= 2);
  CHECK(std::abs(b["abandoned"].get<double>() - a["abandoned"].get<double>()) <= 2);
  CHECK(b["service_level"].get<double>() ==
        doctest::Approx(a["service_level"].get<double>()).epsilon(0.02));
  CHECK(b["asa_s"].get<double>() == doctest::Approx(a["asa_s"].get<double>()).epsilon(0.05));
  CHECK(b["aht_s"].get<double>() == doctest::Approx(a["aht_s"].get<double>()).epsilon(0.02));
}

TEST_CASE("whatif with more agents answers faster and loses fewer callers") {
  auto q = recorded_center();
  auto rec = record(q);
  auto more = q;
  more.agents = 8;
  auto r = run_whatif(rec->store, quick_center(more), replay_options());
  REQUIRE(r);
  const auto& a = r->recorded["totals"];
  const auto& b = r->whatif["totals"];
  CHECK(b["offered"] == a["offered"]);
  CHECK(b["service_level"].get<double>() > a["service_level"].get<double>());
  CHECK(b["asa_s"].get<double>() < a["asa_s"].get<double>());
  CHECK(b["abandoned"].get<std::int64_t>() < a["abandoned"].get<std::int64_t>());
  CHECK(r->delta["service_level"].get<double>() > 0);
  CHECK(render_whatif_table(*r).find("SL") != std::string::npos);
}

TEST_CASE("calls to an entry point the new configuration lacks are counted, not replayed") {
  auto q = recorded_center();
  q.hours = 1;
  auto rec = record(q);
  auto cfg = quick_center(q);
  cfg.center.entry_points.front().dialed = "200";
  auto r = run_whatif(rec->store, cfg, replay_options());
  REQUIRE(r);
  CHECK(r->recorded_calls == rec->summary.arrivals);
  CHECK(r->unknown.count == r->recorded_calls);
  CHECK(r->unknown.by_entry.at("100") == r->recorded_calls);
  CHECK(r->replayed == 0);
  CHECK(r->whatif["totals"]["offered"] == 0);
  CHECK(render_whatif_table(*r).find("100=") != std::string::npos);
}

TEST_CASE("remove_unknown_arrivals keeps known entry points and queues, counts the rest") {
  auto center = quick_center({}).center;
  std::vector<recorded_arrival> v(4);
  v[0].dialed = "100";
  v[1].dialed = "999";
  v[2].queue = "main";
  v[3].queue = "gone";
  auto u = remove_unknown_arrivals(v, center);
  CHECK(u.count == 2);
  CHECK(u.by_entry.at("999") == 1);
  CHECK(u.by_entry.at("queue:gone") == 1);
  REQUIRE(v.size() == 2);
  CHECK(v[0].dialed == "100");
  CHECK(v[1].queue == "main");
}

TEST_CASE(
    "whatif table: ratio deltas in percentage points, each delta with its noise and a verdict") {
  whatif_result r;
  r.recorded = {{"totals",
                 {{"offered", 100},
                  {"answered", 90},
                  {"abandoned", 8},
                  {"blocked", 2},
                  {"service_level", 0.8},
                  {"asa_s", 12.0},
                  {"aht_s", 180.0},
                  {"occupancy", nullptr},
                  {"abandon_rate", 0.08}}}};
  r.whatif = {{"totals",
               {{"offered", 100},
                {"answered", 93},
                {"abandoned", 5},
                {"blocked", 2},
                {"service_level", 0.865},
                {"asa_s", 9.0},
                {"aht_s", 180.0},
                {"occupancy", nullptr},
                {"abandon_rate", 0.05}}}};
  r.delta = whatif_delta(r.recorded["totals"], r.whatif["totals"]);
  CHECK(r.delta["service_level"].get<double>() == doctest::Approx(0.065));
  r.noise = {{"offered", 0.0}, {"answered", 2.0},       {"abandoned", 4.0},
             {"blocked", 0.0}, {"service_level", 0.03}, {"asa_s", 5.0},
             {"aht_s", 1.0},   {"occupancy", nullptr},  {"abandon_rate", 0.04}};
  r.runs = {{"offered", {100, 100, 100}}};
  auto table = render_whatif_table(r);
  CHECK(table.find("+6.5 pp") !=
        std::string::npos); // 80.0 % -> 86.5 %: points, not a relative change
  CHECK(table.find("+6.5%") == std::string::npos);
  CHECK(table.find("±3.0 pp") != std::string::npos);
  CHECK(table.find("80.0%") != std::string::npos); // values stay percentages
  auto line = [&](const std::string& label) {
    auto at = table.find("\n" + label + " ");
    REQUIRE(at != std::string::npos);
    return table.substr(at + 1, table.find('\n', at + 1) - at - 1);
  };
  CHECK(line("SL").ends_with("change"));              // 6.5 pp > 3.0 pp
  CHECK(line("answered").ends_with("change"));        // 3 > 2
  CHECK(line("abandoned").ends_with("within noise")); // 3 <= 4
  CHECK(line("ASA s").ends_with("within noise"));
  CHECK(line("abandon rate").find("-3.0 pp") != std::string::npos);
  CHECK(line("occupancy").find("-") != std::string::npos);
  CHECK(table.find("percentage points") != std::string::npos);
}

TEST_CASE("whatif noise: a 95 % prediction band of the difference of two runs, from the spread "
          "over seeds") {
  using nlohmann::json;
  // s = 0.02 over 3 runs: t(2) = 4.303; 4.303 * 0.02 * sqrt(2) = 0.1217
  CHECK(whatif_noise({json(0.80), json(0.82), json(0.78)}).get<double>() ==
        doctest::Approx(0.1217).epsilon(0.001));
  CHECK(whatif_noise({json(5), json(5), json(5)}).get<double>() == 0.0);
  CHECK(whatif_noise({json(0.8)}).is_null());
  CHECK(whatif_noise({json(0.8), json(nullptr)}).is_null());
  CHECK(beyond_noise(json(0.13), json(0.1217)));
  CHECK_FALSE(beyond_noise(json(-0.12), json(0.1217)));
  CHECK_FALSE(beyond_noise(json(0.5), json(nullptr)));
}

TEST_CASE("whatif with the recorded configuration: every delta is within its noise") {
  auto q = recorded_center();
  auto rec = record(q);
  auto opts = replay_options();
  opts.noise_runs = 5;
  auto r = run_whatif(rec->store, quick_center(q), opts);
  REQUIRE(r);
  for (const char* m : {"offered", "answered", "abandoned", "blocked", "service_level", "asa_s",
                        "aht_s", "abandon_rate"}) {
    INFO(m, ": delta ", r->delta[m].dump(), " noise ", r->noise[m].dump(), " runs ",
         r->runs[m].dump());
    REQUIRE(r->noise[m].is_number());
    CHECK_FALSE(beyond_noise(r->delta[m], r->noise[m]));
    CHECK(r->runs[m].size() == 5);
  }
  // and a real change stands out: 8 agents instead of 5
  auto more = q;
  more.agents = 8;
  auto better = run_whatif(rec->store, quick_center(more), opts);
  REQUIRE(better);
  CHECK(beyond_noise(better->delta["service_level"], better->noise["service_level"]));
  CHECK(beyond_noise(better->delta["asa_s"], better->noise["asa_s"]));
}
