#pragma once
/// Queues (F7-F9): one long-lived actor per queue, recovered from
/// `queue-<id>`. It keeps the waiting list (the queue decider), a routing
/// snapshot of every agent that serves it (pushed by the agents), and which
/// calls have offers in flight; after every change it matches waiting calls
/// to agents (events/acd/routing.hpp) and asks those agents to reserve
/// themselves. An agent serving several queues arbitrates by accepting only
/// one reservation (the others get reserve_failed and re-match).
#include "actors/acd.hpp"

namespace hotline::actors {

caf::actor spawn_queue(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                       const events::queue_definition& queue);

} // namespace hotline::actors
