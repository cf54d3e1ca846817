#pragma once
/// Queueing formulas for one group of interchangeable agents serving one
/// queue: Erlang C (M/M/c, callers wait forever) and Erlang A (M/M/c+M,
/// callers hang up after an exponentially distributed patience).
///
/// Units: arrival rates are calls PER SECOND, every time is in SECONDS.
/// (The CLI converts its calls-per-hour flag before calling in here.)
///
/// Definitions used throughout (see docs/staffing.md for the derivations):
///   A  = lambda * aht            offered traffic in Erlangs ("traffic intensity")
///   rho = A / c                  offered load per agent
///   P(W>0)                       probability an arriving call finds every agent busy
///   service level (SL)           calls answered within T seconds / calls offered.
///                                For Erlang A the denominator includes the calls that
///                                abandon (also those abandoning before T), so
///                                SL <= 1 - P(abandon).
///   ASA                          mean time to answer of ANSWERED calls (0 for those
///                                answered at once). Erlang C: every call is answered.
///   mean wait                    mean time in queue of ALL offered calls, until answer
///                                or abandonment (Little: E[queue length] / lambda).
///   occupancy                    carried traffic / c: the share of time an agent is
///                                busy. Erlang C: rho; Erlang A: A * (1 - P(abandon)) / c.
///
/// Numerical method: no factorials or powers. Erlang B by the recursion
/// B(0)=1, B(n)=A*B(n-1)/(n+A*B(n-1)), Erlang C from B. Erlang A from its
/// exact birth-death chain, summed in log space and truncated where the
/// remaining probability is below 1e-20; service level via the exact
/// distribution of a waiting call's time to answer (a Beta/negative-binomial
/// identity). Works for tens of thousands of agents; never returns NaN.
///
/// Thread safety: every function here is pure and may be called concurrently.
#include <limits>
#include <optional>

#include "events/status.hpp"

namespace hotline::projections::staffing {

enum class queue_model {
  erlang_c, ///< M/M/c: infinite patience, no abandonment
  erlang_a, ///< M/M/c+M: exponential patience, callers abandon
};

/// "erlang_c" or "erlang_a", used in JSON and messages.
const char* to_string(queue_model m) noexcept;

/// A queue to evaluate. Plain options struct; every field states its default.
struct queue_inputs {
  double arrival_rate_per_s = 0; ///< lambda, calls per second. REQUIRES: finite, >= 0
  double aht_s = 0;              ///< mean handle time 1/mu. REQUIRES: finite, > 0
  int agents = 0;                ///< c, agents answering. REQUIRES: >= 0
  double threshold_s = 20;       ///< T of the service level. Default: 20 s. REQUIRES: >= 0
  /// Mean patience 1/theta of an exponential patience distribution.
  /// Default: absent, which selects Erlang C. Present selects Erlang A;
  /// +infinity then gives the Erlang C numbers (the limit) under model erlang_a.
  /// REQUIRES: > 0 when present.
  std::optional<double> patience_s;
};

/// Steady-state performance of a queue. Never NaN. Infinite quantities are
/// +infinity (see `stable`).
struct queue_metrics {
  queue_model model = queue_model::erlang_c;
  int agents = 0;
  double threshold_s = 0;     ///< the T that service_level refers to
  double traffic_erlangs = 0; ///< A = lambda * aht
  double rho = 0;             ///< A / c; +inf when c == 0 and A > 0; 0 when A == 0
  /// false only for Erlang C with A >= c (and A > 0): the queue grows without
  /// bound. Then p_wait = 1, service_level = 0, asa_s = mean_wait_s = +inf,
  /// occupancy = 1. Erlang A is always stable.
  bool stable = true;
  double p_wait = 0;        ///< P(W > 0): an arriving call has to queue
  double service_level = 1; ///< answered within threshold_s / offered
  /// Mean wait of answered calls. +inf when unstable or when no call is
  /// answered (c == 0 with traffic).
  double asa_s = 0;
  double mean_wait_s = 0; ///< mean queue time of all offered calls (= asa_s for Erlang C)
  double occupancy = 0;   ///< carried traffic / c; 0 when c == 0
  double p_abandon = 0;   ///< Erlang A only; 0 for Erlang C
};

/// Erlang B blocking probability of an M/M/c/c loss system: B(0) = 1.
/// REQUIRES: traffic_erlangs >= 0 and finite, agents >= 0.
double erlang_b(double traffic_erlangs, int agents) noexcept;

/// Erlang C: probability that a call waits, P(W > 0), in M/M/c.
/// Returns 1 when the system is unstable (traffic_erlangs >= agents > 0 or
/// agents == 0 with traffic), 0 when traffic_erlangs == 0.
/// REQUIRES: traffic_erlangs >= 0 and finite, agents >= 0.
double erlang_c(double traffic_erlangs, int agents) noexcept;

/// Erlang C metrics for arrival rate lambda (calls/s), mean handle time,
/// `agents`, and service-level threshold T. An invalid argument (negative
/// or non-finite rate, aht <= 0, agents < 0, threshold < 0) is an
/// `invalid_argument` status naming the argument; an unstable queue is not
/// an error (see queue_metrics::stable).
events::result<queue_metrics> erlang_c_metrics(double arrival_rate_per_s, double aht_s, int agents,
                                               double threshold_s);

/// Erlang A (M/M/c+M) metrics; patience_s is the MEAN patience (exponential).
/// patience_s == +inf yields the Erlang C numbers (model still erlang_a).
/// Errors as erlang_c_metrics, plus patience_s <= 0 or NaN, and a queue that
/// would need more than 10^7 states to describe (a mean patience enormous
/// compared with the overload, e.g. days of patience at 2x overload) --
/// such a system is Erlang C in all but name.
events::result<queue_metrics> erlang_a_metrics(double arrival_rate_per_s, double aht_s, int agents,
                                               double threshold_s, double patience_s);

/// Dispatches on `in.patience_s`: absent -> Erlang C, present -> Erlang A.
events::result<queue_metrics> evaluate(const queue_inputs& in);

} // namespace hotline::projections::staffing
