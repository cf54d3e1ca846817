#pragma once
/// The queue actor's state and its handlers (actors/queue_actor.hpp says
/// what the actor does). Private to the queue actor's files:
///  - queue_actor.cpp      the behaviour (one line per message) and spawn_queue;
///  - queue_members.cpp    the routing snapshots of its agents and who is free now;
///  - queue_matching.cpp   joins, leaves and matching waiting calls to free agents;
///  - queue_interflow.cpp  what the federation sees of the queue, and agents held
///                         for calls of other sites.
///
/// What waits, in which order, is the queue decider's (events/acd/queue.hpp);
/// the rules are events/acd/routing.hpp's and queue_rules.hpp's. A handler
/// takes `self` alone (see call_actor_state.hpp for why).
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/acd.hpp"
#include "actors/availability_board.hpp"
#include "actors/shell.hpp"
#include "events/acd/deciders.hpp"
#include "events/acd/routing.hpp"
#include "events/federation/site_status.hpp"

namespace hotline::actors {

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

using queue_self = caf::stateful_actor<queue_actor_state>*;

/// Routing's view of the available members, by reference (copying every
/// snapshot for each match dominated a busy queue), with their base levels:
/// the stored snapshots, or an adjusted copy for an agent held back after a
/// missed ring. Only available members: nobody else can be offered a call.
struct candidate_view {
  std::vector<events::acd::candidate> held; ///< reserved up front: `refs` point into it
  events::acd::candidate_refs refs;
  std::vector<int> levels; ///< base level of refs[i]
};

/// The handlers, by concern; each takes the actor and the message's values.
namespace queue_flow {

// -- queue_members.cpp: the members' snapshots (no messages) -----------------
/// The available members as routing reads them (see candidate_view).
candidate_view candidates(const queue_actor_state& st);
/// Mean handle time (talk + wrap-up) from what the members have handled.
std::int64_t aht_ms(const queue_actor_state& st, const acd_context& ctx,
                    const events::queue_definition& def);
/// An agent's whole snapshot arrived (first, or its queues changed).
void set_snapshot(queue_actor_state& st, const events::queue_definition& def,
                  const events::acd::candidate& c, std::uint64_t seen, std::uint64_t version);
/// The queue's required skills changed (queue.settings_changed): every
/// member's eligibility and base level, and the counts, read `def` now.
void redefine_members(queue_actor_state& st, const events::queue_definition& def);
/// Not available until its next snapshot (an offer went out, or failed, or it withdrew).
void hold_back(queue_actor_state& st, queue_actor_state::member& m);
void hold_back(queue_actor_state& st, const std::string& agent_id);
/// One of the agents asked for `call_id` will not take it.
void offer_ended(queue_actor_state& st, const std::string& call_id, const std::string& agent_id);
/// Before anything reads who is available: the board's news, then the withdrawals.
void catch_up(queue_actor_state& st);

// -- queue_matching.cpp ------------------------------------------------------
std::int64_t now_of(queue_self self);
/// The expected wait of the caller at `position` (-1: nobody serves).
std::int64_t ewt_for(queue_self self, int position);
/// Offers agents to waiting calls. `caught_up`: the handler took the news just now.
void rematch(queue_self self, bool caught_up = false);
void schedule_rematch(queue_self self);
/// After a handler: the board's word, and the leave_empty rule.
void settle(queue_self self);
caf::result<joined_atom, int, std::int64_t> on_join(queue_self self, const join_request& req);
void on_leave(queue_self self, const std::string& call_id, const std::string& reason);
void on_priority(queue_self self, const std::string& call_id, std::int32_t priority);
void on_offer_failed(queue_self self, const std::string& call_id, const std::string& agent_id);
void on_reserve_failed(queue_self self, const std::string& call_id, const std::string& agent_id);
void on_agent_update(queue_self self, const events::acd::candidate& c, std::uint64_t seen,
                     std::uint64_t version);
void on_news(queue_self self);
caf::result<int, std::int64_t> on_position(queue_self self, const std::string& call_id);
void recover_calls(queue_self self);
void on_off_line(queue_self self, const std::string& call_id);
void on_retry_at(queue_self self, const std::string& call_id, std::int64_t at_ns);
void on_rejoin(queue_self self, const std::string& call_id, const caf::actor& call);
void on_rematch(queue_self self);

// -- queue_interflow.cpp -----------------------------------------------------
queue_snapshot federation_snapshot(queue_self self);
caf::result<std::string> on_reserve_remote(queue_self self, const std::string& call_id,
                                           const caf::actor& call);
void on_remote_reply(queue_self self, const events::federation::message& m);

} // namespace queue_flow
} // namespace hotline::actors
