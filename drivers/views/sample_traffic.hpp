#pragma once
/// Synthetic contact-center traffic for benchmarks and tests: a small
/// queueing simulation (Poisson arrivals, exponential talk and patience,
/// agents taken in order of becoming free) that emits the event vocabulary
/// the ACD writes — call, agent, queue and trunk streams — in timestamp order.
/// Deterministic: the same options give the same events (ids included).
#include <cstdint>
#include <functional>
#include <string>

#include "events/envelope.hpp"

namespace hotline::drivers {

struct traffic_options {
  std::uint64_t seed = 1;            ///< Default: 1
  int agents = 40;                   ///< Default: 40
  int queues = 4;                    ///< Default: 4 (queue ids q0..q3)
  int tenants = 2;                   ///< Default: 2 (t0, t1; queue i belongs to t(i % tenants))
  int customers = 20'000;            ///< distinct identified customers. Default: 20,000
  double calls_per_hour = 1'200;     ///< Default: 1,200
  double mean_ivr_s = 10;            ///< Default: 10 s before queueing
  double mean_talk_s = 120;          ///< Default: 120 s
  double mean_wrap_s = 10;           ///< Default: 10 s (0: no wrap-up)
  double mean_patience_s = 90;       ///< Default: 90 s
  double hold_probability = 0.15;    ///< Default: 15 % of calls hold once
  double blocked_probability = 0.01; ///< Default: 1 % of arrivals find no trunk
  double break_probability = 0.03;   ///< Default: 3 % of calls are followed by a 5-minute break
  std::string site = "site-1";       ///< Default: "site-1"
  std::int64_t start_ns = 1'704'096'000'000'000'000; ///< Default: 2024-01-01T08:00:00Z
};

/// Calls `emit(stream, event)` for every event, in timestamp order, until
/// `max_events` were emitted or `emit` returns false. Returns the number
/// emitted.
std::uint64_t generate_traffic(
    const traffic_options& options, std::uint64_t max_events,
    const std::function<bool(const std::string& stream, events::proposed_event&& e)>& emit);

} // namespace hotline::drivers
