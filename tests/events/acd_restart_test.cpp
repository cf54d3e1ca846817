// What a node restart does to a call it finds in its store, not ended
// (events/acd/call.hpp: recover_after_restart; issue 18.2): given the
// call's history / when the node restarted / then the events.
#include "acd_support.hpp"

using namespace acd_test;
namespace cl = hotline::events::acd::call;

namespace {

using call_subject = subject<call_ops>;

call_subject arrived() {
  call_subject c{cl::initial_state("c1")};
  cl::arrive a;
  a.call_id = "c1";
  a.caller = "+8613800000001";
  a.dialed = "10086";
  a.trunk_group = "pstn";
  a.now_ns = t0;
  c.after({a});
  return c;
}

call_subject queued() {
  auto c = arrived();
  c.after({cl::enqueue{"sales", 0, 1, 30'000, "10086", t0 + sec}});
  return c;
}

constexpr std::int64_t restart_at = t0 + 600 * sec;

cl::recover_after_restart restarted(cl::far_ends_kept kept = {}) {
  return {kept, restart_at};
}

} // namespace

TEST_CASE(
    "restart: a caller waiting on the line is gone with the node: the call ends far_end_lost") {
  auto c = queued();
  then_events(c.step(restarted()),
              {call_ended{"c1", call_outcome::node_restart, "far_end_lost", "", "sales"}});
  CHECK(cl::is_terminal(c.s));
  // Ended once: the same word again is refused like any command after the end.
  then_rejected(c.when(restarted()), "already_ended");
}

TEST_CASE("restart: the agents a waiting caller rang let go before it ends") {
  auto c = queued();
  c.after({cl::offer{"a1", 15'000, "test", t0 + 2 * sec},
           cl::offer{"a2", 15'000, "test", t0 + 2 * sec}});
  then_events(c.step(restarted()),
              {call_offer_ended{"c1", "a1", "node_restart"},
               call_offer_ended{"c1", "a2", "node_restart"},
               call_ended{"c1", call_outcome::node_restart, "far_end_lost", "", "sales"}});
  CHECK(c.s.offers.empty());
}

TEST_CASE(
    "restart: a caller kept on the line by the edge waits again in its place, its offers ended") {
  auto c = queued();
  c.after({cl::offer{"a1", 15'000, "test", t0 + 2 * sec}});
  then_events(c.step(restarted({true, true})), {call_offer_ended{"c1", "a1", "node_restart"}});
  CHECK(cl::status_of(c.s) == cl::status::queued);
  CHECK(cl::waited_ms(c.s, restart_at) == 599'000); // the wait spans the restart
  then_nothing(c.when(restarted({true, true})));    // a repeat is harmless
}

TEST_CASE("restart: a call back waits on while its customer can still be dialed, else it ends "
          "far_end_lost") {
  auto c = queued();
  c.after({cl::schedule_callback{"", t0 + 30 * sec}});
  REQUIRE(cl::status_of(c.s) == cl::status::callback_waiting);
  then_nothing(c.when(restarted())); // default: the number is stored, telephony dials it later
  then_events(c.when(restarted({false, false})),
              {call_ended{"c1", call_outcome::node_restart, "far_end_lost", "", "sales"}});
}

TEST_CASE("restart: a call back being dialed loses its line: its agent lets go and it waits again, "
          "or ends") {
  auto c = queued();
  c.after(
      {cl::schedule_callback{"", t0 + 30 * sec}, cl::dial_callback{"a2", "pstn", t0 + 100 * sec}});
  REQUIRE(cl::status_of(c.s) == cl::status::callback_dialing);
  auto kept = c;
  then_events(kept.step(restarted()), {call_offer_ended{"c1", "a2", "node_restart"}});
  CHECK(cl::status_of(kept.s) == cl::status::callback_waiting);
  then_events(c.step(restarted({false, false})),
              {call_offer_ended{"c1", "a2", "node_restart"},
               call_ended{"c1", call_outcome::node_restart, "far_end_lost", "", "sales"}});
}

TEST_CASE("restart: a call not yet queued, connected or held lost its media leg, whatever the edge "
          "keeps") {
  SUBCASE("arrived") {
    auto c = arrived();
    then_events(c.step(restarted({true, true})),
                {call_ended{"c1", call_outcome::node_restart, "media_leg_lost", "", ""}});
  }
  SUBCASE("connected") {
    auto c = queued();
    c.after({cl::offer{"a1", 15'000, "test", t0 + 2 * sec}, cl::connect{"a1", t0 + 5 * sec}});
    then_events(c.step(restarted({true, true})),
                {call_ended{"c1", call_outcome::node_restart, "media_leg_lost", "a1", "sales"}});
  }
  SUBCASE("held") {
    auto c = queued();
    c.after({cl::offer{"a1", 15'000, "test", t0 + 2 * sec}, cl::connect{"a1", t0 + 5 * sec},
             cl::hold{"a1", t0 + 6 * sec}});
    then_events(c.step(restarted()),
                {call_ended{"c1", call_outcome::node_restart, "media_leg_lost", "a1", "sales"}});
  }
}

TEST_CASE("restart: nothing to decide for a call that never arrived") {
  call_subject c{cl::initial_state("c1")};
  then_rejected(c.when(restarted()), "not_arrived");
}
