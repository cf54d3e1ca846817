// The simulator (the real ACD actors on the virtual clock) checked against
// queueing theory: M/M/c against Erlang C, M/M/c+M against Erlang A.
//
// Tolerance: waits in a queue are strongly autocorrelated, so the spread of
// single calls says little. The run is cut into K batches of 10 simulated
// hours (batch means); the batch values are nearly independent, and the
// standard error of their mean is sd/sqrt(K). A metric passes when the mean
// of its batches is within 4 standard errors of the formula (a false alarm
// about once in 16,000 runs for each check), plus 1% of the value for the
// discrete-event details the formulas ignore. The first batch (the empty
// center filling up) is dropped.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/sim/kpi_of_store.hpp"
#include "drivers/sim/quick_center.hpp"
#include "drivers/sim/simulator.hpp"
#include "projections/staffing/erlang.hpp"

using namespace hotline;
using namespace hotline::projections;

namespace {

constexpr double batch_hours = 10;

struct batch_stats {
  std::vector<double> values;
  double mean() const {
    double s = 0;
    for (double v : values)
      s += v;
    return s / static_cast<double>(values.size());
  }
  double standard_error() const {
    double m = mean(), ss = 0;
    for (double v : values)
      ss += (v - m) * (v - m);
    return std::sqrt(ss / static_cast<double>(values.size() - 1)) /
           std::sqrt(static_cast<double>(values.size()));
  }
};

/// Per-batch totals of a simulation run, keyed by batch start.
std::map<std::int64_t, kpi::kpi_counters> batches(const ports::event_store& store,
                                                  std::int64_t threshold_ms) {
  kpi::kpi_options o;
  o.interval_ms = static_cast<std::int64_t>(batch_hours * 3'600'000);
  o.sl_threshold_ms = threshold_ms;
  o.short_abandon_ms = 0;
  auto k = drivers::sim::kpi_of_store(store, o);
  REQUIRE(k.has_value());
  std::map<std::int64_t, kpi::kpi_counters> out;
  for (const auto& c : k->cells())
    if (c.dim == kpi::dimension::total) out[c.interval_start_ns] = *c.counters;
  out.erase(out.begin());                            // warm-up
  if (!out.empty()) out.erase(std::prev(out.end())); // calls cut off at the end
  return out;
}

void check_close(const char* what, const batch_stats& b, double theory) {
  double tol = 4 * b.standard_error() + 0.01 * std::abs(theory);
  MESSAGE(std::string{what} << ": simulated " << b.mean() << " +- " << b.standard_error()
                            << " (SE, " << b.values.size() << " batches), theory " << theory
                            << ", tolerance " << tol);
  CHECK(std::abs(b.mean() - theory) <= tol);
}

struct run {
  ports::memory_event_store store;
  double lambda_per_s;
};

void simulate(run& r, const drivers::sim::quick_center_options& q) {
  auto cfg = drivers::sim::quick_center(q);
  drivers::sim::simulation_options opts;
  opts.answer_delay_s = 0;
  auto sum = drivers::sim::run_simulation(cfg, r.store, opts);
  REQUIRE(sum.has_value());
  r.lambda_per_s = q.rate_per_hour / 3600;
}

} // namespace

TEST_CASE("M/M/c: simulated waiting probability, service level, ASA and occupancy match Erlang C") {
  drivers::sim::quick_center_options q;
  q.agents = 8;
  q.aht_s = 180;
  q.rate_per_hour = 128; // A = 6.4 Erlangs, rho = 0.8
  q.hours = 300;
  q.seed = 20261123;
  run r;
  simulate(r, q);
  auto theory = staffing::erlang_c_metrics(r.lambda_per_s, q.aht_s, q.agents, 20);
  REQUIRE(theory.has_value());

  batch_stats p_wait, sl, asa, occupancy;
  for (const auto& [t, c] : batches(r.store, 0))
    p_wait.values.push_back(1.0 - double(c[kpi::answered_within_t]) / double(c[kpi::answered]));
  for (const auto& [t, c] : batches(r.store, 20'000)) {
    sl.values.push_back(double(c[kpi::answered_within_t]) / double(c[kpi::offered]));
    asa.values.push_back(double(c[kpi::wait_answered_ms]) / 1000.0 / double(c[kpi::answered]));
    occupancy.values.push_back(double(c[kpi::on_call_ms]) /
                               double(c[kpi::on_call_ms] + c[kpi::ready_ms]));
  }
  REQUIRE(p_wait.values.size() >= 25);
  check_close("P(wait)", p_wait, theory->p_wait);
  check_close("service level (20 s)", sl, theory->service_level);
  check_close("ASA (s)", asa, theory->asa_s);
  check_close("occupancy", occupancy, theory->occupancy);
}

TEST_CASE("M/M/c+M: simulated abandonment and ASA match Erlang A") {
  drivers::sim::quick_center_options q;
  q.agents = 8;
  q.aht_s = 180;
  q.rate_per_hour = 160; // A = 8 Erlangs on 8 agents: only abandonment keeps it stable
  q.patience_s = 120;
  q.hours = 300;
  q.seed = 7;
  run r;
  simulate(r, q);
  auto theory = staffing::erlang_a_metrics(r.lambda_per_s, q.aht_s, q.agents, 20, q.patience_s);
  REQUIRE(theory.has_value());

  batch_stats p_abandon, asa, sl;
  for (const auto& [t, c] : batches(r.store, 20'000)) {
    double offered = double(c[kpi::offered]);
    p_abandon.values.push_back(double(c[kpi::abandoned] + c[kpi::short_abandoned]) / offered);
    asa.values.push_back(double(c[kpi::wait_answered_ms]) / 1000.0 / double(c[kpi::answered]));
    sl.values.push_back(double(c[kpi::answered_within_t]) / offered);
  }
  REQUIRE(p_abandon.values.size() >= 25);
  check_close("P(abandon)", p_abandon, theory->p_abandon);
  check_close("ASA (s)", asa, theory->asa_s);
  check_close("service level (20 s, answered within T / offered)", sl, theory->service_level);
}
