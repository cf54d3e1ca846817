#pragma once
/// The configuration actor: one per node, owner of `config-<site>` (issue
/// 21). It creates agents and queues at runtime: a node API request
///
///   api_atom, user, (define_atom, events::acd::configuration::command)
///     ⇒ api_atom, code, detail   (code empty: created)
///
/// is decided by the configuration aggregate (events/acd/configuration.hpp:
/// a free id, a known tenant, queues and skills, free numbers) and recorded
/// as `agent.defined` / `queue.defined`, authored by the user. Once the
/// store has sequenced the event, the object's actor starts
/// (acd.hpp: start_created_agent / start_created_queue) and is registered
/// where the file's are: the agent directory (login, passivation), the
/// availability board (slots come on first use), the queues' membership
/// (through the agent's snapshots as it logs in), `find_queue` /
/// `find_agent` / `find_entry` / `queue_actor` for calls, transfers and
/// the API. The live view and /metrics learn it from the event itself
/// (projections/live). Only then does the request answer, so a login that
/// follows the answer finds the agent.
///
/// A refusal answers with the decider's code and is audited
/// (`command.rejected`) like any other. After a restart, start_acd folds
/// the stream over the file before anything starts, and this actor
/// recovers its state from the same stream.
#include <memory>

#include <caf/all.hpp>

#include "actors/acd.hpp"
#include "events/acd/configuration.hpp"

namespace hotline::actors {

using define_atom = caf::atom_constant<caf::atom("define")>;

/// Spawned by start_acd (ctx->configuration); linked to the ACD's root.
caf::actor spawn_configuration(caf::actor_system& sys, const std::shared_ptr<acd_context>& ctx);

} // namespace hotline::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::events::acd::configuration::command)
