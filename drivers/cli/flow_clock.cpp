#include "drivers/cli/flow_clock.hpp"

#include <map>
#include <memory>

#include "drivers/time_zone.hpp"

namespace hotline::cli {

std::function<std::int64_t(const std::string& zone, std::int64_t utc_ns)>
flow_clock(const config::configuration& cfg) {
  auto zones = std::make_shared<std::map<std::string, drivers::time_zone>>();
  for (const auto& f : cfg.center.flows)
    if (!f.time_zone.empty() && !zones->count(f.time_zone))
      if (auto z = drivers::time_zone::locate(f.time_zone)) zones->emplace(f.time_zone, *z);
  return [zones](const std::string& zone, std::int64_t utc_ns) {
    auto it = zones->find(zone);
    return it == zones->end() ? utc_ns : it->second.to_local(utc_ns);
  };
}

} // namespace hotline::cli
