// The telephony actor carrying transfers, conferences, supervision, a
// phone's own hold and REFER (docs/telephony.md, "Transfers, conferences
// and supervision"), with the in-memory stack on the virtual clock: the
// stack's commands say who hears whom, the store what the call recorded.
#include <doctest/doctest.h>

#include <algorithm>

#include <caf/all.hpp>

#include "telephony_fixture.hpp"

using namespace hotline;
using namespace hotline::actors;
namespace tp = hotline::ports;

namespace {

using acd_actor_test::epoch;

/// Queue `sales` (entry point 100, agent a1) and queue `billing` (entry
/// point 200, agent a2) on trunk group `pstn`; supervisor s1 in no queue.
/// Each has a phone, so the call to 100 always rings a1.
events::center_definition transfer_center() {
  events::center_definition c;
  c.tenants.push_back({"acme", "Acme", {}});
  c.trunks.push_back({"pstn", 4, events::trunk_direction::both});
  for (auto [id, skill] : {std::pair{"sales", "sales"}, std::pair{"billing", "billing"}}) {
    events::queue_definition q;
    q.id = id;
    q.tenant = "acme";
    q.skills = {{skill, 1}};
    q.ring_timeout_ms = 10'000;
    q.wrap_up_ms = 0;
    c.queues.push_back(q);
  }
  auto agent = [&](const char* id, const char* queue, bool supervisor) {
    events::agent_definition a;
    a.id = id;
    a.tenant = "acme";
    if (*queue) {
      a.skills = {{queue, 5}};
      a.queues = {queue};
    }
    a.supervisor = supervisor;
    c.agents.push_back(a);
  };
  agent("a1", "sales", false);
  agent("a2", "billing", false);
  agent("s1", "", true);
  c.entry_points.push_back({"100", "acme", "sales", "pstn", 0});
  c.entry_points.push_back({"200", "acme", "billing", "pstn", 0});
  return c;
}

telephony_options transfer_phones() {
  telephony_options o;
  o.phones["a1"] = "sip:a1@127.0.0.1:5070";
  o.phones["a2"] = "sip:a2@127.0.0.1:5071";
  o.phones["s1"] = "sip:s1@127.0.0.1:5072";
  o.trunk_peers["pstn"] = "192.0.2.9:5060";
  return o;
}

struct fixture : acd_actor_test::telephony_fixture {
  fixture() : telephony_fixture(transfer_center()) { start(transfer_phones()); }
  std::string last() const { return phones.commands().back(); }
  /// Caller L1 dials 100; a1's phone (M1) answers; the two are bridged; the
  /// commands so far are forgotten.
  void talk() {
    inject(tp::incoming{"L1", "+8613800001111", "100", "pstn", "127.0.0.1:5060"});
    at(1);
    REQUIRE_MESSAGE(did("ring M1 sip:a1@127.0.0.1:5070 caller +8613800001111 call sip-L1"),
                    commands());
    inject(tp::answered{"M1"});
    at(2);
    REQUIRE_MESSAGE(did("bridge L1 M1"), commands());
    phones.clear(); // what follows is the test's (the queue's early music is not)
  }
  /// A command for call sip-L1, through a1's desk as the node API sends it;
  /// the refusal code ("" when done).
  std::string desk(caf::message inner, const std::string& agent = "a1") {
    auto out = std::make_shared<std::string>("none");
    rt.system().spawn([out, target = this->agent(agent), inner](caf::event_based_actor* self) {
      self->request(target, caf::infinite, api_atom::value, std::string{"u"},
                    caf::make_message(desk_atom::value, std::string{"sip-L1"}, inner))
          .then([out](api_atom, const std::string& code, const std::string&) { *out = code; });
    });
    rt.run_pending();
    return *out;
  }
  std::string call_types() const { return types(events::acd::call::stream_name("sip-L1")); }
};

transfer_request blind(events::transfer_target_kind kind, std::string target,
                       events::transfer_mode mode = events::transfer_mode::blind) {
  transfer_request r;
  r.from_agent = "a1";
  r.mode = mode;
  r.target_kind = kind;
  r.target = std::move(target);
  return r;
}

} // namespace

TEST_CASE("a blind transfer to an agent: the first phone hangs up, music, the target rings and is "
          "bridged") {
  fixture f;
  f.talk();
  CHECK(f.desk(caf::make_message(transfer_atom::value,
                                 blind(events::transfer_target_kind::agent, "a2"))) == "");
  f.at(3);
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  CHECK_MESSAGE(f.did("play L1 music_on_hold"), f.commands());
  REQUIRE_MESSAGE(f.did("ring M2 sip:a2@127.0.0.1:5071 caller +8613800001111 call sip-L1"),
                  f.commands());
  f.inject(tp::answered{"M2"});
  f.at(4);
  CHECK_MESSAGE(f.last() == "bridge L1 M2", f.commands());
  CHECK(f.status("a2") == "on_call");
  CHECK(f.call_types().find("call.transferred") != std::string::npos);
  // The new agent hangs up: the caller's leg goes too.
  f.inject(tp::ended{"M2", tp::ended_by::far_end});
  f.at(5);
  CHECK_MESSAGE(f.did("hang_up L1 normal"), f.commands());
}

TEST_CASE(
    "a blind transfer to a queue: the caller hears music in the queue and reaches its agent") {
  fixture f;
  f.talk();
  CHECK(f.desk(caf::make_message(transfer_atom::value,
                                 blind(events::transfer_target_kind::queue, "billing"))) == "");
  f.at(3);
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  CHECK_MESSAGE(f.did("play L1 music_on_hold"), f.commands());
  REQUIRE_MESSAGE(f.did("ring M2 sip:a2@127.0.0.1:5071 caller +8613800001111 call sip-L1"),
                  f.commands());
  f.inject(tp::answered{"M2"});
  f.at(4);
  CHECK_MESSAGE(f.last() == "bridge L1 M2", f.commands());
}

TEST_CASE("a consultative transfer: music while the target rings, the two agents talk, then "
          "completing it bridges the caller to the target") {
  fixture f;
  f.talk();
  CHECK(f.desk(caf::make_message(transfer_atom::value,
                                 blind(events::transfer_target_kind::agent, "a2",
                                       events::transfer_mode::consultative))) == "");
  f.at(3);
  CHECK_MESSAGE(f.did("play L1 music_on_hold"), f.commands());
  REQUIRE_MESSAGE(f.did("ring M2 sip:a2@127.0.0.1:5071 caller +8613800001111 call sip-L1"),
                  f.commands());
  f.inject(tp::answered{"M2"});
  f.at(4);
  // a1 and a2 talk; the caller keeps its music and hears neither; nothing is handed over.
  CHECK_MESSAGE(f.last() == "bridge M1 M2", f.commands());
  CHECK_FALSE(f.did("hang_up M1 normal"));
  CHECK_FALSE(f.did("bridge L1 M2"));
  CHECK(f.status("a1") == "on_call");
  CHECK(f.status("a2") == "on_call");
  CHECK(f.call_types().find("call.consultation_started") != std::string::npos);
  CHECK(f.call_types().find("call.transferred") == std::string::npos);
  // a2 cannot complete it, and a blind transfer meanwhile is refused.
  CHECK(
      f.desk(caf::make_message(consult_end_atom::value, std::string{"a2"}, std::string{"complete"}),
             "a2") == "not_your_call");
  CHECK(f.desk(caf::make_message(transfer_atom::value, blind(events::transfer_target_kind::queue,
                                                             "billing"))) == "in_consultation");
  // a1 completes: its phone goes, the caller is bridged to a2.
  CHECK(f.desk(caf::make_message(consult_end_atom::value, std::string{"a1"},
                                 std::string{"complete"})) == "");
  f.at(5);
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  CHECK_MESSAGE(f.last() == "bridge L1 M2", f.commands());
  CHECK(f.status("a2") == "on_call");
  CHECK(f.status("a1") != "on_call");
  CHECK(f.call_types().find("call.transferred") != std::string::npos);
  // a2 is the call's agent now: its hang-up ends the call.
  f.inject(tp::ended{"M2", tp::ended_by::far_end});
  f.at(6);
  CHECK_MESSAGE(f.did("hang_up L1 normal"), f.commands());
  CHECK(f.call_types().find("call.ended") != std::string::npos);
  CHECK(f.status("a2") != "on_call");
}

TEST_CASE("a consultation cancelled: the target's phone is hung up, it is released without "
          "wrap-up, and the caller is back with the first agent") {
  fixture f;
  f.talk();
  // Nothing to complete or cancel before a consultation.
  CHECK(f.desk(caf::make_message(consult_end_atom::value, std::string{"a1"},
                                 std::string{"complete"})) == "no_consultation");
  CHECK(f.desk(caf::make_message(consult_end_atom::value, std::string{"a1"},
                                 std::string{"cancel"})) == "no_consultation");
  CHECK(f.desk(caf::make_message(consult_end_atom::value, std::string{"a1"},
                                 std::string{"finish"})) == "invalid_argument");
  f.desk(caf::make_message(transfer_atom::value, blind(events::transfer_target_kind::agent, "a2",
                                                       events::transfer_mode::consultative)));
  f.at(3);
  f.inject(tp::answered{"M2"});
  f.at(4);
  REQUIRE_MESSAGE(f.did("bridge M1 M2"), f.commands());
  CHECK(f.desk(caf::make_message(consult_end_atom::value, std::string{"a1"},
                                 std::string{"cancel"})) == "");
  f.at(5);
  CHECK_MESSAGE(f.did("hang_up M2 normal"), f.commands());
  CHECK_MESSAGE(f.last() == "bridge L1 M1", f.commands());
  CHECK(f.status("a2") == "ready");
  CHECK(f.status("a1") == "on_call");
  const auto types = f.call_types();
  CHECK(types.find("call.consultation_ended") != std::string::npos);
  CHECK(types.find("call.transferred") == std::string::npos);
  CHECK(f.desk(caf::make_message(consult_end_atom::value, std::string{"a1"},
                                 std::string{"cancel"})) == "no_consultation");
}

TEST_CASE("a consultation whose target hangs up: the caller is back with the first agent") {
  fixture f;
  f.talk();
  f.desk(caf::make_message(transfer_atom::value, blind(events::transfer_target_kind::agent, "a2",
                                                       events::transfer_mode::consultative)));
  f.at(3);
  f.inject(tp::answered{"M2"});
  f.at(4);
  f.inject(tp::ended{"M2", tp::ended_by::far_end});
  f.at(5);
  CHECK_MESSAGE(f.last() == "bridge L1 M1", f.commands());
  CHECK(f.status("a2") == "ready");
  CHECK(f.status("a1") == "on_call");
  auto ended =
      f.payloads<events::call_consultation_ended>(events::acd::call::stream_name("sip-L1"));
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].reason == "target_hung_up");
  CHECK(f.call_types().find("call.ended") == std::string::npos);
}

TEST_CASE("the caller hanging up during a consultation ends the call and releases both agents") {
  fixture f;
  f.talk();
  f.desk(caf::make_message(transfer_atom::value, blind(events::transfer_target_kind::agent, "a2",
                                                       events::transfer_mode::consultative)));
  f.at(3);
  f.inject(tp::answered{"M2"});
  f.at(4);
  f.inject(tp::ended{"L1", tp::ended_by::far_end});
  f.at(5);
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  CHECK_MESSAGE(f.did("hang_up M2 normal"), f.commands());
  CHECK(f.status("a1") != "on_call");
  CHECK(f.status("a2") == "ready");
  auto ended =
      f.payloads<events::call_consultation_ended>(events::acd::call::stream_name("sip-L1"));
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].reason == "call_ended");
  CHECK(f.call_types().find("call.ended") != std::string::npos);
}

TEST_CASE("the first agent hanging up during a consultation completes the transfer") {
  fixture f;
  f.talk();
  f.desk(caf::make_message(transfer_atom::value, blind(events::transfer_target_kind::agent, "a2",
                                                       events::transfer_mode::consultative)));
  f.at(3);
  f.inject(tp::answered{"M2"});
  f.at(4);
  f.inject(tp::ended{"M1", tp::ended_by::far_end});
  f.at(5);
  CHECK_MESSAGE(f.last() == "bridge L1 M2", f.commands());
  CHECK(f.status("a2") == "on_call");
  CHECK(f.status("a1") != "on_call");
  CHECK(f.call_types().find("call.transferred") != std::string::npos);
  CHECK(f.call_types().find("call.ended") == std::string::npos);
}

TEST_CASE("a consultation the target declines: the caller is back with the first agent") {
  fixture f;
  f.talk();
  f.desk(caf::make_message(transfer_atom::value, blind(events::transfer_target_kind::agent, "a2",
                                                       events::transfer_mode::consultative)));
  f.at(3);
  REQUIRE(f.did("ring M2 sip:a2@127.0.0.1:5071 caller +8613800001111 call sip-L1"));
  f.inject(tp::failed{"M2", tp::failure_cause::rejected, 603});
  f.at(4);
  CHECK_MESSAGE(f.last() == "bridge L1 M1", f.commands());
  CHECK(f.status("a1") == "on_call");
}

TEST_CASE("an external transfer: the number is rung through the trunk and bridged to the caller "
          "after the call ended transferred_out") {
  fixture f;
  f.talk();
  CHECK(f.desk(caf::make_message(transfer_atom::value, blind(events::transfer_target_kind::external,
                                                             "+861065550000"))) == "");
  f.at(3);
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  CHECK(f.call_types().find("call.ended") != std::string::npos);
  REQUIRE_MESSAGE(
      f.did("ring M2 sip:+861065550000@192.0.2.9:5060 caller +8613800001111 call sip-L1 trunk "
            "pstn"),
      f.commands());
  CHECK_FALSE(f.did("hang_up L1 normal"));
  f.inject(tp::answered{"M2"});
  CHECK_MESSAGE(f.last() == "bridge L1 M2", f.commands());
  f.inject(tp::ended{"L1", tp::ended_by::far_end});
  CHECK_MESSAGE(f.last() == "hang_up M2 normal", f.commands());
}

TEST_CASE("an external transfer whose number fails hangs the caller up") {
  fixture f;
  f.talk();
  f.desk(caf::make_message(transfer_atom::value,
                           blind(events::transfer_target_kind::external, "+861065550000")));
  f.at(3);
  f.inject(tp::failed{"M2", tp::failure_cause::busy, 486});
  CHECK_MESSAGE(f.last() == "hang_up L1 normal", f.commands());
}

TEST_CASE("a conference: the party's phone rings, then all three hear each other in a mix, and "
          "when it hangs up the two are bridged again") {
  fixture f;
  f.talk();
  f.phones.clear();
  conference_request r{"a1", "agent", "a2", ""};
  CHECK(f.desk(caf::make_message(conference_atom::value, r)) == "");
  f.at(3);
  REQUIRE_MESSAGE(f.did("ring M2 sip:a2@127.0.0.1:5071 caller +8613800001111 call sip-L1"),
                  f.commands());
  CHECK_FALSE(f.did("play L1 music_on_hold")); // the caller stays with its agent meanwhile
  f.inject(tp::answered{"M2"});
  f.at(4);
  CHECK_MESSAGE(f.last() == "mix sip-L1 L1<M1+M2 M1<L1+M2 M2<L1+M1", f.commands());
  f.inject(tp::ended{"M2", tp::ended_by::far_end});
  f.at(5);
  CHECK_MESSAGE(f.did("mix sip-L1"), f.commands());
  CHECK_MESSAGE(f.last() == "bridge L1 M1", f.commands());
  CHECK(f.call_types().find("call.conference_left") != std::string::npos);
}

TEST_CASE("a supervisor's phone rings and joins the mix: whisper, listen, barge, stop") {
  fixture f;
  f.talk();
  CHECK(f.desk(caf::make_message(supervise_atom::value, std::string{"s1"},
                                 events::supervision_mode::whisper)) == "");
  f.at(3);
  REQUIRE_MESSAGE(f.did("ring M2 sip:s1@127.0.0.1:5072 caller +8613800001111 call sip-L1"),
                  f.commands());
  f.inject(tp::answered{"M2"});
  f.at(4);
  // Whisper: the agent hears the caller and the supervisor; the caller only the agent.
  CHECK_MESSAGE(f.last() == "mix sip-L1 L1<M1 M1<L1+M2 M2<L1+M1", f.commands());
  CHECK(f.status("s1") != "on_call"); // a supervisor's own state does not change
  f.desk(caf::make_message(supervise_atom::value, std::string{"s1"},
                           events::supervision_mode::listen));
  f.at(5);
  CHECK_MESSAGE(f.last() == "mix sip-L1 L1<M1 M1<L1 M2<L1+M1", f.commands());
  f.desk(
      caf::make_message(supervise_atom::value, std::string{"s1"}, events::supervision_mode::barge));
  f.at(6);
  CHECK_MESSAGE(f.last() == "mix sip-L1 L1<M1+M2 M1<L1+M2 M2<L1+M1", f.commands());
  f.desk(
      caf::make_message(supervise_atom::value, std::string{"s1"}, events::supervision_mode::stop));
  f.at(7);
  CHECK_MESSAGE(f.did("hang_up M2 normal"), f.commands());
  CHECK_MESSAGE(f.last() == "bridge L1 M1", f.commands());
}

TEST_CASE("the supervisor hangs up: the supervision stops") {
  fixture f;
  f.talk();
  f.desk(caf::make_message(supervise_atom::value, std::string{"s1"},
                           events::supervision_mode::listen));
  f.at(3);
  f.inject(tp::answered{"M2"});
  f.at(4);
  f.inject(tp::ended{"M2", tp::ended_by::far_end});
  f.at(5);
  CHECK_MESSAGE(f.last() == "bridge L1 M1", f.commands());
  const auto types = f.call_types();
  CHECK_MESSAGE(types.rfind("call.supervised") != types.find("call.supervised"), types);
}

TEST_CASE("the agent's phone holds (re-INVITE sendonly): the call is held, music, and resumed") {
  fixture f;
  f.talk();
  f.inject(tp::held{"M1", true});
  f.at(3);
  CHECK(f.status("a1") == "on_hold");
  CHECK_MESSAGE(f.last() == "play L1 music_on_hold", f.commands());
  CHECK(f.call_types().find("call.held") != std::string::npos);
  f.inject(tp::held{"M1", false});
  f.at(4);
  CHECK(f.status("a1") == "on_call");
  CHECK_MESSAGE(f.last() == "bridge L1 M1", f.commands());
  CHECK(f.call_types().find("call.resumed") != std::string::npos);
}

TEST_CASE("the caller's own hold changes nothing but a log line") {
  fixture f;
  f.talk();
  f.phones.clear();
  f.inject(tp::held{"L1", true});
  f.at(3);
  CHECK(f.phones.commands().empty());
  CHECK(f.status("a1") == "on_call");
  REQUIRE_FALSE(f.log.empty());
  CHECK(f.log.back().find("L1 holds") != std::string::npos);
}

TEST_CASE("REFER from the agent's phone to an entry point's number transfers to its queue") {
  fixture f;
  f.talk();
  f.inject(tp::transfer_requested{"M1", "200", "<sip:200@127.0.0.1>"});
  f.at(3);
  CHECK_MESSAGE(f.did("transfer_result M1 done"), f.commands());
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  REQUIRE_MESSAGE(f.did("ring M2 sip:a2@127.0.0.1:5071 caller +8613800001111 call sip-L1"),
                  f.commands());
  f.inject(tp::answered{"M2"});
  f.at(4);
  CHECK_MESSAGE(f.last() == "bridge L1 M2", f.commands());
}

TEST_CASE("REFER to an agent id rings that agent, to a number goes out through the trunk") {
  SUBCASE("agent") {
    fixture f;
    f.talk();
    f.inject(tp::transfer_requested{"M1", "a2", "<sip:a2@127.0.0.1>"});
    f.at(3);
    CHECK_MESSAGE(f.did("transfer_result M1 done"), f.commands());
    CHECK_MESSAGE(f.did("ring M2 sip:a2@127.0.0.1:5071 caller +8613800001111 call sip-L1"),
                  f.commands());
  }
  SUBCASE("number") {
    fixture f;
    f.talk();
    f.inject(tp::transfer_requested{"M1", "+861065550000", "<sip:+861065550000@127.0.0.1>"});
    f.at(3);
    CHECK_MESSAGE(f.did("transfer_result M1 done"), f.commands());
    CHECK_MESSAGE(
        f.did("ring M2 sip:+861065550000@192.0.2.9:5060 caller +8613800001111 call sip-L1 trunk "
              "pstn"),
        f.commands());
  }
}

TEST_CASE("REFER the node cannot do: from the caller's leg refused, to nothing known not_found") {
  fixture f;
  f.talk();
  f.inject(tp::transfer_requested{"L1", "200", "<sip:200@127.0.0.1>"});
  CHECK_MESSAGE(f.did("transfer_result L1 refused"), f.commands());
  REQUIRE_FALSE(f.log.empty());
  CHECK(f.log.back().find("refused") != std::string::npos);
  f.inject(tp::transfer_requested{"M1", "nobody", "<sip:nobody@127.0.0.1>"});
  CHECK_MESSAGE(f.did("transfer_result M1 not_found"), f.commands());
  CHECK_FALSE(f.did("hang_up M1 normal")); // the call stays where it was
  CHECK(f.status("a1") == "on_call");
}

// -- an attended transfer from the agent's phone (telephony_phone_calls.cpp) -------------

namespace {

const std::string replaces_a2 = "<sip:a2@127.0.0.1?Replaces=l2%3Bto-tag%3Dn%3Bfrom-tag%3Dp>";

/// a1's phone holds the caller (re-INVITE sendonly) and calls a2 through the
/// node (its second call, L2): a2's phone (M2) rings; `answer`: a2 answers.
void phone_consults(fixture& f, bool answer = true) {
  f.talk();
  f.inject(tp::held{"M1", true});
  f.at(3);
  REQUIRE(f.status("a1") == "on_hold");
  f.inject(tp::incoming{"L2", "a1", "a2", "", "127.0.0.1:5070", false, "a1"});
  f.at(4);
  REQUIRE_MESSAGE(f.did("ring M2 sip:a2@127.0.0.1:5071 caller +8613800001111 call sip-L1"),
                  f.commands());
  CHECK_FALSE(f.did("answer L2")); // it rings on until a2 answers
  if (!answer) return;
  f.inject(tp::answered{"M2"});
  f.at(5);
}

} // namespace

TEST_CASE("an attended transfer from the agent's phone: its second call consults a2, its REFER "
          "with Replaces completes the transfer, both of its lines are hung up after the NOTIFY") {
  fixture f;
  phone_consults(f);
  // a1's second line is answered and bridged to a2; the caller keeps its music.
  CHECK_MESSAGE(f.did("answer L2"), f.commands());
  CHECK_MESSAGE(f.last() == "bridge L2 M2", f.commands());
  CHECK_FALSE(f.did("bridge L1 M2"));
  CHECK(f.call_types().find("call.consultation_started") != std::string::npos);
  // REFER on the first dialog, replacing the second.
  f.inject(tp::transfer_requested{"M1", "a2", replaces_a2, "L2"});
  f.at(6);
  const auto& cmds = f.phones.commands();
  auto at = [&](const std::string& line) {
    return std::find(cmds.begin(), cmds.end(), line) - cmds.begin();
  };
  REQUIRE_MESSAGE(f.did("transfer_result M1 done"), f.commands());
  REQUIRE_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  REQUIRE_MESSAGE(f.did("hang_up L2 normal"), f.commands());
  CHECK(at("transfer_result M1 done") < at("hang_up M1 normal"));
  CHECK(at("transfer_result M1 done") < at("hang_up L2 normal"));
  CHECK_MESSAGE(f.did("bridge L1 M2"), f.commands());
  CHECK(f.status("a2") == "on_call");
  CHECK(f.status("a1") != "on_call");
  auto transferred = f.payloads<events::call_transferred>(events::acd::call::stream_name("sip-L1"));
  REQUIRE(transferred.size() == 1);
  CHECK(transferred[0].mode == events::transfer_mode::consultative);
  CHECK(transferred[0].target == "a2");
  // The phone's own BYEs, crossing the node's, change nothing.
  f.inject(tp::ended{"M1", tp::ended_by::far_end});
  f.inject(tp::ended{"L2", tp::ended_by::far_end});
  f.at(7);
  CHECK(f.status("a2") == "on_call");
  // a2 is the call's agent now: its hang-up ends the call.
  f.inject(tp::ended{"M2", tp::ended_by::far_end});
  f.at(8);
  CHECK_MESSAGE(f.did("hang_up L1 normal"), f.commands());
  CHECK(f.call_types().find("call.ended") != std::string::npos);
}

TEST_CASE("the REFER may come on the phone's second dialog, replacing the first") {
  fixture f;
  phone_consults(f);
  f.inject(tp::transfer_requested{"L2", "a2", replaces_a2, "M1"});
  f.at(6);
  CHECK_MESSAGE(f.did("transfer_result L2 done"), f.commands());
  CHECK_MESSAGE(f.did("bridge L1 M2"), f.commands());
  CHECK(f.call_types().find("call.transferred") != std::string::npos);
}

TEST_CASE("the phone hangs its second call up: the consultation is cancelled, the caller stays "
          "held until the phone resumes") {
  fixture f;
  phone_consults(f);
  f.phones.clear();
  f.inject(tp::ended{"L2", tp::ended_by::far_end});
  f.at(6);
  CHECK_MESSAGE(f.did("hang_up M2 normal"), f.commands());
  CHECK_FALSE(f.did("bridge L1 M1")); // still on hold
  CHECK(f.status("a2") == "ready");
  CHECK(f.status("a1") == "on_hold");
  auto ended =
      f.payloads<events::call_consultation_ended>(events::acd::call::stream_name("sip-L1"));
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].reason == "cancelled");
  f.inject(tp::held{"M1", false});
  f.at(7);
  CHECK_MESSAGE(f.last() == "bridge L1 M1", f.commands());
  CHECK(f.status("a1") == "on_call");
  CHECK(f.call_types().find("call.resumed") != std::string::npos);
  CHECK(f.call_types().find("call.transferred") == std::string::npos);
}

TEST_CASE("the phone cancels its second call while a2 still rings: a2's phone stops, nothing "
          "is transferred") {
  fixture f;
  phone_consults(f, false);
  f.inject(tp::ended{"L2", tp::ended_by::far_end});
  f.at(5);
  CHECK_MESSAGE(f.did("hang_up M2 withdrawn"), f.commands());
  CHECK(f.status("a2") == "ready");
  CHECK(f.status("a1") == "on_hold");
  // A new consultation can start.
  f.inject(tp::incoming{"L3", "a1", "a2", "", "127.0.0.1:5070", false, "a1"});
  f.at(6);
  CHECK_MESSAGE(f.did("ring M3 sip:a2@127.0.0.1:5071 caller +8613800001111 call sip-L1"),
                f.commands());
}

TEST_CASE("a2 declines or hangs up: the phone's second call is turned away or hung up") {
  SUBCASE("declines") {
    fixture f;
    phone_consults(f, false);
    f.inject(tp::failed{"M2", tp::failure_cause::rejected, 603});
    f.at(5);
    CHECK_MESSAGE(f.did("reject L2 busy"), f.commands());
    CHECK(f.status("a1") == "on_hold");
  }
  SUBCASE("hangs up") {
    fixture f;
    phone_consults(f);
    f.inject(tp::ended{"M2", tp::ended_by::far_end});
    f.at(6);
    CHECK_MESSAGE(f.did("hang_up L2 normal"), f.commands());
    CHECK(f.status("a2") == "ready");
    auto ended =
        f.payloads<events::call_consultation_ended>(events::acd::call::stream_name("sip-L1"));
    REQUIRE(ended.size() == 1);
    CHECK(ended[0].reason == "target_hung_up");
  }
}

TEST_CASE("the phone hangs its first call up while consulting: the transfer completes, its "
          "second line goes too") {
  fixture f;
  phone_consults(f);
  f.inject(tp::ended{"M1", tp::ended_by::far_end});
  f.at(6);
  CHECK_MESSAGE(f.did("bridge L1 M2"), f.commands());
  CHECK_MESSAGE(f.did("hang_up L2 normal"), f.commands());
  CHECK(f.status("a2") == "on_call");
  CHECK(f.call_types().find("call.transferred") != std::string::npos);
}

TEST_CASE("the caller hangs up while the phone consults: every line goes") {
  fixture f;
  phone_consults(f);
  f.inject(tp::ended{"L1", tp::ended_by::far_end});
  f.at(6);
  CHECK_MESSAGE(f.did("hang_up M1 normal"), f.commands());
  CHECK_MESSAGE(f.did("hang_up M2 normal"), f.commands());
  CHECK_MESSAGE(f.did("hang_up L2 normal"), f.commands());
  CHECK(f.status("a2") == "ready");
}

TEST_CASE("a phone's call the node cannot attach, and REFERs with a Replaces of no consultation, "
          "are refused with a log line") {
  SUBCASE("no call to consult on") {
    fixture f;
    f.inject(tp::incoming{"L5", "a1", "a2", "", "127.0.0.1:5070", false, "a1"});
    CHECK_MESSAGE(f.did("reject L5 forbidden"), f.commands());
    REQUIRE_FALSE(f.log.empty());
    CHECK(f.log.back().find("talks on no call") != std::string::npos);
  }
  SUBCASE("no such agent") {
    fixture f;
    f.talk();
    f.inject(tp::incoming{"L5", "a1", "5550100", "", "127.0.0.1:5070", false, "a1"});
    CHECK_MESSAGE(f.did("reject L5 not_found"), f.commands());
    CHECK(f.status("a1") == "on_call");
  }
  SUBCASE("a2 not ready: its desk refuses the offer, the second call hears 486") {
    fixture f;
    f.talk();
    f.to_agent("a2", not_ready_atom::value, std::string{"break"});
    f.at(3);
    REQUIRE(f.status("a2") == "not_ready");
    f.inject(tp::incoming{"L5", "a1", "a2", "", "127.0.0.1:5070", false, "a1"});
    f.at(4);
    CHECK_MESSAGE(f.did("reject L5 busy"), f.commands());
    CHECK(f.status("a1") == "on_call");
    CHECK(f.call_types().find("call.consultation_started") == std::string::npos);
  }
  SUBCASE("a consultation running already") {
    fixture f;
    phone_consults(f);
    f.inject(tp::incoming{"L5", "a1", "s1", "", "127.0.0.1:5070", false, "a1"});
    CHECK_MESSAGE(f.did("reject L5 busy"), f.commands());
    CHECK(f.status("a2") == "on_call");
  }
  SUBCASE("Replaces of a leg that is no consultation of this agent's") {
    fixture f;
    phone_consults(f);
    f.inject(tp::transfer_requested{"M1", "a2", replaces_a2, "M2"});
    CHECK_MESSAGE(f.did("transfer_result M1 refused"), f.commands());
    CHECK_FALSE(f.did("hang_up M1 normal"));
    CHECK(f.call_types().find("call.transferred") == std::string::npos);
    REQUIRE_FALSE(f.log.empty());
    CHECK(f.log.back().find("names no consultation") != std::string::npos);
  }
  SUBCASE("before the target answered") {
    fixture f;
    phone_consults(f, false);
    f.inject(tp::transfer_requested{"M1", "a2", replaces_a2, "L2"});
    CHECK_MESSAGE(f.did("transfer_result M1 refused"), f.commands());
    CHECK(f.call_types().find("call.transferred") == std::string::npos);
  }
}
