#include "events/acd/ewt.hpp"

namespace hotline::events::acd {

std::optional<std::int64_t> expected_wait_ms(int position, int serving_agents, std::int64_t aht_ms,
                                             int free_agents) noexcept {
  if (serving_agents <= 0 || aht_ms <= 0) return std::nullopt;
  if (position <= free_agents) return 0;
  const std::int64_t ahead = position - free_agents;
  return ahead * aht_ms / serving_agents;
}

double erlang_c(int servers, double a) noexcept {
  if (servers <= 0 || a >= servers) return 1.0;
  if (a <= 0) return 0.0;
  double b = 1.0; // Erlang B with 0 servers
  for (int n = 1; n <= servers; ++n)
    b = a * b / (n + a * b);
  const double rho = a / servers;
  return b / (1.0 - rho * (1.0 - b));
}

std::optional<double> erlang_c_mean_wait_ms(int servers, double arrivals_per_s,
                                            double aht_ms) noexcept {
  if (servers <= 0 || aht_ms <= 0 || arrivals_per_s < 0) return std::nullopt;
  const double a = arrivals_per_s * aht_ms / 1000.0;
  if (a >= servers) return std::nullopt;
  const double mu_per_ms = 1.0 / aht_ms;
  const double lambda_per_ms = arrivals_per_s / 1000.0;
  return erlang_c(servers, a) / (servers * mu_per_ms - lambda_per_ms);
}

} // namespace hotline::events::acd
