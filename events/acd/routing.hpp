#pragma once
/// Routing (F7, F8, F10): which agent(s) a waiting call is offered to.
/// Pure functions over snapshots (candidate.hpp); the seed for `random`
/// arrives with the call, the clock with `now_ns`.
///
/// Eligible: the agent is `available` (ready, a free slot for the channel),
/// not blocked (`blocked_until_ns <= now_ns`), serves one of the call's
/// queues (the queue or one added by widening) and has every required skill
/// at or above its effective min level.
///
/// Level: for a queue requiring skills S1..Sn an agent's level is the lowest
/// of its levels in S1..Sn (the weakest required skill decides how well the
/// agent can serve the call; a sum would let a strong skill hide a weak
/// one). A queue without skills gives every agent level 0. The highest
/// level answers first; among equals the queue's strategy picks:
///   longest_idle     earliest idle_since (Default)
///   round_robin      the first agent id after the one offered last (memory)
///   fewest_calls     fewest calls handled, then longest idle
///   least_talk_time  least talk time, then longest idle
///   top_down         lowest `order`, then agent id
///   random           uniform over the best, from the seed (splitmix64)
///   ring_all         every best-level eligible agent at once
/// Ties left after a rule fall to the agent id, so results never depend on
/// the order of the input.
///
/// A call's own skills (`waiting_call::skills`, from an IVR flow's queue
/// node: docs/ivr.md) are extra required skills for that call only: they
/// join the queue's effective requirements (`with_call_skills`), so an
/// agent lacking one is not eligible for that call, and the level is the
/// lowest over the queue's and the call's skills together. Widening
/// relaxes the queue's own requirements only; a call's skills keep their
/// levels however long it waits. A call whose skills no member has waits
/// (and overflows or times out by the queue's rules), without holding up
/// the calls behind it.
#include <cstdint>
#include <string>
#include <vector>

#include "events/acd/candidate.hpp"
#include "events/acd/widening.hpp"
#include "events/center.hpp"

namespace hotline::events::acd {

/// What a strategy remembers between selections (round_robin's last agent).
/// The queue actor keeps it in memory; after a restart it may be rebuilt
/// from the last call.offered of the queue, or start empty (fair enough).
struct strategy_memory {
  std::string last_agent;
};

struct selection {
  std::vector<std::string> agents; ///< empty: nobody eligible; several only for ring_all
  int level = 0;
  std::string reason; ///< "level 7, longest idle 42 s"
};

/// Level of `c` for `r` (see above); -1 when `c` lacks a required skill.
int level_of(const candidate& c, const requirements& r) noexcept;

/// Eligible for a call with requirements `r` at `now_ns` (see above).
bool is_eligible(const candidate& c, const requirements& r, std::int64_t now_ns) noexcept;

/// The agent(s) to offer a call with requirements `r` to, by `q.strategy`.
selection select_agents(const queue_definition& q, const requirements& r,
                        const std::vector<candidate>& agents, const strategy_memory& memory,
                        std::int64_t now_ns, std::uint64_t seed);
selection select_agents(const queue_definition& q, const requirements& r,
                        const candidate_refs& agents, const strategy_memory& memory,
                        std::int64_t now_ns, std::uint64_t seed);

/// A waiting call as matching sees it. Pass only calls that need an agent
/// now (no offer in flight, not being dialed back).
struct waiting_call {
  std::string call_id;
  std::int32_t priority = 0;
  std::uint64_t sequence = 0;  ///< queue join order
  std::int64_t waited_ms = 0;  ///< in this queue; selects the widening steps
  std::string preferred_agent; ///< familiar agent (F10), if any
  std::int64_t preferred_until_ns = 0;
  std::vector<skill_requirement> skills; ///< asked for this call only (see above); most: none
};

/// `r` with a call's own `skills` added: a skill both ask for keeps the
/// higher minimum level (the agent must satisfy both). Queues added by
/// widening and the widening step stay as in `r`.
requirements with_call_skills(requirements r, const std::vector<skill_requirement>& skills);

/// `e` as a waiting call at `now_ns`.
waiting_call make_waiting_call(const queue::entry& e, std::int64_t now_ns);

struct assignment {
  std::string call_id;
  std::vector<std::string> agents;
  int level = 0;
  std::string reason;
};

struct match_result {
  std::vector<assignment> assignments; ///< in service order
  strategy_memory memory;              ///< to keep for the next match
};

/// Offers for a whole queue: walks the calls in service order (priority
/// desc, sequence asc) and gives each the agents `select_agents` picks from
/// those not yet given to an earlier call. A call nobody eligible is left
/// for does not block later calls, so no call waits while an eligible agent
/// is ready and unassigned (no starvation).
///
/// Preferred agent: before `preferred_until_ns` a call waits for its
/// preferred agent only (who must be available, unblocked and skilled, but
/// need not serve the queue); after that it competes like any other call.
match_result match_queue(const queue_definition& q, std::vector<waiting_call> calls,
                         const std::vector<candidate>& agents, strategy_memory memory,
                         std::int64_t now_ns, std::uint64_t seed);
match_result match_queue(const queue_definition& q, std::vector<waiting_call> calls,
                         const candidate_refs& agents, strategy_memory memory, std::int64_t now_ns,
                         std::uint64_t seed);

/// What `c` scores for calls of `q` that have not waited into a widening
/// step: its level (above) if it serves `q` and has every skill `q`
/// requires at its base min level, else -1. It depends on the agent's
/// skills and queues only, so a caller can keep it with the snapshot
/// instead of having every match look each skill up again.
int base_level(const candidate& c, const queue_definition& q);

/// `match_queue` with each agent's `base_level` given (`base_levels[i]` for
/// `agents[i]`): the same result, with the skill lookups done once per
/// snapshot instead of once per match (for calls with no skills of their
/// own; a call with some has its agents' skills looked up).
/// REQUIRES: the sizes match.
match_result match_queue(const queue_definition& q, std::vector<waiting_call> calls,
                         const candidate_refs& agents, const std::vector<int>& base_levels,
                         strategy_memory memory, std::int64_t now_ns, std::uint64_t seed);

} // namespace hotline::events::acd
