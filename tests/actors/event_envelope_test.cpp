// The envelopes of what the ACD writes (issue 19.20): ids are version 7
// UUIDs in time order, each event names the command that caused it, agent
// events carry the call's correlation (or the agent's own flow outside a
// call), and trunk events the calling tenant.
#include "acd_fixture.hpp"

#include <set>

#include "actors/entity_log.hpp"

using namespace acd_actor_test;

TEST_CASE(
    "ACD events: UUIDv7 ids, their command as causation, the call's correlation, the tenant") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  caf::anon_send(f.calls.at("c1"), hangup_atom::value, std::string{"caller"});
  f.at(30);
  auto all = f.store.read_all(1, SIZE_MAX);
  REQUIRE(all);
  REQUIRE(all->size() > 10);
  const auto c1 = call_correlation("c1");
  std::set<events::event_id> ids;
  for (const auto& e : *all) {
    CAPTURE(e.stream);
    CAPTURE(e.type);
    CHECK(e.meta.id.version() == 7);
    CHECK(e.meta.id.has_rfc_variant());
    CHECK(static_cast<std::int64_t>(e.meta.id.hi >> 16) == e.meta.timestamp_ns / 1'000'000);
    CHECK(ids.insert(e.meta.id).second);
    CHECK_FALSE(e.meta.causation.is_nil());
    CHECK(e.meta.causation.version() == 7);
    CHECK(e.meta.causation != e.meta.id);
    CHECK_FALSE(e.meta.correlation.is_nil());
    CHECK(e.meta.tenant == "acme");
  }
  // Agent events about c1 carry c1's correlation; logging in the agent's own.
  for (const auto& e : f.stream("agent-a1")) {
    CAPTURE(e.type);
    if (e.type == "agent.logged_in")
      CHECK(e.meta.correlation == agent_correlation("a1"));
    else if (e.type == "agent.reserved" || e.type == "agent.call_started" ||
             e.type == "agent.call_ended")
      CHECK(e.meta.correlation == c1);
    else
      CHECK((e.meta.correlation == c1 || e.meta.correlation == agent_correlation("a1")));
  }
  // Trunk events: the caller's tenant and call.
  for (const auto& e : f.stream("trunk-pstn.1"))
    CHECK(e.meta.correlation == c1);
  // One command, one causation: call.ended and the offers it closed share it;
  // two commands differ.
  auto call = f.stream("call-c1");
  std::set<events::event_id> causes;
  for (const auto& e : call)
    causes.insert(e.meta.causation);
  CHECK(causes.size() == call.size()); // here every command of c1 decided one event
}

TEST_CASE("ACD events: a refused command's audit record names the command and the flow") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.answer("a1", "nope");
  f.at(2);
  auto audit = f.stream("audit-site-1");
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].meta.id.version() == 7);
  CHECK(audit[0].meta.causation.version() == 7);
  CHECK(audit[0].meta.correlation == agent_correlation("a1"));
}
