#pragma once
/// What-if replay (`hotline whatif`, docs/whatif.md): the callers of a
/// recorded store re-run through the real ACD actors under another
/// configuration (staffing, strategies, overflow), with the KPIs of the
/// recording and of the re-run side by side.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/ports/event_store.hpp"
#include "config/configuration.hpp"
#include "drivers/sim/recorded_arrivals.hpp"
#include "drivers/sim/simulator.hpp"

namespace hotline::drivers::sim {

struct whatif_options {
  std::uint64_t seed = 1;      ///< draws handle times for calls never connected in the recording
  bool seed_given = false;     ///< Default: false (the configuration's seed)
  double answer_delay_s = 2.0; ///< how long a phone rings before the simulated agent answers
  /// Service-level threshold T for both reports. 0: the configuration's
  /// first queue's (20 s without queues). Default: 0
  double sl_threshold_s = 0;
  /// Re-runs used to measure the noise of each delta: the what-if is run
  /// again with seeds seed+1 .. seed+noise_runs-1 (handle times of calls
  /// never connected and every draw of the simulator change). 1: no noise
  /// estimate (noise null). REQUIRES: 1..20. Default: 5
  int noise_runs = 5;
};

struct whatif_result {
  nlohmann::json recorded; ///< build_report of the recorded store
  nlohmann::json whatif;   ///< build_report of the re-run
  nlohmann::json delta;    ///< whatif_delta of their totals
  /// Per compared metric, the noise of its delta (whatif_noise; in the
  /// metric's unit, ratios as fractions like the delta); null when unknown.
  nlohmann::json noise;
  /// Per compared metric, the what-if totals of each noise run (the first is `whatif`'s).
  nlohmann::json runs;
  std::uint64_t recorded_calls = 0; ///< inbound calls found in the recording
  std::uint64_t replayed = 0;       ///< of which re-run (the rest: `unknown`)
  unknown_arrivals unknown;         ///< calls whose entry point / queue the configuration lacks
  simulation_summary summary;
};

/// Extracts the recorded arrivals of `recorded_store`, replays those the
/// configuration knows over the recording's time span (its first event to
/// its last plus a second), and reports both runs. Unknown entry points are
/// counted, never an error. Errors: the store's read errors, a payload that
/// does not decode, a recording with no events.
events::result<whatif_result> run_whatif(const ports::event_store& recorded_store,
                                         const config::configuration& cfg,
                                         const whatif_options& opts);

/// For each of offered, answered, abandoned, blocked, service_level, asa_s,
/// aht_s, occupancy and abandon_rate: whatif minus recorded (null when either is null).
nlohmann::json whatif_delta(const nlohmann::json& recorded_totals,
                            const nlohmann::json& whatif_totals);

/// The noise of a delta between two single runs of the same process: the
/// half-width of a 95 % prediction interval, t(n-1) * s * sqrt(2), where s
/// is the sample standard deviation of `values` (one metric over n runs
/// that differ only in their seed). Null when fewer than 2 values or any is
/// null. A delta whose magnitude is within it cannot be told from noise.
nlohmann::json whatif_noise(const std::vector<nlohmann::json>& values);

/// True when `delta` is a real change: both known and |delta| > noise.
bool beyond_noise(const nlohmann::json& delta, const nlohmann::json& noise);

/// The side-by-side table: one row a metric, columns recorded, what-if,
/// delta (ratios in percentage points, "pp"), its noise and a verdict.
std::string render_whatif_table(const whatif_result& r);

} // namespace hotline::drivers::sim
