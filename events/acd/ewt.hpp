#pragma once
/// Expected wait time (F9: "announce position and expected wait").
///
/// For a caller at position k (1-based) in a queue served by n agents (not
/// paused) of whom f are free, with mean handle time AHT:
///
///   EWT(k) = 0                       when k <= f
///   EWT(k) = (k - f) * AHT / n       otherwise
///
/// Why: with every agent busy, the next agent frees up after AHT / n on
/// average (n independent exponential services of mean AHT finish at rate
/// n / AHT), and the caller at k needs k - f such departures. For the
/// M/M/n model this is exact, and averaging EWT over the place a new
/// arrival finds (Poisson arrivals see time averages) gives Erlang C's mean
/// wait E[W] = C(n, A) / (n * mu - lambda); docs/acd.md derives it and
/// tests/events/acd_ewt_test.cpp checks it numerically.
#include <cstdint>
#include <optional>

namespace hotline::events::acd {

/// EWT(k) above, in milliseconds, rounded down; nothing when no agent
/// serves the queue or the handle time is unknown (aht_ms <= 0).
/// REQUIRES: position >= 1, free_agents >= 0
std::optional<std::int64_t> expected_wait_ms(int position, int serving_agents, std::int64_t aht_ms,
                                             int free_agents = 0) noexcept;

/// Erlang C: the probability that an arrival waits, for `servers` agents
/// and `offered_erlangs` A = lambda * AHT. 1 when A >= servers (the queue
/// grows without bound). Computed with the stable Erlang B recursion.
double erlang_c(int servers, double offered_erlangs) noexcept;

/// Mean wait of a new arrival in M/M/n, E[W] = C(n, A) / (n * mu - lambda),
/// in milliseconds; nothing when n <= 0, aht_ms <= 0 or the load is at or
/// above capacity (A >= n).
std::optional<double> erlang_c_mean_wait_ms(int servers, double arrivals_per_s,
                                            double aht_ms) noexcept;

} // namespace hotline::events::acd
