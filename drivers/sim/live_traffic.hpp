#pragma once
/// The traffic simulator's callers and agents on a running node: the same
/// simulated world as `run_simulation`, but on the node's own actor system
/// and clock (the wall clock), driving the node's ACD until `end_ns` or
/// until it is stopped. `hotline node` uses it when [node] traffic = true
/// (demos of a multi-site cluster, the federation integration test).
///
/// It is the ACD's observer (set ctx->observer to the result). Calls that
/// land from other sites (interflow) are answered and hung up like its own,
/// with a handle time drawn from the profile of a source of the same queue.
///
/// It is spawned lazily and starts (logs the agents in, schedules arrivals)
/// on its first message: send it `caf::ok_atom` once start_acd returned, so
/// that it never looks up an agent's handle before the ACD filled them.
///
/// Lifetime: `cfg`, `opts` and `clock` must outlive the actor. Stop it with
/// an exit message (or by stopping the system).
#include <cstdint>
#include <memory>

#include <caf/fwd.hpp>

#include "config/configuration.hpp"
#include "drivers/sim/simulator.hpp"

namespace hotline::actors {
struct acd_context;
class time_source;
} // namespace hotline::actors

namespace hotline::drivers::sim {

caf::actor spawn_live_traffic(caf::actor_system& sys, const config::configuration& cfg,
                              std::shared_ptr<actors::acd_context> ctx,
                              const simulation_options& opts, std::int64_t start_ns,
                              std::int64_t end_ns, const actors::time_source* clock);

} // namespace hotline::drivers::sim
