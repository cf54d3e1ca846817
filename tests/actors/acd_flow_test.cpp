// The ACD's actors end to end on the virtual clock with the in-memory
// store: what a caller, an agent and an auditor would see.
#include <doctest/doctest.h>

#include <set>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "acd_fixture.hpp"

using namespace hotline;
using namespace hotline::actors;

namespace {

using acd_actor_test::epoch;
using acd_actor_test::sec;

events::center_definition small_center(int channels = 2) {
  events::center_definition c;
  c.tenants.push_back({"acme", "Acme", {"+vip"}});
  c.trunks.push_back({"pstn", channels, events::trunk_direction::both});
  events::queue_definition q;
  q.id = "sales";
  q.tenant = "acme";
  q.skills = {{"sales", 1}};
  q.ring_timeout_ms = 10'000;
  q.wrap_up_ms = 5'000;
  c.queues.push_back(q);
  for (auto id : {"a1", "a2"}) {
    events::agent_definition a;
    a.id = id;
    a.tenant = "acme";
    a.skills = {{"sales", 5}};
    a.queues = {"sales"};
    c.agents.push_back(a);
  }
  c.entry_points.push_back({"100", "acme", "sales", "pstn", 0});
  return c;
}

/// The shared fixture (acd_fixture.hpp) on small_center, whose edge keeps
/// the callers on the line across a restart (call::far_ends_kept;
/// restart_recovery_test.cpp covers the default, where they are gone).
struct fixture : acd_actor_test::fixture {
  explicit fixture(events::center_definition c = small_center())
      : fixture(std::move(c), nullptr, epoch) {}
  /// A node on an existing store (a restart), its clock starting at `start_ns`.
  fixture(events::center_definition c, ports::memory_event_store* existing, std::int64_t start_ns)
      : acd_actor_test::fixture(std::move(c), existing, start_ns, {true, true}) {}
  caf::actor call(const std::string& id, const std::string& caller = "+861380000") {
    return dial(id, "100", caller);
  }
};

} // namespace

TEST_CASE("a call is queued, offered to a ready agent, answered, and ends completed") {
  fixture f;
  f.login("a1");
  f.at(1);
  auto c = f.call("c1");
  f.at(2);
  CHECK(f.has("queued c1 sales"));
  CHECK(f.has("ringing a1 c1"));
  f.to_agent("a1", answer_atom::value, std::string{"c1"});
  f.at(3);
  CHECK(f.has("talking c1 a1"));
  caf::anon_send(c, hangup_atom::value, std::string{"caller"});
  f.at(60);
  CHECK(f.has("ended c1 completed"));
  CHECK(f.types("call-c1") == "call.arrived call.queued call.offered call.connected call.ended");
  CHECK(f.types("agent-a1") == "agent.logged_in agent.ready agent.reserved agent.call_started "
                               "agent.call_ended agent.wrap_up_ended");
  CHECK(f.types("queue-sales") == "queue.call_joined queue.call_left");
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released");
  // Every event of the call shares its correlation id; times come from the virtual clock.
  auto evs = *f.store.read_stream("call-c1", 0, SIZE_MAX);
  for (const auto& e : evs)
    CHECK(e.meta.correlation == call_correlation("c1"));
  CHECK(evs.front().meta.timestamp_ns == epoch + 1 * sec);
}

TEST_CASE("when every trunk channel is busy the next call is blocked (呼损)") {
  fixture f{small_center(2)};
  f.call("c1");
  f.call("c2");
  f.call("c3");
  f.at(1);
  CHECK(f.has("queued c1 sales"));
  CHECK(f.has("queued c2 sales"));
  CHECK(f.has("ended c3 blocked"));
  auto ended = f.store.read_stream("call-c3", 0, SIZE_MAX)->back();
  auto body = std::get<events::call_ended>(*events::event_codec::standard().decode(ended));
  CHECK(body.outcome == events::call_outcome::blocked);
  CHECK(body.reason == "all_channels_busy");
}

TEST_CASE("a waiting caller who hangs up is abandoned and leaves the queue and the trunk") {
  fixture f;
  auto c = f.call("c1");
  f.at(30);
  caf::anon_send(c, abandon_atom::value);
  f.at(31);
  CHECK(f.has("ended c1 abandoned"));
  CHECK(f.types("queue-sales") == "queue.call_joined queue.call_left");
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released");
  // The freed channel takes the next call.
  f.call("c2");
  f.at(32);
  CHECK(f.has("queued c2 sales"));
}

TEST_CASE("no answer: the ring times out, the call keeps its place and rings the other agent") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.call("c1");
  f.at(2);
  REQUIRE(f.has("ringing a1 c1"));
  f.login("a2");
  f.at(15); // a1's 10 s ring timed out at t=11
  CHECK(f.has("ringing a2 c1"));
  CHECK(f.types("call-c1") ==
        "call.arrived call.queued call.offered call.offer_ended call.offered");
}

TEST_CASE("an agent serving two queues: the one that did not offer its call routes around it "
          "without being told") {
  auto c = small_center();
  auto support = c.queues.front();
  support.id = "support";
  c.queues.push_back(support);
  c.entry_points.push_back({"200", "acme", "support", "pstn", 0});
  c.agents[0].queues = {"sales", "support"};
  fixture f{c};
  f.login("a1");
  f.at(1);
  auto c1 = f.call("c1");
  f.at(2);
  REQUIRE(f.has("ringing a1 c1"));
  // The agent told neither queue it became unavailable: `support` learns it
  // from the agent's withdrawal count, offers it nothing, and nothing is
  // refused (no audit record).
  const auto before = f.ctx->agents.withdrawals("a1")->load();
  CHECK(before >= 1);
  f.dial("c2", "200", "+861380001");
  f.at(3);
  CHECK(f.has("queued c2 support"));
  CHECK_FALSE(f.has("ringing a1 c2"));
  f.to_agent("a1", answer_atom::value, std::string{"c1"});
  f.at(4);
  caf::anon_send(c1, hangup_atom::value, std::string{"caller"});
  f.at(5);
  CHECK_FALSE(f.has("ringing a1 c2"));
  // Available again after the 5 s wrap-up: that is sent, and c2 rings.
  f.at(11);
  CHECK(f.has("ringing a1 c2"));
  CHECK(f.types("call-c2") == "call.arrived call.queued call.offered");
  CHECK(f.store.read_stream("audit-site-1", 0, SIZE_MAX)->empty());
}

TEST_CASE(
    "a queue with nobody waiting is not told when an agent is free again, and still routes to it") {
  fixture f;
  f.login("a1");
  f.at(1);
  auto c1 = f.call("c1");
  f.at(2);
  REQUIRE(f.has("ringing a1 c1"));
  f.to_agent("a1", answer_atom::value, std::string{"c1"});
  f.at(3);
  caf::anon_send(c1, hangup_atom::value, std::string{"caller"});
  f.at(4);
  // a1's wrap-up ends at t=9 with nobody waiting in `sales`: the status is
  // posted on the board, no message goes to the queue.
  auto& news = f.ctx->board.news_of("sales");
  CHECK_FALSE(availability_board::wants_word(news));
  const auto v = f.ctx->board.at("a1", "sales").version();
  f.at(10);
  CHECK(f.ctx->board.at("a1", "sales").version() > v);
  // The next caller finds a1 all the same: the queue read the board as it joined.
  f.call("c2");
  f.at(11);
  CHECK(f.has("ringing a1 c2"));
  CHECK(f.store.read_stream("audit-site-1", 0, SIZE_MAX)->empty());
}

namespace {
/// small_center with a leave_empty rule that overflows to voicemail; its
/// only member so far, a1, logs in at t=0 and pauses at t=1 (clock at 2).
struct leave_empty_fixture : fixture {
  explicit leave_empty_fixture(events::empty_rule rule) : fixture(center(rule)) {
    login("a1");
    at(1);
    to_agent("a1", not_ready_atom::value, std::string{"break"});
    at(2);
  }
  static events::center_definition center(events::empty_rule rule) {
    auto c = small_center();
    c.queues[0].leave_empty = rule;
    c.queues[0].overflow = events::overflow_action::voicemail;
    return c;
  }
};
} // namespace

TEST_CASE("leave_empty: waiting callers overflow when the last member logs out, as the rule says") {
  leave_empty_fixture f{events::empty_rule::no_members}; // a1 logged in, paused since t=1
  // a1 is paused but logged in: `no_members` does not hold, the caller waits.
  f.call("c1");
  f.at(3);
  CHECK(f.has("queued c1 sales"));
  f.at(30);
  CHECK_FALSE(f.has("ended c1 voicemail"));
  // The last member logs out: the queue asked for word (a caller waits under
  // a leave_empty rule), hears it, and the caller overflows to voicemail.
  f.to_agent("a1", logout_atom::value, std::string{"end of shift"});
  f.at(31);
  CHECK(f.has("ended c1 voicemail"));
  CHECK(f.types("call-c1") == "call.arrived call.queued call.overflowed call.ended");
  CHECK(f.types("queue-sales") == "queue.call_joined queue.call_left");
}

TEST_CASE(
    "leave_empty no_available: a caller who joins while every member is paused overflows at once") {
  leave_empty_fixture f{events::empty_rule::no_available}; // a1 logged in, paused since t=1
  f.call("c1");
  f.at(3);
  CHECK(f.has("ended c1 voicemail"));
  // With a member back, the next caller waits and rings.
  f.to_agent("a1", ready_atom::value);
  f.at(4);
  f.call("c2");
  f.at(5);
  CHECK(f.has("ringing a1 c2"));
}

TEST_CASE("an agent answering a call that was not offered to it is refused and audited") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.to_agent("a1", answer_atom::value, std::string{"nope"});
  f.at(2);
  CHECK(f.has("rejected agent-a1 not_reserved"));
  auto audit = *f.store.read_stream("audit-site-1", 0, SIZE_MAX);
  REQUIRE(audit.size() == 1);
  auto r = std::get<events::command_rejected>(*events::event_codec::standard().decode(audit[0]));
  CHECK(r.command == "answer");
  CHECK(audit[0].meta.caused_by == events::principal::agent("a1"));
}

TEST_CASE("after a node restart waiting calls keep their places and connected calls end with "
          "node_restart") {
  ports::memory_event_store store;
  {
    fixture before{small_center(), &store, epoch};
    before.login("a1");
    before.at(1);
    before.call("c1");
    before.at(2);
    caf::anon_send(before.ctx->agents.at("a1"), answer_atom::value, std::string{"c1"});
    before.at(3);
    REQUIRE(before.has("talking c1 a1"));
    before.call("c2", "+vip"); // waits: a1 is busy, a2 is logged out
    before.at(4);
    REQUIRE(before.has("queued c2 sales"));
  } // the node stops without ending anything
  fixture after{small_center(), &store, epoch + 600 * sec};
  after.at(1);
  // c1 lost its media leg with the node; its agent and trunk channel are free again.
  CHECK(after.has("ended c1 node_restart"));
  CHECK(after.types("call-c1") ==
        "call.arrived call.queued call.offered call.connected call.ended");
  CHECK(after.types("trunk-pstn.1") == "trunk.seized trunk.released");
  // c2 is still waiting with its place, and the freed agent gets it.
  CHECK(after.has("ringing a1 c2"));
  caf::anon_send(after.ctx->agents.at("a1"), answer_atom::value, std::string{"c2"});
  after.at(3);
  CHECK(after.has("talking c2 a1"));
  auto c2 = after.store.read_stream("call-c2", 0, SIZE_MAX);
  auto connected =
      std::get<events::call_connected>(*events::event_codec::standard().decode(c2->back()));
  CHECK(connected.wait_ms >
        590'000); // the wait (queued at ~3 s, answered at ~601 s) spans the restart
}

TEST_CASE("after a node restart a caller still waits for its familiar agent from another queue, "
          "then for anyone") {
  auto c = small_center(4);
  c.queues[0].preferred_agent_ms = 60'000;
  auto support = c.queues[0];
  support.id = "support";
  c.queues.push_back(support);
  events::agent_definition a3 = c.agents[0];
  a3.id = "a3";
  a3.queues = {"support"};
  c.agents.push_back(a3);
  for (bool familiar_returns : {true, false}) {
    CAPTURE(familiar_returns);
    ports::memory_event_store store;
    {
      fixture before{c, &store, epoch};
      before.login("a1");
      before.login("a3");
      before.at(1);
      before.to_agent("a3", not_ready_atom::value, std::string{"break"});
      before.dial("c2", "100", "+861380002", "a3"); // joins at ~1 s: prefers a3 until ~61 s
      before.at(2);
      REQUIRE(before.has("queued c2 sales"));
      REQUIRE_FALSE(before.has("ringing a1 c2"));
    }
    fixture after{c, &store, epoch + 10 * sec};
    after.at(5);
    CHECK_FALSE(after.has("ringing a1 c2")); // still a3's
    if (familiar_returns) {
      after.to_agent("a3", ready_atom::value);
      after.at(6);
      CHECK(after.has("ringing a3 c2"));
    } else {
      after.at(52); // ~61 s after the first node's start: the preference is over
      CHECK(after.has("ringing a1 c2"));
    }
  }
}

namespace {
/// Runs up to `k` messages of the deterministic scheduler, one at a time
/// (fewer if it runs out): a point in the middle of an exchange.
void run_steps(fixture& f, int k) {
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(f.rt.system().scheduler());
  for (int i = 0; i < k && sched.try_run_once(); ++i) {
  }
}
std::size_t count_of(const std::string& text, const std::string& word) {
  std::size_t n = 0;
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + word.size()))
    ++n;
  return n;
}
} // namespace

TEST_CASE("a caller hanging up at any moment before an answer leaves no call behind in the queue "
          "or on an agent") {
  for (int k = 0; k < 40; ++k) {
    CAPTURE(k);
    fixture f;
    f.login("a1");
    f.at(1);
    auto c = f.call("c1");
    run_steps(f, k);
    caf::anon_send(c, abandon_atom::value);
    f.at(40);
    CHECK(f.has("ended c1 abandoned"));
    const auto queue = f.types("queue-sales");
    CHECK(count_of(queue, "queue.call_joined") == count_of(queue, "queue.call_left"));
    // a1 is free again: the next call rings it.
    f.call("c2");
    f.at(42);
    CHECK(f.has("ringing a1 c2"));
  }
}

TEST_CASE("a caller hanging up as the agent answers: the call ends once and the agent is not left "
          "on it") {
  for (int k = 0; k < 30; ++k) {
    CAPTURE(k);
    fixture f;
    f.login("a1");
    f.at(1);
    auto c = f.call("c1");
    f.at(2);
    REQUIRE(f.has("ringing a1 c1"));
    f.to_agent("a1", answer_atom::value, std::string{"c1"});
    run_steps(f, k);
    caf::anon_send(c, abandon_atom::value);
    f.at(3);
    // Connected first: the caller's hang-up is a hang-up, not an abandon.
    if (f.has("talking c1 a1")) caf::anon_send(c, hangup_atom::value, std::string{"caller"});
    f.at(40);
    const bool abandoned = f.has("ended c1 abandoned");
    const bool completed = f.has("ended c1 completed");
    CHECK(abandoned != completed);
    CHECK(count_of(f.types("call-c1"), "call.ended") == 1);
    f.call("c2");
    f.at(42);
    CHECK(f.has("ringing a1 c2"));
  }
}

TEST_CASE("callback at max wait while an agent rings: the agent lets go, the line is freed, the "
          "call back dials out") {
  auto c = small_center();
  c.queues[0].max_wait_ms = 5'000;
  c.queues[0].overflow = events::overflow_action::callback;
  fixture f{c};
  f.login("a1");
  f.at(1);
  auto c1 = f.call("c1");
  f.at(2);
  REQUIRE(f.has("ringing a1 c1"));
  f.at(7); // max wait at t=6, mid-ring
  CHECK(f.types("call-c1") == "call.arrived call.queued call.offered call.offer_ended "
                              "call.overflowed call.callback_scheduled");
  CHECK(f.types("agent-a1") ==
        "agent.logged_in agent.ready agent.reserved agent.reservation_ended");
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released"); // the caller left the line
  // The place comes up again (a1 was held back one ring period): an outbound channel, and a1 rings.
  f.at(20);
  CHECK(f.count("ringing a1 c1") == 2);
  CHECK(f.types("call-c1") == "call.arrived call.queued call.offered call.offer_ended "
                              "call.overflowed call.callback_scheduled call.callback_dialed");
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released trunk.seized");
  f.to_agent("a1", answer_atom::value, std::string{"c1"});
  f.at(21);
  CHECK(f.has("talking c1 a1"));
  caf::anon_send(c1, hangup_atom::value, std::string{"caller"});
  f.at(60);
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released trunk.seized trunk.released");
  CHECK(f.store.read_stream("audit-site-1", 0, SIZE_MAX)->empty());
}

TEST_CASE("callback for a caller whose join was refused: there is no place to keep, the call ends "
          "and frees its line") {
  auto c = small_center();
  c.queues[0].max_length = 1;
  c.queues[0].overflow = events::overflow_action::callback;
  fixture f{c};
  f.call("c1"); // nobody logged in: c1 waits
  f.at(1);
  f.call("c2"); // the queue is full
  f.at(2);
  CHECK(f.has("queued c1 sales"));
  CHECK(f.has("ended c2 refused"));
  CHECK(f.types("trunk-pstn.2") == "trunk.seized trunk.released");
}

TEST_CASE("a call for a familiar agent who stays busy falls back to the queue when the preference "
          "expires") {
  auto c = small_center();
  c.queues[0].preferred_agent_ms = 5'000;
  fixture f{c};
  f.login("a1");
  f.at(1);
  f.call("c1");
  f.at(2);
  f.to_agent("a1", answer_atom::value, std::string{"c1"}); // a1 stays on c1
  f.login("a2");
  f.at(3);
  f.dial("c2", "100", "+861380002", "a1");
  f.at(5);
  CHECK(f.has("queued c2 sales"));
  CHECK_FALSE(f.has("ringing a2 c2")); // kept for a1 while the preference lasts
  f.at(9); // it ends at t=8; nothing else happens in the queue, yet a2 rings
  CHECK(f.has("ringing a2 c2"));
}

TEST_CASE("a familiar agent who serves another queue is found: the caller waits for it first, then "
          "falls back") {
  auto c = small_center(4);
  c.queues[0].preferred_agent_ms = 5'000;
  auto support = c.queues[0];
  support.id = "support";
  c.queues.push_back(support);
  events::agent_definition a3;
  a3.id = "a3";
  a3.tenant = "acme";
  a3.skills = {{"sales", 5}};
  a3.queues = {"support"}; // not sales
  c.agents.push_back(a3);
  fixture f{c};
  f.login("a1");
  f.login("a3");
  f.at(1);
  f.dial("c1", "100", "+861380001", "a3");
  f.at(2);
  CHECK(f.has("ringing a3 c1"));
  CHECK_FALSE(f.has("ringing a1 c1"));
  auto offered = *f.store.read_stream("call-c1", 0, SIZE_MAX);
  REQUIRE(offered.size() == 3);
  CHECK(
      std::get<events::call_offered>(*events::event_codec::standard().decode(offered[2])).reason ==
      "preferred agent a3 (familiar), level 5");
  f.to_agent("a3", answer_atom::value, std::string{"c1"});
  f.at(3);
  CHECK(f.has("talking c1 a3"));
  // a3 is busy: the next caller who prefers it waits for it, then anyone may take it.
  f.dial("c2", "100", "+861380002", "a3");
  f.at(7);
  CHECK_FALSE(f.has("ringing a1 c2"));
  f.at(9);
  CHECK(f.has("ringing a1 c2"));
  f.to_agent("a1", answer_atom::value, std::string{"c2"});
  f.at(10);
  // A caller with no preference is never offered to a3, who does not serve sales,
  // even once a3 is free again.
  f.dial("c3", "100", "+861380003");
  f.at(11);
  f.to_agent("a3", hangup_atom::value, std::string{"c1"});
  f.at(30);
  CHECK(f.has("queued c3 sales"));
  CHECK_FALSE(f.has("ringing a3 c3"));
}

TEST_CASE("a waiting caller's priority is raised: it is offered first, and the history says why") {
  fixture f;
  f.login("a1");
  f.at(1);
  auto c1 = f.call("c1");
  f.at(2);
  f.to_agent("a1", answer_atom::value, std::string{"c1"});
  f.at(3);
  // c2 first, then c3; c3 is raised while waiting.
  caf::anon_send(c1, hangup_atom::value,
                 std::string{"caller"}); // frees line 1; a1 wraps up for 5 s
  f.at(4);
  f.call("c2", "+86138000c2");
  f.at(5);
  auto c3 = f.call("c3", "+86138000c3");
  f.at(6);
  caf::anon_send(c3, priority_atom::value, std::int32_t{10}, std::string{"vip recognised"});
  f.at(7);
  CHECK(f.types("call-c3") == "call.arrived call.queued call.priority_raised");
  CHECK(f.types("queue-sales") == "queue.call_joined queue.call_left queue.call_joined "
                                  "queue.call_joined queue.call_priority_changed");
  f.at(10); // a1's wrap-up ends at t=8
  CHECK(f.has("ringing a1 c3"));
  CHECK_FALSE(f.has("ringing a1 c2"));
}

TEST_CASE("a reject delay longer than the ring period: the call rings the agent again when the "
          "delay ends") {
  auto c = small_center();
  c.queues[0].reject_delay_ms =
      20'000; // the hold-back after a failed offer lasts one ring period, 10 s
  fixture f{c};
  f.login("a1");
  f.at(1);
  f.call("c1");
  f.at(2);
  REQUIRE(f.has("ringing a1 c1"));
  f.to_agent("a1", reject_atom::value, std::string{"c1"});
  f.at(15);
  CHECK(f.count("ringing a1 c1") == 1); // still blocked at t=15
  f.at(25); // the delay ends at t=22: nothing else happens in the queue, yet a1 rings again
  CHECK(f.count("ringing a1 c1") == 2);
}

TEST_CASE("join_empty and max_length refusals reach the caller: it overflows as configured and "
          "frees its line") {
  SUBCASE("join_empty no_members, nobody logged in: refused") {
    auto c = small_center();
    c.queues[0].join_empty = events::empty_rule::no_members;
    fixture f{c};
    f.call("c1");
    f.at(1);
    CHECK(f.has("rejected queue-sales queue_empty"));
    CHECK(f.has("ended c1 refused"));
    CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released");
  }
  SUBCASE("max_length 1, overflow to voicemail: the second caller leaves a message") {
    auto c = small_center();
    c.queues[0].max_length = 1;
    c.queues[0].overflow = events::overflow_action::voicemail;
    fixture f{c};
    f.call("c1");
    f.at(1);
    f.call("c2");
    f.at(2);
    CHECK(f.has("queued c1 sales"));
    CHECK(f.has("ended c2 voicemail"));
    CHECK(f.types("call-c2") == "call.arrived call.overflowed call.ended");
  }
}

TEST_CASE(
    "hold and resume from the agent's desktop: the call and the agent's desk both record them") {
  fixture f;
  f.login("a1");
  f.at(1);
  auto c1 = f.call("c1");
  f.at(2);
  f.to_agent("a1", answer_atom::value, std::string{"c1"});
  f.at(3);
  REQUIRE(f.has("talking c1 a1"));
  caf::anon_send(c1, hold_atom::value, std::string{"a2"}); // not a2's call: refused, audited
  caf::anon_send(c1, hold_atom::value, std::string{"a1"});
  f.at(4);
  CHECK(f.has("rejected call-c1 not_your_call"));
  caf::anon_send(c1, resume_atom::value, std::string{"a1"});
  f.at(5);
  caf::anon_send(c1, hold_atom::value, std::string{"a1"});
  f.at(6);
  caf::anon_send(c1, hangup_atom::value, std::string{"caller"}); // a caller on hold may hang up
  f.at(20);
  CHECK(f.has("ended c1 completed"));
  CHECK(f.types("call-c1") == "call.arrived call.queued call.offered call.connected call.held "
                              "call.resumed call.held call.ended");
  CHECK(f.types("agent-a1") == "agent.logged_in agent.ready agent.reserved agent.call_started "
                               "agent.call_held agent.call_held agent.call_held "
                               "agent.call_ended agent.wrap_up_ended");
}

TEST_CASE("ring-all: one agent rejecting does not make the call offered anew while the others "
          "still ring") {
  auto c = small_center();
  c.queues[0].strategy = events::routing_strategy::ring_all;
  auto a3 = c.agents[0];
  a3.id = "a3";
  c.agents.push_back(a3);
  fixture f{c};
  f.login("a1");
  f.login("a2");
  f.at(1);
  f.call("c1");
  f.at(2);
  REQUIRE(f.has("ringing a1 c1"));
  REQUIRE(f.has("ringing a2 c1"));
  f.to_agent("a1", reject_atom::value, std::string{"c1"});
  f.at(3);
  f.login("a3"); // ready while a2 still rings: c1 is not offered to a3 as if nobody rang
  f.at(5);
  CHECK_FALSE(f.has("ringing a3 c1"));
  f.to_agent("a2", answer_atom::value, std::string{"c1"});
  f.at(6);
  CHECK(f.has("talking c1 a2"));
  CHECK(f.store.read_stream("audit-site-1", 0, SIZE_MAX)->empty());
}

TEST_CASE("virtual hold by choice: offered after callback_offer_after_s, the caller takes it, "
          "leaves the line and is called back") {
  auto c = small_center();
  c.queues[0].callback_offer_after_ms = 5'000;
  fixture f{c};
  auto c1 = f.call("c1"); // nobody logged in: c1 waits
  f.at(4);
  CHECK_FALSE(f.has("callback offered c1 sales"));
  f.at(7);
  CHECK(f.has("callback offered c1 sales"));
  caf::anon_send(c1, callback_atom::value, std::string{"+8613900000000"});
  f.at(8);
  CHECK(f.has("off line c1")); // telephony hears the caller is off the line
  CHECK(f.types("call-c1") == "call.arrived call.queued call.callback_scheduled");
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released");
  f.login("a1"); // the place comes up: dial out, a1 rings
  f.at(9);
  CHECK(f.has("ringing a1 c1"));
  CHECK(f.types("call-c1") ==
        "call.arrived call.queued call.callback_scheduled call.callback_dialed");
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released trunk.seized");
}

namespace {
/// Calls come in on "did" (2 channels, inbound only); the queue's agents
/// and its call backs go out on "out" (1 channel); a call back is offered
/// after 5 s of waiting.
events::center_definition inbound_only_center() {
  auto c = small_center();
  c.trunks = {{"did", 2, events::trunk_direction::inbound},
              {"out", 1, events::trunk_direction::outbound}};
  c.entry_points[0].trunk_group = "did";
  c.queues[0].outbound_trunk_group = "out";
  c.queues[0].callback_offer_after_ms = 5'000;
  return c;
}

/// c1 arrives, takes the call back offered at 7 s, and a1, logging in at
/// 8 s, rings for it: the call back is being dialed.
caf::actor dialed_back_to_a1(fixture& f) {
  auto c1 = f.call("c1");
  f.at(7);
  caf::anon_send(c1, callback_atom::value, std::string{});
  f.at(8);
  f.login("a1");
  f.at(9);
  REQUIRE(f.has("ringing a1 c1"));
  return c1;
}
} // namespace

TEST_CASE("a call back from an inbound-only group goes out on the queue's outbound group") {
  fixture f{inbound_only_center()};
  auto c1 = f.call("c1");
  f.at(7);
  caf::anon_send(c1, callback_atom::value, std::string{});
  f.at(8);
  CHECK(f.types("trunk-did.1") == "trunk.seized trunk.released");
  f.login("a1");
  f.at(9);
  CHECK(f.has("ringing a1 c1"));
  auto seized = *f.store.read_stream("trunk-out.1", 0, SIZE_MAX);
  REQUIRE(seized.size() == 1);
  CHECK(std::get<events::trunk_seized>(*events::event_codec::standard().decode(seized[0]))
            .direction == events::call_direction::outbound);
  auto evs = *f.store.read_stream("call-c1", 0, SIZE_MAX);
  CHECK(std::get<events::call_callback_dialed>(*events::event_codec::standard().decode(evs.back()))
            .trunk_group == "out");
  f.to_agent("a1", answer_atom::value, std::string{"c1"});
  f.at(10);
  caf::anon_send(c1, hangup_atom::value, std::string{"caller"});
  f.at(11);
  CHECK(f.has("ended c1 callback_completed"));
  CHECK(f.types("trunk-out.1") == "trunk.seized trunk.released");
}

TEST_CASE("a call back's agent rings only once its line is seized: with every outbound channel "
          "busy it never rings") {
  fixture f{inbound_only_center()};
  f.login("a2");
  f.at(1);
  auto o1 = f.place("o1", "a2", "+8613900000"); // holds the only outbound channel
  f.at(2);
  REQUIRE(f.has("talking o1 a2"));
  auto c1 = f.call("c1");
  f.at(7);
  caf::anon_send(c1, callback_atom::value, std::string{});
  f.at(8);
  f.login("a1"); // c1's place comes up, but no line is free for the call back
  f.at(15);
  CHECK_FALSE(f.has("ringing a1 c1"));
  CHECK(f.types("agent-a1").find("agent.reserved") !=
        std::string::npos); // held for it, silently, and let go
  caf::anon_send(o1, hangup_atom::value, std::string{"agent"});
  int t = 16;
  while (t < 40 && !f.has("ringing a1 c1"))
    f.at(++t); // the next try finds the line free
  CHECK(f.has("ringing a1 c1"));
  f.to_agent("a1", answer_atom::value, std::string{"c1"});
  f.at(t + 1);
  CHECK(f.has("talking c1 a1"));
  CHECK(f.types("call-c1") ==
        "call.arrived call.queued call.callback_scheduled call.callback_dialed call.connected");
}

TEST_CASE("ring-all: a call back is dialed for one agent, and the others it was offered to go back "
          "quietly") {
  auto c = inbound_only_center();
  c.queues[0].strategy = events::routing_strategy::ring_all;
  fixture f{c};
  auto c1 = f.call("c1");
  f.at(7);
  caf::anon_send(c1, callback_atom::value, std::string{});
  f.at(8);
  f.login("a1");
  f.login("a2");
  f.at(9);
  CHECK(f.count("ringing a1 c1") + f.count("ringing a2 c1") == 1);
  CHECK(f.types("trunk-out.1") == "trunk.seized");
  CHECK(f.store.read_stream("audit-site-1", 0, SIZE_MAX)->empty());
  // Both were reserved for it; the one not dialed let go.
  CHECK(f.types("agent-a1") + " | " + f.types("agent-a2") ==
        "agent.logged_in agent.ready agent.reserved | agent.logged_in agent.ready agent.reserved "
        "agent.reservation_ended");
}

TEST_CASE("a dial-back telephony reports failed is tried again after callback_retry_s while "
          "attempts remain, then the call back ends") {
  auto c = inbound_only_center();
  c.queues[0].callback_attempts = 2;
  c.queues[0].callback_retry_ms = 60'000;
  fixture f{c};
  auto c1 = dialed_back_to_a1(f);
  caf::anon_send(c1, callback_failed_atom::value, std::string{"customer_no_answer"});
  f.at(10);
  CHECK(f.types("call-c1") ==
        "call.arrived call.queued call.callback_scheduled call.callback_dialed "
        "call.callback_retried");
  CHECK(f.types("trunk-out.1") == "trunk.seized trunk.released");
  CHECK(f.types("agent-a1") ==
        "agent.logged_in agent.ready agent.reserved agent.reservation_ended");
  CHECK(f.types("queue-sales") == "queue.call_joined"); // in its place
  f.at(65); // a1 is ready, but the retry is due at ~69 s
  CHECK(f.count("ringing a1 c1") == 1);
  f.at(71);
  CHECK(f.count("ringing a1 c1") == 2);
  CHECK(f.types("trunk-out.1") == "trunk.seized trunk.released trunk.seized");
  caf::anon_send(c1, callback_failed_atom::value, std::string{"customer_no_answer"});
  f.at(72); // the second failure uses up the two attempts
  CHECK(f.has("ended c1 callback_failed"));
  CHECK(f.types("queue-sales") == "queue.call_joined queue.call_left");
  CHECK(f.types("trunk-out.1") == "trunk.seized trunk.released trunk.seized trunk.released");
  CHECK(f.store.read_stream("audit-site-1", 0, SIZE_MAX)->empty());
}

TEST_CASE("after a node restart a call back whose dial-back failed is still not dialed before its "
          "retry") {
  auto c = inbound_only_center();
  c.queues[0].callback_attempts = 2;
  c.queues[0].callback_retry_ms = 60'000; // due ~70 s after the first node's start
  ports::memory_event_store store;
  {
    fixture before{c, &store, epoch};
    auto c1 = dialed_back_to_a1(before);
    caf::anon_send(c1, callback_failed_atom::value, std::string{"customer_no_answer"});
    before.at(10);
    REQUIRE(before.types("call-c1").find("call.callback_retried") != std::string::npos);
  }
  fixture after{c, &store, epoch + 20 * sec};
  after.at(30); // 50 s after the first start: a1 is ready, the retry is not due
  CHECK_FALSE(after.has("ringing a1 c1"));
  after.at(52); // 72 s
  CHECK(after.has("ringing a1 c1"));
}

TEST_CASE("a call back its agent does not pick up waits again in its place, its line let go, and "
          "rings the next agent") {
  auto c = inbound_only_center();
  c.queues[0].widening = {{15'000, 1, {}}}; // due while a1's phone rings for the call back
  fixture f{c};
  auto c1 = dialed_back_to_a1(f);
  f.at(20); // a1's ring times out at t=19; the widening step missed meanwhile applies then
  CHECK(f.types("call-c1") == "call.arrived call.queued call.callback_scheduled "
                              "call.callback_dialed call.offer_ended call.widened");
  CHECK(f.types("trunk-out.1") == "trunk.seized trunk.released");
  CHECK(f.types("queue-sales") == "queue.call_joined"); // still in its place
  f.login("a2");
  f.at(21);
  CHECK(f.has("ringing a2 c1"));
  f.to_agent("a2", answer_atom::value, std::string{"c1"});
  f.at(22);
  caf::anon_send(c1, hangup_atom::value, std::string{"caller"});
  f.at(23);
  CHECK(f.has("ended c1 callback_completed"));
  CHECK(f.types("call-c1") ==
        "call.arrived call.queued call.callback_scheduled call.callback_dialed "
        "call.offer_ended call.widened call.callback_dialed call.connected call.ended");
  CHECK(f.types("trunk-out.1") == "trunk.seized trunk.released trunk.seized trunk.released");
  CHECK(f.store.read_stream("audit-site-1", 0, SIZE_MAX)->empty());
}

TEST_CASE("a call back its agent rejects waits again, and one telephony cannot make ends "
          "callback_failed letting go of everything") {
  fixture f{inbound_only_center()};
  auto c1 = dialed_back_to_a1(f);
  f.to_agent("a1", reject_atom::value, std::string{"c1"});
  f.at(10);
  CHECK(f.types("call-c1") ==
        "call.arrived call.queued call.callback_scheduled call.callback_dialed call.offer_ended");
  CHECK(f.types("trunk-out.1") == "trunk.seized trunk.released");
  // The queue holds a1 back for a ring period after the failed offer, then
  // dials for it again ...
  f.at(15);
  CHECK(f.count("ringing a1 c1") == 1);
  f.at(21);
  CHECK(f.count("ringing a1 c1") == 2);
  // ... and telephony cannot reach the customer: the call back ends.
  caf::anon_send(c1, callback_failed_atom::value, std::string{"customer_unreachable"});
  f.at(22);
  CHECK(f.has("ended c1 callback_failed"));
  auto evs = *f.store.read_stream("call-c1", 0, SIZE_MAX);
  auto ended = events::event_codec::standard().decode(evs.back());
  REQUIRE(ended);
  REQUIRE(std::holds_alternative<events::call_ended>(*ended));
  CHECK(std::get<events::call_ended>(*ended).reason == "customer_unreachable");
  CHECK(f.types("queue-sales") == "queue.call_joined queue.call_left");
  CHECK(f.types("trunk-out.1") == "trunk.seized trunk.released trunk.seized trunk.released");
  CHECK(f.types("agent-a1") == "agent.logged_in agent.ready agent.reserved agent.reservation_ended "
                               "agent.reserved agent.reservation_ended"); // free again
}

TEST_CASE("a call back is past max_wait only for callers on the line: it keeps its place, and "
          "nothing is refused") {
  auto c = inbound_only_center();
  c.queues[0].max_wait_ms = 30'000;
  c.queues[0].overflow = events::overflow_action::voicemail;
  fixture f{c};
  auto c1 = f.call("c1");
  f.at(7);
  caf::anon_send(c1, callback_atom::value, std::string{});
  f.at(60);
  CHECK(f.types("call-c1") == "call.arrived call.queued call.callback_scheduled");
  CHECK(f.store.read_stream("audit-site-1", 0, SIZE_MAX)->empty());
  f.login("a1");
  f.at(61);
  CHECK(f.has("ringing a1 c1"));
}

TEST_CASE("an agent who logs out while ringing ends the offer at once, and the call rings the next "
          "agent") {
  for (bool call_back : {false, true}) {
    CAPTURE(call_back);
    fixture f{inbound_only_center()};
    auto c1 = f.call("c1");
    f.at(7);
    if (call_back) caf::anon_send(c1, callback_atom::value, std::string{});
    f.at(8);
    f.login("a1");
    f.at(9);
    REQUIRE(f.has("ringing a1 c1"));
    f.to_agent("a1", logout_atom::value, std::string{"end_of_shift"});
    f.at(10);
    CHECK(f.types("call-c1").substr(f.types("call-c1").rfind(' ') + 1) == "call.offer_ended");
    auto evs = *f.store.read_stream("call-c1", 0, SIZE_MAX);
    CHECK(std::get<events::call_offer_ended>(*events::event_codec::standard().decode(evs.back()))
              .reason == "logged_out");
    f.login("a2");
    f.at(11);
    CHECK(f.has("ringing a2 c1"));
    CHECK(f.store.read_stream("audit-site-1", 0, SIZE_MAX)->empty());
  }
}

TEST_CASE(
    "after a node restart a call back being dialed waits again in its place and is dialed anew") {
  ports::memory_event_store store;
  {
    fixture before{inbound_only_center(), &store, epoch};
    dialed_back_to_a1(before);
  } // the node stops while a1's phone rings for the call back
  fixture after{inbound_only_center(), &store, epoch + 600 * sec};
  after.at(1);
  CHECK_FALSE(after.has("ended c1 node_restart"));
  CHECK(after.has("ringing a1 c1"));
  CHECK(after.types("call-c1") ==
        "call.arrived call.queued call.callback_scheduled call.callback_dialed "
        "call.offer_ended call.callback_dialed");
  CHECK(after.types("trunk-out.1") == "trunk.seized trunk.released trunk.seized");
  after.to_agent("a1", answer_atom::value, std::string{"c1"});
  after.at(2);
  CHECK(after.has("talking c1 a1"));
}

TEST_CASE(
    "widening with add_queues: after the step, a waiting call rings an agent of the added queue") {
  auto c = small_center();
  events::queue_definition billing = c.queues[0];
  billing.id = "billing";
  billing.skills = {{"billing", 1}};
  billing.widening = {{5'000, 0, {"sales"}}};
  c.queues.push_back(billing);
  c.entry_points.push_back({"200", "acme", "billing", "pstn", 0});
  c.agents[0].skills["billing"] = 3; // a1 serves sales only, but knows billing
  fixture f{c};
  f.login("a1");
  f.at(1);
  f.dial("c1", "200", "+861380001");
  f.at(4);
  CHECK(f.has("queued c1 billing"));
  CHECK_FALSE(f.has("ringing a1 c1")); // billing's own agents only, for the first 5 s
  f.at(8);
  CHECK(f.has("ringing a1 c1"));
  CHECK(f.types("call-c1") == "call.arrived call.queued call.widened call.offered");
}

TEST_CASE("a busy phone ends the offer with busy, and the busy delay keeps the call from that "
          "agent until it ends") {
  auto c = small_center();
  c.queues[0].busy_delay_ms = 30'000;
  fixture f{c};
  f.login("a1");
  f.at(1);
  f.call("c1");
  f.at(2);
  REQUIRE(f.has("ringing a1 c1"));
  f.to_agent("a1", busy_atom::value, std::string{"c1"});
  f.at(3);
  CHECK(f.types("call-c1") == "call.arrived call.queued call.offered call.offer_ended");
  auto evs = *f.store.read_stream("call-c1", 0, SIZE_MAX);
  auto ended = events::event_codec::standard().decode(evs.back());
  REQUIRE(ended);
  REQUIRE(std::holds_alternative<events::call_offer_ended>(*ended));
  CHECK(std::get<events::call_offer_ended>(*ended).reason == "busy");
  CHECK(f.types("agent-a1") ==
        "agent.logged_in agent.ready agent.reserved agent.reservation_ended");
  f.at(25); // the ring period's hold-back is over, the busy delay is not
  CHECK(f.count("ringing a1 c1") == 1);
  f.at(35); // the delay ends at t=32: a1 rings again
  CHECK(f.count("ringing a1 c1") == 2);
}

TEST_CASE("max wait with overflow to another queue: the caller moves there and rings its agent") {
  auto c = small_center();
  c.queues[0].max_wait_ms = 5'000;
  c.queues[0].overflow = events::overflow_action::queue;
  c.queues[0].overflow_queue = "billing";
  events::queue_definition billing = c.queues[0];
  billing.id = "billing";
  billing.skills = {{"billing", 1}};
  billing.max_wait_ms = 0;
  billing.overflow = events::overflow_action::none;
  c.queues.push_back(billing);
  c.agents[1].queues = {"billing"};
  c.agents[1].skills = {{"billing", 4}};
  fixture f{c};
  f.login("a2"); // billing only; nobody in sales
  f.at(1);
  f.call("c1");
  f.at(4);
  CHECK(f.has("queued c1 sales"));
  CHECK_FALSE(f.has("ringing a2 c1"));
  f.at(8);
  CHECK(f.has("queued c1 billing"));
  CHECK(f.has("ringing a2 c1"));
  CHECK(f.types("call-c1") == "call.arrived call.queued call.overflowed call.queued call.offered");
  CHECK(f.types("queue-sales") == "queue.call_joined queue.call_left");
}

TEST_CASE("auto-pause: an agent who lets max_no_answer rings go unanswered is made not ready") {
  auto c = small_center();
  c.queues[0].max_no_answer = 2;
  fixture f{c};
  f.login("a1");
  f.at(1);
  f.call("c1");
  f.at(2);
  REQUIRE(f.has("ringing a1 c1"));
  f.at(12); // first miss at t=11; a1 is held back one ring period
  CHECK(f.types("agent-a1").find("agent.not_ready") == std::string::npos);
  f.at(40); // rung again at ~t=21, second miss at ~t=31
  CHECK(f.count("ringing a1 c1") == 2);
  CHECK(f.types("agent-a1").find("agent.not_ready") != std::string::npos);
  CHECK(f.has("queued c1 sales"));
  CHECK_FALSE(f.has("ended c1 completed")); // the caller still waits, for someone ready
}

TEST_CASE("a VIP caller joins ahead of callers who waited longer and gets the next agent") {
  auto c = small_center();
  c.queues[0].vip_priority = 10;
  fixture f{c};
  f.call("c1", "+861380000");
  f.at(1);
  f.call("c2", "+vip");
  f.at(2);
  f.login("a1");
  f.at(3);
  CHECK(f.has("ringing a1 c2"));
  CHECK_FALSE(f.has("ringing a1 c1"));
}

TEST_CASE(
    "announcements: a waiting caller hears its position at the queue's frequency, as events") {
  auto c = small_center();
  c.queues[0].announce_every_ms = 10'000;
  fixture f{c};
  f.call("c1"); // nobody logged in
  f.at(5);
  CHECK(f.types("call-c1") == "call.arrived call.queued");
  f.at(25);
  CHECK(f.types("call-c1") == "call.arrived call.queued call.announced call.announced");
  auto evs = *f.store.read_stream("call-c1", 0, SIZE_MAX);
  auto first = events::event_codec::standard().decode(evs[2]);
  REQUIRE(first);
  REQUIRE(std::holds_alternative<events::call_announced>(*first));
  CHECK(std::get<events::call_announced>(*first).position == 1);
  // Telephony hears each one; nobody serves the queue, so no wait is told (-1).
  CHECK(f.has("announced c1 1 -1"));
}

TEST_CASE("chat capacity: an agent takes as many chats as its capacity, the next chat waits, and a "
          "voice call blocks chats") {
  auto c = small_center();
  events::queue_definition chat = c.queues[0];
  chat.id = "chat";
  chat.channel = events::contact_channel::chat;
  c.queues.push_back(chat);
  c.agents[0].queues = {"sales", "chat"};
  c.agents[0].capacity = {{events::contact_channel::voice, 1}, {events::contact_channel::chat, 2}};
  fixture f{c};
  f.login("a1");
  f.at(1);
  auto chat_call = [&f](const std::string& id) {
    call_request r;
    r.call_id = id;
    r.channel = events::contact_channel::chat;
    r.queue = "chat";
    return spawn_call(f.rt.system(), f.ctx, r);
  };
  auto t1 = chat_call("t1");
  chat_call("t2");
  f.at(2);
  f.to_agent("a1", answer_atom::value, std::string{"t1"});
  f.to_agent("a1", answer_atom::value, std::string{"t2"});
  f.at(3);
  CHECK(f.has("talking t1 a1"));
  CHECK(f.has("talking t2 a1"));
  chat_call("t3");
  f.at(4);
  CHECK(f.has("queued t3 chat"));
  CHECK_FALSE(f.has("ringing a1 t3")); // two chats already
  auto c1 = f.call("c1");              // voice: a free voice slot, so it rings despite the chats
  f.at(5);
  CHECK(f.has("ringing a1 c1"));
  f.to_agent("a1", answer_atom::value, std::string{"c1"});
  f.at(6);
  // A chat ends (and its 5 s wrap-up): a chat slot is free, but a1 is on a voice call.
  caf::anon_send(t1, hangup_atom::value, std::string{"caller"});
  f.at(15);
  CHECK_FALSE(f.has("ringing a1 t3"));
  // The voice call ends; after its wrap-up t3 rings.
  caf::anon_send(c1, hangup_atom::value, std::string{"caller"});
  f.at(25);
  CHECK(f.has("ringing a1 t3"));
}

namespace {
/// small_center whose sales agents dial out on its one trunk group.
events::center_definition outbound_center(int channels) {
  auto c = small_center(channels);
  c.queues[0].outbound_trunk_group = "pstn";
  return c;
}
} // namespace

TEST_CASE("an agent places an outbound call: the queue's outbound channel, no queue and no offer, "
          "then after-call work") {
  fixture f{outbound_center(1)};
  f.login("a1");
  f.at(1);
  // Pausing means "offer me nothing", not "let me dial nothing".
  f.to_agent("a1", not_ready_atom::value, std::string{"outbound"});
  f.at(2);
  auto o1 = f.place("o1", "a1", "+8613900000");
  f.at(3);
  CHECK(f.has("talking o1 a1"));
  CHECK_FALSE(f.has("ringing a1 o1")); // the agent dialed: nothing rings
  CHECK(f.types("call-o1") == "call.arrived call.connected");
  CHECK(f.types("queue-sales") == "");
  auto evs = *f.store.read_stream("call-o1", 0, SIZE_MAX);
  auto arrived =
      std::get<events::call_arrived>(*events::event_codec::standard().decode(evs.front()));
  CHECK(arrived.direction == events::call_direction::outbound);
  CHECK(arrived.dialed == "+8613900000");
  CHECK(arrived.trunk_group == "pstn");
  auto seized = *f.store.read_stream("trunk-pstn.1", 0, SIZE_MAX);
  REQUIRE(seized.size() == 1);
  CHECK(std::get<events::trunk_seized>(*events::event_codec::standard().decode(seized[0]))
            .direction == events::call_direction::outbound);
  // Its line is busy while it talks: the group's only channel blocks an inbound call.
  f.call("c1");
  f.at(4);
  CHECK(f.has("ended c1 blocked"));
  caf::anon_send(o1, hangup_atom::value, std::string{"agent"});
  f.at(5);
  CHECK(f.has("ended o1 completed"));
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released");
  f.at(20); // the queue's 5 s of after-call work
  CHECK(f.types("agent-a1") ==
        "agent.logged_in agent.ready agent.not_ready agent.reserved agent.call_started "
        "agent.call_ended agent.wrap_up_ended");
  // No agent.ready at the end: still paused, the dial did not make the agent ready.
}

TEST_CASE(
    "a call an agent cannot place ends refused with the agent's reason, and lets its channel go") {
  fixture f{outbound_center(2)};
  f.place("o1", "a1", "+8613900000"); // a1 is logged out
  f.at(1);
  CHECK(f.has("ended o1 refused"));
  CHECK(f.has("rejected agent-a1 logged_out")); // audited
  auto evs = *f.store.read_stream("call-o1", 0, SIZE_MAX);
  auto ended = std::get<events::call_ended>(*events::event_codec::standard().decode(evs.back()));
  CHECK(ended.reason == "agent_logged_out");
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released");
  CHECK(f.types("agent-a1") == "");
  // On a voice call already: the second dial is refused, the first goes on.
  f.login("a2");
  f.at(2);
  f.place("o2", "a2", "+8613900001");
  f.at(3);
  CHECK(f.has("talking o2 a2"));
  f.place("o3", "a2", "+8613900002");
  f.at(4);
  CHECK(f.has("ended o3 refused"));
  CHECK(f.has("rejected agent-a2 at_capacity"));
  CHECK_FALSE(f.has("talking o3 a2"));
}

TEST_CASE("a call placed by an agent this node does not know ends refused, naming why") {
  fixture f{outbound_center(1)};
  f.place("o1", "nobody", "+8613900000");
  f.at(1);
  CHECK(f.has("ended o1 refused"));
  auto evs = *f.store.read_stream("call-o1", 0, SIZE_MAX);
  CHECK(std::get<events::call_ended>(*events::event_codec::standard().decode(evs.back())).reason ==
        "unknown_agent");
  CHECK(f.types("trunk-pstn.1") == ""); // no queue of its own: no outbound group, no line held
}

TEST_CASE("an outbound call finds every channel busy: blocked, and the agent is never reserved") {
  fixture f{outbound_center(1)};
  f.login("a1");
  f.login("a2");
  f.call("c1"); // takes the only channel, and rings a1 or a2
  f.at(1);
  f.place("o1", "a2", "+8613900000");
  f.at(2);
  CHECK(f.has("ended o1 blocked"));
  CHECK(f.types("call-o1") == "call.arrived call.ended");
  CHECK(f.types("agent-a2").find("agent.reserved agent.call_started") == std::string::npos);
}

// -- The strategies among equally skilled agents, as the actors apply them ------------

namespace {

/// a1, a2, a3 in sales with equal skills, the given strategy, no after-call work.
events::center_definition strategy_center(events::routing_strategy strategy) {
  auto c = small_center(4);
  c.queues[0].strategy = strategy;
  c.queues[0].wrap_up_ms = 0;
  events::agent_definition a3 = c.agents[0];
  a3.id = "a3";
  c.agents.push_back(a3);
  c.agents[0].order = 3;
  c.agents[1].order = 1;
  c.agents[2].order = 2;
  return c;
}

/// A caller at second `t` is answered by whoever rings, talks `talk_s`
/// and hangs up. Returns the agent (empty: nobody rang).
std::string serve(fixture& f, const std::string& id, std::int64_t& t, std::int64_t talk_s = 1) {
  auto call = f.call(id, "+86138" + id);
  f.at(++t);
  std::string agent;
  for (const char* a : {"a1", "a2", "a3"})
    if (f.has(std::string{"ringing "} + a + " " + id)) agent += a;
  if (agent.size() != 2) return agent; // nobody, or more than one
  f.to_agent(agent, answer_atom::value, id);
  t += talk_s;
  f.at(t);
  caf::anon_send(call, hangup_atom::value, std::string{"caller"});
  f.at(++t);
  return agent;
}

/// The reason routing gave for the last offer of call `id`.
std::string offer_reason(fixture& f, const std::string& id) {
  std::string reason;
  auto evs = *f.store.read_stream("call-" + id, 0, SIZE_MAX);
  for (const auto& e : evs)
    if (e.type == "call.offered")
      reason = std::get<events::call_offered>(*events::event_codec::standard().decode(e)).reason;
  return reason;
}

/// a1 handles one call of 20 s alone, then a2 two calls of 2 s alone; then
/// both are ready, a2 the longest idle (a1 went ready after a2's last call).
/// Who takes the next call?
std::string after_unequal_work(events::routing_strategy strategy, std::string& reason) {
  fixture f{strategy_center(strategy)};
  std::int64_t t = 1;
  f.login("a1");
  f.at(t);
  CHECK(serve(f, "x1", t, 20) == "a1");
  f.to_agent("a1", not_ready_atom::value, std::string{"break"});
  f.login("a2");
  f.at(++t);
  CHECK(serve(f, "x2", t, 2) == "a2");
  CHECK(serve(f, "x3", t, 2) == "a2");
  f.to_agent("a1", ready_atom::value);
  f.at(++t);
  auto who = serve(f, "y", t);
  reason = offer_reason(f, "y");
  return who;
}

} // namespace

TEST_CASE("strategy at actor level: round robin goes around the agents, remembering the last one") {
  fixture f{strategy_center(events::routing_strategy::round_robin)};
  for (auto a : {"a1", "a2", "a3"})
    f.login(a);
  std::int64_t t = 1;
  f.at(t);
  std::vector<std::string> order;
  for (auto id : {"c1", "c2", "c3", "c4"})
    order.push_back(serve(f, id, t));
  CHECK(order == std::vector<std::string>{"a1", "a2", "a3", "a1"});
  CHECK(offer_reason(f, "c4") == "level 5, round robin after a3");
}

TEST_CASE("strategy at actor level: top down follows the agents' order while they are free") {
  fixture f{strategy_center(events::routing_strategy::top_down)};
  for (auto a : {"a1", "a2", "a3"})
    f.login(a);
  std::int64_t t = 1;
  f.at(t);
  CHECK(serve(f, "c1", t) == "a2"); // order 1
  CHECK(serve(f, "c2", t) == "a2");
  // a2 on a call: the next in order, a3, rings.
  f.call("c3");
  f.at(++t);
  CHECK(f.has("ringing a2 c3"));
  f.to_agent("a2", answer_atom::value, std::string{"c3"});
  f.at(++t);
  CHECK(serve(f, "c4", t) == "a3");
  CHECK(offer_reason(f, "c4") == "level 5, top down, order 2");
}

TEST_CASE(
    "strategy at actor level: fewest calls and least talk time read what each agent handled") {
  std::string reason;
  CHECK(after_unequal_work(events::routing_strategy::fewest_calls, reason) ==
        "a1"); // 1 call against 2
  CHECK(reason == "level 5, fewest calls (1)");
  CHECK(after_unequal_work(events::routing_strategy::least_talk_time, reason) ==
        "a2"); // 4 s against 20 s
  CHECK(reason == "level 5, least talk time 4 s");
  // a1 went ready after a2's last call ended: a2 has been idle longer.
  CHECK(after_unequal_work(events::routing_strategy::longest_idle, reason) == "a2");
}

TEST_CASE(
    "strategy at actor level: random spreads the calls, one agent per call, and names its seed") {
  fixture f{strategy_center(events::routing_strategy::random)};
  for (auto a : {"a1", "a2", "a3"})
    f.login(a);
  std::int64_t t = 1;
  f.at(t);
  std::set<std::string> took;
  for (int i = 0; i < 12; ++i) {
    auto who = serve(f, "r" + std::to_string(i), t);
    REQUIRE(who.size() == 2); // exactly one agent rang
    took.insert(who);
  }
  CHECK(took.size() >= 2);
  CHECK(offer_reason(f, "r0").rfind("level 5, random of 3 (seed ", 0) == 0);
}
