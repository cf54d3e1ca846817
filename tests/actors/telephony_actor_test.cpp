// The telephony actor between the in-memory telephony stack and the ACD's
// actors, on the virtual clock: what a caller and an agent's phone would
// see (the stack's commands) and what the store records.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "telephony_fixture.hpp"

using namespace hotline;
using namespace hotline::actors;
namespace tp = hotline::ports;

namespace {

using acd_actor_test::epoch;

/// One queue `sales` behind entry point 100 on trunk group `pstn` of
/// `channels` lines; agents a1 and a2 with phones, a3 without one.
events::center_definition phone_center(int channels = 2) {
  events::center_definition c;
  c.tenants.push_back({"acme", "Acme", {}});
  c.trunks.push_back({"pstn", channels, events::trunk_direction::both});
  events::queue_definition q;
  q.id = "sales";
  q.tenant = "acme";
  q.skills = {{"sales", 1}};
  q.ring_timeout_ms = 10'000;
  q.wrap_up_ms = 0;
  c.queues.push_back(q);
  for (auto id : {"a1", "a2", "a3"}) {
    events::agent_definition a;
    a.id = id;
    a.tenant = "acme";
    a.skills = {{"sales", 5}};
    a.queues = {"sales"};
    a.order = id[1] - '0';
    c.agents.push_back(a);
  }
  c.entry_points.push_back({"100", "acme", "sales", "pstn", 0});
  return c;
}

/// a1's phone, and a2's when asked.
telephony_options phones_of(bool with_a2) {
  telephony_options o;
  o.phones["a1"] = "sip:a1@127.0.0.1:5070";
  if (with_a2) o.phones["a2"] = "sip:a2@127.0.0.1:5071";
  o.trunk_peers["pstn"] = "192.0.2.9:5060";
  o.outbound_ring_timeout_s = 60;
  return o;
}

struct fixture : acd_actor_test::telephony_fixture {
  explicit fixture(events::center_definition c = phone_center(), bool with_a2 = true)
      : fixture(std::move(c), phones_of(with_a2)) {}
  fixture(events::center_definition c, telephony_options o) : telephony_fixture(std::move(c)) {
    // Agents' outbound calls reach a far end through trunk group pstn.
    ctx->far_end_dialing = true;
    ctx->default_outbound_trunk = "pstn";
    start(std::move(o));
  }
  void incoming(const std::string& leg, const std::string& to = "100") {
    inject(tp::incoming{leg, "+8613800001111", to, "pstn", "127.0.0.1:5060"});
  }
  std::string outcome(const std::string& call_id) const {
    const auto& s = call_state(call_id);
    return std::string{events::to_wire(s.outcome)};
  }
};

} // namespace

TEST_CASE("telephony logs in the agents who have a phone, and only them") {
  fixture f;
  f.at(1);
  CHECK(f.status("a1") == "ready");
  CHECK(f.status("a2") == "ready");
  CHECK(f.status("a3") == "logged_out");
}

TEST_CASE("a number no entry point has is rejected not_found and starts no call") {
  fixture f;
  f.incoming("L1", "999");
  f.at(1);
  CHECK_MESSAGE(f.did("reject L1 not_found"), f.commands());
  CHECK(f.stream(events::acd::call::stream_name("sip-L1")).empty());
}

TEST_CASE(
    "caller, music, the agent's phone rings, answers, both are bridged, the caller hangs up") {
  fixture f;
  f.incoming("L1");
  f.at(1);
  CHECK_MESSAGE(f.did("play L1 music_on_hold"), f.commands());
  // a1 (longest idle: both idle since the start; either may be first)
  const bool a1_first = f.did("ring M1 sip:a1@127.0.0.1:5070 caller +8613800001111 call sip-L1");
  const bool a2_first = f.did("ring M1 sip:a2@127.0.0.1:5071 caller +8613800001111 call sip-L1");
  REQUIRE_MESSAGE((a1_first || a2_first), f.commands());
  const std::string agent = a1_first ? "a1" : "a2";
  CHECK_FALSE(f.did("answer L1")); // the caller is answered when the agent is
  f.inject(tp::ringing{"M1"});
  f.inject(tp::answered{"M1"});
  f.at(2);
  CHECK_MESSAGE(f.did("answer L1"), f.commands());
  CHECK_MESSAGE(f.did("bridge L1 M1"), f.commands());
  CHECK(f.status(agent) == "on_call");
  f.inject(tp::ended{"L1", tp::ended_by::far_end});
  f.at(3);
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  CHECK(f.outcome("sip-L1") == "completed");
  CHECK_FALSE(f.did("hang_up L1 normal")); // gone already: nothing sent to it
}

TEST_CASE("a caller lost after the answer ends the call completed with reason caller_lost") {
  fixture f;
  f.incoming("L1");
  f.at(1);
  f.inject(tp::answered{"M1"});
  f.at(2);
  REQUIRE_MESSAGE(f.did("bridge L1 M1"), f.commands());
  f.inject(tp::ended{"L1", tp::ended_by::lost}); // the 200 was never ACKed
  f.at(3);
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  CHECK(f.outcome("sip-L1") == "completed");
  CHECK(f.call_state("sip-L1").end_reason == "caller_lost");
}

TEST_CASE("the agent hangs up first: the caller's leg is hung up and the call completes") {
  fixture f;
  f.incoming("L1");
  f.at(1);
  f.inject(tp::answered{"M1"});
  f.at(2);
  REQUIRE_MESSAGE(f.did("bridge L1 M1"), f.commands());
  f.inject(tp::ended{"M1", tp::ended_by::far_end});
  f.at(3);
  CHECK_MESSAGE(f.did("hang_up L1 normal"), f.commands());
  CHECK(f.outcome("sip-L1") == "completed");
}

TEST_CASE("the caller cancels while queued: the call is abandoned and the ringing phone stops") {
  fixture f;
  f.incoming("L1");
  f.at(1);
  REQUIRE_MESSAGE(f.phones.commands().size() >= 2, f.commands());
  f.inject(tp::ended{"L1", tp::ended_by::far_end});
  f.at(2);
  CHECK(f.outcome("sip-L1") == "abandoned");
  CHECK_MESSAGE(f.did("hang_up M1 withdrawn"), f.commands());
}

TEST_CASE("a busy phone ends the offer busy and the call rings the other agent") {
  fixture f;
  f.incoming("L1");
  f.at(1);
  REQUIRE_MESSAGE(f.phones.commands().size() == 2, f.commands());
  const bool a1_first = f.did("ring M1 sip:a1@127.0.0.1:5070 caller +8613800001111 call sip-L1");
  f.inject(tp::failed{"M1", tp::failure_cause::busy, 486});
  f.at(2);
  const std::string other = a1_first ? "sip:a2@127.0.0.1:5071" : "sip:a1@127.0.0.1:5070";
  CHECK_MESSAGE(f.did("ring M2 " + other + " caller +8613800001111 call sip-L1"), f.commands());
  auto ended = f.payloads<events::call_offer_ended>(events::acd::call::stream_name("sip-L1"));
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].reason == "busy");
  f.inject(tp::answered{"M2"});
  f.at(3);
  CHECK_MESSAGE(f.did("bridge L1 M2"), f.commands());
}

TEST_CASE("a phone that declines is a rejected offer") {
  fixture f{phone_center(), false}; // a1 only
  f.incoming("L1");
  f.at(1);
  f.inject(tp::failed{"M1", tp::failure_cause::rejected, 603});
  f.at(2);
  auto ended = f.payloads<events::call_offer_ended>(events::acd::call::stream_name("sip-L1"));
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].reason == "rejected");
}

TEST_CASE("a phone nobody answers is cancelled at the queue's ring timeout") {
  fixture f{phone_center(), false};
  f.incoming("L1");
  f.at(1);
  REQUIRE(f.did("ring M1 sip:a1@127.0.0.1:5070 caller +8613800001111 call sip-L1"));
  f.at(12); // ring_timeout_ms 10 s
  CHECK_MESSAGE(f.did("hang_up M1 withdrawn"), f.commands());
  // The phone answering now (it crossed the CANCEL) changes nothing.
  f.inject(tp::answered{"M1"});
  f.at(13);
  CHECK_FALSE(f.did("bridge L1 M1"));
}

TEST_CASE("every trunk channel busy: the caller is turned away unavailable with Retry-After") {
  fixture f{phone_center(1)};
  f.incoming("L1");
  f.at(1);
  f.incoming("L2");
  f.at(2);
  CHECK_MESSAGE(f.did("reject L2 unavailable retry-after 30"), f.commands());
  CHECK(f.outcome("sip-L2") == "blocked");
}

TEST_CASE("an agent without a phone is rung for a call: the offer is rejected, nothing rings") {
  fixture f{phone_center(), false};
  f.login("a3"); // logged in by a desktop, but has no phone
  f.at(1);
  f.incoming("L1");
  f.at(2);
  // Whoever was offered first, the call ends up ringing a1's phone only.
  for (const auto& l : f.phones.commands())
    CHECK(l.find("sip:a2") == std::string::npos);
  CHECK_MESSAGE(f.did("ring M1 sip:a1@127.0.0.1:5070 caller +8613800001111 call sip-L1"),
                f.commands());
}

TEST_CASE("a simulated agent takes a real call: it answers, the caller hears music, it hangs up") {
  telephony_options o; // no phones: a3 is the simulator's
  o.simulated_agents = {"a3"};
  o.simulated_answer_after = std::chrono::seconds(2);
  o.simulated_talk = std::chrono::seconds(30);
  fixture f{phone_center(), o};
  f.login("a3");
  f.at(1);
  f.incoming("L1");
  f.at(2);
  CHECK(f.status("a3") == "ringing");
  CHECK_FALSE(f.did("answer L1")); // nothing rings and nobody answers yet
  f.at(4);
  CHECK(f.status("a3") == "on_call");
  CHECK_MESSAGE(f.did("answer L1"), f.commands());
  CHECK(f.phones.commands().back() == "play L1 music_on_hold");
  f.at(20);
  CHECK(f.status("a3") == "on_call");
  f.at(40); // its talk time is over: the agent hangs up, the caller's line goes
  CHECK_MESSAGE(f.did("hang_up L1 normal"), f.commands());
  CHECK(f.outcome("sip-L1") == "completed");
}

TEST_CASE(
    "a simulated agent whose offer is withdrawn does not answer, and a caller may hang up first") {
  telephony_options o;
  o.simulated_agents = {"a3"};
  o.simulated_answer_after = std::chrono::seconds(5);
  o.simulated_talk = std::chrono::seconds(30);
  fixture f{phone_center(), o};
  f.login("a3");
  f.at(1);
  f.incoming("L1");
  f.at(2);
  CHECK(f.status("a3") == "ringing");
  f.inject(tp::ended{"L1", tp::ended_by::far_end}); // the caller gives up while it rings
  f.at(10);
  CHECK(f.outcome("sip-L1") == "abandoned");
  CHECK_FALSE(f.did("answer L1"));
  CHECK(f.status("a3") != "on_call");
  // Another caller, who hangs up while talking: the agent's later hang-up is moot.
  f.incoming("L2");
  f.at(20);
  REQUIRE(f.status("a3") == "on_call");
  f.inject(tp::ended{"L2", tp::ended_by::far_end});
  f.at(60);
  CHECK(f.outcome("sip-L2") == "completed");
  CHECK_FALSE(f.did("hang_up L2 normal"));
}

TEST_CASE(
    "the agent holds: the caller hears music, the bridge is broken, and resumed: bridged again") {
  fixture f;
  f.incoming("L1");
  f.at(1);
  const std::string agent =
      f.did("ring M1 sip:a1@127.0.0.1:5070 caller +8613800001111 call sip-L1") ? "a1" : "a2";
  f.inject(tp::answered{"M1"});
  f.at(2);
  REQUIRE_MESSAGE(f.did("bridge L1 M1"), f.commands());
  // The desk's hold, as the node API sends it (through the agent's desk to the call).
  auto desk = [&](caf::message inner) {
    f.rt.system().spawn([target = f.agent(agent), inner](caf::event_based_actor* self) {
      self->request(target, caf::infinite, api_atom::value, std::string{"u"},
                    caf::make_message(desk_atom::value, std::string{"sip-L1"}, inner))
          .then([](api_atom, const std::string&, const std::string&) {});
    });
  };
  desk(caf::make_message(hold_atom::value, agent));
  f.at(3);
  CHECK(f.status(agent) == "on_hold");
  CHECK_MESSAGE(f.phones.commands().back() == "play L1 music_on_hold", f.commands());
  desk(caf::make_message(resume_atom::value, agent));
  f.at(4);
  CHECK(f.status(agent) == "on_call");
  CHECK_MESSAGE(f.phones.commands().back() == "bridge L1 M1", f.commands());
  // Resuming again is accepted and changes nothing: still bridged.
  desk(caf::make_message(resume_atom::value, agent));
  f.at(5);
  CHECK(f.status(agent) == "on_call");
  CHECK_MESSAGE(f.phones.commands().back() == "bridge L1 M1", f.commands());
}

TEST_CASE("events for legs the actor never saw are ignored") {
  fixture f;
  f.inject(tp::answered{"X9"});
  f.inject(tp::failed{"X9", tp::failure_cause::busy, 486});
  f.inject(tp::ended{"X9", tp::ended_by::far_end});
  f.inject(tp::dtmf{"X9", '5', tp::dtmf_method::rfc4733});
  f.at(1);
  CHECK(f.phones.commands().empty());
}

TEST_CASE("the fan-out sends a call's notifications to whoever started it") {
  fixture f;
  f.dial("sim-1", "100"); // a simulated caller: its notifications go to the fixture's observer
  f.at(1);
  CHECK(f.has("queued sim-1 sales"));
  f.incoming("L1");
  f.at(2);
  CHECK_FALSE(f.has("queued sip-L1 sales")); // went to telephony
  CHECK_MESSAGE(f.did("play L1 music_on_hold"), f.commands());
}

TEST_CASE("a waiting caller hears its position announced, and nothing once it talks") {
  auto c = phone_center();
  c.queues[0].announce_every_ms = 10'000;
  telephony_options o; // no phones: nobody is logged in, the caller waits
  o.announcements = true;
  fixture f{c, o};
  f.incoming("L1");
  f.at(5);
  CHECK_FALSE(f.commands().find("announce") != std::string::npos);
  f.at(12);
  // First in line; nobody serves the queue, so no wait is told.
  CHECK_MESSAGE(f.did("announce L1 queue-youarenext queue-thankyou"), f.commands());
  f.inject(tp::ended{"L1", tp::ended_by::far_end});
  f.at(40);
  const auto done = f.phones.commands();
  CHECK(std::count_if(done.begin(), done.end(),
                      [](const auto& l) { return l.rfind("announce", 0) == 0; }) == 1);
}

TEST_CASE("announcements are not spoken when the stack has no prompts") {
  auto c = phone_center();
  c.queues[0].announce_every_ms = 10'000;
  fixture f{c, telephony_options{}};
  f.incoming("L1");
  f.at(25);
  CHECK(f.types("call-sip-L1").find("call.announced") != std::string::npos);
  CHECK_MESSAGE(f.commands().find("announce") == std::string::npos, f.commands());
}

TEST_CASE("a registered phone logs its agent in, is recorded, and logs it out when it goes") {
  fixture f;
  f.at(1);
  REQUIRE(f.status("a3") == "logged_out");
  f.inject(tp::registered{"a3", "a3", "sip:a3@10.0.0.3:5062", "10.0.0.3:5062", 120, false});
  f.at(2);
  CHECK(f.status("a3") == "ready");
  // A refresh of the same contact records nothing more.
  f.inject(tp::registered{"a3", "a3", "sip:a3@10.0.0.3:5062", "10.0.0.3:5062", 120, true});
  f.at(3);
  CHECK(f.types("phone-a3") == "phone.registered");
  auto reg = f.payloads<events::phone_registered>("phone-a3");
  REQUIRE(reg.size() == 1);
  CHECK(reg[0].contact == "sip:a3@10.0.0.3:5062");
  CHECK(reg[0].source == "10.0.0.3:5062");
  CHECK(reg[0].expires_s == 120);
  f.inject(tp::unregistered{"a3", "a3", "sip:a3@10.0.0.3:5062", "expired"});
  f.at(4);
  CHECK(f.status("a3") == "logged_out");
  CHECK(f.types("phone-a3") == "phone.registered phone.unregistered");
  CHECK(f.payloads<events::phone_unregistered>("phone-a3")[0].reason == "expired");
}

TEST_CASE("phones registered before a restart ring again, and lapsed ones are recorded gone") {
  auto o = phones_of(false); // a1 has a static phone, a2 and a3 none
  o.restored_phones = {{"a3", "a3", "sip:a3@10.0.0.3:5062", "10.0.0.3:5062", 0, 3600}};
  o.lapsed_phones = {{"a2", "a2", "sip:a2@10.0.0.2:5062", "10.0.0.2:5062", 0, 60}};
  fixture f{phone_center(), o};
  f.at(1);
  CHECK(f.status("a3") == "ready"); // logged in by its restored phone
  CHECK(f.status("a2") == "logged_out");
  // Nothing new for the restored binding; the lapsed one's end is recorded.
  CHECK(f.types("phone-a3").empty());
  CHECK(f.types("phone-a2") == "phone.unregistered");
  auto gone = f.payloads<events::phone_unregistered>("phone-a2");
  REQUIRE(gone.size() == 1);
  CHECK(gone[0].contact == "sip:a2@10.0.0.2:5062");
  CHECK(gone[0].reason == "expired");
  // Two callers ring both ready agents: a1's static phone and a3's restored one.
  f.incoming("L1");
  f.incoming("L2");
  f.at(2);
  CHECK_MESSAGE(f.commands().find(" sip:a3@10.0.0.3:5062 caller +8613800001111 call sip-L") !=
                    std::string::npos,
                f.commands());
  CHECK_MESSAGE(f.commands().find(" sip:a1@127.0.0.1:5070 caller +8613800001111 call sip-L") !=
                    std::string::npos,
                f.commands());
  // Its refresh after the restart is only a refresh; its expiry logs it out.
  f.inject(tp::registered{"a3", "a3", "sip:a3@10.0.0.3:5062", "10.0.0.3:5062", 120, true});
  f.inject(tp::unregistered{"a3", "a3", "sip:a3@10.0.0.3:5062", "expired"});
  f.at(5);
  CHECK(f.types("phone-a3") == "phone.unregistered");
}

TEST_CASE("a registered contact is rung instead of the static one, and the static one after") {
  fixture f{phone_center(), false}; // a1 only has a static phone
  f.inject(tp::registered{"a1", "a1", "sip:a1@10.0.0.9:5099", "10.0.0.9:5099", 60, false});
  f.at(1);
  f.incoming("L1");
  f.at(2);
  CHECK_MESSAGE(f.did("ring M1 sip:a1@10.0.0.9:5099 caller +8613800001111 call sip-L1"),
                f.commands());
  // The registration goes: a1 keeps its static phone (and stays logged in).
  f.inject(tp::unregistered{"a1", "a1", "sip:a1@10.0.0.9:5099", "unregistered"});
  f.inject(tp::failed{"M1", tp::failure_cause::rejected, 603});
  f.at(3);
  CHECK(f.status("a1") != "logged_out");
}

TEST_CASE("a registration for an agent the center does not have is ignored") {
  fixture f;
  f.inject(tp::registered{"zz", "zz", "sip:zz@10.0.0.1:5060", "10.0.0.1:5060", 60, false});
  f.at(1);
  CHECK(f.stream("phone-zz").empty());
}

TEST_CASE("an INVITE over the trunk's rate is blocked without a line: 503 with Retry-After") {
  fixture f;
  tp::incoming e{"L1", "+8613800001111", "100", "pstn", "127.0.0.1:5060"};
  e.over_rate = true;
  f.inject(e);
  f.at(1);
  CHECK_MESSAGE(f.did("reject L1 unavailable retry-after 30"), f.commands());
  CHECK(f.outcome("sip-L1") == "blocked");
  CHECK_FALSE(f.did("play L1 music_on_hold"));
  // The lines were never taken: the next call is let in.
  f.incoming("L2");
  f.at(2);
  CHECK_MESSAGE(f.did("play L2 music_on_hold"), f.commands());
}

// -- outbound calls through the trunk (docs/telephony.md, "Outbound calls") --

namespace {
const std::string a1_phone = "sip:a1@127.0.0.1:5070";
const std::string far_end = "sip:5550100@192.0.2.9:5060";

/// a1 dials 5550100: its phone rings (M1) and answers, then the far end rings (M2).
void dial_out(fixture& f, const std::string& id = "out-1") {
  f.place(id, "a1", "5550100");
  f.at(1);
  REQUIRE_MESSAGE(f.did("ring M1 " + a1_phone + " caller 5550100 call " + id), f.commands());
  CHECK_FALSE(f.did("ring M2 " + far_end + " caller a1 call " + id + " trunk pstn"));
  f.inject(tp::answered{"M1"});
  f.at(2);
  REQUIRE_MESSAGE(f.did("ring M2 " + far_end + " caller a1 call " + id + " trunk pstn"),
                  f.commands());
}
} // namespace

TEST_CASE("a dial-out rings the agent's phone, then the far end, whose answer connects the call") {
  fixture f;
  dial_out(f);
  CHECK(f.status("a1") != "on_call"); // not before the far end answers
  f.inject(tp::ringing{"M2"});
  f.at(3);
  CHECK(f.types(events::acd::call::stream_name("out-1")).find("call.far_end_ringing") !=
        std::string::npos);
  f.inject(tp::answered{"M2"});
  f.at(4);
  CHECK_MESSAGE(f.did("bridge M2 M1"), f.commands());
  CHECK(f.status("a1") == "on_call");
  CHECK(events::acd::call::status_of(f.call_state("out-1")) ==
        events::acd::call::status::connected);
  // The far end hangs up (BYE): the call completes and the agent's phone is hung up.
  f.inject(tp::ended{"M2", tp::ended_by::far_end});
  f.at(5);
  CHECK(f.outcome("out-1") == "completed");
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
}

TEST_CASE("the agent hangs up a connected dial-out: BYE to the far end") {
  fixture f;
  dial_out(f);
  f.inject(tp::answered{"M2"});
  f.at(3);
  f.inject(tp::ended{"M1", tp::ended_by::far_end});
  f.at(4);
  CHECK(f.outcome("out-1") == "completed");
  CHECK_MESSAGE(f.did("hang_up M2 normal"), f.commands());
}

TEST_CASE("each far-end failure ends the dial-out not_connected with its reason") {
  for (auto [cause, code] :
       {std::pair{tp::failure_cause::busy, 486}, std::pair{tp::failure_cause::rejected, 603},
        std::pair{tp::failure_cause::no_answer, 480},
        std::pair{tp::failure_cause::unreachable, 404}}) {
    const std::string reason{tp::to_string(cause)};
    CAPTURE(reason);
    fixture f;
    dial_out(f);
    f.inject(tp::failed{"M2", cause, code});
    f.at(3);
    CHECK(f.outcome("out-1") == "not_connected");
    CHECK(f.call_state("out-1").end_reason == reason);
    CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands()); // the agent's leg was up
    f.at(10);
    CHECK(f.status("a1") != "on_call");
  }
}

TEST_CASE("a far end that rings past outbound_ring_timeout_s is cancelled: no_answer") {
  fixture f;
  dial_out(f);
  f.inject(tp::ringing{"M2"});
  f.at(30);
  CHECK_FALSE(f.did("hang_up M2 withdrawn"));
  f.at(70);
  CHECK_MESSAGE(f.did("hang_up M2 withdrawn"), f.commands());
  CHECK(f.outcome("out-1") == "not_connected");
  CHECK(f.call_state("out-1").end_reason == "no_answer");
}

TEST_CASE("the agent hangs up before the far end answers: CANCEL, outcome cancelled") {
  fixture f;
  dial_out(f);
  f.inject(tp::ended{"M1", tp::ended_by::far_end});
  f.at(3);
  CHECK_MESSAGE(f.did("hang_up M2 withdrawn"), f.commands());
  CHECK(f.outcome("out-1") == "not_connected");
  CHECK(f.call_state("out-1").end_reason == "cancelled");
  // The far end's late answer changes nothing.
  f.inject(tp::answered{"M2"});
  f.at(4);
  CHECK_FALSE(f.did("bridge M2 M1"));
}

TEST_CASE("the agent's own phone fails: the far end is never rung") {
  fixture f;
  f.place("out-1", "a1", "5550100");
  f.at(1);
  f.inject(tp::failed{"M1", tp::failure_cause::busy, 486});
  f.at(2);
  CHECK(f.outcome("out-1") == "not_connected");
  CHECK(f.call_state("out-1").end_reason == "agent_unreachable");
  for (const auto& l : f.phones.commands())
    CHECK(l.find(far_end) == std::string::npos);
}

TEST_CASE("an agent without a phone dials out as without telephony: connected at once") {
  fixture f;
  f.login("a3");
  f.at(1);
  f.place("sim-out-3", "a3", "5550100");
  f.at(2);
  CHECK(events::acd::call::status_of(f.call_state("sim-out-3")) ==
        events::acd::call::status::connected);
  CHECK(f.phones.commands().empty()); // nothing rang
  // Its notifications went back to whoever placed it (the simulated traffic).
  CHECK(f.has("talking sim-out-3 a3"));
}

TEST_CASE("a trunk group full refuses the dial-out: blocked, all_channels_busy") {
  fixture f{phone_center(1)};
  dial_out(f, "out-1");
  f.place("out-2", "a2", "5550101");
  f.at(3);
  CHECK(f.outcome("out-2") == "blocked");
  CHECK(f.call_state("out-2").end_reason == "all_channels_busy");
}

TEST_CASE("a trunk peer down is recorded, skipped by dial-outs, and back up when it answers") {
  fixture f;
  f.inject(tp::trunk_peer_down{"pstn", "192.0.2.9:5060", "timeout"});
  f.at(1);
  CHECK(f.types("trunk-pstn") == "trunk.peer_down");
  auto down = f.payloads<events::trunk_peer_down>("trunk-pstn");
  REQUIRE(down.size() == 1);
  CHECK(down[0].peer == "192.0.2.9:5060");
  CHECK(down[0].reason == "timeout");
  f.place("out-1", "a1", "5550100");
  f.at(2);
  CHECK(f.outcome("out-1") == "blocked");
  CHECK(f.call_state("out-1").end_reason == "trunk_down");
  // Inbound calls from the trunk are still answered.
  f.incoming("L1");
  f.at(3);
  CHECK_MESSAGE(f.did("play L1 music_on_hold"), f.commands());
  f.inject(tp::trunk_peer_down{"pstn", "192.0.2.9:5060", "timeout"}); // repeated: nothing new
  f.inject(tp::trunk_peer_up{"pstn", "192.0.2.9:5060"});
  f.at(4);
  CHECK(f.types("trunk-pstn") == "trunk.peer_down trunk.peer_up");
  f.inject(tp::trunk_peer_up{"nowhere", "192.0.2.1:5060"}); // no such group: ignored
  f.at(5);
  CHECK(f.stream("trunk-nowhere").empty());
}

// -- a phone's own call out (telephony_phone_calls.cpp, docs/telephony.md) ---------------

namespace {

/// a1 talks on no call; its registered phone INVITEs 5550100 through the node
/// (leg L9): that is a1's dial-out sip-L9, whose far end rings at once (M1).
void phone_dials(fixture& f) {
  f.inject(tp::incoming{"L9", "a1", "5550100", "", "127.0.0.1:5070", false, "a1"});
  f.at(1);
  REQUIRE_MESSAGE(f.did("ring M1 " + far_end + " caller a1 call sip-L9 trunk pstn"), f.commands());
  for (const auto& l : f.phones.commands()) // the phone called: the node does not ring it
    CHECK(l.find(a1_phone) == std::string::npos);
  CHECK_FALSE(f.did("answer L9"));
}

} // namespace

TEST_CASE("a phone's own INVITE to a number is its agent's dial-out: answered and bridged when "
          "the far end answers") {
  fixture f;
  phone_dials(f);
  f.inject(tp::ringing{"M1"});
  f.at(2);
  CHECK(f.types(events::acd::call::stream_name("sip-L9")).find("call.far_end_ringing") !=
        std::string::npos);
  CHECK_FALSE(f.did("answer L9")); // still ringing (180)
  f.inject(tp::answered{"M1"});
  f.at(3);
  CHECK_MESSAGE(f.did("answer L9"), f.commands());
  CHECK_MESSAGE(f.did("bridge M1 L9"), f.commands());
  CHECK(f.status("a1") == "on_call");
  CHECK(f.call_state("sip-L9").direction == events::call_direction::outbound);
  // The phone hangs up (BYE): the call completes and the far end gets its BYE.
  f.inject(tp::ended{"L9", tp::ended_by::far_end});
  f.at(4);
  CHECK(f.outcome("sip-L9") == "completed");
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
}

TEST_CASE("each far-end failure of a phone's own call out rejects its INVITE with that cause") {
  for (auto [cause, code, sip] : {std::tuple{tp::failure_cause::busy, 486, "busy"},
                                  std::tuple{tp::failure_cause::rejected, 603, "declined"},
                                  std::tuple{tp::failure_cause::no_answer, 480, "no_answer"},
                                  std::tuple{tp::failure_cause::unreachable, 404, "not_found"}}) {
    const std::string reason{tp::to_string(cause)};
    CAPTURE(reason);
    fixture f;
    phone_dials(f);
    f.inject(tp::failed{"M1", cause, code});
    f.at(2);
    CHECK_MESSAGE(f.did("reject L9 " + std::string{sip}), f.commands());
    CHECK(f.outcome("sip-L9") == "not_connected");
    CHECK(f.call_state("sip-L9").end_reason == reason);
    f.at(10);
    CHECK(f.status("a1") != "on_call");
  }
}

TEST_CASE("a phone's own call out whose far end rings too long is rejected no_answer") {
  fixture f;
  phone_dials(f);
  f.inject(tp::ringing{"M1"});
  f.at(70);
  CHECK_MESSAGE(f.did("hang_up M1 withdrawn"), f.commands());
  CHECK_MESSAGE(f.did("reject L9 no_answer"), f.commands());
  CHECK(f.call_state("sip-L9").end_reason == "no_answer");
}

TEST_CASE("the phone cancels its own call out while the far end rings: CANCEL, outcome "
          "cancelled") {
  fixture f;
  phone_dials(f);
  f.inject(tp::ringing{"M1"});
  f.inject(tp::ended{"L9", tp::ended_by::far_end});
  f.at(2);
  CHECK_MESSAGE(f.did("hang_up M1 withdrawn"), f.commands());
  CHECK(f.outcome("sip-L9") == "not_connected");
  CHECK(f.call_state("sip-L9").end_reason == "cancelled");
  CHECK_FALSE(f.did("reject L9 forbidden"));
  f.inject(tp::answered{"M1"}); // late: changes nothing
  f.at(3);
  CHECK_FALSE(f.did("bridge M1 L9"));
}

TEST_CASE("a phone's own call out the ACD refuses is rejected with a log line, nothing rings") {
  auto log = std::make_shared<std::vector<std::string>>();
  SUBCASE("the agent is logged out: 403") {
    auto o = phones_of(true);
    o.log = [log](const std::string& line) { log->push_back(line); };
    fixture f{phone_center(), o};
    f.to_agent("a1", logout_atom::value, std::string{"end_of_shift"});
    f.at(1);
    REQUIRE(f.status("a1") == "logged_out");
    f.inject(tp::incoming{"L9", "a1", "5550100", "", "127.0.0.1:5070", false, "a1"});
    f.at(2);
    CHECK_MESSAGE(f.did("reject L9 forbidden"), f.commands());
    CHECK(f.outcome("sip-L9") == "refused");
    CHECK_FALSE(f.did("ring M1 " + far_end + " caller a1 call sip-L9 trunk pstn"));
    REQUIRE_FALSE(log->empty());
    CHECK(log->back().find("would not place it") != std::string::npos);
  }
  SUBCASE("the trunk group has no SIP peer: 503") {
    auto o = phones_of(true);
    o.trunk_peers.clear();
    o.log = [log](const std::string& line) { log->push_back(line); };
    fixture f{phone_center(), o};
    f.inject(tp::incoming{"L9", "a1", "5550100", "", "127.0.0.1:5070", false, "a1"});
    f.at(2);
    CHECK_MESSAGE(f.did("reject L9 unavailable"), f.commands());
    CHECK(f.outcome("sip-L9") == "not_connected");
    CHECK(f.call_state("sip-L9").end_reason == "unreachable");
    REQUIRE_FALSE(log->empty());
    CHECK(log->back().find("no SIP peer") != std::string::npos);
  }
  SUBCASE("an agent id while idle stays 403 (agent-to-agent calls are not placed)") {
    fixture f;
    f.inject(tp::incoming{"L9", "a1", "a2", "", "127.0.0.1:5070", false, "a1"});
    f.at(1);
    CHECK_MESSAGE(f.did("reject L9 forbidden"), f.commands());
    CHECK(f.phones.commands().size() == 1);
  }
}

// -- recording (F14) ----------------------------------------------------------------------

namespace {

/// a1 alone has a phone; the tenant's (or the queue's) policy as given.
fixture recording_fixture(events::recording_policy tenant, events::recording_policy queue) {
  auto c = phone_center();
  c.tenants[0].record = tenant;
  c.queues[0].record = queue;
  auto o = phones_of(false);
  o.recordings_dir = "/rec";
  return fixture(std::move(c), std::move(o));
}

/// Asks the telephony actor as the node API does; the answer ("ok" or the code).
std::string ask_recording(fixture& f, const std::string& call, const std::string& agent,
                          bool pause) {
  auto out = std::make_shared<std::string>("none");
  f.rt.system().spawn([out, t = f.telephony, call, agent, pause](caf::event_based_actor* self) {
    self->request(t, caf::infinite, api_atom::value, std::string{"zhao"},
                  caf::make_message(recording_atom::value, call, agent, pause))
        .then([out](api_atom, const std::string& code, const std::string&) {
          *out = code.empty() ? "ok" : code;
        });
  });
  f.rt.run_pending();
  return *out;
}

/// Caller L1 reaches a1 (phone leg M1), who answers; the two are bridged.
void talk(fixture& f) {
  f.incoming("L1");
  f.at(1);
  REQUIRE_MESSAGE(f.did("ring M1 sip:a1@127.0.0.1:5070 caller +8613800001111 call sip-L1"),
                  f.commands());
  f.inject(tp::answered{"M1"});
  f.at(2);
  REQUIRE_MESSAGE(f.did("bridge L1 M1"), f.commands());
}

} // namespace

TEST_CASE("a recorded call: started when bridged, paused and resumed by its agent, stopped with "
          "the file's figures") {
  auto f = recording_fixture(events::recording_policy::always, events::recording_policy::tenant);
  talk(f);
  CHECK_MESSAGE(f.did("record sip-L1 L1 M1 /rec/sip-L1.wav"), f.commands());
  CHECK(f.types("recording-sip-L1") == "recording.started");
  auto started = f.payloads<events::recording_started>("recording-sip-L1");
  REQUIRE(started.size() == 1);
  CHECK(started[0].agent_id == "a1");
  CHECK(started[0].queue == "sales");
  CHECK(started[0].file == "/rec/sip-L1.wav");
  CHECK(started[0].policy == "always");

  CHECK(ask_recording(f, "sip-L1", "a1", true) == "ok");
  CHECK(f.did("pause_recording sip-L1"));
  CHECK(ask_recording(f, "sip-L1", "a1", true) == "already_paused");
  CHECK(ask_recording(f, "sip-L1", "a2", false) == "not_on_call"); // not that agent's call
  CHECK(ask_recording(f, "sip-L9", "a1", false) == "not_on_call");
  f.at(6);
  CHECK(ask_recording(f, "sip-L1", "a1", false) == "ok");
  CHECK(f.did("resume_recording sip-L1"));
  CHECK(ask_recording(f, "sip-L1", "a1", false) == "not_paused");

  f.inject(tp::ended{"L1", tp::ended_by::far_end});
  f.at(10);
  CHECK_MESSAGE(f.did("stop_recording sip-L1"), f.commands());
  CHECK(f.types("recording-sip-L1") == "recording.started recording.paused recording.resumed");
  // The stack finishes the file after the call ended.
  f.inject(tp::recording_done{"sip-L1", "/rec/sip-L1.wav", "call_ended", 8'000, 128'044,
                              std::string(64, 'a'), 1, ""});
  CHECK(f.types("recording-sip-L1") ==
        "recording.started recording.paused recording.resumed recording.stopped");
  auto paused = f.payloads<events::recording_paused>("recording-sip-L1");
  auto resumed = f.payloads<events::recording_resumed>("recording-sip-L1");
  auto stopped = f.payloads<events::recording_stopped>("recording-sip-L1");
  REQUIRE(stopped.size() == 1);
  CHECK(resumed.at(0).paused_ms == 4'000); // paused at 2 s, resumed at 6 s
  CHECK(resumed.at(0).offset_ms == paused.at(0).offset_ms + 4'000);
  CHECK(stopped[0].sha256 == std::string(64, 'a'));
  CHECK(stopped[0].duration_ms == 8'000);
  CHECK(stopped[0].bytes == 128'044);
  CHECK(stopped[0].paused_ms == 4'000);
  CHECK(stopped[0].pauses == 1);
  CHECK(stopped[0].dropped_frames == 1);
  // Over: the agent can no longer pause it.
  CHECK(ask_recording(f, "sip-L1", "a1", true) == "not_on_call");
}

TEST_CASE("a call of a queue whose policy is never is not recorded, and cannot be paused") {
  // The tenant records, the queue says never: the queue wins.
  auto f = recording_fixture(events::recording_policy::always, events::recording_policy::never);
  talk(f);
  for (const auto& line : f.phones.commands())
    CHECK_MESSAGE(line.rfind("record", 0) != 0, line);
  CHECK(f.stream("recording-sip-L1").empty());
  CHECK(ask_recording(f, "sip-L1", "a1", true) == "not_recorded");
  f.inject(tp::ended{"L1", tp::ended_by::far_end});
  f.at(4);
  CHECK_FALSE(f.did("stop_recording sip-L1"));
}

TEST_CASE("a recording whose leg ended first is stopped by the stack and recorded once") {
  auto f = recording_fixture(events::recording_policy::never, events::recording_policy::always);
  talk(f);
  REQUIRE(f.did("record sip-L1 L1 M1 /rec/sip-L1.wav"));
  // The agent's phone hangs up: the stack ends the recording itself.
  f.inject(tp::recording_done{"sip-L1", "/rec/sip-L1.wav", "leg_ended", 3'000, 48'044,
                              std::string(64, 'b'), 0, ""});
  f.inject(tp::ended{"M1", tp::ended_by::far_end});
  f.at(5);
  CHECK(f.types("recording-sip-L1") == "recording.started recording.stopped");
  CHECK(f.payloads<events::recording_stopped>("recording-sip-L1").at(0).reason == "leg_ended");
  CHECK_FALSE(f.did("stop_recording sip-L1")); // over already: nothing to stop
}
