#pragma once
/// Staffing solver: the smallest number of agents c whose Erlang C (or,
/// with a patience, Erlang A) metrics meet a service target, and the
/// positions to schedule once shrinkage is paid for.
///
/// Units as in erlang.hpp: calls per second, seconds.
/// Thread safety: pure functions, safe to call concurrently.
#include <optional>

#include "events/status.hpp"
#include "projections/staffing/erlang.hpp"

namespace hotline::projections::staffing {

/// What "enough agents" means. Every given condition must hold at once.
struct staffing_target {
  /// At least this share of offered calls answered within answer_within_s.
  /// Default: absent (no service-level condition). REQUIRES: 0 < x < 1.
  std::optional<double> service_level;
  /// T of the service level. Default: 20 s. REQUIRES: finite, >= 0.
  double answer_within_s = 20;
  /// ASA (mean wait of answered calls) at most this. Default: absent.
  /// REQUIRES: finite, > 0.
  std::optional<double> asa_s;
  /// Occupancy at most this, so agents are not run at 100%. Default: 0.85,
  /// a common planning ceiling: above it agents burn out and the queue
  /// becomes fragile to forecast error. REQUIRES: 0 < x <= 1.
  double max_occupancy = 0.85;
};

/// One staffing question.
struct staffing_problem {
  double arrival_rate_per_s = 0; ///< lambda, calls per second. REQUIRES: finite, >= 0
  double aht_s = 0;              ///< mean handle time. REQUIRES: finite, > 0
  /// Mean (exponential) patience; present selects Erlang A. Default: absent.
  std::optional<double> patience_s;
  staffing_target target;
  /// Share of paid time an agent is not available to take calls (absence,
  /// training, coaching, breaks not otherwise planned). Default: 0.30, the
  /// usual contact-centre planning figure. REQUIRES: 0 <= x < 1.
  double shrinkage = 0.30;
  /// The search gives up above this many agents. Default: 1'000'000.
  int max_agents = 1'000'000;
};

/// Which conditions fail with one agent fewer than the answer: what decided
/// it. All false for an evaluated (not solved) staffing or for 0 agents.
struct binding_conditions {
  bool stability = false; ///< Erlang C: agents - 1 <= offered traffic
  bool service_level = false;
  bool asa = false;
  bool occupancy = false;
};

/// The answer.
struct staffing {
  int agents = 0;             ///< c: agents answering calls at every moment
  int positions = 0;          ///< agents to schedule: positions_after_shrinkage(agents, shrinkage)
  queue_metrics metrics;      ///< the queue's metrics with `agents`
  binding_conditions binding; ///< solve_staffing only
};

/// true when `m` meets every condition of `t` (an unstable queue never does).
bool meets(const queue_metrics& m, const staffing_target& t) noexcept;

/// Checks a target's documented preconditions; the detail names the field.
events::status check_target(const staffing_target& t);

/// Smallest p with p * (1 - shrinkage) >= agents, i.e. ceil(agents / (1 -
/// shrinkage)), with a 1e-9 tolerance so that floating-point representation error
/// does not add a position (7 / (1 - 0.3) is 10.000000000000002 in binary
/// floating point; the answer is 10). invalid_argument unless agents >= 0
/// and 0 <= shrinkage < 1.
events::result<int> positions_after_shrinkage(int agents, double shrinkage);

/// Smallest c meeting `p.target`. With no traffic the answer is 0 agents.
///
/// Method: the service level is non-decreasing and ASA and occupancy are
/// non-increasing in c (classical for Erlang C; for Erlang A checked over a
/// grid in tests/projections/staffing_solver_test.cpp), so "meets" is
/// monotone: exponential search for a c that meets the target, then
/// bisection for the smallest. About 2*log2(c) evaluations.
///
/// Errors: invalid_argument naming the field for a broken precondition, or
/// when no c <= max_agents meets the target.
events::result<staffing> solve_staffing(const staffing_problem& p);

/// Metrics and positions for a given number of agents (no search).
events::result<staffing> evaluate_staffing(const staffing_problem& p, int agents);

} // namespace hotline::projections::staffing
