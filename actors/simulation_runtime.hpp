#pragma once
/// A CAF actor system on the deterministic test coordinator, run as a
/// discrete-event simulation: messages are processed until none is left,
/// then the clock jumps to the next timer (delayed message), and so on.
/// A day of traffic runs in seconds, and a fixed seed gives the identical
/// event stream (single thread, FIFO mailboxes, ordered timers).
///
/// Thread safety: single-threaded; call everything from one thread.
#include <cstdint>
#include <memory>

#include "actors/time_source.hpp"

namespace caf {
class actor_system;
}

namespace hotline::actors {

class simulation_runtime final : public time_source {
public:
  /// Virtual time starts at `epoch_ns` (UTC ns).
  explicit simulation_runtime(std::int64_t epoch_ns);
  ~simulation_runtime() override;

  caf::actor_system& system();

  /// Virtual now.
  std::int64_t now_ns() const override;

  /// Processes messages and timers in time order until virtual time reaches
  /// `until_ns` (timers due later stay pending) or nothing is left to do.
  /// Returns the number of messages processed.
  std::uint64_t run_until(std::int64_t until_ns);

  /// Processes every message already due without advancing the clock.
  std::uint64_t run_pending();

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace hotline::actors
