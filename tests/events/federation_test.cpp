// Multi-site federation, the pure parts: the interflow policy
// (events/federation/interflow_policy.hpp), the site status and message
// wire forms, and the call decider's interflow transitions.
#include "acd_support.hpp"

#include "events/federation/interflow_policy.hpp"
#include "events/federation/message.hpp"
#include "events/federation/site_status.hpp"

using namespace acd_test;
namespace cl = hotline::events::acd::call;
namespace fed = hotline::events::federation;

namespace {

fed::queue_status qs(std::int32_t ready, std::int64_t ewt_ms, std::int32_t waiting = 0) {
  return fed::queue_status{"sales", 5, ready, waiting, ewt_ms, 0.9, 20'000};
}

fed::waiting_call busy_call(std::int32_t position, std::int64_t local_ewt_ms) {
  fed::waiting_call c;
  c.call_id = "c1";
  c.queue = "sales";
  c.position = position;
  c.waited_ms = 40'000;
  c.local_ewt_ms = local_ewt_ms;
  c.local_agents = 4;
  return c;
}

subject<call_ops> queued_call() {
  subject<call_ops> c{cl::initial_state("c1")};
  cl::arrive a;
  a.call_id = "c1";
  a.caller = "+861380000";
  a.now_ns = t0;
  c.after({a, cl::enqueue{"sales", 0, 3, 90'000, "entry", t0 + sec}});
  return c;
}

} // namespace

TEST_CASE("interflow policy: a call no local agent can answer goes to a site with a ready agent") {
  auto b = qs(2, 0);
  auto c = busy_call(1, -1);
  c.local_agents = 0;
  auto d = fed::decide_interflow({}, c, {{"b", 200, &b}});
  CHECK(d.offer);
  CHECK(d.site == "b");
  CHECK(d.reason.find("no local agent") != std::string::npos);
}

TEST_CASE("interflow policy: the remote EWT must beat the local one by the margin") {
  fed::interflow_policy p;
  p.margin_ms = 30'000;
  auto b = qs(1, 10'000);
  CHECK_FALSE(fed::decide_interflow(p, busy_call(5, 35'000), {{"b", 100, &b}}).offer);
  auto d = fed::decide_interflow(p, busy_call(5, 45'000), {{"b", 100, &b}});
  CHECK(d.offer);
  CHECK(d.reason.find("margin") != std::string::npos);
}

TEST_CASE("interflow policy: a call about to be answered here stays (interflow position)") {
  fed::interflow_policy p;
  p.min_position = 2;
  auto b = qs(3, 0);
  auto d = fed::decide_interflow(p, busy_call(2, 120'000), {{"b", 100, &b}});
  CHECK_FALSE(d.offer);
  CHECK(d.reason.find("position 2") != std::string::npos);
  CHECK(fed::decide_interflow(p, busy_call(3, 120'000), {{"b", 100, &b}}).offer);
}

TEST_CASE(
    "interflow policy: stale, busy, non-serving and recently denying sites are not routed to") {
  fed::interflow_policy p;
  p.max_status_age_ms = 3'000;
  auto ready = qs(2, 0);
  auto busy = qs(0, 60'000, 9);
  auto c = busy_call(5, 200'000);
  CHECK_FALSE(fed::decide_interflow(p, c, {{"stale", 3'001, &ready}}).offer);
  CHECK_FALSE(fed::decide_interflow(p, c, {{"busy", 10, &busy}}).offer);
  CHECK_FALSE(fed::decide_interflow(p, c, {{"other", 10, nullptr}}).offer);
  c.denied_ago_ms["b"] = 2'000;
  auto d = fed::decide_interflow(p, c, {{"b", 10, &ready}});
  CHECK_FALSE(d.offer);
  CHECK(d.reason.find("denied") != std::string::npos);
  c.denied_ago_ms["b"] = p.deny_backoff_ms + 1;
  CHECK(fed::decide_interflow(p, c, {{"b", 10, &ready}}).offer);
}

TEST_CASE("interflow policy: the best site has the lowest EWT, then the most ready agents") {
  auto b = qs(1, 5'000);
  auto c2 = qs(1, 0);
  auto d2 = qs(4, 0);
  auto d = fed::decide_interflow({}, busy_call(9, 300'000),
                                 {{"b", 10, &b}, {"c", 10, &c2}, {"d", 10, &d2}});
  CHECK(d.site == "d");
  fed::interflow_policy off;
  off.enabled = false;
  CHECK_FALSE(fed::decide_interflow(off, busy_call(9, 300'000), {{"d", 10, &d2}}).offer);
  auto inflight = busy_call(9, 300'000);
  inflight.offer_in_flight = true;
  CHECK_FALSE(fed::decide_interflow({}, inflight, {{"d", 10, &d2}}).offer);
}

TEST_CASE("site status: JSON round trip, and errors name the field") {
  fed::site_status s{"north", 7, 1'795'392'000'000'000'000, {qs(2, 1500, 1)}};
  auto back = fed::site_status_from_json(fed::to_json(s));
  REQUIRE(back);
  CHECK(*back == s);
  auto bad = fed::site_status_from_json(
      R"({"site":"x","seq":1,"at_ns":1,"queues":[{"queue":"q","agents_ready":"two"}]})");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().detail().find("queues[0].") != std::string::npos);
  CHECK_FALSE(fed::site_status_from_json("not json"));
}

TEST_CASE("site status: a queue losing its last ready agent is a significant change") {
  fed::site_status a{"n", 1, 0, {qs(1, 0)}};
  auto b = a;
  CHECK_FALSE(fed::significant_change(a, b));
  b.queues[0].agents_ready = 0;
  CHECK(fed::significant_change(a, b));
  auto c = a;
  c.queues[0].ewt_ms = 3'000; // small move: wait for the periodic status
  CHECK_FALSE(fed::significant_change(a, c));
  c.queues[0].ewt_ms = 60'000;
  CHECK(fed::significant_change(a, c));
}

TEST_CASE("federation message: every kind round-trips, and bad input is named") {
  using k = fed::message_kind;
  for (auto kind :
       {k::offer, k::accept, k::deny, k::transfer, k::release, k::landed, k::bounce, k::withdraw}) {
    fed::message m;
    m.kind = kind;
    m.offer_id = "north-c1-1";
    m.call_id = "c1";
    m.correlation_id = "00ff";
    m.from_site = "north";
    m.to_site = "south";
    m.sent_at_ns = 42;
    if (kind == k::offer || kind == k::transfer) {
      m.queue = "sales";
      m.priority = 5;
      m.caller = "+86";
      m.customer_id = "cust-1";
      m.waited_ms = 1234;
      m.attached = {{"lang", "zh"}};
      if (kind == k::offer)
        m.expires_at_ns = 99;
      else
        m.crm = {{"crm.contacts", "3"}};
    } else if (kind == k::accept) {
      m.agent_id = "a7";
      m.hold_ms = 5000;
    } else {
      m.reason = "no_agent";
    }
    auto back = fed::message_from_json(fed::to_json(m));
    REQUIRE(back);
    CHECK(*back == m);
  }
  auto unknown = fed::message_from_json(
      R"({"kind":"ofer","offer_id":"o","call_id":"c","from_site":"a","to_site":"b"})");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().detail().find("'ofer' is unknown") != std::string::npos);
  auto missing = fed::message_from_json(
      R"({"kind":"accept","offer_id":"o","call_id":"c","from_site":"a","to_site":"b"})");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().detail().find("agent_id") != std::string::npos);
  auto pigeon =
      fed::message_from_json(R"({"kind":"offer","offer_id":"o","call_id":"c",)"
                             R"("from_site":"a","to_site":"b","queue":"q","channel":"pigeon"})");
  REQUIRE_FALSE(pigeon);
  CHECK(pigeon.error().code() == errc::malformed_json);
  CHECK(pigeon.error().detail().find("channel: 'pigeon' is not a channel") != std::string::npos);
  CHECK_FALSE(fed::message_from_json("[1,2]"));
}

TEST_CASE("call interflow: offered, denied, it simply stays queued") {
  auto c = queued_call();
  then_events(c.step(cl::offer_remote{"south", "o1", "because", t0 + 2 * sec}),
              {call_interflow_offered{"c1", "sales", "south", "o1", "because"}});
  then_rejected(c.when(cl::offer_remote{"east", "o2", "", t0}), "remote_pending");
  then_events(c.step(cl::remote_denied{"o1", "no_agent", t0 + 3 * sec}),
              {call_interflow_denied{"c1", "south", "o1", "no_agent"}});
  CHECK(cl::status_of(c.s) == cl::status::queued);
  // A late duplicate answer changes nothing.
  then_events(c.when(cl::remote_denied{"o1", "timeout", t0}), {});
  then_rejected(c.when(cl::interflow{"o1", "a9", t0}), "no_remote_offer");
}

TEST_CASE(
    "call interflow: accepted, the call leaves and lands: a hand-off, not a terminal outcome") {
  auto c = queued_call();
  c.after({cl::offer_remote{"south", "o1", "", t0 + 2 * sec}});
  then_events(c.step(cl::interflow{"o1", "s-a1", t0 + 3 * sec}),
              {call_interflowed{"c1", "sales", "south", "o1", "s-a1"}});
  CHECK(cl::status_of(c.s) == cl::status::interflowing);
  then_rejected(c.when(cl::abandon{"caller_hangup", t0}), "interflowing");
  then_rejected(c.when(cl::offer{"a1", 1000, "", t0}), "not_waiting");
  then_events(c.step(cl::finish{call_outcome::interflowed, "landed at south", t0 + 4 * sec}),
              {call_ended{"c1", call_outcome::interflowed, "landed at south", "", "sales"}});
  CHECK(cl::is_hand_off(c.s.outcome));
  CHECK_FALSE(cl::is_hand_off(call_outcome::completed));
}

TEST_CASE("call interflow: a local agent ringing wins over a late accept") {
  auto c = queued_call();
  c.after({cl::offer_remote{"south", "o1", "", t0 + 2 * sec},
           cl::offer{"a1", 15'000, "", t0 + 2 * sec}});
  then_rejected(c.when(cl::interflow{"o1", "s-a1", t0 + 3 * sec}), "offered_locally");
  then_rejected(c.when(cl::offer_remote{"east", "o2", "", t0}), "remote_pending");
}

TEST_CASE("call interflow: the remote site is lost after the call left: it queues here again") {
  auto c = queued_call();
  c.after({cl::offer_remote{"south", "o1", "", t0 + 2 * sec},
           cl::interflow{"o1", "s-a1", t0 + 3 * sec}});
  then_events(c.step(cl::return_from_remote{"site_lost", t0 + 9 * sec}),
              {call_interflow_returned{"c1", "south", "o1", "site_lost"}});
  CHECK(cl::status_of(c.s) == cl::status::arrived);
  then_events(c.step(cl::enqueue{"sales", 0, 1, 0, "returned from south", t0 + 9 * sec}),
              {call_queued{"c1", "sales", 0, 1, 0, "returned from south"}});
  CHECK(cl::waited_ms(c.s, t0 + 11 * sec) == 10'000); // the wait runs on from the first queuing
  then_rejected(c.when(cl::return_from_remote{"site_lost", t0}), "not_waiting");
}
