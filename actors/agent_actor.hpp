#pragma once
/// Agents (F11): one long-lived actor per agent, recovered from `agent-<id>`.
/// From the desktop (or the simulator): login_atom [queues], logout_atom,
/// ready_atom, not_ready_atom + reason, answer_atom + call, reject_atom +
/// call, hangup_atom + call. From queues and calls: see protocol.hpp.
/// After every change it pushes its routing snapshot to the queues it serves.
#include "actors/acd.hpp"

namespace hotline::actors {

caf::actor spawn_agent(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                       const events::agent_definition& agent);

} // namespace hotline::actors
