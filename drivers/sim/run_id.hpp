#pragma once
/// Call ids of the simulated traffic on a running node, unique across the
/// node's restarts (issue 18.5: `<site>-<start second>-N` repeated when a
/// node restarted within the same second, and new callers were merged into
/// the calls recovered from the store).
///
/// Each run of a node gets a run id, a version 7 UUID of its start time and
/// 74 random bits; its calls are `<site>-<run id>-1`, `-2`, ... Why this and
/// not a counter persisted in the store: nothing to read at start and
/// nothing to write per call (the arrival path stays as it is), it holds
/// for two runs in one millisecond, and for two stores copied from one.
/// The random bits come from the caller (the composition root passes
/// std::random_device; a test a seeded engine), so this stays testable.
#include <cstdint>
#include <random>
#include <string>

#include "events/event_id.hpp"

namespace hotline::drivers::sim {

/// A run id for a run started at `start_ns` (Unix ns), with 74 bits from `random`
/// (any UniformRandomBitGenerator of 32 or 64 bits).
template <class Random> events::event_id run_id(std::int64_t start_ns, Random& random) {
  std::uniform_int_distribution<std::uint64_t> bits;
  return events::event_id::uuid_v7(start_ns / 1'000'000,
                                   events::event_id{bits(random), bits(random)});
}

/// "<site>-<run id>-": the prefix of the run's call ids.
inline std::string call_id_prefix(const std::string& site, const events::event_id& run) {
  return site + "-" + run.to_string() + "-";
}

} // namespace hotline::drivers::sim
