#pragma once
/// A circuit breaker for calls to one remote system (an HTTP lookup's
/// host): after `failures` failed calls in a row it opens, and calls are
/// refused at once, without a request, for `open_for`; then it is
/// half-open: one call goes through as a probe (others are still refused
/// meanwhile); its success closes the circuit, its failure opens it again
/// for `open_for`.
///
/// Pure: the time is an argument (steady nanoseconds), so tests drive it.
/// Thread safety: none; `http_lookup` holds it under its mutex.
#include <cstdint>

namespace hotline::drivers::lookup {

struct breaker_options {
  /// Consecutive failures that open the circuit. Default: 5 (0: never opens).
  int failures = 5;
  /// How long it stays open before a probe. Default: 30 s.
  std::int64_t open_for_ns = 30'000'000'000;
};

class circuit_breaker {
public:
  enum class state : std::uint8_t { closed, open, half_open };

  explicit circuit_breaker(breaker_options opts = {}) : opts_(opts) {}

  /// May a call go out at `now_ns`? True in closed; false while open; in
  /// half-open, true for the one probe (then false until it reports).
  bool allow(std::int64_t now_ns);
  void on_success();
  void on_failure(std::int64_t now_ns);

  /// The state at `now_ns` (open turns half-open once `open_for` passed).
  state at(std::int64_t now_ns) const;
  int consecutive_failures() const noexcept { return failures_; }

private:
  breaker_options opts_;
  state state_ = state::closed;
  int failures_ = 0;
  std::int64_t opened_at_ns_ = 0;
  bool probing_ = false;
};

const char* to_string(circuit_breaker::state s) noexcept;

} // namespace hotline::drivers::lookup
