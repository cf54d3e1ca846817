#include "events/acd/candidate.hpp"

#include <algorithm>

namespace hotline::events::acd {

candidate_status make_candidate_status(const agent::state& a, const queue_definition& q) {
  candidate_status c;
  c.logged_in = a.presence != agent::presence_state::logged_out;
  c.paused = a.presence == agent::presence_state::not_ready;
  c.available = agent::new_contact_refusal(a, q.channel) == nullptr;
  c.idle_since_ns = a.idle_since_ns;
  c.calls_handled = a.calls_handled;
  c.talk_time_ms = a.talk_time_ms;
  if (a.last_rejected_ns > 0 && q.reject_delay_ms > 0)
    c.blocked_until_ns = a.last_rejected_ns + q.reject_delay_ms * 1'000'000;
  if (a.last_busy_ns > 0 && q.busy_delay_ms > 0)
    c.blocked_until_ns = std::max(c.blocked_until_ns, a.last_busy_ns + q.busy_delay_ms * 1'000'000);
  c.consecutive_misses = a.consecutive_misses;
  c.last_offered_ns = a.last_offered_ns;
  return c;
}

candidate make_candidate(const agent::state& a, const queue_definition& q) {
  candidate c;
  static_cast<candidate_status&>(c) = make_candidate_status(a, q);
  c.agent_id = a.definition.id;
  c.skills = a.definition.skills;
  c.queues = a.queues;
  c.order = a.definition.order;
  return c;
}

bool is_member(const candidate& c, const queue_definition& q) {
  if (std::find(c.queues.begin(), c.queues.end(), q.id) == c.queues.end()) return false;
  return std::all_of(q.skills.begin(), q.skills.end(), [&](const skill_requirement& r) {
    auto it = c.skills.find(r.skill);
    return it != c.skills.end() && it->second >= r.min_level;
  });
}

queue::availability summarize(const queue_definition& q, const std::vector<candidate>& agents) {
  candidate_refs refs;
  refs.reserve(agents.size());
  for (const auto& c : agents)
    refs.push_back(&c);
  return summarize(q, refs);
}

queue::availability summarize(const queue_definition& q, const candidate_refs& agents) {
  queue::availability out;
  for (const candidate* c : agents) {
    if (!c->logged_in || !is_member(*c, q)) continue;
    ++out.logged_in;
    if (!c->paused) ++out.unpaused;
  }
  return out;
}

} // namespace hotline::events::acd
