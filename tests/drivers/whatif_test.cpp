// What-if replay: a simulated day's callers, extracted from its store and
// re-run through the ACD under the same or another configuration.
#include <doctest/doctest.h>

#include <cmath>

#include "drivers/sim/quick_center.hpp"
#include "drivers/sim/recorded_arrivals.hpp"
#include "drivers/sim/simulator.hpp"
#include "drivers/sim/whatif.hpp"
#include "drivers/store/memory_event_store.hpp"

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
  drivers::memory_event_store store;
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
    CHECK(a.channel == "voice");
    CHECK_FALSE(a.caller.empty());
    if (a.recorded_outcome == "completed") {
      ++completed;
      CHECK(a.queue == "main");
      CHECK(a.handle_time_s >= 1.0); // the simulator's floor
      CHECK(std::isinf(a.patience_s)); // answered: censored, replayed as never abandoning
    } else if (a.recorded_outcome == "abandoned") {
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
  for (const auto& a : calls->arrivals) CHECK_FALSE(std::isnan(a.handle_time_s));
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
  CHECK(b["service_level"].get<double>() == doctest::Approx(a["service_level"].get<double>()).epsilon(0.02));
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
