#pragma once
/// An agent as routing sees it for one queue: a plain snapshot, so that the
/// routing functions stay pure and testable without agent streams. Build
/// it from an agent's state with `make_candidate` (or by hand in tests).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "events/acd/agent.hpp"
#include "events/acd/queue.hpp"
#include "events/center.hpp"

namespace hotline::events::acd {

/// The part of a snapshot that changes with the agent's every state change
/// (presence, capacity, counters). Identity, skills and the queues served
/// change on login only: an agent sends its queues a whole `candidate`
/// when those change and this alone otherwise, so that a state change does
/// not copy a skills map and a queue list to every queue served.
struct candidate_status {
  bool logged_in = true;
  bool paused = false;    ///< not ready (any reason)
  bool available = false; ///< ready with a free slot for the queue's channel now
  std::int64_t idle_since_ns = 0;
  int calls_handled = 0;
  std::int64_t talk_time_ms = 0;
  std::int64_t blocked_until_ns = 0; ///< reject / busy delay: offer nothing before
  int consecutive_misses = 0;
  std::int64_t last_offered_ns = 0;
};

struct candidate : candidate_status {
  std::string agent_id;
  std::map<std::string, int> skills; ///< skill -> level (1..100)
  std::vector<std::string> queues;   ///< queues served in this session
  int order = 0;                     ///< top_down rank
};

/// Snapshots by reference: what a caller that keeps its candidates in
/// another container (the queue actor's map) passes to routing instead of
/// copying them. The pointers must stay valid for the call; none is kept.
using candidate_refs = std::vector<const candidate*>;

/// The snapshot of `a` for calls of `q` (its channel; its reject and busy
/// delays turn the agent's last reject / busy into `blocked_until_ns`).
candidate make_candidate(const agent::state& a, const queue_definition& q);

/// The changing part of `make_candidate(a, q)` alone.
candidate_status make_candidate_status(const agent::state& a, const queue_definition& q);

/// Whether `c` could ever answer `q`'s calls: serves the queue and has its
/// skills at the queue's base levels (presence and capacity aside).
bool is_member(const candidate& c, const queue_definition& q);

/// The join_empty / leave_empty summary of `q`'s members among `agents`.
queue::availability summarize(const queue_definition& q, const std::vector<candidate>& agents);
queue::availability summarize(const queue_definition& q, const candidate_refs& agents);

} // namespace hotline::events::acd
