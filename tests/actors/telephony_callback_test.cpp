// Call backs dialed through the SIP trunk (docs/telephony.md, "Call backs
// through trunks"), with the in-memory stack on the virtual clock: the
// agent's phone rings first, then the customer's number through the trunk
// group's peer; the store says what became of the call back.
#include <doctest/doctest.h>

#include <algorithm>

#include <caf/all.hpp>

#include "telephony_fixture.hpp"

using namespace hotline;
using namespace hotline::actors;
namespace tp = hotline::ports;

namespace {

using acd_actor_test::epoch;
namespace cl = events::acd::call;

const std::string a1_phone = "sip:a1@127.0.0.1:5070";
const std::string customer = "sip:+8613800001111@192.0.2.9:5060";

/// Queue `sales` behind entry point 100 on trunk group `pstn` (both ways):
/// a caller waiting 5 s is called back (overflow callback), twice at most,
/// 30 s apart. Agent a1 has a phone; a3 has none.
events::center_definition callback_center() {
  events::center_definition c;
  c.tenants.push_back({"acme", "Acme", {}});
  c.trunks.push_back({"pstn", 2, events::trunk_direction::both});
  events::queue_definition q;
  q.id = "sales";
  q.tenant = "acme";
  q.skills = {{"sales", 1}};
  q.ring_timeout_ms = 10'000;
  q.wrap_up_ms = 0;
  q.max_wait_ms = 5'000;
  q.overflow = events::overflow_action::callback;
  q.callback_attempts = 2;
  q.callback_retry_ms = 30'000;
  c.queues.push_back(q);
  for (auto id : {"a1", "a3"}) {
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

telephony_options callback_phones() {
  telephony_options o;
  o.phones["a1"] = a1_phone;
  o.trunk_peers["pstn"] = "192.0.2.9:5060";
  o.outbound_ring_timeout_s = 60;
  return o;
}

struct fixture : acd_actor_test::telephony_fixture {
  explicit fixture(telephony_options o = callback_phones()) : telephony_fixture(callback_center()) {
    ctx->far_end_dialing = true;
    start(std::move(o));
  }
  int times(const std::string& prefix) const {
    const auto& c = phones.commands();
    return static_cast<int>(std::count_if(
        c.begin(), c.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
  }
  std::string outcome() const { return std::string{events::to_wire(call_state("sip-L1").outcome)}; }
  std::string call_types() const { return types(cl::stream_name("sip-L1")); }
  bool logged(const std::string& part) const {
    return std::any_of(log.begin(), log.end(),
                       [&](const std::string& l) { return l.find(part) != std::string::npos; });
  }

  /// Caller L1 waits while a1 is on a break, is called back at max_wait
  /// (its leg hung up off_line), and a1 comes back at 8 s.
  void caller_left_for_call_back() {
    to_agent("a1", not_ready_atom::value, std::string{"break"});
    at(1);
    inject(tp::incoming{"L1", "+8613800001111", "100", "pstn", "127.0.0.1:5060"});
    at(7);
    REQUIRE_MESSAGE(did("hang_up L1 off_line"), commands());
    REQUIRE(cl::status_of(call_state("sip-L1")) == cl::status::callback_waiting);
    to_agent("a1", ready_atom::value);
    at(8);
  }
  /// The call back rings a1's phone (leg `agent_leg`, showing the caller's
  /// number); a1 answers; the customer's number rings (leg `far_leg`).
  void agent_answers_then_customer_rings(const std::string& agent_leg, const std::string& far_leg,
                                         std::int64_t t) {
    REQUIRE_MESSAGE(
        did("ring " + agent_leg + " " + a1_phone + " caller +8613800001111 call sip-L1"),
        commands());
    CHECK(times("ring " + far_leg) == 0); // not before the agent answers
    inject(tp::answered{agent_leg});
    at(t);
    REQUIRE_MESSAGE(did("ring " + far_leg + " " + customer + " caller a1 call sip-L1 trunk pstn"),
                    commands());
    CHECK(status("a1") != "on_call");
  }
};

} // namespace

TEST_CASE("a call back rings the agent's phone, then the customer through the trunk, whose answer "
          "connects it and whose hang-up completes it") {
  fixture f;
  f.caller_left_for_call_back();
  f.agent_answers_then_customer_rings("M1", "M2", 9);
  f.inject(tp::ringing{"M2"});
  f.at(20); // past the agent's ring timeout (10 s): a1 answered, the customer decides
  CHECK(cl::status_of(f.call_state("sip-L1")) == cl::status::callback_dialing);
  f.inject(tp::answered{"M2"});
  f.at(21);
  CHECK_MESSAGE(f.did("bridge M2 M1"), f.commands());
  CHECK(f.status("a1") == "on_call");
  CHECK(cl::status_of(f.call_state("sip-L1")) == cl::status::connected);
  f.inject(tp::ended{"M2", tp::ended_by::far_end}); // the customer hangs up (BYE)
  f.at(22);
  CHECK(f.outcome() == "callback_completed");
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  CHECK(f.call_types() == "call.arrived call.queued call.overflowed call.callback_scheduled "
                          "call.callback_dialed call.connected call.ended");
  // The caller's line, then the call back's (the lowest free channel both times).
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released trunk.seized trunk.released");
}

TEST_CASE("the agent hangs up a connected call back: BYE to the customer, callback_completed") {
  fixture f;
  f.caller_left_for_call_back();
  f.agent_answers_then_customer_rings("M1", "M2", 9);
  f.inject(tp::answered{"M2"});
  f.at(10);
  f.inject(tp::ended{"M1", tp::ended_by::far_end});
  f.at(11);
  CHECK(f.outcome() == "callback_completed");
  CHECK_MESSAGE(f.did("hang_up M2 normal"), f.commands());
}

TEST_CASE("each failure of the customer's leg is retried after callback_retry_s, then the call "
          "back ends callback_failed") {
  for (auto [cause, code] :
       {std::pair{tp::failure_cause::busy, 486}, std::pair{tp::failure_cause::rejected, 603},
        std::pair{tp::failure_cause::no_answer, 480},
        std::pair{tp::failure_cause::unreachable, 404}}) {
    const std::string reason{tp::to_string(cause)};
    CAPTURE(reason);
    fixture f;
    f.caller_left_for_call_back();
    f.agent_answers_then_customer_rings("M1", "M2", 9);
    f.inject(tp::failed{"M2", cause, code});
    f.at(10);
    CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands()); // the agent's leg was up
    CHECK(f.call_types().find("call.callback_retried") != std::string::npos);
    auto retried = f.payloads<events::call_callback_retried>(cl::stream_name("sip-L1"));
    REQUIRE(retried.size() == 1);
    CHECK(retried[0].reason == reason);
    CHECK(cl::status_of(f.call_state("sip-L1")) == cl::status::callback_waiting);
    CHECK(f.status("a1") == "ready"); // let go
    f.at(35);
    CHECK(f.times("ring M3") == 0); // not before the retry is due (~39 s)
    f.at(41);
    f.agent_answers_then_customer_rings("M3", "M4", 42);
    f.inject(tp::failed{"M4", cause, code});
    f.at(43);
    CHECK(f.outcome() == "callback_failed");
    CHECK(f.call_state("sip-L1").end_reason == reason);
    CHECK_MESSAGE(f.did("hang_up M3 normal"), f.commands());
    CHECK(f.status("a1") == "ready");
  }
}

TEST_CASE("a customer that rings past outbound_ring_timeout_s is cancelled: a no_answer attempt") {
  fixture f;
  f.caller_left_for_call_back();
  f.agent_answers_then_customer_rings("M1", "M2", 9);
  f.inject(tp::ringing{"M2"});
  f.at(60);
  CHECK_FALSE(f.did("hang_up M2 withdrawn"));
  f.at(70);
  CHECK_MESSAGE(f.did("hang_up M2 withdrawn"), f.commands());
  auto retried = f.payloads<events::call_callback_retried>(cl::stream_name("sip-L1"));
  REQUIRE(retried.size() == 1);
  CHECK(retried[0].reason == "no_answer");
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
}

TEST_CASE("the agent hangs up while the customer rings: CANCEL, and the call back waits for its "
          "next agent") {
  fixture f;
  f.caller_left_for_call_back();
  f.agent_answers_then_customer_rings("M1", "M2", 9);
  f.inject(tp::ended{"M1", tp::ended_by::far_end});
  f.at(10);
  CHECK_MESSAGE(f.did("hang_up M2 withdrawn"), f.commands());
  CHECK(cl::status_of(f.call_state("sip-L1")) == cl::status::callback_waiting);
  CHECK(f.call_types() == "call.arrived call.queued call.overflowed call.callback_scheduled "
                          "call.callback_dialed call.offer_ended");
  CHECK(f.call_state("sip-L1").callback_failures == 0); // the customer was not at fault
  // The customer's late answer changes nothing.
  f.inject(tp::answered{"M2"});
  f.at(11);
  CHECK_FALSE(f.did("bridge M2 M1"));
}

TEST_CASE("an agent who does not answer a call back's ring: the offer ends no_answer, the customer "
          "is never rung") {
  fixture f;
  f.caller_left_for_call_back();
  REQUIRE_MESSAGE(f.did("ring M1 " + a1_phone + " caller +8613800001111 call sip-L1"),
                  f.commands());
  f.at(19);
  CHECK_MESSAGE(f.did("hang_up M1 withdrawn"), f.commands());
  CHECK(f.call_types() == "call.arrived call.queued call.overflowed call.callback_scheduled "
                          "call.callback_dialed call.offer_ended");
  CHECK(cl::status_of(f.call_state("sip-L1")) == cl::status::callback_waiting);
  CHECK(f.times("ring M2") == 0);
}

TEST_CASE("the agent's phone busy for a call back: the offer ends busy, the customer is never "
          "rung") {
  fixture f;
  f.caller_left_for_call_back();
  f.inject(tp::failed{"M1", tp::failure_cause::busy, 486});
  f.at(9);
  auto ended = f.payloads<events::call_offer_ended>(cl::stream_name("sip-L1"));
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].reason == "busy");
  CHECK(cl::status_of(f.call_state("sip-L1")) == cl::status::callback_waiting);
  CHECK(f.times("ring M2") == 0);
}

TEST_CASE("a call back whose trunk group has no SIP peer is unreachable at once, with a log line, "
          "and nothing rings") {
  auto o = callback_phones();
  o.trunk_peers.clear();
  fixture f{o};
  f.caller_left_for_call_back();
  auto retried = f.payloads<events::call_callback_retried>(cl::stream_name("sip-L1"));
  REQUIRE(retried.size() == 1);
  CHECK(retried[0].reason == "unreachable");
  CHECK(f.logged("trunk group 'pstn' has no SIP peer"));
  CHECK(f.times("ring ") == 0);
  CHECK(f.status("a1") == "ready");
}

TEST_CASE("a call back whose trunk peer is down fails trunk_down without ringing anyone") {
  fixture f;
  f.inject(tp::trunk_peer_down{"pstn", "192.0.2.9:5060", "timeout"});
  f.caller_left_for_call_back();
  auto retried = f.payloads<events::call_callback_retried>(cl::stream_name("sip-L1"));
  REQUIRE(retried.size() == 1);
  CHECK(retried[0].reason == "trunk_down");
  CHECK(f.times("ring ") == 0);
}

TEST_CASE("a call back telephony did not start (simulated traffic) rings its agent as without "
          "telephony") {
  fixture f;
  f.to_agent("a1", not_ready_atom::value, std::string{"break"});
  f.at(1);
  auto c1 = f.call("site-1-c1");
  f.at(7); // max wait: called back
  f.to_agent("a1", ready_atom::value);
  f.at(8);
  CHECK(f.has("ringing a1 site-1-c1")); // the simulator's observer rings it, not the phone
  CHECK(f.times("ring ") == 0);
  f.answer("a1", "site-1-c1");
  f.at(9);
  CHECK(cl::status_of(f.call_state("site-1-c1")) == cl::status::connected);
}
