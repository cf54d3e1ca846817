#include "events/federation/site_reachability.hpp"

#include <algorithm>

namespace hotline::events::federation {

const char* to_string(site_reachability r) noexcept {
  switch (r) {
  case site_reachability::up:
    return "up";
  case site_reachability::stale:
    return "stale";
  case site_reachability::down:
    return "down";
  }
  return "down";
}

site_reachability reachability(std::int64_t age_ms, const reachability_limits& limits) {
  age_ms = std::max<std::int64_t>(age_ms, 0);
  if (age_ms <= limits.max_status_age_ms) return site_reachability::up;
  if (age_ms <= std::max(limits.down_after_ms, limits.max_status_age_ms))
    return site_reachability::stale;
  return site_reachability::down;
}

} // namespace hotline::events::federation
