// The queue actor: the routing snapshots of its agents and who is free now
// (actors/queue_actor_state.hpp). No messages here: bookkeeping that keeps a
// join and a match from walking every member.
#include <algorithm>

#include "actors/queue_actor_state.hpp"

namespace hotline::actors::queue_flow {

candidate_view candidates(const queue_actor_state& st) {
  candidate_view out;
  out.held.reserve(st.no_answer_until.size());
  out.refs.reserve(st.free.size());
  out.levels.reserve(st.free.size());
  for (const auto* m : st.free) {
    const auto& c = m->c;
    out.levels.push_back(m->base_level);
    auto held =
        st.no_answer_until.empty() ? st.no_answer_until.end() : st.no_answer_until.find(c.agent_id);
    if (held == st.no_answer_until.end() || held->second <= c.blocked_until_ns) {
      out.refs.push_back(&c);
      continue;
    }
    out.held.push_back(c);
    out.held.back().blocked_until_ns = held->second;
    out.refs.push_back(&out.held.back());
  }
  return out;
}

/// Keeps `m` in `free` exactly while its snapshot says available.
static void track_free(queue_actor_state& st, queue_actor_state::member& m) {
  if (m.c.available && m.free_at == queue_actor_state::no_slot) {
    m.free_at = st.free.size();
    st.free.push_back(&m);
    st.free_watch.emplace_back();
  } else if (!m.c.available && m.free_at != queue_actor_state::no_slot) {
    auto* last = st.free.back();
    st.free[m.free_at] = last;
    st.free_watch[m.free_at] = st.free_watch.back();
    last->free_at = m.free_at;
    st.free.pop_back();
    st.free_watch.pop_back();
    m.free_at = queue_actor_state::no_slot;
  }
  if (m.free_at != queue_actor_state::no_slot) st.free_watch[m.free_at] = {m.withdrawals, m.seen};
}

/// Mean handle time (talk + wrap-up) from what the members have handled.
std::int64_t aht_ms(const queue_actor_state& st, const acd_context& ctx,
                    const events::queue_definition& def) {
  return (st.handled > 0 ? st.talk_ms / st.handled : ctx.default_aht_ms) + def.wrap_up_ms;
}

/// Adds (`sign` 1) or removes (-1) one snapshot's share of the counts.
static void count(queue_actor_state& st, const events::acd::candidate& c, bool eligible,
                  bool serves, int sign) {
  if (c.available) st.available += sign;
  if (!serves) return;
  st.talk_ms += sign * c.talk_time_ms;
  st.handled += sign * c.calls_handled;
  if (c.logged_in && !c.paused) {
    st.serving += sign;
    if (c.available) st.serving_free += sign;
  }
  if (!eligible || !c.logged_in) return;
  st.summary.logged_in += sign;
  if (!c.paused) st.summary.unpaused += sign;
}

/// The changing part of a member's snapshot, current at withdrawal count `seen`.
static void set_status(queue_actor_state& st, queue_actor_state::member& m,
                       const events::acd::candidate_status& c, std::uint64_t seen) {
  m.seen = seen;
  count(st, m.c, m.eligible, m.serves, -1);
  static_cast<events::acd::candidate_status&>(m.c) = c;
  count(st, m.c, m.eligible, m.serves, 1);
  track_free(st, m);
}

/// What the member's slot on the board reads, if newer than what was applied.
static void read_slot(queue_actor_state& st, queue_actor_state::member& m) {
  if (!m.slot || m.slot->version() <= m.version) return;
  auto r = availability_board::read(*m.slot);
  if (r.version <= m.version) return;
  set_status(st, m, r.status, r.seen);
  m.version = r.version;
}

/// An agent's whole snapshot arrived (first, or its queues changed), posted
/// at slot version `version`, current at withdrawal count `seen`; its slot
/// may have news since.
void set_snapshot(queue_actor_state& st, const events::queue_definition& def,
                  const events::acd::candidate& c, std::uint64_t seen, std::uint64_t version) {
  auto it = st.agents.find(c.agent_id);
  if (it != st.agents.end())
    count(st, it->second.c, it->second.eligible, it->second.serves, -1);
  else
    it = st.agents.emplace(c.agent_id, queue_actor_state::member{}).first;
  auto& m = it->second;
  if (!m.withdrawals) m.withdrawals = st.ctx->agents.withdrawals(c.agent_id);
  if (!m.slot) {
    m.slot = &st.ctx->board.at(c.agent_id, def.id);
    m.slot->reader = &m; // members are never erased: the address lasts
  }
  m.seen = seen;
  m.c = c;
  m.eligible = events::acd::is_member(c, def);
  m.serves = std::find(c.queues.begin(), c.queues.end(), def.id) != c.queues.end();
  m.base_level = events::acd::base_level(c, def);
  count(st, c, m.eligible, m.serves, 1);
  track_free(st, m);
  // What the message says is as of `version`, even if a newer post was
  // applied before it landed: the slot holds the newest, and is read again.
  m.version = version;
  read_slot(st, m);
}

void redefine_members(queue_actor_state& st, const events::queue_definition& def) {
  for (auto& [id, m] : st.agents) {
    count(st, m.c, m.eligible, m.serves, -1);
    m.eligible = events::acd::is_member(m.c, def);
    m.base_level = events::acd::base_level(m.c, def);
    count(st, m.c, m.eligible, m.serves, 1);
  }
}

/// Not available until its next snapshot (an offer went out, or failed, or
/// the agent withdrew).
void hold_back(queue_actor_state& st, queue_actor_state::member& m) {
  auto& c = m.c;
  if (!c.available) return;
  c.available = false;
  --st.available;
  if (m.serves && c.logged_in && !c.paused) --st.serving_free;
  track_free(st, m);
}
void hold_back(queue_actor_state& st, const std::string& agent_id) {
  if (auto it = st.agents.find(agent_id); it != st.agents.end()) hold_back(st, it->second);
}

/// One of the agents asked for `call_id` will not take it. The call is
/// offered again only when none of them rings any more (ring-all asks
/// several at once).
void offer_ended(queue_actor_state& st, const std::string& call_id, const std::string& agent_id) {
  auto it = st.offering.find(call_id);
  if (it == st.offering.end()) return;
  auto& asked = it->second;
  asked.erase(std::remove(asked.begin(), asked.end(), agent_id), asked.end());
  if (asked.empty()) st.offering.erase(it);
}

/// Holds back every member that withdrew since its snapshot (took a call
/// here or at another queue).
static void drop_withdrawn(queue_actor_state& st) {
  for (std::size_t i = 0; i < st.free_watch.size();) {
    const auto& w = st.free_watch[i];
    if (w.withdrawals && w.withdrawals->load(std::memory_order_acquire) != w.seen)
      hold_back(st, *st.free[i]); // moves the last member into slot i
    else
      ++i;
  }
}

/// Before anything reads who is available: the statuses agents posted on
/// the board since, then the withdrawals since (availability_board.hpp).
void catch_up(queue_actor_state& st) {
  availability_board::take_news(*st.news, [&st](availability_board::slot& sl) {
    if (sl.reader) read_slot(st, *static_cast<queue_actor_state::member*>(sl.reader));
    // else: its whole snapshot is on its way, and reads the slot when it lands
  });
  drop_withdrawn(st);
}

} // namespace hotline::actors::queue_flow
