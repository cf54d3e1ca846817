#include "drivers/lookup/circuit_breaker.hpp"

namespace hotline::drivers::lookup {

circuit_breaker::state circuit_breaker::at(std::int64_t now_ns) const {
  if (state_ == state::open && now_ns - opened_at_ns_ >= opts_.open_for_ns) return state::half_open;
  return state_;
}

bool circuit_breaker::allow(std::int64_t now_ns) {
  state_ = at(now_ns);
  switch (state_) {
  case state::closed:
    return true;
  case state::open:
    return false;
  case state::half_open:
    if (probing_) return false;
    probing_ = true;
    return true;
  }
  return false;
}

void circuit_breaker::on_success() {
  state_ = state::closed;
  failures_ = 0;
  probing_ = false;
}

void circuit_breaker::on_failure(std::int64_t now_ns) {
  ++failures_;
  const bool probe_failed = state_ == state::half_open;
  probing_ = false;
  if (probe_failed || (opts_.failures > 0 && failures_ >= opts_.failures)) {
    state_ = state::open;
    opened_at_ns_ = now_ns;
  }
}

const char* to_string(circuit_breaker::state s) noexcept {
  switch (s) {
  case circuit_breaker::state::closed:
    return "closed";
  case circuit_breaker::state::open:
    return "open";
  case circuit_breaker::state::half_open:
    return "half-open";
  }
  return "?";
}

} // namespace hotline::drivers::lookup
