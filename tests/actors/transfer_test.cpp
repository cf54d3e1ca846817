// Transfers, conferences and supervision through the real actors (F11, F13):
// what the caller, the agents, the supervisor and an auditor would see.
#include "acd_fixture.hpp"

using namespace acd_actor_test;

namespace {

transfer_request to_queue(const std::string& from, const std::string& queue,
                          const std::string& reason = "") {
  return {from, events::transfer_mode::blind, events::transfer_target_kind::queue, queue, reason,
          ""};
}
transfer_request to_agent(const std::string& from, const std::string& agent,
                          events::transfer_mode mode = events::transfer_mode::blind) {
  return {from, mode, events::transfer_target_kind::agent, agent, "", ""};
}

} // namespace

TEST_CASE("blind transfer to a queue: the agent wraps up and the call waits in the target queue") {
  fixture f;
  f.login("a1");
  f.login("a4");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.transfer("c1", to_queue("a1", "billing", "billing question"));
  f.at(4);
  CHECK(f.status("a1") == "wrap_up");
  CHECK(f.has("queued c1 billing"));
  CHECK(f.has("ringing a4 c1"));
  f.answer("a4", "c1");
  f.at(5);
  CHECK(f.has("talking c1 a4"));
  CHECK(f.status("a4") == "on_call");
  CHECK(f.types("call-c1") == "call.arrived call.queued call.offered call.connected "
                              "call.transferred call.queued call.offered "
                              "call.connected");
  auto t = f.payloads<events::call_transferred>("call-c1").at(0);
  CHECK(t.mode == hotline::events::transfer_mode::blind);
  CHECK(t.from_agent == "a1");
  CHECK(t.target_kind == hotline::events::transfer_target_kind::queue);
  CHECK(t.reason == "billing question");
  CHECK(f.payloads<events::call_queued>("call-c1").at(1).reason ==
        "transfer from a1: billing question");
  // The transfer is recorded as the agent's act, for the audit trail.
  auto evs = f.stream("call-c1");
  CHECK(evs.at(4).meta.caused_by == events::principal::agent("a1"));
  CHECK(f.types("queue-billing") == "queue.call_joined queue.call_left");
  // After-call work ends on its timer and a1 is ready again.
  f.at(10);
  CHECK(f.status("a1") == "ready");
  CHECK(f.types("agent-a1") == "agent.logged_in agent.ready agent.reserved agent.call_started "
                               "agent.call_ended agent.wrap_up_ended");
}

TEST_CASE("a transferred call's attached data arrives intact at the next agent") {
  fixture f;
  f.login("a1");
  f.login("a4");
  f.at(1);
  std::map<std::string, std::string> data{
      {"account", "4711"}, {"lang", "zh"}, {"ivr_path", "1>3>2"}};
  f.connect("c1", "a1", 2, data);
  f.transfer("c1", to_queue("a1", "billing"));
  f.at(4);
  f.answer("a4", "c1");
  f.at(5);
  REQUIRE(f.has("talking c1 a4"));
  auto s = f.call_state("c1");
  CHECK(s.agent_id == "a4");
  CHECK(s.attached == data);
  CHECK(s.customer_id.empty());
  CHECK(s.transfers == 1);
  // And once more, to an agent: still the same data.
  f.login("a2");
  f.at(6);
  f.transfer("c1", to_agent("a4", "a2"));
  f.at(7);
  f.answer("a2", "c1");
  f.at(8);
  s = f.call_state("c1");
  CHECK(s.agent_id == "a2");
  CHECK(s.attached == data);
  CHECK(s.transfers == 2);
}

TEST_CASE("blind transfer to an agent rings that agent, who takes the call") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.login("a3");
  f.at(3);
  f.transfer("c1", to_agent("a1", "a3"));
  f.at(4);
  CHECK(f.status("a1") == "wrap_up");
  CHECK(f.status("a3") == "ringing");
  CHECK(f.has("ringing a3 c1"));
  f.answer("a3", "c1");
  f.at(5);
  CHECK(f.has("talking c1 a3"));
  CHECK(f.status("a3") == "on_call");
  CHECK(f.types("call-c1") == "call.arrived call.queued call.offered call.connected "
                              "call.transferred call.offered call.connected");
  CHECK(f.payloads<events::call_offered>("call-c1").at(1).reason == "blind transfer from a1");
  caf::anon_send(f.calls.at("c1"), hangup_atom::value, std::string{"caller"});
  f.at(6);
  CHECK(f.has("ended c1 completed"));
  CHECK(f.status("a3") == "wrap_up");
}

TEST_CASE("blind transfer to an agent who cannot take it falls back to the call's queue") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.login("a2");
  f.login("a3");
  f.at(3);
  caf::anon_send(f.agent("a3"), not_ready_atom::value, std::string{"lunch"});
  f.at(4);
  f.transfer("c1", to_agent("a1", "a3"));
  f.at(5);
  // a3 is at lunch: the offer ends with the agent's refusal and the call queues in sales, where a2
  // is free.
  auto ended = f.payloads<events::call_offer_ended>("call-c1");
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].agent_id == "a3");
  CHECK(ended[0].reason == "not_ready");
  CHECK(f.payloads<events::call_queued>("call-c1").back().reason ==
        "transfer fallback: a3 not_ready");
  CHECK(f.has("ringing a2 c1"));
  CHECK(f.status("a3") == "not_ready");
  f.answer("a2", "c1");
  f.at(6);
  CHECK(f.has("talking c1 a2"));
}

TEST_CASE("blind transfer to an agent who lets it ring out falls back to the fallback queue") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.login("a3");
  f.login("a4");
  f.at(3);
  auto r = to_agent("a1", "a3");
  r.fallback_queue = "billing";
  f.transfer("c1", r);
  f.at(5);
  CHECK(f.status("a3") == "ringing");
  f.at(20); // the 10 s ring ran out at ~13 s
  CHECK(f.payloads<events::call_offer_ended>("call-c1").back().reason == "no_answer");
  CHECK(f.has("queued c1 billing"));
  CHECK(f.has("ringing a4 c1"));
  CHECK(f.status("a3") == "ready");
}

TEST_CASE("consultative transfer: the first agent stays on the call, talks with the target, then "
          "completes") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.login("a2");
  f.at(3);
  f.transfer("c1", to_agent("a1", "a2", hotline::events::transfer_mode::consultative));
  f.at(4);
  CHECK(f.status("a1") == "on_call");
  CHECK(f.status("a2") == "ringing");
  CHECK(f.call_state("c1").agent_id == "a1");
  f.answer("a2", "c1");
  f.at(5);
  // The consultation: both agents on the call, the call still a1's.
  CHECK_FALSE(f.has("talking c1 a2"));
  CHECK(f.status("a2") == "on_call");
  CHECK(f.status("a1") == "on_call");
  CHECK(f.call_state("c1").agent_id == "a1");
  CHECK(f.call_state("c1").consultation == "a2");
  // The same transfer again completes it.
  f.transfer("c1", to_agent("a1", "a2", hotline::events::transfer_mode::consultative));
  f.at(6);
  CHECK(f.has("talking c1 a2"));
  CHECK(f.status("a2") == "on_call");
  CHECK(f.status("a1") == "wrap_up");
  CHECK(f.types("call-c1") == "call.arrived call.queued call.offered call.connected call.offered "
                              "call.consultation_started call.transferred");
  auto t = f.payloads<events::call_transferred>("call-c1").at(0);
  CHECK(t.mode == hotline::events::transfer_mode::consultative);
  CHECK(t.target == "a2");
  CHECK(f.call_state("c1").agent_id == "a2");
  // Hanging up now is a2's call.
  caf::anon_send(f.agent("a2"), hangup_atom::value, std::string{"c1"});
  f.at(7);
  CHECK(f.has("ended c1 completed"));
  CHECK(f.payloads<events::call_ended>("call-c1").at(0).agent_id == "a2");
}

TEST_CASE("consultative transfer nobody answers (no answer, reject, busy, logout): the call stays "
          "with the first agent") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.login("a2");
  f.login("a3");
  f.at(3);
  f.transfer("c1", to_agent("a1", "a2", hotline::events::transfer_mode::consultative));
  f.at(20);
  CHECK(f.payloads<events::call_offer_ended>("call-c1").back().reason == "no_answer");
  CHECK(f.status("a1") == "on_call");
  CHECK(f.status("a2") == "ready");
  CHECK(f.call_state("c1").agent_id == "a1");
  CHECK(cl::status_of(f.call_state("c1")) == cl::status::connected);
  // A rejected consultation does the same; then the first agent can try someone else.
  f.transfer("c1", to_agent("a1", "a2", hotline::events::transfer_mode::consultative));
  f.at(21);
  caf::anon_send(f.agent("a2"), reject_atom::value, std::string{"c1"});
  f.at(22);
  CHECK(f.payloads<events::call_offer_ended>("call-c1").back().reason == "rejected");
  CHECK(f.call_state("c1").agent_id == "a1");
  // A busy phone and a logout while the consultation rings end the leg
  // with those reasons.
  f.transfer("c1", to_agent("a1", "a3", hotline::events::transfer_mode::consultative));
  f.at(23);
  caf::anon_send(f.agent("a3"), busy_atom::value, std::string{"c1"});
  f.at(24);
  CHECK(f.payloads<events::call_offer_ended>("call-c1").back().reason == "busy");
  f.login("a4");
  f.at(25);
  f.transfer("c1", to_agent("a1", "a4", hotline::events::transfer_mode::consultative));
  f.at(26);
  caf::anon_send(f.agent("a4"), logout_atom::value, std::string{"end_of_shift"});
  f.at(27);
  CHECK(f.payloads<events::call_offer_ended>("call-c1").back().reason == "logged_out");
  CHECK(f.call_state("c1").agent_id == "a1");
  CHECK(cl::status_of(f.call_state("c1")) == cl::status::connected);
  f.at(60); // a3's busy delay is over
  f.transfer("c1", to_agent("a1", "a3", hotline::events::transfer_mode::consultative));
  f.at(61);
  f.answer("a3", "c1");
  f.at(62);
  caf::anon_send(f.calls.at("c1"), consult_end_atom::value, std::string{"a1"},
                 std::string{"complete"});
  f.at(63);
  CHECK(f.call_state("c1").agent_id == "a3");
  CHECK(f.status("a1") == "wrap_up");
}

TEST_CASE("conference: an invited agent and an outside number join, leave, and are let go with the "
          "call") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.login("a2");
  f.at(3);
  caf::anon_send(f.calls.at("c1"), conference_atom::value,
                 conference_request{"a1", "agent", "a2", "expert"});
  f.at(4);
  CHECK(f.status("a2") == "ringing");
  f.answer("a2", "c1");
  f.at(5);
  CHECK(f.status("a1") == "on_call");
  CHECK(f.status("a2") == "on_call");
  caf::anon_send(f.calls.at("c1"), conference_atom::value,
                 conference_request{"a1", "external", "+8613900000000", ""});
  f.at(6);
  auto s = f.call_state("c1");
  CHECK(s.agent_id == "a1");
  CHECK(s.conference_parties == std::vector<std::string>{"a2", "+8613900000000"});
  CHECK(f.payloads<events::call_offered>("call-c1").back().reason == "conference from a1: expert");
  // The outside party leaves; a2 hangs up, which leaves the conference and not the call.
  caf::anon_send(f.calls.at("c1"), conf_leave_atom::value, std::string{"+8613900000000"},
                 std::string{"removed"});
  caf::anon_send(f.agent("a2"), hangup_atom::value, std::string{"c1"});
  f.at(7);
  CHECK(f.status("a2") == "wrap_up");
  CHECK(f.status("a1") == "on_call");
  CHECK(f.call_state("c1").conference_parties.empty());
  auto left = f.payloads<events::call_conference_left>("call-c1");
  REQUIRE(left.size() == 2);
  CHECK(left[0].reason == "removed");
  CHECK(left[1].party == "a2");
  CHECK(left[1].reason == "hung_up");
  CHECK_FALSE(f.has("ended c1 completed"));
  // Invite a2 again (after wrap-up); the caller hangs up: both agents are let go.
  f.at(15);
  caf::anon_send(f.calls.at("c1"), conference_atom::value,
                 conference_request{"a1", "agent", "a2", ""});
  f.at(16);
  f.answer("a2", "c1");
  f.at(17);
  REQUIRE(f.call_state("c1").conference_parties == std::vector<std::string>{"a2"});
  caf::anon_send(f.calls.at("c1"), hangup_atom::value, std::string{"caller"});
  f.at(18);
  CHECK(f.has("ended c1 completed"));
  CHECK(f.status("a1") == "wrap_up");
  CHECK(f.status("a2") == "wrap_up");
}

TEST_CASE(
    "supervision: listen, whisper, barge and stop are events on the call, and others are refused") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.call("c0"); // a1 takes c0; c1 then waits, nobody on it
  f.at(2);
  f.answer("a1", "c0");
  f.at(3);
  f.call("c1");
  f.at(4);
  REQUIRE(f.has("queued c1 sales"));
  auto& c0 = f.calls.at("c0");
  using events::supervision_mode;
  for (auto mode : {supervision_mode::listen, supervision_mode::whisper, supervision_mode::barge,
                    supervision_mode::stop})
    caf::anon_send(c0, supervise_atom::value, std::string{"sup"}, mode);
  f.at(5);
  std::vector<std::string> modes;
  for (const auto& s : f.payloads<events::call_supervised>("call-c0"))
    modes.push_back(std::string{events::to_wire(s.mode)});
  CHECK(modes == std::vector<std::string>{"listen", "whisper", "barge", "stop"});
  CHECK(f.stream("call-c0").back().meta.caused_by == events::principal::agent("sup"));
  // An agent without the supervisor flag, and a call nobody talks on yet: refused and audited.
  caf::anon_send(c0, supervise_atom::value, std::string{"a2"}, supervision_mode::listen);
  caf::anon_send(f.calls.at("c1"), supervise_atom::value, std::string{"sup"},
                 supervision_mode::barge);
  f.at(6);
  CHECK(f.has("rejected call-c0 not_a_supervisor"));
  CHECK(f.has("rejected call-c1 not_connected"));
  auto audit = f.rejections();
  REQUIRE(audit.size() == 2);
  CHECK(audit[0].command == "supervise");
  CHECK(audit[1].command == "supervise");
  CHECK(f.status("a1") == "on_call"); // supervision does not touch the agent
}

TEST_CASE("transfer to an outside number ends the call transferred_out and frees the line") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.transfer("c1", {"a1", events::transfer_mode::blind, events::transfer_target_kind::external,
                    "+4930123456", "", ""});
  f.at(3);
  CHECK(f.has("ended c1 transferred_out"));
  auto end = f.payloads<events::call_ended>("call-c1").at(0);
  CHECK(end.outcome == hotline::events::call_outcome::transferred_out);
  CHECK(end.reason == "external:+4930123456");
  CHECK(f.status("a1") == "wrap_up");
  CHECK(f.types("trunk-pstn.1") == "trunk.seized trunk.released");
}

TEST_CASE("refused transfers are audited and leave the call where it was") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.transfer("c1", to_queue("a2", "billing"));                    // a2 is not on this call
  f.transfer("c1", to_queue("a1", "complaints"));                 // no such queue
  f.transfer("c1", to_agent("a1", "a9"));                         // no such agent
  const auto not_a_mode = static_cast<events::transfer_mode>(99); // "warm": no such mode
  f.transfer("c1", {"a1", not_a_mode, events::transfer_target_kind::queue, "billing", "", ""});
  f.at(3);
  auto audit = f.rejections();
  REQUIRE(audit.size() == 4);
  std::vector<std::string> codes;
  for (const auto& r : audit)
    codes.push_back(r.code);
  CHECK(codes == std::vector<std::string>{"not_your_call", "unknown_target", "unknown_target",
                                          "invalid_argument"});
  CHECK(audit[0].target_stream == "call-c1");
  CHECK(f.call_state("c1").agent_id == "a1");
  CHECK(f.status("a1") == "on_call");
  CHECK(f.types("call-c1") == "call.arrived call.queued call.offered call.connected");
}

// The Asterisk testsuite's transfer scenarios (tests/events/acd_ported_specs_test.cpp has
// the decider-level versions), through the actors.
TEST_CASE("ported at actor level: blind transfer, the call goes to another queue with its data") {
  fixture f;
  f.login("a1");
  f.login("a4");
  f.at(1);
  f.connect("c1", "a1", 2, {{"account", "9"}});
  f.transfer("c1", to_queue("a1", "billing"));
  f.at(3);
  CHECK(f.status("a1") == "wrap_up");
  f.answer("a4", "c1");
  f.at(4);
  auto s = f.call_state("c1");
  CHECK(s.agent_id == "a4");
  CHECK(s.queue == "billing");
  CHECK(s.attached.at("account") == "9");
  CHECK(s.transfers == 1);
}

TEST_CASE("ported at actor level: attended transfer, consult the second member, then hand over") {
  fixture f;
  f.login("a1");
  f.at(1);
  f.connect("c1", "a1", 2);
  f.login("a2");
  f.at(3);
  // a1 consults a2; until a2 answers the call is a1's and a2 cannot act on it.
  f.transfer("c1", to_agent("a1", "a2", hotline::events::transfer_mode::consultative));
  f.at(4);
  f.transfer("c1", to_queue("a2", "billing"));
  f.at(5);
  CHECK(f.has("rejected call-c1 not_your_call"));
  f.answer("a2", "c1");
  f.at(6);
  CHECK(f.call_state("c1").agent_id == "a1"); // they talk first
  caf::anon_send(f.calls.at("c1"), consult_end_atom::value, std::string{"a1"},
                 std::string{"complete"});
  f.at(7);
  CHECK(f.call_state("c1").agent_id == "a2");
  CHECK(f.status("a1") == "wrap_up");
  CHECK(f.status("a2") == "on_call");
  caf::anon_send(f.agent("a2"), hangup_atom::value, std::string{"c1"});
  f.at(8);
  CHECK(f.payloads<events::call_ended>("call-c1").at(0).agent_id == "a2");
}

TEST_CASE(
    "an invitation the agent cannot take leaves the call as it was, and the caller can hang up") {
  fixture f;
  f.login("a3");
  f.at(1);
  f.connect("c1", "a3", 2);
  f.login("a2");
  f.at(3);
  caf::anon_send(f.agent("a2"), not_ready_atom::value, std::string{"break"});
  f.at(4);
  caf::anon_send(f.calls.at("c1"), conference_atom::value,
                 conference_request{"a3", "agent", "a2", ""});
  f.at(5);
  CHECK(f.payloads<events::call_offer_ended>("call-c1").back().reason == "not_ready");
  CHECK(f.has("rejected agent-a2 not_ready"));
  caf::anon_send(f.calls.at("c1"), hangup_atom::value, std::string{"caller"});
  f.at(6);
  CHECK(f.has("ended c1 completed"));
  CHECK(f.status("a3") == "wrap_up");
}
