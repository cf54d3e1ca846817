#pragma once
/// Starting the ACD of one node: every trunk channel, queue and agent of a
/// center definition becomes a long-lived actor that recovers from its own
/// stream; every call becomes an actor spawned on arrival that ends with its
/// call. The actors are thin shells around the deciders in events/acd/.
///
/// The outside world (telephony, agent desktops, the traffic simulator)
/// talks to them with the messages in actors/protocol.hpp and hears back
/// through the `observer` actor:
///   (ringing_atom, agent_id, call_id)   an agent's phone rings
///   (ring_stopped_atom, agent_id, call_id, reason)  it stops ringing without being
///                                       answered because the ACD withdrew the offer
///                                       (reason: no_answer | cancelled | logged_out | ...)
///   (queued_atom, call_id, queue)       a call waits in a queue
///   (talking_atom, call_id, agent_id)   a call is connected
///   (held_atom, call_id, agent_id, on_hold)  the agent put the caller on hold (true) or took
///                                       it back (false)
///   (announce_atom, call_id, position, ewt_ms)  a waiting caller's position / expected
///                                       wait was announced (`call.announced`; ewt_ms -1:
///                                       nobody serves the queue): telephony speaks it
///   (party_atom, call_id, party_change)  who is on the call's media changed: a transfer, a
///                                       consultation or invitation ringing or ending, a
///                                       conference party joining or leaving, a supervisor
///                                       (protocol.hpp: party_change)
///   (ended_atom, call_id, outcome)      a call ended (its one terminal events::call_outcome)
///   (rejected_atom, stream, code)       a command was refused (also audited)
///   (callback_offered_atom, call_id, queue)  a caller waited `callback_offer_after_s`:
///                                       offer it a call back (it answers with callback_atom)
///   (off_line_atom, call_id)            the caller left the line for a call back (its choice, or
///   the
///                                       queue's overflow): telephony hangs its leg up, and will
///                                       report nothing more of that caller until the call back
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <caf/all.hpp>

#include "actors/actor_registry.hpp"
#include "actors/agent_directory.hpp"
#include "actors/availability_board.hpp"
#include "actors/entity_log.hpp"
#include "actors/ports/ivr_data.hpp"
#include "actors/ports/ivr_media.hpp"
#include "actors/ports/lookup.hpp"
#include "actors/protocol.hpp"
#include "actors/queue_definitions.hpp"
#include "actors/recovered_calls.hpp"
#include "actors/runtime_catalog.hpp"
#include "events/acd/call.hpp"
#include "events/center.hpp"
#include "events/federation/interflow_policy.hpp"

namespace hotline::actors {

/// Shared, read-only after `start_acd` returns, but for the queues'
/// definitions, which an administrator changes at runtime (`definitions`).
struct acd_context {
  events::center_definition center;
  persistence store;
  caf::actor observer; ///< may be invalid: nobody listens
  /// The telephony actor (actors/telephony_actor.hpp), which takes the
  /// node API's recording requests; invalid: no telephony (nothing is recorded).
  caf::actor telephony;
  std::map<std::string, caf::actor, std::less<>> queues; ///< queue id -> actor (at start)
  agent_directory agents;   ///< agent id -> actor; idle agents passivate (agent_directory.hpp)
  availability_board board; ///< agents' routing status per queue served (availability_board.hpp)
  std::map<std::string, caf::actor> trunks; ///< trunk group id -> actor
  std::int64_t default_aht_ms = 180'000;    ///< EWT before any call was handled
  /// An agent's outbound call reaches a real far end (telephony,
  /// docs/telephony.md "Outbound calls"): once its line is seized and the
  /// agent reserved, the call tells the observer (dial_atom, call_id,
  /// agent_id, number, trunk_group) and connects only when telephony says
  /// (far_end_atom, "answered"), or at once with "no_phone" (telephony does
  /// not carry it); another result ends it `not_connected`.
  /// False (the simulator): it connects when the agent's leg does.
  bool far_end_dialing = false;
  /// The trunk group of an agent's outbound call whose queue names no
  /// `outbound_trunk_group` ([sip] outbound_trunk); empty: such a call takes no line.
  std::string default_outbound_trunk;
  caf::actor root; ///< queues and trunks are linked to it; killing it stops them all
  /// Call and agent actors are registered here instead of linked to `root`
  /// (see actor_registry.hpp); the root's exit stops them all the same.
  std::shared_ptr<actor_registry> registered = std::make_shared<actor_registry>();
  /// Multi-site (actors/federation_actor.hpp): the node's federation actor
  /// (invalid: a single site; no call ever leaves), the policy's timeouts,
  /// and what the CRM knows of a customer, sent along when a call moves.
  caf::actor federation;
  events::federation::interflow_policy interflow;
  /// What a node restart leaves of its calls' far ends (call::recover_after_restart):
  /// set by the composition root for its edge (the simulator's callers and
  /// customers die with the process).
  events::acd::call::far_ends_kept restart_keeps;
  /// Calls of the previous run with their actor back (recovered_calls.hpp).
  std::shared_ptr<recovered_calls> recovered = std::make_shared<recovered_calls>();
  std::function<std::map<std::string, std::string>(const std::string& tenant,
                                                   const std::string& customer_id)>
      crm_context;

  // IVR flows (actors/ivr_actor.hpp, docs/ivr.md "Running flows").
  /// The callers' side of IVR sessions: prompts, keys, hang-ups. Null: this
  /// node runs no flows (an entry point's calls go straight to its `queue`;
  /// without one they are refused "no_ivr"). Not owned; outlives the ACD.
  ports::ivr_media* ivr_media = nullptr;
  /// Where lookup nodes read (the configuration's CSV tables). Null: every
  /// lookup fails ("no lookup data"). Not owned; outlives the ACD.
  ports::ivr_data* ivr_data = nullptr;
  /// The sources of lookup nodes (drivers/lookup: CSV tables, HTTP); a
  /// lookup node with one is asked on a worker thread (it may block), and
  /// `ivr_data` is not. Empty: `ivr_data` answers every lookup.
  ports::lookup_finder lookup_sources;
  /// The wall-clock reading in a flow's `time_zone` at a UTC instant, as ns
  /// since the epoch as if that reading were UTC (drivers/time_zone's
  /// `to_local`; what `hours` nodes read). Empty: UTC.
  std::function<std::int64_t(const std::string& zone, std::int64_t utc_ns)> local_wall;

  const events::tenant_definition* tenant_of_queue(const std::string& queue) const;

  /// Definitions by id for the hot paths: center_definition's find_* scan
  /// its vectors, and with 1,000 queues and 10,000 agents those scans were
  /// a visible share of every routing step. start_acd fills the indexes
  /// (keys view the center's own ids, which do not change after it); before
  /// that these fall back to the center's scans. A queue's is its newest
  /// definition (`definitions`): its runtime settings over the file's.
  const events::queue_definition* find_queue(std::string_view id) const;
  const events::agent_definition* find_agent(std::string_view id) const;
  std::unordered_map<std::string_view, const events::queue_definition*> queue_index;
  /// Every queue's newest definition, filled by start_acd; each queue actor
  /// publishes its own when it recovers and when its settings change
  /// (queue.settings_changed).
  queue_definitions definitions;
  /// Queue id -> the queues whose widening steps add it (`add_queues`):
  /// an agent of the first also sends its snapshots to those, so that
  /// their widened calls can reach it. Filled by start_acd.
  std::unordered_map<std::string_view, std::vector<const events::queue_definition*>> widened_into;
  std::unordered_map<std::string_view, const events::agent_definition*> agent_index;

  // Runtime-created agents and queues (issue 21, configuration_actor.hpp).
  // find_queue, find_agent and find_entry see them too; a queue's actor is
  // reached through queue_actor, never through `queues` alone.
  /// What was created after start_acd (the definitions and queue actors).
  runtime_catalog added;
  /// The actor that creates agents and queues (`config-<site>`); set by start_acd.
  caf::actor configuration;
  /// start_acd's lines about definitions of the file that the store's replaced.
  std::vector<std::string> configuration_warnings;
  /// The queue's actor, started with the ACD or created since; null if none.
  /// The address stays valid as long as the context.
  const caf::actor* queue_actor(std::string_view id) const;
  /// Every queue's actor, by id: those of the start, then those created since.
  std::vector<std::pair<std::string, caf::actor>> queue_actors() const;
  /// Where calls to a dialed number go: the center's, or a created queue's.
  const events::entry_point* find_entry(std::string_view dialed) const;
};

/// Spawns (and recovers) the trunk groups with their channels, the queues
/// and the agents of `ctx->center`. Fills the handle maps.
///
/// First it folds the store's `config-<site>` stream (agents and queues
/// created at runtime: events/acd/configuration.hpp) over `ctx->center`:
/// they start like the file's, and a file definition with the id of a
/// created one is replaced by the stream's (`configuration_warnings` says
/// which). Then it spawns the configuration actor (`ctx->configuration`).
///
/// Recovery after a node restart (what a store already holds): agents come
/// back logged in with their presence; a phone that was ringing stops
/// (reservation ended "node_restart"). Every call the store shows alive
/// gets its actor back, found by its queue's waiting list first, then by
/// its agent's desk and its seized trunk channel (one actor per call:
/// recovered_calls.hpp). The call decider's `recover_after_restart` rule
/// (events/acd/call.hpp) decides, with `restart_keeps`: a call whose far
/// end survived waits again, with its place, its priority and the rest of
/// its timers; any other ends with outcome `node_restart` (reason
/// `far_end_lost` for a waiting caller or call back, `media_leg_lost` for a
/// call that was connected, held or not yet queued), releasing its agent
/// (no after-call work), its queue place and its trunk channel. A call
/// that had ended but still held a channel or a place lets them go.
/// (Asterisk loses queue statistics on restart; FreeSWITCH marks waiting
/// callers abandoned.)
void start_acd(caf::actor_system& sys, const std::shared_ptr<acd_context>& ctx);

/// Creates the actor of a queue defined at runtime (the configuration
/// actor calls it once the definition is recorded): registered in
/// `ctx->added` with its entry points, then spawned and recovered.
caf::actor start_created_queue(caf::actor_system& sys, const std::shared_ptr<acd_context>& ctx,
                               events::queue_definition def,
                               std::vector<events::entry_point> entries);
/// The same for an agent: registered in `ctx->added` and the agent
/// directory (so it passivates and comes back like the others).
caf::actor start_created_agent(caf::actor_system& sys, const std::shared_ptr<acd_context>& ctx,
                               events::agent_definition def);

/// Stops every long-lived actor of the ACD.
void stop_acd(const std::shared_ptr<acd_context>& ctx);

/// Appends a `command.rejected` audit record to `audit-<site>` and tells the observer.
void audit_rejection(const acd_context& ctx, const std::string& stream, const std::string& command,
                     const std::string& code, const std::string& detail, const std::string& tenant,
                     events::principal who, std::int64_t now_ns);

} // namespace hotline::actors
