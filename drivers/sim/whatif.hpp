#pragma once
/// What-if replay (`hotline whatif`, docs/whatif.md): the callers of a
/// recorded store re-run through the real ACD actors under another
/// configuration (staffing, strategies, overflow), with the KPIs of the
/// recording and of the re-run side by side.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "config/configuration.hpp"
#include "drivers/sim/recorded_arrivals.hpp"
#include "drivers/sim/simulator.hpp"
#include "drivers/store/event_store.hpp"

namespace hotline::drivers::sim {

struct whatif_options {
  std::uint64_t seed = 1;      ///< draws handle times for calls never connected in the recording
  bool seed_given = false;     ///< Default: false (the configuration's seed)
  double answer_delay_s = 2.0; ///< how long a phone rings before the simulated agent answers
  /// Service-level threshold T for both reports. 0: the configuration's
  /// first queue's (20 s without queues). Default: 0
  int sl_threshold_s = 0;
};

struct whatif_result {
  nlohmann::json recorded;  ///< build_report of the recorded store
  nlohmann::json whatif;    ///< build_report of the re-run
  nlohmann::json delta;     ///< whatif_delta of their totals
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
events::result<whatif_result> run_whatif(const event_store& recorded_store, const config::configuration& cfg,
                                         const whatif_options& opts);

/// For each of offered, answered, abandoned, blocked, service_level, asa_s,
/// aht_s, occupancy and abandon_rate: whatif minus recorded (null when either is null).
nlohmann::json whatif_delta(const nlohmann::json& recorded_totals, const nlohmann::json& whatif_totals);

/// The side-by-side table: one row a metric, columns recorded, what-if, delta.
std::string render_whatif_table(const whatif_result& r);

} // namespace hotline::drivers::sim
