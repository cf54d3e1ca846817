#include "projections/staffing/erlang.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace hotline::projections::staffing {

namespace {

using events::errc;
using events::status;

constexpr double infinity = std::numeric_limits<double>::infinity();

/// The Erlang A chain is cut where the probability it leaves out is below
/// e^-46 (about 1e-20): far under double rounding of any reported number.
constexpr double log_tail_cut = 46.0;
/// Above this many queue states the queue is Erlang C in all but name; we
/// refuse rather than spend seconds and megabytes of arithmetic.
constexpr long max_queue_states = 10'000'000;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

status check_common(double lambda, double aht_s, int agents, double threshold_s) {
  if (!std::isfinite(lambda) || lambda < 0)
    return {errc::invalid_argument,
            "arrival rate must be a finite number of calls per second >= 0, got " + num(lambda)};
  if (!std::isfinite(aht_s) || aht_s <= 0)
    return {errc::invalid_argument,
            "mean handle time must be a finite number of seconds > 0, got " + num(aht_s)};
  if (!std::isfinite(lambda * aht_s))
    return {errc::invalid_argument, "offered traffic (arrival rate x handle time) is not finite"};
  if (agents < 0)
    return {errc::invalid_argument, "agents must be >= 0, got " + std::to_string(agents)};
  if (!std::isfinite(threshold_s) || threshold_s < 0)
    return {errc::invalid_argument,
            "service-level threshold must be a finite number of seconds >= 0, got " +
                num(threshold_s)};
  return status::ok();
}

double clamp01(double p) {
  return std::clamp(p, 0.0, 1.0);
}

/// Metrics when nothing arrives: nobody waits, the (vacuous) service level is 1.
queue_metrics no_traffic(queue_model model, int agents, double threshold_s) {
  queue_metrics m;
  m.model = model;
  m.agents = agents;
  m.threshold_s = threshold_s;
  return m;
}

/// log of Erlang B, by the same recursion as erlang_b carried in log space so
/// that a tiny B (thousands of agents, light traffic) does not underflow.
/// REQUIRES: traffic > 0.
double log_erlang_b(double traffic, int agents) {
  const double log_a = std::log(traffic);
  double lb = 0; // log B(0)
  for (int n = 1; n <= agents; ++n)
    lb = log_a + lb - std::log(n + traffic * std::exp(lb));
  return lb;
}

/// Running log(sum(exp(x_i))) without overflow.
struct log_sum {
  double max = -infinity;
  double scaled = 0; // sum of exp(x_i - max)
  void add(double x) {
    if (x <= max) {
      scaled += std::exp(x - max);
    } else {
      scaled = scaled * std::exp(max - x) + 1;
      max = x;
    }
  }
  double value() const { return max + std::log(scaled); }
};

} // namespace

const char* to_string(queue_model m) noexcept {
  switch (m) {
  case queue_model::erlang_c:
    return "erlang_c";
  case queue_model::erlang_a:
    return "erlang_a";
  }
  return "unknown";
}

double erlang_b(double traffic_erlangs, int agents) noexcept {
  double b = 1; // B(0)
  for (int n = 1; n <= agents; ++n)
    b = traffic_erlangs * b / (n + traffic_erlangs * b);
  return b;
}

double erlang_c(double traffic_erlangs, int agents) noexcept {
  if (traffic_erlangs <= 0) return 0;
  if (traffic_erlangs >= agents) return 1;
  const double b = erlang_b(traffic_erlangs, agents);
  const double rho = traffic_erlangs / agents;
  // 1 - rho*(1-b) >= 1 - rho > 0 here, so no division by zero.
  return clamp01(b / (1 - rho * (1 - b)));
}

events::result<queue_metrics> erlang_c_metrics(double lambda, double aht_s, int agents,
                                               double threshold_s) {
  if (auto st = check_common(lambda, aht_s, agents, threshold_s); !st) return st;
  if (lambda == 0) return no_traffic(queue_model::erlang_c, agents, threshold_s);

  queue_metrics m;
  m.model = queue_model::erlang_c;
  m.agents = agents;
  m.threshold_s = threshold_s;
  m.traffic_erlangs = lambda * aht_s;
  m.rho = agents > 0 ? m.traffic_erlangs / agents : infinity;
  if (m.traffic_erlangs >= agents) {
    m.stable = false;
    m.p_wait = 1;
    m.service_level = 0;
    m.asa_s = m.mean_wait_s = infinity;
    m.occupancy = agents > 0 ? 1 : 0;
    return m;
  }
  m.p_wait = erlang_c(m.traffic_erlangs, agents);
  // Waiting time given a wait is exponential with rate c*mu - lambda.
  const double drain_per_s = (agents - m.traffic_erlangs) / aht_s;
  m.service_level = clamp01(1 - m.p_wait * std::exp(-drain_per_s * threshold_s));
  m.asa_s = m.mean_wait_s = m.p_wait / drain_per_s;
  m.occupancy = m.rho;
  return m;
}

events::result<queue_metrics> erlang_a_metrics(double lambda, double aht_s, int agents,
                                               double threshold_s, double patience_s) {
  if (auto st = check_common(lambda, aht_s, agents, threshold_s); !st) return st;
  if (std::isnan(patience_s) || patience_s <= 0)
    return status{errc::invalid_argument,
                  "mean patience must be a number of seconds > 0, got " + num(patience_s)};
  if (std::isinf(patience_s)) {
    auto limit = erlang_c_metrics(lambda, aht_s, agents, threshold_s);
    if (limit) limit->model = queue_model::erlang_a;
    return limit;
  }
  if (lambda == 0) return no_traffic(queue_model::erlang_a, agents, threshold_s);

  queue_metrics m;
  m.model = queue_model::erlang_a;
  m.agents = agents;
  m.threshold_s = threshold_s;
  m.traffic_erlangs = lambda * aht_s;
  m.rho = agents > 0 ? m.traffic_erlangs / agents : infinity;
  if (agents == 0) {
    // Nobody answers: every call waits until it gives up.
    m.p_wait = 1;
    m.service_level = 0;
    m.asa_s = infinity;
    m.mean_wait_s = patience_s;
    m.p_abandon = 1;
    return m;
  }

  // Birth-death chain on n = calls in the system. Relative to p_c:
  //   sum_{n<=c} p_n / p_c = 1/B(c)                       (Erlang B)
  //   p_{c+k} / p_c = prod_{i=1..k} lambda / (c*mu + i*theta)   (k waiting)
  // Everything is summed in log space; k runs until the rest of the chain
  // provably holds less than e^-46 of the mass.
  const double mu = 1 / aht_s;
  const double theta = 1 / patience_s;
  const double c_mu = agents * mu;
  const double log_b = log_erlang_b(m.traffic_erlangs, agents);
  const double log_low = -log_b; // log(sum_{n<=c} p_n / p_c)

  log_sum z;
  z.add(log_low);
  double log_p = 0; // log(p_{c+k} / p_c)
  long last_k = 0;
  for (long k = 1;; ++k) {
    if (k > max_queue_states)
      return status{errc::invalid_argument,
                    "erlang A: mean patience " + num(patience_s) +
                        " s is too long for an arrival "
                        "rate of " +
                        num(lambda) + "/s on " + std::to_string(agents) +
                        " agents (the queue would hold over 10^7 calls); use Erlang C"};
    log_p += std::log(lambda / (c_mu + k * theta));
    z.add(log_p);
    // Past the mode the ratios r = lambda/(c*mu + (k+1)*theta) only shrink,
    // so the tail after k is at most p_{c+k} * r / (1 - r).
    const double r = lambda / (c_mu + (k + 1) * theta);
    if (r < 1 && log_p + std::log(r / (1 - r)) < z.max - log_tail_cut) {
      last_k = k;
      break;
    }
  }
  const double log_z = z.value();

  // A call that finds k calls waiting ahead of it (state c+k) reaches an agent
  // through k+1 stages: at stage i (i calls still ahead) the queue in front
  // moves at rate c*mu + i*theta and the call itself gives up at rate theta,
  // so the stage lasts Exp(r_i), r_i = c*mu + (i+1)*theta, independent of its
  // outcome. Hence
  //   P(answered | k)            = c*mu / r_k                 (telescoping product)
  //   E[wait; answered | k]      = P(answered | k) * sum_{i<=k} 1/r_i
  //   P(answered within T | k)   = P(answered | k) * P(sum_{i<=k} Exp(r_i) <= T)
  // and with alpha = c*mu/theta + 1, x = exp(-theta*T), the sum of the Exp(r_i)
  // is distributed as -ln(Y)/theta with Y ~ Beta(alpha, k+1), so
  //   P(sum <= T) = 1 - I_x(alpha, k+1) = 1 - sum_{j<=k} t_j,
  //   t_j = Gamma(alpha+j) / (Gamma(alpha) j!) * x^alpha * (1-x)^j,
  // the negative-binomial probabilities, computed by their ratio recursion in
  // log space. (T = 0 gives t_0 = 1: only calls answered at once count.)
  const double alpha = c_mu / theta + 1;
  const double log_one_minus_x = std::log(-std::expm1(-theta * threshold_s)); // -inf if T == 0
  double log_t = -(c_mu + theta) * threshold_s;                               // log t_0
  double nb_cdf = 0;
  double stage_time_sum = 0;
  double p_wait = 0, answered_after_wait = 0, abandoned = 0, wait_of_answered = 0;
  double queue_length = 0, answered_in_time_after_wait = 0;
  log_p = 0;
  for (long k = 0; k <= last_k; ++k) {
    if (k > 0) {
      log_p += std::log(lambda / (c_mu + k * theta));
      log_t += std::log((alpha + k - 1) / k) + log_one_minus_x;
    }
    const double q = std::exp(log_p - log_z); // P(arrival finds k waiting)
    const double r = c_mu + (k + 1) * theta;
    stage_time_sum += 1 / r;
    nb_cdf += std::exp(log_t);
    const double answered = c_mu / r;
    p_wait += q;
    answered_after_wait += q * answered;
    abandoned += q * ((k + 1) * theta / r);
    wait_of_answered += q * answered * stage_time_sum;
    queue_length += q * static_cast<double>(k);
    answered_in_time_after_wait += q * answered * std::max(0.0, 1 - nb_cdf);
  }
  // P(n < c) = (1/B - 1) p_c = (1 - B)/B * p_c
  const double p_no_wait = std::exp(std::log1p(-std::exp(log_b)) + log_low - log_z);
  const double p_answered = p_no_wait + answered_after_wait;

  m.p_wait = clamp01(p_wait);
  m.p_abandon = clamp01(abandoned);
  m.service_level = clamp01(p_no_wait + answered_in_time_after_wait);
  m.asa_s = p_answered > 0 ? wait_of_answered / p_answered : infinity;
  m.mean_wait_s = queue_length / lambda; // Little's law on the queue
  m.occupancy = clamp01(m.traffic_erlangs * (1 - m.p_abandon) / agents);
  return m;
}

events::result<queue_metrics> evaluate(const queue_inputs& in) {
  if (in.patience_s)
    return erlang_a_metrics(in.arrival_rate_per_s, in.aht_s, in.agents, in.threshold_s,
                            *in.patience_s);
  return erlang_c_metrics(in.arrival_rate_per_s, in.aht_s, in.agents, in.threshold_s);
}

} // namespace hotline::projections::staffing
