#include "events/federation/interflow_policy.hpp"

#include <algorithm>
#include <tuple>

namespace hotline::events::federation {

namespace {

std::string secs(std::int64_t ms) {
  if (ms < 0) return "unknown";
  auto s = std::to_string(ms / 1000);
  if (ms < 10'000 && ms % 1000 != 0) s += "." + std::to_string((ms % 1000) / 100);
  return s + " s";
}

} // namespace

interflow_decision decide_interflow(const interflow_policy& p, const waiting_call& c,
                                    const std::vector<remote_site>& sites) {
  if (!p.enabled) return {false, "", "interflow disabled"};
  if (c.offer_in_flight) return {false, "", "an offer is in flight"};
  // The candidates: fresh, serving the queue, with a ready agent to reserve.
  const remote_site* best = nullptr;
  std::string skipped;
  for (const auto& s : sites) {
    if (!s.queue) continue;
    if (s.age_ms > p.max_status_age_ms) continue;
    if (s.queue->agents_ready <= 0) continue;
    if (auto d = c.denied_ago_ms.find(s.site);
        d != c.denied_ago_ms.end() && d->second < p.deny_backoff_ms) {
      skipped = s.site;
      continue;
    }
    auto key = [](const remote_site& r) {
      auto ewt = r.queue->ewt_ms < 0 ? INT64_MAX : r.queue->ewt_ms;
      return std::make_tuple(ewt, -r.queue->agents_ready, r.site);
    };
    if (!best || key(s) < key(*best)) best = &s;
  }
  if (!best)
    return {false, "",
            skipped.empty() ? "no other site has a ready agent for queue " + c.queue
                            : "site " + skipped + " denied this call recently"};
  auto remote_ewt = std::max<std::int64_t>(best->queue->ewt_ms, 0);
  auto where = "site " + best->site + " has " + std::to_string(best->queue->agents_ready) +
               " ready (EWT " + secs(remote_ewt) + ", status " + std::to_string(best->age_ms) +
               " ms old)";
  if (c.local_agents <= 0 || c.local_ewt_ms < 0)
    return {true, best->site, "no local agent serves queue " + c.queue + "; " + where};
  if (c.position <= p.min_position)
    return {false, "", "position " + std::to_string(c.position) + " is about to be answered here"};
  if (c.local_ewt_ms <= p.min_local_ewt_ms)
    return {false, "", "local EWT " + secs(c.local_ewt_ms) + " is short enough"};
  if (c.waited_ms < p.min_wait_ms)
    return {false, "",
            "waited " + secs(c.waited_ms) + " of the " + secs(p.min_wait_ms) + " before interflow"};
  if (remote_ewt + p.margin_ms > c.local_ewt_ms)
    return {false, "",
            "local EWT " + secs(c.local_ewt_ms) + " is within the " + secs(p.margin_ms) +
                " margin of " + where};
  return {true, best->site,
          "local EWT " + secs(c.local_ewt_ms) + " at position " + std::to_string(c.position) +
              "; " + where + ", beats it by more than the " + secs(p.margin_ms) + " margin"};
}

} // namespace hotline::events::federation
