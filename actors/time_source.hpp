#pragma once
/// Where actors read "now" (UTC nanoseconds since the epoch), so that the
/// same actor code runs on the wall clock in production and on a virtual
/// clock in simulation. Deciders never read a clock: actors stamp commands
/// with `now_ns()` before deciding.
#include <chrono>
#include <cstdint>

namespace hotline::actors {

class time_source {
public:
  virtual ~time_source() = default;
  virtual std::int64_t now_ns() const = 0;
};

/// The system clock (UTC).
class wall_clock final : public time_source {
public:
  std::int64_t now_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

} // namespace hotline::actors
