// The queue actor and other sites (actors/queue_actor_state.hpp;
// docs/federation.md): what the federation publishes about the queue, and
// agents held for calls waiting at another site.
#include <climits>
#include <cmath>

#include "actors/queue_actor_state.hpp"
#include "actors/refusal.hpp"
#include "events/acd/queue_rules.hpp"
#include "events/acd/routing.hpp"

namespace hotline::actors::queue_flow {

namespace queue = events::acd::queue;

// What the federation publishes about this queue, and the calls it may move.
queue_snapshot federation_snapshot(queue_self self) {
  auto& s = self->state;
  catch_up(s);
  queue_snapshot snap;
  auto& st = snap.status;
  st.queue = s.def.id;
  st.agents_logged_in = s.serving;
  st.agents_ready = s.serving_free;
  const auto& waiting = queue::in_order(s.entity->state());
  st.calls_waiting = static_cast<std::int32_t>(waiting.size());
  st.ewt_ms = st.agents_logged_in > 0 ? ewt_for(self, st.calls_waiting + 1) : -1;
  st.sl_threshold_ms = std::llround(s.def.sl_threshold_s * 1000);
  if (s.recent_sl) st.service_level = s.recent_sl->value();
  auto t = now_of(self);
  std::int32_t pos = 0;
  for (const auto& e : waiting) {
    ++pos;
    auto call = s.calls.find(e.call_id);
    if (call == s.calls.end()) continue;
    snap.calls.push_back({e.call_id, pos, (t - e.joined_at_ns) / 1'000'000,
                          s.offering.contains(e.call_id),
                          st.agents_logged_in > 0 ? ewt_for(self, pos) : -1, call->second});
  }
  return snap;
}

// A call waiting at another site: reserve (hold) the best ready agent for
// it, unless callers here wait for one themselves (queue_rules.hpp:
// may_hold_for_remote).
caf::result<std::string> on_reserve_remote(queue_self self, const std::string& call_id,
                                           const caf::actor& call) {
  auto& s = self->state;
  const auto& waiting = queue::in_order(s.entity->state());
  if (!events::acd::may_hold_for_remote(waiting.size(), s.offering.size()))
    return refusal("local_calls_waiting");
  events::acd::waiting_call wc;
  wc.call_id = call_id;
  wc.priority = INT32_MAX;
  auto t = now_of(self);
  catch_up(s);
  const auto view = candidates(s);
  auto m = events::acd::match_queue(s.def, {wc}, view.refs, view.levels, s.memory, t, ++s.seed);
  if (m.assignments.empty() || m.assignments.front().agents.empty()) return refusal("no_agent");
  s.memory = m.memory;
  const auto& agent_id = m.assignments.front().agents.front();
  auto agent = s.ctx->agents.get(agent_id);
  if (!agent) return refusal("no_agent");
  hold_back(s, agent_id);
  reserve_request rr{
      call_id, s.def.id, s.def.channel, s.def.ring_timeout_ms, m.assignments.front().reason,
      call,    call};
  rr.hold = true;
  self->send(agent, reserve_atom::value, std::move(rr));
  return agent_id;
}

// A federation message for a call the federation actor does not know (this
// node restarted): to the call, if it waits here.
void on_remote_reply(queue_self self, const events::federation::message& m) {
  auto& s = self->state;
  if (auto c = s.calls.find(m.call_id); c != s.calls.end())
    self->send(c->second, remote_reply_atom::value, m);
  else if (queue::find(s.entity->state(), m.call_id))
    s.pending_remote[m.call_id] = m; // recovering: delivered when it rejoins
}

} // namespace hotline::actors::queue_flow
