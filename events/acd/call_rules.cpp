#include "events/acd/call_rules.hpp"

#include <algorithm>

namespace hotline::events::acd {

int priority_for(int base, std::string_view caller, const tenant_definition* tenant,
                 const queue_definition& q) {
  if (!tenant) return base;
  for (const auto& vip : tenant->vip_callers)
    if (vip == caller) return std::max(base, q.vip_priority);
  return base;
}

std::string overflow_reason_of(std::string_view refusal) {
  if (refusal == "queue_full") return "max_length";
  if (refusal == "queue_empty") return "no_agents";
  if (refusal == "queue_closed") return "closed";
  return std::string{refusal}; // max_wait, unknown_queue, agent_..., as they are
}

std::int64_t leg_ring_ms(const queue_definition* q) {
  return q && q->ring_timeout_ms > 0 ? q->ring_timeout_ms : default_leg_ring_ms;
}

std::vector<wait_timer> wait_timers(const queue_definition& q, std::int64_t waited_ms,
                                    int applied_step) {
  std::vector<wait_timer> out;
  const auto in = [&](std::int64_t at_ms) { return std::max<std::int64_t>(0, at_ms - waited_ms); };
  if (q.max_wait_ms > 0) out.push_back({wait_timer::kind::max_wait, in(q.max_wait_ms), -1});
  // Announcements count from the join into this queue, not from the wait kept.
  if (q.announce_every_ms > 0) out.push_back({wait_timer::kind::announce, q.announce_every_ms, -1});
  if (q.callback_offer_after_ms > 0 && waited_ms < q.callback_offer_after_ms)
    out.push_back({wait_timer::kind::offer_callback, in(q.callback_offer_after_ms), -1});
  for (std::size_t i = 0; i < q.widening.size(); ++i)
    if (static_cast<int>(i) > applied_step)
      out.push_back({wait_timer::kind::widen, in(q.widening[i].after_ms), static_cast<int>(i)});
  return out;
}

config_refusal check_supervisor(const std::string& supervisor_id, const agent_definition* def) {
  if (def && def->supervisor) return {};
  return {"not_a_supervisor", supervisor_id + " may not supervise calls"};
}

const char* to_string(wait_timer::kind k) noexcept {
  switch (k) {
  case wait_timer::kind::max_wait:
    return "max_wait";
  case wait_timer::kind::announce:
    return "announce";
  case wait_timer::kind::offer_callback:
    return "offer_callback";
  case wait_timer::kind::widen:
    return "widen";
  }
  return "?";
}

} // namespace hotline::events::acd
