#include "drivers/sim/quick_center.hpp"

namespace hotline::drivers::sim {

config::configuration quick_center(const quick_center_options& o) {
  config::configuration cfg;
  auto& c = cfg.center;
  c.site = {"site-1", "quick"};
  c.tenants.push_back({"default", "default", {}});
  events::queue_definition q;
  q.id = "main";
  q.tenant = "default";
  q.skills = {{"general", 1}};
  q.wrap_up_ms = 0;
  q.ring_timeout_ms = 3'600'000; // the simulated agents always answer
  q.sl_threshold_s = o.sl_threshold_s;
  c.queues.push_back(q);
  for (int i = 1; i <= o.agents; ++i) {
    events::agent_definition a;
    a.id = "a" + std::to_string(i);
    a.tenant = "default";
    a.skills = {{"general", 5}};
    a.queues = {"main"};
    a.wrap_up_ms = 0;
    c.agents.push_back(a);
  }
  c.entry_points.push_back({"100", "default", "main", "", 0});
  auto& s = cfg.simulation;
  s.seed = o.seed;
  s.start_ms = 0;
  s.end_ms = static_cast<std::int64_t>(o.hours * 3'600'000);
  config::arrival_profile a;
  a.entry_point = "100";
  a.rate_per_hour = o.rate_per_hour;
  a.handle_time = {
      config::distribution_kind::exponential, static_cast<std::int64_t>(o.aht_s * 1000), 0, {}};
  a.patience = o.patience_s > 0
                   ? config::duration_distribution{config::distribution_kind::exponential,
                                                   static_cast<std::int64_t>(o.patience_s * 1000),
                                                   0,
                                                   {}}
                   : config::duration_distribution{config::distribution_kind::none, 0, 0, {}};
  s.arrivals.push_back(a);
  return cfg;
}

} // namespace hotline::drivers::sim
