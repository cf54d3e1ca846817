// A node restarted on the store of a node that stopped (kill -9 or a clean
// stop: the store looks the same) serves callers again (issue 18.2): every
// call it finds alive is decided by call::recover_after_restart, and a call
// whose far end is gone ends once with its reason, letting go of its trunk
// channel, the agents it rang and its queue place. Deterministic, on the
// virtual clock.
#include "acd_fixture.hpp"

#include "actors/entity_log.hpp"

using namespace acd_actor_test;

namespace {

constexpr std::int64_t restart_at = epoch + 600 * sec;

int count_of(const std::string& types, const std::string& type) {
  int n = 0;
  for (auto at = types.find(type); at != std::string::npos; at = types.find(type, at + type.size()))
    ++n;
  return n;
}

/// Appends `evs` to `stream` of `store` as an entity of the old node would
/// have (what a process killed between two entities' appends leaves).
void left_by_old_node(ports::memory_event_store& store, const std::string& stream,
                      std::vector<events::event> evs, std::int64_t at) {
  simulation_runtime clock{at};
  persistence p{&store, &clock, "site-1", true};
  entity_log log{p, stream, {}};
  REQUIRE(log.recover([](const events::event&, std::int64_t) {}));
  bool done = false;
  log.append(std::move(evs), at, "acme", events::principal::system("acd"), call_correlation("x"),
             [&] { done = true; });
  REQUIRE(done);
}

} // namespace

TEST_CASE("after a restart, calls whose callers are gone end once with far_end_lost, free their "
          "lines, agents and places, and new callers are answered") {
  ports::memory_event_store store;
  {
    fixture before{two_queue_center(4), &store, epoch, {}};
    before.login("a1");
    before.at(1);
    before.connect("c1", "a1", 2); // talking when the node stops
    before.call("c2");             // waits: a1 is busy
    before.call("c3");
    before.at(5);
    before.login("a2"); // c2 rings a2 when the node stops
    before.at(6);
    REQUIRE_MESSAGE(before.has("ringing a2 c2"), before.describe());
    REQUIRE(before.call_state("c3").at == cl::phase::queued);
  } // the node stops: nothing is ended
  fixture after{two_queue_center(4), &store, restart_at, {}};
  after.at(1);
  // Each call ended exactly once, with the reason of what the restart cut.
  CHECK(after.call_state("c1").end_reason == "media_leg_lost");
  CHECK(after.call_state("c2").end_reason == "far_end_lost");
  CHECK(after.call_state("c3").end_reason == "far_end_lost");
  for (const auto* c : {"c1", "c2", "c3"}) {
    CAPTURE(c);
    CHECK(count_of(after.types(std::string{"call-"} + c), "call.ended") == 1);
    CHECK(after.call_state(c).outcome == hotline::events::call_outcome::node_restart);
    CHECK(after.has(std::string{"ended "} + c + " node_restart"));
  }
  CHECK(after.types("call-c2").find("call.offer_ended call.ended") !=
        std::string::npos); // a2 let go first
  // Every trunk channel is free again; the queue holds nobody; nobody rings.
  for (int ch = 1; ch <= 3; ++ch)
    CHECK(after.types("trunk-pstn." + std::to_string(ch)) == "trunk.seized trunk.released");
  CHECK(count_of(after.types("queue-sales"), "queue.call_left") == 3);
  for (const auto* a : {"a1", "a2"}) {
    CAPTURE(a);
    CHECK(after.status(a) == "ready");
    CHECK(after.agent_state(a).contacts.empty());
  }
  CHECK_FALSE(after.has("ringing a1 c2"));
  CHECK_FALSE(after.has("ringing a2 c3"));
  // A new caller is offered and answered; nobody is auto-paused by ghosts.
  after.call("c4");
  after.at(2);
  const std::string rung = after.has("ringing a1 c4") ? "a1" : "a2";
  REQUIRE_MESSAGE(after.has("ringing " + rung + " c4"), after.describe());
  after.answer(rung, "c4");
  after.at(3);
  CHECK(after.has("talking c4 " + rung));
  after.at(120);
  for (const auto* a : {"a1", "a2"})
    CHECK(after.payloads<events::agent_not_ready>(std::string{"agent-"} + a).empty());
}

TEST_CASE("after a restart, a call back keeps its place while its customer can be dialed, and ends "
          "when the edge lost it") {
  for (bool customers_kept : {true, false}) {
    CAPTURE(customers_kept);
    ports::memory_event_store store;
    {
      fixture before{two_queue_center(4), &store, epoch, {}};
      before.call("c1");
      before.at(1);
      caf::anon_send(before.calls.at("c1"), callback_atom::value, std::string{});
      before.at(2);
      REQUIRE(before.call_state("c1").at == cl::phase::callback_waiting);
    }
    fixture after{two_queue_center(4), &store, restart_at, {false, customers_kept}};
    after.at(1);
    if (customers_kept) {
      CHECK(after.call_state("c1").at == cl::phase::callback_waiting);
      after.login("a1");
      after.at(2);
      CHECK(after.has("ringing a1 c1")); // dialed back
    } else {
      CHECK(after.call_state("c1").end_reason == "far_end_lost");
      CHECK(count_of(after.types("queue-sales"), "queue.call_left") == 1);
      after.login("a1");
      after.at(2);
      CHECK_FALSE(after.has("ringing a1 c1"));
    }
  }
}

TEST_CASE("after a restart, what the old node left half told is let go: a line seized by an ended "
          "or unqueued call") {
  ports::memory_event_store store;
  // c7 ended but its line was never released; c8 seized a line and was
  // never queued; c9 is in the queue's list but its own call.queued is missing.
  events::call_arrived arrived{"c7",
                               hotline::events::contact_channel::voice,
                               hotline::events::call_direction::inbound,
                               "+861380007",
                               "100",
                               "",
                               {},
                               "pstn"};
  left_by_old_node(store, "call-c7",
                   {arrived, events::call_ended{"c7", hotline::events::call_outcome::abandoned,
                                                "caller_hangup", "", "sales"}},
                   epoch);
  left_by_old_node(
      store, "trunk-pstn.1",
      {events::trunk_seized{"pstn", 1, "c7", hotline::events::call_direction::inbound}}, epoch);
  arrived.call_id = "c8";
  left_by_old_node(store, "call-c8", {arrived}, epoch);
  left_by_old_node(
      store, "trunk-pstn.2",
      {events::trunk_seized{"pstn", 2, "c8", hotline::events::call_direction::inbound}}, epoch);
  arrived.call_id = "c9";
  left_by_old_node(store, "call-c9", {arrived}, epoch);
  left_by_old_node(
      store, "trunk-pstn.3",
      {events::trunk_seized{"pstn", 3, "c9", hotline::events::call_direction::inbound}}, epoch);
  left_by_old_node(store, "queue-sales",
                   {events::queue_call_joined{"sales", "c9", 0, 1, "", "", 0, {}}}, epoch);

  fixture after{two_queue_center(4), &store, restart_at, {}};
  after.at(1);
  CHECK(after.types("call-c7") == "call.arrived call.ended"); // not ended twice
  CHECK(after.call_state("c8").end_reason == "media_leg_lost");
  CHECK(after.call_state("c9").outcome == hotline::events::call_outcome::node_restart);
  for (int ch = 1; ch <= 3; ++ch)
    CHECK(after.types("trunk-pstn." + std::to_string(ch)) == "trunk.seized trunk.released");
  // (c9's place in queue-sales is let go only when the queue's recover is
  // handled before the trunk group's: a known gap, see docs/actors.md.)
  CHECK(after.rejections().empty());
  // Every line is free for new callers.
  after.login("a1");
  after.connect("c10", "a1", 3);
}
