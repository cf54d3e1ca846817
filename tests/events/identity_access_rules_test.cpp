// Who may do what (events/identity/access_rules.hpp): the whole role x
// action x object table, 200 (A), 403 (F) or 404 (N) per cell.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "events/identity/access_rules.hpp"

using namespace hotline::events;
using namespace hotline::events::identity;

namespace {

/// The objects of the table's columns, all of tenant acme but the last.
struct column {
  const char* name;
  resource on;
};
const std::vector<column>& columns() {
  static const std::vector<column> c{
      {"own agent a1 (sales)", {"acme", "a1", std::nullopt, {"sales"}}},
      {"agent a2 (sales)", {"acme", "a2", std::nullopt, {"sales"}}},
      {"agent a9 (billing)", {"acme", "a9", std::nullopt, {"billing"}}},
      {"queue sales", {"acme", std::nullopt, "sales", {}}},
      {"queue billing", {"acme", std::nullopt, "billing", {}}},
      {"tenant acme", {"acme", std::nullopt, std::nullopt, {}}},
      {"globex's agent a1", {"globex", "a1", std::nullopt, {"sales"}}},
  };
  return c;
}

principal_view principal(role r) {
  switch (r) {
  case role::agent:
    return {"ann", "acme", {role::agent}, "a1", {}};
  case role::supervisor:
    return {"sam", "acme", {role::supervisor}, "", {"sales"}};
  case role::auditor:
    return {"aud", "acme", {role::auditor}, "", {}};
  case role::admin:
    return {"adm", "acme", {role::admin}, "", {}};
  case role::operator_:
    return {"ops", "", {role::operator_}, "", {}};
  }
  return {};
}

/// One row per role and action: a letter per column above.
struct row {
  role r;
  action a;
  const char* expected;
};

// clang-format off
const row table[] = {
  // agent: its own agent only; another agent is hidden (404)
  {role::agent, action::agent_control,  "ANNFFFN"},
  {role::agent, action::agent_read,     "ANNFFFN"},
  {role::agent, action::queue_read,     "ANNAAAN"},
  {role::agent, action::supervise_call, "FNNFFFN"},
  {role::agent, action::force_agent,    "FNNFFFN"},
  {role::agent, action::move_agent,     "FNNFFFN"},
  {role::agent, action::configure,      "FNNFFFN"},
  {role::agent, action::manage_users,   "FNNFFFN"},
  {role::agent, action::audit_read,     "FNNFFFN"},
  {role::agent, action::crm_read,       "FNNFFFN"},
  {role::agent, action::platform,       "FFFFFFF"},
  // supervisor of queue sales: a1 and a2 serve sales, a9 does not
  {role::supervisor, action::agent_control,  "FFFFFFN"},
  {role::supervisor, action::agent_read,     "AAFAAAN"},
  {role::supervisor, action::queue_read,     "AAAAAAN"},
  {role::supervisor, action::supervise_call, "AAFAFFN"},
  {role::supervisor, action::force_agent,    "AAFAFFN"},
  {role::supervisor, action::move_agent,     "AAFAFFN"},
  {role::supervisor, action::configure,      "FFFFFFN"},
  {role::supervisor, action::manage_users,   "FFFFFFN"},
  {role::supervisor, action::audit_read,     "FFFFFFN"},
  {role::supervisor, action::crm_read,       "FFFFFFN"},
  {role::supervisor, action::platform,       "FFFFFFF"},
  // auditor: reads in its tenant
  {role::auditor, action::agent_control,  "FFFFFFN"},
  {role::auditor, action::agent_read,     "AAAAAAN"},
  {role::auditor, action::queue_read,     "AAAAAAN"},
  {role::auditor, action::supervise_call, "FFFFFFN"},
  {role::auditor, action::force_agent,    "FFFFFFN"},
  {role::auditor, action::move_agent,     "FFFFFFN"},
  {role::auditor, action::configure,      "FFFFFFN"},
  {role::auditor, action::manage_users,   "FFFFFFN"},
  {role::auditor, action::audit_read,     "AAAAAAN"},
  {role::auditor, action::crm_read,       "AAAAAAN"},
  {role::auditor, action::platform,       "FFFFFFF"},
  // admin: everything in its tenant but the platform
  {role::admin, action::agent_control,  "AAAAAAN"},
  {role::admin, action::agent_read,     "AAAAAAN"},
  {role::admin, action::queue_read,     "AAAAAAN"},
  {role::admin, action::supervise_call, "AAAAAAN"},
  {role::admin, action::force_agent,    "AAAAAAN"},
  {role::admin, action::move_agent,     "AAAAAAN"},
  {role::admin, action::configure,      "AAAAAAN"},
  {role::admin, action::manage_users,   "AAAAAAN"},
  {role::admin, action::audit_read,     "AAAAAAN"},
  {role::admin, action::crm_read,       "AAAAAAN"},
  {role::admin, action::platform,       "FFFFFFF"},
  // operator: everything everywhere
  {role::operator_, action::agent_control,  "AAAAAAA"},
  {role::operator_, action::agent_read,     "AAAAAAA"},
  {role::operator_, action::queue_read,     "AAAAAAA"},
  {role::operator_, action::supervise_call, "AAAAAAA"},
  {role::operator_, action::force_agent,    "AAAAAAA"},
  {role::operator_, action::move_agent,     "AAAAAAA"},
  {role::operator_, action::configure,      "AAAAAAA"},
  {role::operator_, action::manage_users,   "AAAAAAA"},
  {role::operator_, action::audit_read,     "AAAAAAA"},
  {role::operator_, action::crm_read,       "AAAAAAA"},
  {role::operator_, action::platform,       "AAAAAAA"},
};
// clang-format on

char letter(decision d) {
  switch (d) {
  case decision::allow:
    return 'A';
  case decision::forbidden:
    return 'F';
  case decision::not_found:
    return 'N';
  }
  return '?';
}

} // namespace

TEST_CASE("access: the role x action x object table") {
  // Every role and action has its row.
  std::map<std::pair<role, action>, int> rows;
  for (const auto& r : table)
    ++rows[{r.r, r.a}];
  CHECK(rows.size() == wire_names<role>::names.size() * wire_names<action>::names.size());
  for (const auto& [key, n] : rows)
    CHECK(n == 1);

  for (const auto& r : table) {
    const auto who = principal(r.r);
    std::string got;
    for (const auto& c : columns())
      got += letter(authorize(who, r.a, c.on));
    INFO("role ", to_wire(r.r), ", action ", to_wire(r.a),
         " (columns: own agent, agent in "
         "scope, agent out of scope, queue in scope, queue out of scope, tenant, other tenant)");
    CHECK(got == std::string{r.expected});
  }
}

TEST_CASE("access: several roles get the most permissive answer of them") {
  principal_view both{"ann", "acme", {role::agent, role::supervisor}, "a1", {"sales"}};
  const auto& c = columns();
  // As a supervisor, ann may barge in on a2 (in her queue); as an agent she could not see it.
  CHECK(authorize(both, action::supervise_call, c[1].on) == decision::allow);
  // a9 is out of her scope: 403 (the supervisor's), not 404 (the agent's).
  CHECK(authorize(both, action::force_agent, c[2].on) == decision::forbidden);
  CHECK(authorize(both, action::agent_control, c[0].on) == decision::allow);
  CHECK(authorize(both, action::agent_read, c[6].on) == decision::not_found);
}

TEST_CASE("access: a principal without roles may do nothing, and sees no other tenant") {
  principal_view none{"x", "acme", {}, "", {}};
  CHECK(authorize(none, action::queue_read, columns()[3].on) == decision::forbidden);
  CHECK(authorize(none, action::queue_read, columns()[6].on) == decision::not_found);
  CHECK(authorize(none, action::platform, columns()[5].on) == decision::forbidden);
}

TEST_CASE("access: an agent principal without an agent id controls no agent") {
  principal_view odd{"x", "acme", {role::agent}, "", {}};
  CHECK(authorize(odd, action::agent_control, resource{"acme", "", std::nullopt, {}}) ==
        decision::forbidden);
  CHECK(authorize(odd, action::agent_control, columns()[0].on) == decision::not_found);
}

TEST_CASE("access: supervisor scope is a queue of its list or an agent serving one") {
  principal_view sup{"sam", "acme", {role::supervisor}, "", {"sales", "vip"}};
  CHECK(in_supervisor_scope(sup, {"acme", std::nullopt, "vip", {}}));
  CHECK(in_supervisor_scope(sup, {"acme", "a7", std::nullopt, {"billing", "vip"}}));
  CHECK_FALSE(in_supervisor_scope(sup, {"acme", "a7", std::nullopt, {"billing"}}));
  CHECK_FALSE(in_supervisor_scope(sup, {"acme", "a7", std::nullopt, {}}));
  // A call in queue billing handled by an agent of sales: in scope through its agent.
  CHECK(in_supervisor_scope(sup, {"acme", "a1", "billing", {"sales"}}));
  CHECK_FALSE(in_supervisor_scope(sup, {"acme", std::nullopt, std::nullopt, {}}));
}
