#pragma once
/// Who may do what to which object (issue 21): one pure function that every
/// route of the node API asks, tested as a role x action x tenant table
/// (tests/events/identity_access_rules_test.cpp).
///
/// Answers, as HTTP would say them:
///  - allow;
///  - forbidden (403): the object is visible to the principal's tenant but
///    its roles may not do this;
///  - not_found (404): the object belongs to another tenant, or an agent
///    asks about another agent. The principal cannot tell it from an
///    object that does not exist.
///
/// Rules, per role (a principal with several roles gets the most permissive
/// answer of its roles: allow, then forbidden, then not_found):
///  - operator: everything, in every tenant.
///  - every other role: another tenant's object is not_found; `platform`
///    is forbidden (it concerns no tenant's object).
///  - admin: everything in its tenant.
///  - supervisor: agent_read, queue_read, supervise_call, force_agent and
///    move_agent on what is in its scope: a queue of its `queues`, or an
///    agent that serves one of them (the resource carries the agent's
///    queues). queue_read on every queue of its tenant; agent_read on its
///    tenant's agent list (no agent named: the route filters by scope).
///  - auditor: audit_read, crm_read, agent_read and queue_read in its tenant.
///  - agent: agent_control and agent_read on its own agent only (another
///    agent: not_found, whatever the action); queue_read in its tenant.
/// Anything not listed is forbidden.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/identity/role.hpp"
#include "events/wire_enum.hpp"

namespace hotline::events::identity {

/// Who is asking: what a valid session resolves to.
struct principal_view {
  std::string username;
  std::string tenant; ///< empty: platform-wide (operator)
  role_set roles;
  std::string agent_id;            ///< for role agent
  std::vector<std::string> queues; ///< for role supervisor

  bool operator==(const principal_view&) const = default;
};

enum class action : std::uint8_t {
  agent_control,  ///< login/ready/not-ready/answer/hang up/hold/transfer... on an agent
  agent_read,     ///< an agent's state and calls
  queue_read,     ///< a queue's live state
  supervise_call, ///< listen / whisper / barge
  force_agent,    ///< force an agent's state, log it out
  move_agent,     ///< an agent's queues or skills at runtime
  configure,      ///< admin changes (agents, skills, queues, trunks, tenant services)
  manage_users,   ///< accounts, roles, sessions of others
  audit_read,     ///< audit query and verify
  crm_read,       ///< customer profiles and histories
  platform,       ///< the node and every tenant (operator only)
};

/// The object acted on. `tenant` is its tenant; `agent_id` names the agent
/// it is (or that handles it, for a call); `queue` the queue it is (or the
/// call waits in); `agent_queues` the queues that agent serves (what puts
/// it in a supervisor's scope).
struct resource {
  std::string tenant;
  std::optional<std::string> agent_id;
  std::optional<std::string> queue;
  std::vector<std::string> agent_queues;
};

enum class decision : std::uint8_t { allow, forbidden, not_found };

decision authorize(const principal_view& who, action what, const resource& on);

/// The answer one role alone gives (authorize combines them).
decision authorize_role(role r, const principal_view& who, action what, const resource& on);

/// An object in the supervisor's scope: its queue is one of `who.queues`,
/// or its agent serves one of them.
bool in_supervisor_scope(const principal_view& who, const resource& on);

} // namespace hotline::events::identity

namespace hotline::events {
template <> struct wire_names<identity::action> {
  static constexpr std::string_view what = "action";
  static constexpr std::array<std::string_view, 11> names{
      "agent_control", "agent_read",   "queue_read", "supervise_call", "force_agent", "move_agent",
      "configure",     "manage_users", "audit_read", "crm_read",       "platform"};
};
template <> struct wire_names<identity::decision> {
  static constexpr std::string_view what = "decision";
  static constexpr std::array<std::string_view, 3> names{"allow", "forbidden", "not_found"};
};
} // namespace hotline::events
