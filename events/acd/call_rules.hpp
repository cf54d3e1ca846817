#pragma once
/// The call's business rules that are not state transitions: what the call
/// actor asks before it sends a command to the call decider or a message to
/// another actor. Pure functions of the configuration and the call, each
/// tested given/when/then in tests/events/acd_call_rules_test.cpp; the actor
/// (actors/call_actor.cpp and its handlers) only carries out what they return.
///
/// Thread safety: pure functions.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/center.hpp"

namespace hotline::events::acd {

/// The priority a call waits with in queue `q`: `base` (the entry point's),
/// raised to the queue's `vip_priority` when the caller is one of the
/// tenant's `vip_callers` (F8). `tenant` may be null (no VIP list).
int priority_for(int base, std::string_view caller, const tenant_definition* tenant,
                 const queue_definition& q);

/// Why a call leaves its queue for the overflow rule, from the refusal code
/// the queue gave (actors/refusal.hpp) or the timer that fired:
/// "max_length" (queue_full), "no_agents" (queue_empty: nobody could ever
/// answer), "closed" (queue_closed: an administrator closed the service); any other code
/// ("max_wait", "unknown_queue"...) is kept as it is.
std::string overflow_reason_of(std::string_view refusal);

/// What the overflow rule of queue `q` does with a call (docs/acd.md,
/// "Overflow"). `joined`: the call holds a place in `q` (a call-back keeps
/// it; a call refused at the door has none).
struct overflow_decision {
  enum class kind : std::uint8_t {
    to_queue,  ///< queue again in `target`
    voicemail, ///< leave a message: the call ends "overflowed"
    callback,  ///< leave the line and keep the place: called back later
    refuse,    ///< the call ends "refused"
  };
  kind what = kind::refuse;
  std::string target; ///< to_queue: the queue
};
/// `queue_exists` says whether a queue id is configured.
template <class QueueExists>
overflow_decision overflow_for(const queue_definition& q, bool joined, QueueExists&& queue_exists) {
  switch (q.overflow) {
  case overflow_action::queue:
    if (q.overflow_queue != q.id && queue_exists(q.overflow_queue))
      return {overflow_decision::kind::to_queue, q.overflow_queue};
    break;
  case overflow_action::voicemail:
    return {overflow_decision::kind::voicemail, {}};
  case overflow_action::callback:
    if (joined) return {overflow_decision::kind::callback, {}};
    break;
  default:
    break;
  }
  return {overflow_decision::kind::refuse, {}};
}

/// How long the second leg of a call (a transfer, a consultation, an
/// invitation) rings its agent: the queue's ring timeout, else
/// `default_leg_ring_ms`. `q` may be null (a call in no queue).
inline constexpr std::int64_t default_leg_ring_ms = 15'000;
std::int64_t leg_ring_ms(const queue_definition* q);

/// The trunk group a call back goes out on (virtual hold): the call's own
/// group if it places calls, else the queue's outbound group; null when
/// neither does (the call back then uses a line hotline does not model).
/// `find` looks a group up by id (null when unknown).
template <class FindTrunk>
const trunk_group_definition* callback_trunk_group(const std::string& call_group,
                                                   const queue_definition* q, FindTrunk&& find) {
  const trunk_group_definition* group = find(call_group);
  const auto dials_out = [](const trunk_group_definition* g) {
    return g && carries(g->direction, call_direction::outbound);
  };
  if (!dials_out(group) && q && !q->outbound_trunk_group.empty())
    group = find(q->outbound_trunk_group);
  return dials_out(group) ? group : nullptr;
}

/// A waiting call's timers, `waited_ms` into its wait in queue `q` (0 when
/// it has just joined; a call moved by overflow keeps the wait it had):
/// each fires `after_ms` from now. `applied_step` is the last widening step
/// applied (-1: none); `q.widening` steps are in order of `after_ms`.
struct wait_timer {
  enum class kind : std::uint8_t {
    max_wait,       ///< -> the queue's overflow rule, reason "max_wait"
    announce,       ///< -> announce the position and EWT (every announce_every_ms from the join)
    offer_callback, ///< -> offer a call back (virtual hold)
    widen,          ///< -> apply widening step `step`
  };
  kind what = kind::max_wait;
  std::int64_t after_ms = 0;
  int step = -1; ///< widen
};
std::vector<wait_timer> wait_timers(const queue_definition& q, std::int64_t waited_ms,
                                    int applied_step);
const char* to_string(wait_timer::kind k) noexcept;

/// A request refused against the configuration before any command reaches
/// the decider (audited as command.rejected with this code and detail).
/// Empty code: allowed.
struct config_refusal {
  std::string code;
  std::string detail;
  explicit operator bool() const noexcept { return !code.empty(); }
};

/// The queue a blind transfer to an agent falls back to when the agent does
/// not take the call: the one the request names, else the call's queue.
inline std::string transfer_fallback_queue(const std::string& requested,
                                           const queue_definition* current) {
  return requested.empty() && current ? current->id : requested;
}

/// A transfer's target is checked against the configuration first, so that
/// a mistyped queue or agent does not cost the caller the call
/// (unknown_target); a blind transfer to an agent needs a queue to fall back
/// to (no_fallback_queue). `fallback` from transfer_fallback_queue.
template <class QueueExists, class AgentExists>
config_refusal check_transfer(transfer_target_kind target_kind, const std::string& target,
                              transfer_mode mode, const std::string& fallback,
                              QueueExists&& queue_exists, AgentExists&& agent_exists) {
  using kind = transfer_target_kind;
  if ((target_kind == kind::queue && !queue_exists(target)) ||
      (target_kind == kind::agent && !agent_exists(target)))
    return {"unknown_target", "no " + std::string{to_wire(target_kind)} + " '" + target + "' here"};
  if (target_kind == kind::agent && mode == transfer_mode::blind && !queue_exists(fallback))
    return {"no_fallback_queue", "a blind transfer to an agent needs a queue to fall back to"};
  return {};
}

/// A conference party is an agent of this site or an external number.
template <class AgentExists>
config_refusal check_conference(const std::string& party_kind, const std::string& party,
                                AgentExists&& agent_exists) {
  if (party_kind == "agent")
    return agent_exists(party) ? config_refusal{}
                               : config_refusal{"unknown_target", "no agent '" + party + "' here"};
  if (party_kind == "external") return {};
  return {"invalid_argument",
          "conference party kind '" + party_kind + "' is not agent or external"};
}

/// Only an agent configured as a supervisor may listen, whisper or barge in.
/// `def` may be null (no such agent).
config_refusal check_supervisor(const std::string& supervisor_id, const agent_definition* def);

} // namespace hotline::events::acd
