#include "projections/staffing/solver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace hotline::projections::staffing {

namespace {

using events::errc;
using events::status;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

status invalid(std::string detail) {
  return {errc::invalid_argument, std::move(detail)};
}

status check_problem(const staffing_problem& p) {
  if (!std::isfinite(p.arrival_rate_per_s) || p.arrival_rate_per_s < 0)
    return invalid("arrival rate must be a finite number of calls per second >= 0, got " +
                   num(p.arrival_rate_per_s));
  if (!std::isfinite(p.aht_s) || p.aht_s <= 0)
    return invalid("mean handle time must be a finite number of seconds > 0, got " + num(p.aht_s));
  if (p.patience_s && (std::isnan(*p.patience_s) || *p.patience_s <= 0))
    return invalid("mean patience must be a number of seconds > 0, got " + num(*p.patience_s));
  if (!(p.shrinkage >= 0 && p.shrinkage < 1))
    return invalid("shrinkage must be >= 0 and < 1, got " + num(p.shrinkage));
  if (p.max_agents < 0)
    return invalid("max_agents must be >= 0, got " + std::to_string(p.max_agents));
  return check_target(p.target);
}

std::string describe(const staffing_target& t) {
  std::string s;
  if (t.service_level)
    s += "service level " + num(*t.service_level) + " within " + num(t.answer_within_s) + " s, ";
  if (t.asa_s) s += "ASA <= " + num(*t.asa_s) + " s, ";
  return s + "occupancy <= " + num(t.max_occupancy);
}

queue_inputs inputs_for(const staffing_problem& p, int agents) {
  queue_inputs in;
  in.arrival_rate_per_s = p.arrival_rate_per_s;
  in.aht_s = p.aht_s;
  in.agents = agents;
  in.threshold_s = p.target.answer_within_s;
  in.patience_s = p.patience_s;
  return in;
}

} // namespace

bool meets(const queue_metrics& m, const staffing_target& t) noexcept {
  if (!m.stable) return false;
  if (m.traffic_erlangs > 0 && m.agents == 0) return false; // nobody to answer
  if (t.service_level && !(m.service_level >= *t.service_level)) return false;
  if (t.asa_s && !(m.asa_s <= *t.asa_s)) return false;
  return m.occupancy <= t.max_occupancy;
}

status check_target(const staffing_target& t) {
  if (t.service_level && !(*t.service_level > 0 && *t.service_level < 1))
    return invalid("target service level must be > 0 and < 1, got " + num(*t.service_level));
  if (!std::isfinite(t.answer_within_s) || t.answer_within_s < 0)
    return invalid("answer-within threshold must be a finite number of seconds >= 0, got " +
                   num(t.answer_within_s));
  if (t.asa_s && !(std::isfinite(*t.asa_s) && *t.asa_s > 0))
    return invalid("target ASA must be a finite number of seconds > 0, got " + num(*t.asa_s));
  if (!(t.max_occupancy > 0 && t.max_occupancy <= 1))
    return invalid("maximum occupancy must be > 0 and <= 1, got " + num(t.max_occupancy));
  return status::ok();
}

events::result<int> positions_after_shrinkage(int agents, double shrinkage) {
  if (agents < 0) return invalid("agents must be >= 0, got " + std::to_string(agents));
  if (!(shrinkage >= 0 && shrinkage < 1))
    return invalid("shrinkage must be >= 0 and < 1, got " + num(shrinkage));
  const double exact = agents / (1 - shrinkage);
  return static_cast<int>(std::ceil(exact - 1e-9));
}

events::result<staffing> evaluate_staffing(const staffing_problem& p, int agents) {
  if (auto st = check_problem(p); !st) return st;
  auto m = evaluate(inputs_for(p, agents));
  if (!m) return m.error();
  auto positions = positions_after_shrinkage(agents, p.shrinkage);
  if (!positions) return positions.error();
  return staffing{agents, *positions, *m, {}};
}

events::result<staffing> solve_staffing(const staffing_problem& p) {
  if (auto st = check_problem(p); !st) return st;
  if (p.arrival_rate_per_s == 0) return evaluate_staffing(p, 0);

  // Below `lower` nothing can meet the target: Erlang C needs c > A to be
  // stable and c >= A / max_occupancy; Erlang A needs at least one agent.
  const double traffic = p.arrival_rate_per_s * p.aht_s;
  double lower_bound = 1;
  if (!p.patience_s)
    lower_bound = std::max(
        {lower_bound, std::floor(traffic) + 1, std::floor(traffic / p.target.max_occupancy)});
  if (lower_bound > p.max_agents)
    return invalid("no staffing up to " + std::to_string(p.max_agents) + " agents meets " +
                   describe(p.target) + " (offered traffic " + num(traffic) + " erlangs)");
  const int lower = static_cast<int>(lower_bound);

  auto meets_with = [&](int agents) -> events::result<bool> {
    auto m = evaluate(inputs_for(p, agents));
    if (!m) return m.error();
    return meets(*m, p.target);
  };

  // Exponential search: `failing` never meets (or is below `lower`), `ok` meets.
  int failing = lower - 1;
  int ok = lower;
  for (;;) {
    auto good = meets_with(ok);
    if (!good) return good.error();
    if (*good) break;
    if (ok >= p.max_agents)
      return invalid("no staffing up to " + std::to_string(p.max_agents) + " agents meets " +
                     describe(p.target) + " (offered traffic " + num(traffic) + " erlangs)");
    failing = ok;
    ok = static_cast<int>(std::min<long>(p.max_agents, 2L * ok));
  }
  while (ok - failing > 1) {
    const int mid = failing + (ok - failing) / 2;
    auto good = meets_with(mid);
    if (!good) return good.error();
    (*good ? ok : failing) = mid;
  }
  auto answer = evaluate_staffing(p, ok);
  if (!answer || ok == 0) return answer;
  auto below = evaluate(inputs_for(p, ok - 1));
  if (!below) return below.error();
  const auto& m = *below;
  auto& b = answer->binding;
  b.stability = !m.stable || (m.traffic_erlangs > 0 && m.agents == 0);
  b.service_level = p.target.service_level && !(m.service_level >= *p.target.service_level);
  b.asa = p.target.asa_s && !(m.asa_s <= *p.target.asa_s);
  b.occupancy = !(m.occupancy <= p.target.max_occupancy);
  return answer;
}

} // namespace hotline::projections::staffing
