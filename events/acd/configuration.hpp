#pragma once
/// The node's runtime configuration, stream `config-<site>` (issue 21):
/// agents and queues created while the node runs, each recorded with its
/// whole definition (events/config_events.hpp; why one stream per node is
/// said there). The TOML file seeds a node; this stream adds to it.
///
/// The aggregate's state is the center as the node knows it now: the seed
/// (the file) with every definition of the stream folded over it. `decide`
/// checks a new object against it: its id unused by any agent or queue of
/// the node (seeded or created), its tenant defined, every queue it names
/// defined in the same tenant, its skills known, its numbers free.
///
/// Restart: `overlay` puts the stream's definitions over the file's before
/// the ACD starts. A definition in the file with the id of one created at
/// runtime is replaced by the stream's (the events win), with a warning
/// line saying so: the file's copy would silently change an object people
/// created and use; to change it, change it through the API.
///
/// Rejection codes: `already_exists` (the id, or an entry point's number,
/// is taken) and `invalid_field` (the detail starts with "field '<name>'":
/// a bad id, name, tenant, skill, level, duration, overflow or number; a
/// queue or trunk group that is not there or is another tenant's).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "events/center.hpp"
#include "events/config_events.hpp"
#include "events/outcome.hpp"

namespace hotline::events::acd::configuration {

/// `config-<site>`
std::string stream_name(const std::string& site);

struct state {
  center_definition center;             ///< the seed, with the stream's definitions folded in
  std::set<std::string> created_agents; ///< ids the stream defined
  std::set<std::string> created_queues;
};

/// The seed (the TOML file's center) before any event of the stream.
state initial_state(center_definition seed);

/// Create an agent. `agent.capacity` and `voice_blocks_others` are not
/// recorded: runtime agents take one voice call (the defaults).
struct define_agent {
  agent_definition agent;
};
/// Create a queue; `entry_points`: dialed numbers routed to it, on
/// `trunk_group` (empty: no line modelled; else a trunk group of the node).
struct define_queue {
  queue_definition queue;
  std::vector<std::string> entry_points;
  std::string trunk_group;
};

using command = std::variant<define_agent, define_queue>;
using event = std::variant<agent_defined, queue_defined>;

outcome<event> decide(const command& cmd, const state& s);
/// Adds (or, for an id already there, replaces) the definition. Never refuses.
state evolve(state s, const event& e);

/// The definitions an event carries.
agent_definition to_definition(const agent_defined& e);
queue_definition to_definition(const queue_defined& e);
std::vector<entry_point> entry_points_of(const queue_defined& e);
agent_defined to_event(const agent_definition& a);
queue_defined to_event(const queue_definition& q, const std::vector<std::string>& entry_points,
                       const std::string& trunk_group);

/// Folds the stream's events over `center` (the file's): each definition
/// is added, or replaces the file's of the same id; every replacement
/// gives one warning line naming the object. Entry points of a replaced
/// queue are the stream's; a number the file routes elsewhere keeps the
/// stream's route too (warned).
std::vector<std::string> overlay(center_definition& center, const std::vector<event>& stream);

/// Ids of agents and queues created at runtime: 1 to 64 letters, digits,
/// `_`, `-` or `.` (stricter than the file's, since they become stream
/// names and URL path segments). Nothing when fine, else why.
std::optional<std::string> check_id(const std::string& id);

} // namespace hotline::events::acd::configuration
