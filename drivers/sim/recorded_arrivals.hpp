#pragma once
/// Recorded arrivals: the callers of an event store (one a recorded call
/// stream), for the simulator to replay under another configuration
/// (`hotline whatif`, docs/whatif.md).
///
/// Reads only call.arrived, call.queued, call.connected and call.ended, so a
/// store written by the ACD, the simulator or an importer all work. Events of
/// other types and calls without a call.arrived are skipped, never an error.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "drivers/sim/recorded_arrival.hpp"
#include "events/center.hpp"

namespace hotline::drivers::sim {

struct recorded_calls {
  std::vector<recorded_arrival> arrivals; ///< sorted by (at_ns, call_id)
  std::int64_t first_event_ns = 0; ///< timestamp of the store's earliest event (0: empty store)
  std::int64_t last_event_ns = 0;  ///< timestamp of its latest event
};

/// Every inbound call of `store`, in arrival order. Handle time and
/// patience are as documented on recorded_arrival; unknown handle times stay
/// NaN (call fill_unknown_handle_times before replaying). Errors are the
/// store's read errors or a payload that does not decode.
events::result<recorded_calls> extract_recorded_arrivals(const ports::event_store& store);

/// Replaces every NaN handle time with one drawn (seeded, reproducible) from
/// the observed handle times of the same queue, or of all calls when that
/// queue has none, or `fallback_s` when nothing was observed at all. A call
/// that abandoned or was blocked in the recording may be answered in the
/// what-if: it then talks for a plausible time rather than zero.
void fill_unknown_handle_times(std::vector<recorded_arrival>& arrivals, std::uint64_t seed,
                               double fallback_s = 180);

/// The arrivals a center cannot take: `dialed` not one of its entry points
/// (or, with no `dialed`, `queue` not one of its queues). They are moved out
/// of `arrivals` and counted here by their entry point ("queue:<id>" for
/// queue-only arrivals, "(none)" when they have neither).
struct unknown_arrivals {
  std::uint64_t count = 0;
  std::map<std::string, std::uint64_t> by_entry;
};
unknown_arrivals remove_unknown_arrivals(std::vector<recorded_arrival>& arrivals,
                                         const events::center_definition& center);

} // namespace hotline::drivers::sim
