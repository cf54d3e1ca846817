#include "actors/queue_actor.hpp"
#include "actors/call_actor.hpp"
#include "actors/refusal.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "actors/shell.hpp"
#include "events/acd/deciders.hpp"
#include "events/acd/ewt.hpp"
#include "events/acd/queue_rules.hpp"
#include "events/acd/routing.hpp"

namespace hotline::actors {

namespace {

namespace queue = events::acd::queue;

struct queue_actor_state {
  std::shared_ptr<const acd_context> ctx;
  // Owned here once; handlers capture a pointer (see agent_actor.cpp).
  events::queue_definition def;
  events::principal who;
  std::unique_ptr<shell<events::acd::queue_decider>> entity;
  /// One agent's routing snapshot as this queue keeps it.
  struct member {
    events::acd::candidate c;
    bool eligible = false; ///< serves the queue with its skills (is_member)
    /// Serves the queue (lists it among its queues); the others are here
    /// for widened calls only (`add_queues`) and count in no figure but `available`.
    bool serves = false;
    int base_level = -1;           ///< events::acd::base_level(c, def), kept with the snapshot
    std::size_t free_at = no_slot; ///< index in `free` while the snapshot says available
    /// The agent's withdrawal count (agent_directory.hpp) and the value its
    /// last snapshot came with: when they differ the agent took a call
    /// since, and is unavailable until its next snapshot.
    const std::atomic<std::uint64_t>* withdrawals = nullptr;
    std::uint64_t seen = 0;
    /// Its slot on the availability board, and the slot version applied.
    availability_board::slot* slot = nullptr;
    std::uint64_t version = 0;
  };
  static constexpr std::size_t no_slot = ~std::size_t{0};
  /// Routing snapshots by agent id (node-based: `free` points into it).
  std::unordered_map<std::string, member> agents;
  availability_board::news* news = nullptr; ///< this queue's news list on the board
  /// Kept with every snapshot change (set_snapshot / set_status /
  /// hold_back), so that a join and a match do not walk every member:
  std::vector<member*> free; ///< the members available now, in no order (what a match reads)
  /// free[i]'s withdrawal count and the value its snapshot came with, side
  /// by side: drop_withdrawn walks these before every join, and reading
  /// them here saves a cache miss per member over reading them through `free`.
  struct watch {
    const std::atomic<std::uint64_t>* withdrawals = nullptr;
    std::uint64_t seen = 0;
  };
  std::vector<watch> free_watch;
  events::acd::queue::availability summary; ///< of the eligible: logged in, not paused (join_empty)
  int available = 0;                        ///< snapshots that say "available now"
  /// Of the snapshots of agents serving the queue (members or not), for the expected wait
  /// (ewt_for):
  int serving = 0;                                   ///< logged in and not paused
  int serving_free = 0;                              ///< of those, available now
  std::int64_t talk_ms = 0;                          ///< talk time handled, summed
  std::int64_t handled = 0;                          ///< calls handled, summed
  std::unordered_map<std::string, caf::actor> calls; ///< waiting call id -> call actor
  std::unordered_set<std::string> ejecting;          ///< told to leave under the leave_empty rule
  /// Calls with offers in flight -> the agents this queue asked to reserve
  /// themselves for them (told to let go if the call leaves meanwhile).
  std::unordered_map<std::string, std::vector<std::string>> offering;
  /// Agents who just let a call ring out are not offered another call for
  /// one ring period (they are likely away from the desk; the agent's own
  /// auto-pause takes over after max_no_answer misses).
  std::map<std::string, std::int64_t> no_answer_until;
  /// Agents who do not serve this queue but whom waiting callers prefer
  /// (their familiar agent, F10) -> until when: they send this queue their
  /// snapshots meanwhile (follow_atom), and only such callers are offered
  /// to them (routing finds them through the preference alone).
  std::map<std::string, std::int64_t> followed;
  /// Waiting calls whose callers left the line for a call back: their
  /// agents are reserved without ringing, and ring once the call back is dialed.
  std::unordered_set<std::string> off_line;
  /// Call backs whose dial-back failed, and that are not dialed again
  /// before then (retry_at_atom; the queue's callback_retry_s).
  std::map<std::string, std::int64_t> not_before;
  events::acd::strategy_memory memory;
  std::uint64_t seed = 0;
  bool rematch_scheduled = false;
  /// When a delayed rematch is due for members blocked by a reject or busy
  /// delay or a missed ring (0: none pending).
  std::int64_t wake_at_ns = 0;
  /// Federation messages for recovered calls that have not rejoined yet.
  std::map<std::string, events::federation::message> pending_remote;
  /// How recent calls left, for the site status's service level (the KPI's definition).
  std::optional<events::federation::recent_service_level> recent_sl;
};

/// Routing's view of the available members, by reference (copying every
/// snapshot for each match dominated a busy queue), with their base levels:
/// the stored snapshots, or an adjusted copy for an agent held back after a
/// missed ring. Only available members: nobody else can be offered a call.
struct candidate_view {
  std::vector<events::acd::candidate> held; ///< reserved up front: `refs` point into it
  events::acd::candidate_refs refs;
  std::vector<int> levels; ///< base level of refs[i]
};

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
void track_free(queue_actor_state& st, queue_actor_state::member& m) {
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
void count(queue_actor_state& st, const events::acd::candidate& c, bool eligible, bool serves,
           int sign) {
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
void set_status(queue_actor_state& st, queue_actor_state::member& m,
                const events::acd::candidate_status& c, std::uint64_t seen) {
  m.seen = seen;
  count(st, m.c, m.eligible, m.serves, -1);
  static_cast<events::acd::candidate_status&>(m.c) = c;
  count(st, m.c, m.eligible, m.serves, 1);
  track_free(st, m);
}

/// What the member's slot on the board reads, if newer than what was applied.
void read_slot(queue_actor_state& st, queue_actor_state::member& m) {
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
void drop_withdrawn(queue_actor_state& st) {
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

caf::behavior queue_actor(caf::stateful_actor<queue_actor_state>* self,
                          std::shared_ptr<const acd_context> shared_ctx,
                          events::queue_definition def_in) {
  auto& st = self->state;
  st.ctx = std::move(shared_ctx);
  const acd_context* const ctx = st.ctx.get();
  if (ctx->root) self->link_to(ctx->root);
  st.def = std::move(def_in);
  st.who = events::principal::system("acd");
  const events::queue_definition* const def = &st.def;
  st.entity = std::make_unique<shell<events::acd::queue_decider>>(
      self, *ctx, queue::stream_name(def->id), queue::initial_state(*def));
  st.entity->recover();
  st.news = &ctx->board.news_of(def->id);
  const events::principal* const who = &st.who;
  auto now = [ctx] { return ctx->store.clock->now_ns(); };

  auto ewt_for = [=](int position) -> std::int64_t {
    const auto& s = self->state;
    auto e =
        events::acd::expected_wait_ms(position, s.serving, aht_ms(s, *ctx, *def), s.serving_free);
    return e ? *e : -1;
  };

  // Offers agents to waiting calls; coalesced so a burst of updates costs
  // one match. `caught_up`: the handler took the news just now.
  auto rematch = [=](bool caught_up = false) {
    auto& s = self->state;
    s.rematch_scheduled = false;
    const auto& waiting = queue::in_order(s.entity->state());
    if (waiting.size() <= s.offering.size()) return;
    if (!caught_up) catch_up(s);
    if (s.available <= 0) return;
    auto t = now();
    std::vector<events::acd::waiting_call> calls;
    for (const auto& e : waiting) {
      if (!s.not_before.empty()) {
        auto nb = s.not_before.find(e.call_id);
        if (nb != s.not_before.end() && nb->second > t) continue; // its retry is not due yet
        if (nb != s.not_before.end()) s.not_before.erase(nb);
      }
      if (!s.offering.count(e.call_id) && s.calls.count(e.call_id))
        calls.push_back(events::acd::make_waiting_call(e, t));
    }
    if (calls.empty()) return;
    const auto view = candidates(s);
    const auto to_match = calls.size();
    auto m = events::acd::match_queue(*def, std::move(calls), view.refs, view.levels, s.memory, t,
                                      ++s.seed);
    s.memory = m.memory;
    if (m.assignments.size() < to_match) {
      // Calls left waiting while members are blocked (a reject or busy
      // delay, a missed ring): match again when the first block ends.
      std::int64_t wake = 0;
      for (const auto* c : view.refs)
        if (c->blocked_until_ns > t && (wake == 0 || c->blocked_until_ns < wake))
          wake = c->blocked_until_ns;
      if (wake != 0 && (s.wake_at_ns <= t || wake < s.wake_at_ns)) {
        s.wake_at_ns = wake;
        self->delayed_send(self, std::chrono::milliseconds((wake - t + 999'999) / 1'000'000),
                           rematch_atom::value);
      }
    }
    for (const auto& a : m.assignments) {
      auto call = s.calls.find(a.call_id);
      if (call == s.calls.end()) continue;
      auto& asked = s.offering[a.call_id];
      for (const auto& agent_id : a.agents) {
        auto agent = ctx->agents.get(agent_id);
        if (!agent) continue;
        hold_back(s, agent_id);
        asked.push_back(agent_id);
        self->send(agent, reserve_atom::value,
                   reserve_request{a.call_id, def->id, def->channel, def->ring_timeout_ms, a.reason,
                                   call->second, caf::actor_cast<caf::actor>(self),
                                   !s.off_line.empty() && s.off_line.count(a.call_id) > 0});
      }
    }
  };
  // Whether an agent's snapshot reaches this queue without following: it
  // serves the queue, or one that this queue's widening adds.
  auto pushes_here = [=](const events::acd::candidate& c) {
    for (const auto& q : c.queues) {
      if (q == def->id) return true;
      if (auto w = ctx->widened_into.find(q); w != ctx->widened_into.end())
        for (const auto* wq : w->second)
          if (wq->id == def->id) return true;
    }
    return false;
  };
  // A caller prefers `agent_id` until `until_ns`. An agent who serves this
  // queue (or reaches it by widening) sends its snapshots here anyway; any
  // other agent of the node is asked to (follow_atom) until the last such
  // preference ends.
  auto follow = [=](const std::string& agent_id, std::int64_t until_ns) {
    auto& s = self->state;
    if (auto m = s.agents.find(agent_id); m != s.agents.end() && pushes_here(m->second.c)) return;
    if (!ctx->find_agent(agent_id)) return; // not an agent of this node
    auto [it, first] = s.followed.try_emplace(agent_id, until_ns);
    it->second = std::max(it->second, until_ns);
    if (!first) return;
    if (auto agent = ctx->agents.get(agent_id))
      self->send(agent, follow_atom::value, def->id, true);
  };
  // Preferences that ended: those agents stop sending snapshots here, and
  // are offered nothing more from this queue (their last snapshot may go stale).
  auto unfollow_expired = [=](std::int64_t t) {
    auto& s = self->state;
    for (auto it = s.followed.begin(); it != s.followed.end();) {
      if (it->second > t) {
        ++it;
        continue;
      }
      if (auto agent = ctx->agents.get(it->first))
        self->send(agent, follow_atom::value, def->id, false);
      if (auto m = s.agents.find(it->first); m != s.agents.end() && !pushes_here(m->second.c))
        hold_back(s, m->second);
      it = s.followed.erase(it);
    }
  };
  auto schedule_rematch = [=] {
    if (self->state.rematch_scheduled) return;
    // Nobody waits without an offer: nothing to match (a call that joins
    // later schedules its own). Saves a message per agent change at a queue
    // with no callers waiting.
    if (queue::in_order(self->state.entity->state()).size() <= self->state.offering.size()) return;
    self->state.rematch_scheduled = true;
    self->send(self, rematch_atom::value);
  };
  // After a handler: whether agents' posts must send this queue word
  // (availability_board.hpp): while callers wait without an offer, or while
  // its leave_empty rule watches waiting callers. Turning it on takes the
  // news that came without word. Then the leave_empty rule: waiting calls
  // are told to overflow once it holds.
  auto settle = [=] {
    auto& s = self->state;
    const auto& waiting = queue::in_order(s.entity->state());
    const bool watch_empty = def->leave_empty != events::empty_rule::never;
    const bool want = waiting.size() > s.offering.size() || (watch_empty && !waiting.empty());
    if (want != availability_board::wants_word(*s.news)) {
      availability_board::want_word(*s.news, want);
      if (want) {
        catch_up(s);
        schedule_rematch();
      }
    }
    if (!watch_empty || waiting.empty()) return;
    for (const auto& call_id : queue::calls_to_eject(s.entity->state(), s.summary)) {
      auto call = s.calls.find(call_id);
      if (call != s.calls.end() && s.ejecting.insert(call_id).second)
        self->send(call->second, queue_empty_atom::value, def->id);
    }
  };

  return {
      [=](join_atom, const join_request& req) -> caf::result<joined_atom, int, std::int64_t> {
        auto t = now();
        catch_up(self->state); // join_empty reads who is logged in
        auto members = self->state.summary;
        auto rp = self->make_response_promise<joined_atom, int, std::int64_t>();
        // The continuation runs as the join is sequenced, before exec returns.
        auto refused = self->state.entity->exec(
            queue::join{req.call_id, req.priority, req.customer_id, req.preferred_agent,
                        req.preferred_until_ns, members, t},
            t, "join", def->tenant, *who, call_correlation(req.call_id), [=]() mutable {
              int pos = queue::position(self->state.entity->state(), req.call_id);
              rp.deliver(joined_atom::value, pos, ewt_for(pos));
            });
        if (refused) {
          // Through the promise: once a handler made one, what it returns is
          // not sent, and the caller would wait for an answer forever.
          rp.deliver(refusal(refused->code));
          return rp;
        }
        self->state.calls[req.call_id] = req.call;
        if (!req.reserved_agent.empty()) self->state.offering.try_emplace(req.call_id);
        // A call for a familiar agent waits for that agent only so long: then anyone may take it.
        if (req.preferred_until_ns > t) {
          self->delayed_send(
              self, std::chrono::milliseconds((req.preferred_until_ns - t + 999'999) / 1'000'000),
              rematch_atom::value);
          follow(req.preferred_agent, req.preferred_until_ns);
        }
        // Matched at once, not through a rematch message: the call hears
        // `joined` first all the same (delivered above, before any
        // reservation goes out), and the offer saves a mailbox round.
        rematch(true);
        settle();
        return rp;
      },
      [=](leave_atom, const std::string& call_id, const std::string& reason) {
        auto& s = self->state;
        if (const auto* e =
                queue::find(s.entity->state(), call_id)) { // every way out counts (moved away too)
          if (!s.recent_sl) s.recent_sl.emplace(std::llround(def->sl_threshold_s * 1000));
          s.recent_sl->record(
              events::acd::exit_for_service_level((now() - e->joined_at_ns) / 1'000'000, reason));
        }
        self->state.calls.erase(call_id);
        // A call that left while agents it was offered to may not have
        // told it yet (the reservation crossed its end): they let go. The
        // call told the agents it knows; the agent ignores a second word.
        if (auto asked = s.offering.find(call_id); asked != s.offering.end()) {
          if (reason != "connected")
            for (const auto& agent_id : asked->second)
              if (auto agent = ctx->agents.get(agent_id))
                self->send(agent, cancel_atom::value, call_id, reason, def->id);
          s.offering.erase(asked);
        }
        s.ejecting.erase(call_id);
        if (!s.off_line.empty())
          s.off_line.erase(call_id); // no hash while nobody waits off the line
        if (!s.not_before.empty()) s.not_before.erase(call_id);
        auto t = now();
        self->state.entity->exec(queue::leave{call_id, reason, t}, t, "leave", def->tenant, *who,
                                 call_correlation(call_id));
        settle();
      },
      [=](priority_atom, const std::string& call_id, std::int32_t priority) {
        auto t = now();
        self->state.entity->exec(queue::change_priority{call_id, priority, t}, t, "change_priority",
                                 def->tenant, *who, call_correlation(call_id));
        schedule_rematch();
      },
      [=](offer_failed_atom, const std::string& call_id, const std::string& agent_id) {
        auto& s = self->state;
        offer_ended(s, call_id, agent_id);
        s.no_answer_until[agent_id] = events::acd::no_answer_hold_until(*def, now());
        // Wake up when the hold-back ends, in case nobody else can take the call.
        self->delayed_send(self, std::chrono::milliseconds(def->ring_timeout_ms),
                           rematch_atom::value);
        schedule_rematch();
        settle();
      },
      [=](reserve_failed_atom, const std::string& call_id, const std::string& agent_id,
          const std::string&) {
        offer_ended(self->state, call_id, agent_id);
        hold_back(self->state, agent_id);
        schedule_rematch();
        settle();
      },
      [=](agent_update_atom, const events::acd::candidate& c, std::uint64_t seen,
          std::uint64_t version) {
        set_snapshot(self->state, *def, c, seen, version);
        catch_up(self->state);
        schedule_rematch();
        settle();
      },
      [=](news_atom) {
        // An agent posted a status on the board while this queue wanted word.
        availability_board::word_heard(*self->state.news);
        catch_up(self->state);
        schedule_rematch();
        settle();
      },
      [=](position_atom, const std::string& call_id) -> caf::result<int, std::int64_t> {
        catch_up(self->state);
        int pos = queue::position(self->state.entity->state(), call_id);
        return {pos, ewt_for(pos)};
      },
      [=](recover_atom) {
        // Waiting calls of a previous run: their actors come back and rejoin.
        for (const auto& e : queue::in_order(self->state.entity->state())) {
          call_request req;
          req.call_id = e.call_id;
          req.queue = def->id; // it holds a place here, whatever its own stream says
          req.recover = true;
          spawn_call(self->home_system(), self->state.ctx, req);
        }
      },
      // A caller left the line for a call back: no phone rings for it
      // until its call back is dialed.
      [=](off_line_atom, const std::string& call_id) {
        if (queue::find(self->state.entity->state(), call_id)) self->state.off_line.insert(call_id);
      },
      // A call back's dial-back failed: it keeps its place, but is not
      // dialed again before `at_ns`; a match then.
      [=](retry_at_atom, const std::string& call_id, std::int64_t at_ns) {
        if (!queue::find(self->state.entity->state(), call_id)) return;
        self->state.not_before[call_id] = at_ns;
        const auto wait_ns = std::max<std::int64_t>(0, at_ns - now());
        self->delayed_send(self, std::chrono::milliseconds((wait_ns + 999'999) / 1'000'000),
                           rematch_atom::value);
      },
      [=](rejoin_atom, const std::string& call_id, const caf::actor& call) {
        const auto* e = queue::find(self->state.entity->state(), call_id);
        if (!e) return;
        self->state.calls[call_id] = call;
        // A preference the restart interrupted: its end, and its agent, as on joining.
        if (auto t = now(); e->preferred_until_ns > t) {
          self->delayed_send(
              self, std::chrono::milliseconds((e->preferred_until_ns - t + 999'999) / 1'000'000),
              rematch_atom::value);
          follow(e->preferred_agent, e->preferred_until_ns);
        }
        if (auto p = self->state.pending_remote.find(call_id);
            p != self->state.pending_remote.end()) {
          self->send(call, remote_reply_atom::value, p->second);
          self->state.pending_remote.erase(p);
        }
        schedule_rematch();
        settle();
      },
      [=](rematch_atom) {
        auto t = now();
        for (auto it = self->state.no_answer_until.begin();
             it != self->state.no_answer_until.end();)
          it = it->second <= t ? self->state.no_answer_until.erase(it) : std::next(it);
        if (!self->state.followed.empty()) unfollow_expired(t);
        rematch();
        settle();
      },
      [=](stats_atom) {
        catch_up(self->state);
        return std::make_tuple(
            static_cast<int>(queue::in_order(self->state.entity->state()).size()),
            self->state.available);
      },
      [=](fed_snapshot_atom) {
        // What the federation publishes about this queue, and the calls it may move.
        auto& s = self->state;
        catch_up(s);
        queue_snapshot snap;
        auto& st = snap.status;
        st.queue = def->id;
        st.agents_logged_in = s.serving;
        st.agents_ready = s.serving_free;
        const auto& waiting = queue::in_order(s.entity->state());
        st.calls_waiting = static_cast<std::int32_t>(waiting.size());
        st.ewt_ms = st.agents_logged_in > 0 ? ewt_for(st.calls_waiting + 1) : -1;
        st.sl_threshold_ms = std::llround(def->sl_threshold_s * 1000);
        if (s.recent_sl) st.service_level = s.recent_sl->value();
        auto t = now();
        std::int32_t pos = 0;
        for (const auto& e : waiting) {
          ++pos;
          auto call = s.calls.find(e.call_id);
          if (call == s.calls.end()) continue;
          snap.calls.push_back({e.call_id, pos, (t - e.joined_at_ns) / 1'000'000,
                                s.offering.contains(e.call_id),
                                st.agents_logged_in > 0 ? ewt_for(pos) : -1, call->second});
        }
        return snap;
      },
      [=](reserve_remote_atom, const std::string& call_id,
          const caf::actor& call) -> caf::result<std::string> {
        // A call waiting at another site: reserve (hold) the best ready
        // agent for it, unless callers here wait for one themselves.
        auto& s = self->state;
        const auto& waiting = queue::in_order(s.entity->state());
        if (!events::acd::may_hold_for_remote(waiting.size(), s.offering.size()))
          return refusal("local_calls_waiting");
        events::acd::waiting_call wc;
        wc.call_id = call_id;
        wc.priority = INT32_MAX;
        auto t = now();
        catch_up(s);
        const auto view = candidates(s);
        auto m =
            events::acd::match_queue(*def, {wc}, view.refs, view.levels, s.memory, t, ++s.seed);
        if (m.assignments.empty() || m.assignments.front().agents.empty())
          return refusal("no_agent");
        s.memory = m.memory;
        const auto& agent_id = m.assignments.front().agents.front();
        auto agent = ctx->agents.get(agent_id);
        if (!agent) return refusal("no_agent");
        hold_back(s, agent_id);
        reserve_request rr{
            call_id, def->id, def->channel, def->ring_timeout_ms, m.assignments.front().reason,
            call,    call};
        rr.hold = true;
        self->send(agent, reserve_atom::value, std::move(rr));
        return agent_id;
      },
      [=](remote_reply_atom, const events::federation::message& m) {
        // A federation message for a call the federation actor does not
        // know (this node restarted): to the call, if it waits here.
        auto& s = self->state;
        if (auto c = s.calls.find(m.call_id); c != s.calls.end())
          self->send(c->second, remote_reply_atom::value, m);
        else if (queue::find(s.entity->state(), m.call_id))
          s.pending_remote[m.call_id] = m; // recovering: delivered when it rejoins
      },
      [](deferred& d) { d.run(); },
  };
}

} // namespace

caf::actor spawn_queue(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                       const events::queue_definition& queue) {
  return sys.spawn(queue_actor, ctx, queue);
}

} // namespace hotline::actors
