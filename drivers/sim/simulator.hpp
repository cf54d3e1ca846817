#pragma once
/// The traffic simulator: a whole contact center on a virtual clock, driving
/// the real ACD actors (the same call, agent, queue and trunk code as a
/// node) with simulated callers and agents. A day runs in seconds and a
/// fixed seed gives the identical event stream.
///
/// Callers arrive per the configuration's arrival profiles (Poisson, constant
/// or per-interval counts), wait with a patience drawn from their profile
/// (hanging up when it runs out: abandoned), talk for a drawn handle time
/// once connected. Agents log in and out with their shifts, take breaks as
/// not-ready, answer a ringing phone after `answer_delay`.
///
/// Callers of an entry point with an IVR flow walk it first, answering per
/// their profile's `ivr` table (simulated_ivr_callers.hpp); lookups read
/// the flows' CSV tables.
///
/// Or the callers are a recorded day's (`recorded_arrivals`, docs/whatif.md):
/// each arrives at its recorded time at its recorded entry point, talks for
/// its recorded handle time and abandons after its recorded patience.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "config/configuration.hpp"
#include "drivers/sim/recorded_arrival.hpp"

namespace hotline::drivers::sim {

struct simulation_options {
  std::uint64_t seed = 1; ///< Default: the configuration's seed
  bool seed_given = false;
  double hours = 0;            ///< 0: the configuration's start..end
  double answer_delay_s = 2.0; ///< how long a phone rings before an agent picks up
  std::int64_t day_epoch_ns =
      1'795'392'000'000'000'000; ///< midnight UTC of the simulated day (2026-11-23)
  /// Called every `progress_every_s` of virtual time (dashboards), with the
  /// virtual time in ns. Optional.
  std::function<void(std::int64_t)> on_progress;
  double progress_every_s = 60;
  /// When set, these callers replace the configuration's arrival profiles
  /// (and its VIP shares: the recorded caller numbers decide). REQUIRES:
  /// sorted by at_ns, handle times not NaN. Arrivals before the run's start
  /// arrive at its start; those after its end are not replayed.
  /// Default: unset (arrivals from the profiles)
  std::optional<std::vector<recorded_arrival>> recorded_arrivals;
  /// Call ids are `<prefix><n>`. Default: empty, meaning `s<seed>-` (give
  /// each site of a federation its own prefix: ids must be unique across sites).
  std::string call_id_prefix;
  /// The wall-clock reading in an IVR flow's `time_zone` at a UTC instant
  /// (acd_context::local_wall: what `hours` nodes read); the composition
  /// root sets it with drivers/time_zone. Default: empty (UTC).
  std::function<std::int64_t(const std::string& zone, std::int64_t utc_ns)> local_wall;
};

struct simulation_summary {
  std::uint64_t arrivals = 0;
  std::uint64_t ended = 0;
  std::uint64_t events = 0;            ///< appended to the store
  std::uint64_t messages = 0;          ///< actor messages processed
  std::uint64_t agents_passivated = 0; ///< agent actors let go while idle (agent_directory.hpp)
  std::uint64_t agents_recovered = 0;  ///< of those, brought back by a message
  double wall_seconds = 0;
  double virtual_seconds = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
};

/// Runs the simulation into `store` (normally an in-memory store; see
/// copy_store to persist it). Errors name what is wrong.
events::result<simulation_summary> run_simulation(const config::configuration& cfg,
                                                  ports::event_store& store,
                                                  const simulation_options& opts);

} // namespace hotline::drivers::sim
