#include "events/acd/timers.hpp"

#include <algorithm>

namespace hotline::events::acd {

const char* to_string(timer_kind k) noexcept {
  switch (k) {
  case timer_kind::ring_timeout:
    return "ring_timeout";
  case timer_kind::widen:
    return "widen";
  case timer_kind::max_wait:
    return "max_wait";
  case timer_kind::announce:
    return "announce";
  }
  return "?";
}

std::vector<timer> call_timers(const call::state& c, const queue::entry& entry,
                               const queue_definition& q) {
  std::vector<timer> out;
  if (c.at != call::phase::queued) return out;
  constexpr std::int64_t ms = 1'000'000;
  for (const auto& o : c.offers)
    if (o.ring_timeout_ms > 0)
      out.push_back(
          {timer_kind::ring_timeout, o.offered_at_ns + o.ring_timeout_ms * ms, o.agent_id, -1});
  for (std::size_t i = 0; i < q.widening.size(); ++i)
    if (static_cast<int>(i) > c.widening_step) {
      out.push_back({timer_kind::widen, entry.joined_at_ns + q.widening[i].after_ms * ms, "",
                     static_cast<int>(i)});
      break; // the next step only: steps are in order of after_ms
    }
  if (q.max_wait_ms > 0)
    out.push_back({timer_kind::max_wait, entry.joined_at_ns + q.max_wait_ms * ms, "", -1});
  if (q.announce_every_ms > 0) {
    const std::int64_t last = std::max(entry.joined_at_ns, c.last_announced_ns);
    out.push_back({timer_kind::announce, last + q.announce_every_ms * ms, "", -1});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const timer& a, const timer& b) { return a.at_ns < b.at_ns; });
  return out;
}

} // namespace hotline::events::acd
