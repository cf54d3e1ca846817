#pragma once
/// The queue's business rules that are not state transitions of its
/// decider: what the queue actor (actors/queue_actor.cpp) asks before it
/// offers, holds back or reserves an agent, and how a call's way out of the
/// queue counts toward the service level the site publishes. Pure
/// functions, tested in tests/events/acd_queue_rules_test.cpp.
///
/// Thread safety: pure functions.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "events/center.hpp"
#include "events/federation/site_status.hpp"

namespace hotline::events::acd {

/// An agent who let an offer of this queue ring out (no answer) is not
/// offered its calls again until this time: one ring timeout later, so the
/// call tries the others first (the agent's own auto-pause takes over after
/// `max_no_answer` misses, agent.hpp).
std::int64_t no_answer_hold_until(const queue_definition& q, std::int64_t now_ns);

/// Whether the queue may hold one of its ready agents for a call waiting at
/// another site (interflow): only when every caller waiting here is already
/// being offered to an agent, so that no local caller waits behind the
/// remote one. `waiting`: calls in the queue; `being_offered`: those with an
/// offer in flight.
bool may_hold_for_remote(std::size_t waiting, std::size_t being_offered);

/// How a call that left the queue after `wait_ms` with `reason` (the
/// queue.left reason: connected, abandoned, overflowed, moved...) counts in
/// the service level of the last calls (federation::recent_service_level).
federation::queue_exit exit_for_service_level(std::int64_t wait_ms, std::string_view reason);

} // namespace hotline::events::acd
