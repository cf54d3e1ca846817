// Idle agents let their actors go and come back from their streams on
// demand (issue 3, item 14; actors/agent_directory.hpp).
#include "actors/call_actor.hpp"
#include "tests/actors/acd_fixture.hpp"

namespace acd_actor_test {

namespace {

/// The two-queue center with agents passivating after 60 s of idleness.
events::center_definition passivating_center() {
  auto c = two_queue_center();
  c.site.passivate_idle_ms = 60'000;
  return c;
}

} // namespace

TEST_CASE(
    "logged-out agents let their actors go after the idle time, and a message brings one back") {
  fixture f{passivating_center()};
  const auto agents = f.ctx->center.agents.size();
  f.at(30);
  CHECK(f.ctx->agents.stats().live == agents);
  CHECK(f.ctx->agents.stats().passivated == 0);
  f.at(61);
  CHECK(f.ctx->agents.stats().live == 0);
  CHECK(f.ctx->agents.stats().passivated == agents);

  // A login reaches a1 through the directory: recovered from its stream,
  // it pushes its snapshot to its queue and takes a call.
  f.login("a1");
  f.at(62);
  CHECK(f.ctx->agents.stats().recovered == 1);
  CHECK(f.ctx->agents.stats().live == 1);
  CHECK(f.status("a1") == "ready");
  f.connect("c1", "a1", 63);
  caf::anon_send(f.calls.at("c1"), hangup_atom::value, std::string{"caller"});
  f.at(70);
  CHECK(f.has("ended c1 completed"));
  CHECK(f.agent_state("a1").calls_handled == 1);
}

TEST_CASE("an agent logged in, or with a call on the desk, keeps its actor") {
  fixture f{passivating_center()};
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.login("a4");
  f.at(200);
  CHECK(f.ctx->agents.stats().live == 2); // a1 on the call, a4 ready
  caf::anon_send(f.calls.at("c1"), hangup_atom::value, std::string{"caller"});
  f.at(210); // after-call work ends at 205
  caf::anon_send(f.agent("a1"), logout_atom::value, std::string{"end_of_shift"});
  f.at(260);
  CHECK(f.ctx->agents.stats().live == 2); // a1 idle for 50 s only
  f.at(275);
  CHECK(f.ctx->agents.stats().live == 1);
  CHECK(f.agent_state("a1").presence == ag::presence_state::logged_out);
}

TEST_CASE("a lookup during the idle time keeps the agent for another period") {
  fixture f{passivating_center()};
  f.at(30);
  auto a4 = f.ctx->agents.get("a4"); // someone may be about to send to it
  f.at(61);
  CHECK(f.ctx->agents.stats().live == 1);
  CHECK(f.ctx->agents.get("nobody") == caf::actor{});
  f.at(122);
  CHECK(f.ctx->agents.stats().live == 0);
  // The old handle is dead; a new lookup recovers a new actor.
  auto again = f.ctx->agents.get("a4");
  CHECK(again != a4);
  f.at(123);
  CHECK(f.status("a4") == "logged_out");
}

TEST_CASE("a passivated agent comes back as its stream left it and appends where it stopped") {
  fixture f{passivating_center()};
  f.login("a2");
  f.at(1);
  f.connect("c1", "a2", 2);
  caf::anon_send(f.calls.at("c1"), hangup_atom::value, std::string{"caller"});
  f.at(20); // after-call work ends at 5 s
  caf::anon_send(f.agent("a2"), logout_atom::value, std::string{"lunch"});
  f.at(100);
  REQUIRE(f.ctx->agents.stats().live == 0);
  const auto before = f.stream(ag::stream_name("a2")).size();
  f.login("a2");
  f.at(102);
  f.connect("c2", "a2", 103);
  auto evs = f.stream(ag::stream_name("a2"));
  REQUIRE(evs.size() > before);
  for (std::size_t i = 0; i < evs.size(); ++i)
    CHECK(evs[i].revision == i);
  CHECK(f.ctx->agents.stats().recovered == 1);
}

TEST_CASE("a logged-out familiar agent whom another queue's caller waits for keeps its actor, and "
          "is rung at login") {
  auto c = passivating_center();
  c.queues[0].preferred_agent_ms = 300'000;
  c.agents[3].skills["sales"] = 5; // a4 has the skill, but serves billing only
  fixture f{c};
  f.login("a1");
  f.at(1);
  f.connect("c0", "a1", 2); // sales' only ready agent is busy
  // The caller prefers a4, who is logged out: sales follows a4 (gets its
  // snapshots too) while the preference lasts. a4's first idle period ends
  // at 60 s, after that lookup; the next would end at 120 s.
  call_request r;
  r.call_id = "c1";
  r.caller = "+861380001";
  r.dialed = "100";
  r.preferred_agent = "a4";
  f.calls["c1"] = spawn_call(f.rt.system(), f.ctx, r);
  f.at(130);
  CHECK(f.has("queued c1 sales"));
  CHECK(f.ctx->agents.stats().passivated == 3); // a2, a3, sup; not a4, who is followed
  f.login("a4");
  f.at(131);
  CHECK(f.has("ringing a4 c1"));
  CHECK(f.ctx->agents.stats().recovered == 0);
  // Answered and hung up: once the preference ends nobody follows a4, and
  // logged out, it passivates.
  f.answer("a4", "c1");
  f.at(132);
  caf::anon_send(f.calls.at("c1"), hangup_atom::value, std::string{"caller"});
  f.at(140);
  caf::anon_send(f.agent("a4"), logout_atom::value, std::string{"end_of_shift"});
  f.at(450);
  CHECK(f.ctx->agents.stats().passivated == 4);
}

} // namespace acd_actor_test
