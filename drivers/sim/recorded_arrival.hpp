#pragma once
/// One caller of a recorded day, as the simulator replays it (docs/whatif.md).
/// Plain data: where and when the caller arrived, and how they behaved —
/// how long they talked once connected, how long they were willing to wait.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "events/vocabulary.hpp"

namespace hotline::drivers::sim {

struct recorded_arrival {
  std::string call_id;    ///< the recorded call's id (the replayed call keeps it)
  std::int64_t at_ns = 0; ///< arrival time, UTC ns (the recorded call.arrived timestamp)
  std::string dialed;     ///< the entry point dialed; empty: straight into `queue`
  std::string queue;      ///< the first queue joined (informational when `dialed` is set)
  std::string caller;
  std::string customer_id;
  events::contact_channel channel = events::contact_channel::voice;
  /// Talk time in seconds (connected → ended, as observed). NaN when the
  /// recorded call was never connected or never ended: the replay then uses
  /// a handle time drawn from the observed ones (see fill_unknown_handle_times).
  double handle_time_s = std::numeric_limits<double>::quiet_NaN();
  /// Seconds from arrival until the caller hangs up unanswered; +infinity
  /// when unknown (answered, blocked, still waiting at the end): the replayed
  /// caller then never abandons. Answered calls are right-censored (their
  /// patience is only known to exceed their wait); treating them as infinite
  /// makes a what-if with *less* staff under-estimate abandonment.
  double patience_s = std::numeric_limits<double>::infinity();
  /// The recorded call.ended outcome; nullopt when it had not ended.
  std::optional<events::call_outcome> recorded_outcome;
};

} // namespace hotline::drivers::sim
