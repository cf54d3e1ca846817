// Telephony end to end (issue 22): `hotline node --sip-listen` between real
// SIP peers. sipp plays the caller on a trunk and the agents' phones
// (scenarios in tests/fixtures/sip/); each test checks sipp's exit status
// (every message as the scenario expects) and what the node's store
// recorded, opened after the node stopped.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "tests/support/api_node.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sip_node.hpp"
#include "tests/support/udp_port.hpp"
#include "tests/support/wav_audio.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using testing::child_process;
using testing::temp_dir;

using hotline::test::free_media_port;
using hotline::test::free_udp_port;
using hotline::test::udp_port_bound;
using namespace hotline::test::sip;

TEST_CASE("sip: a caller reaches the agent's phone, talks, and hangs up first") {
  const int a1 = free_udp_port();
  sip_node n{{4, {{"a1", a1}}, false}};
  auto agent = phone("agent_answers.xml", a1);
  CHECK(n.call("caller_hangs_up.xml") == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK(c.outcome == "completed");
  CHECK(c.reason == "caller_hangup");
  CHECK(c.agent == "a1");
}

TEST_CASE("sip: a caller that never ACKs the answer: the call ends, the agent's phone gets BYE "
          "and the line is free") {
  const int a1 = free_udp_port();
  sip_node n{{4, {{"a1", a1}}, false}};
  auto agent = phone("agent_answers.xml", a1, 60);
  CHECK(n.call("caller_never_acks.xml", "100", 60) == 0);
  CHECK(agent.get() == 0); // its BYE came: the agent's leg was not left up
  // The line is free: the next caller is answered by the same phone.
  auto again = phone("agent_answers.xml", a1);
  CHECK(n.call("caller_hangs_up.xml") == 0);
  CHECK(again.get() == 0);
  CHECK(n.stop() == 0);
  auto all = n.calls();
  REQUIRE(all.size() == 2);
  int completed = 0, lost = 0;
  for (const auto& [id, c] : all) {
    CAPTURE(id);
    CHECK(std::count(c.types.begin(), c.types.end(), "call.ended") == 1); // ended once
    CHECK_FALSE(c.outcome.empty());
    completed += c.outcome == "completed" ? 1 : 0;
    lost += c.reason == "caller_lost" ? 1 : 0;
  }
  CHECK(completed == 2);
  CHECK(lost == 1); // the first: its caller vanished, it did not hang up
}

TEST_CASE("sip: the agent hangs up first and the node sends BYE to the caller") {
  const int a1 = free_udp_port();
  sip_node n{{4, {{"a1", a1}}, false}};
  auto agent = phone("agent_hangs_up.xml", a1);
  CHECK(n.call("caller_is_hung_up.xml") == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK(c.outcome == "completed");
  CHECK(c.agent == "a1");
  CHECK(c.reason != "caller_hangup");
}

TEST_CASE("sip: a caller who hears music on hold and cancels is abandoned (487)") {
  sip_node n{{4, {}, true}}; // no phone: nobody serves the queue
  CHECK(n.call("caller_cancels.xml") == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK(c.outcome == "abandoned");
}

TEST_CASE("sip: a busy phone (486) ends that offer busy and the next agent's phone answers") {
  const int a1 = free_udp_port(), a2 = free_udp_port();
  sip_node n{{4, {{"a1", a1}, {"a2", a2}}, false}};
  auto busy = phone("agent_busy.xml", a1);
  auto answers = phone("agent_answers.xml", a2);
  CHECK(n.call("caller_hangs_up.xml") == 0);
  CHECK(busy.get() == 0);
  CHECK(answers.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK(c.outcome == "completed");
  CHECK(c.agent == "a2");
  CHECK(c.offer_ends == std::vector<std::string>{"a1 busy"});
}

TEST_CASE(
    "sip: a phone nobody picks up is cancelled at the ring timeout and the next one answers") {
  const int a1 = free_udp_port(), a2 = free_udp_port();
  sip_node n{{4, {{"a1", a1}, {"a2", a2}}, false}};
  auto silent = phone("agent_never_answers.xml", a1);
  auto answers = phone("agent_answers.xml", a2);
  CHECK(n.call("caller_hangs_up.xml") == 0); // it waits the 5 s ring timeout, then talks
  CHECK(silent.get() == 0);
  CHECK(answers.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK(c.outcome == "completed");
  CHECK(c.agent == "a2");
  CHECK(c.offer_ends == std::vector<std::string>{"a1 no_answer"});
}

TEST_CASE("sip: telephony and simulated traffic share a node, each hearing of its own calls") {
  const int a1 = free_udp_port();
  center_options o{4, {{"a1", a1}}, false};
  o.traffic = true;
  sip_node n{o};
  auto agent = phone("agent_answers.xml", a1);
  CHECK(n.call("caller_hangs_up.xml") == 0);
  CHECK(agent.get() == 0);
  std::this_thread::sleep_for(4s);
  CHECK(n.stop() == 0);
  int sip_calls = 0, simulated_completed = 0;
  for (const auto& [id, c] : n.calls()) {
    INFO(id << " " << c.outcome << " " << c.agent);
    if (id.rfind("sip-", 0) == 0) {
      ++sip_calls;
      CHECK(c.outcome == "completed");
      CHECK(c.agent == "a1");
    } else if (c.outcome == "completed") {
      ++simulated_completed;
      CHECK(c.agent == "b1");
    }
  }
  CHECK(sip_calls == 1);
  INFO(n.log);
  CHECK(simulated_completed >= 1); // answered and hung up by the simulator through the fan-out
}

TEST_CASE("sip: a number that is no entry point is answered 404 and starts no call") {
  sip_node n{{4, {}, false}};
  CHECK(n.call("caller_not_found.xml", "999") == 0);
  CHECK(n.stop() == 0);
  CHECK(n.calls().empty());
  CHECK(n.log.find("dialed 999: no entry point has this number") != std::string::npos);
}

TEST_CASE("sip: every trunk line busy: 503 with Retry-After, the call blocked") {
  sip_node n{{1, {}, false}};
  // The first caller holds the only line for 4 s (nobody answers); the
  // second comes from another port of the same host, which the trunk allows.
  auto first = std::async(std::launch::async, [&] { return n.call("caller_waits_long.xml"); });
  std::this_thread::sleep_for(1500ms);
  std::string out;
  int second = testing::run_capture(sipp_argv("caller_blocked.xml",
                                              {"-s", "100", "127.0.0.1:" + std::to_string(n.port)},
                                              free_udp_port(), 1, 20),
                                    out, 40s);
  CHECK_MESSAGE(second == 0, out);
  CHECK(first.get() == 0);
  CHECK(n.stop() == 0);
  INFO(n.log);
  auto calls = n.calls();
  REQUIRE(calls.size() == 2);
  std::multiset<std::string> outcomes;
  for (const auto& [id, c] : calls)
    outcomes.insert(c.outcome);
  CHECK(outcomes == std::multiset<std::string>{"abandoned", "blocked"});
}

TEST_CASE("sip: garbage and a malformed INVITE are logged, and the next call goes through") {
  const int a1 = free_udp_port();
  sip_node n{{4, {{"a1", a1}}, false}};
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(n.port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  auto send = [&](const std::string& bytes) {
    sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  };
  send(std::string("\x00\xff\xfe garbage \x01\x02\x03 not SIP at all", 31));
  send(std::string(4000, 'A'));
  // No Max-Forwards, no CSeq: libre answers 400 itself.
  send("INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\n"
       "From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: bad-1\r\n"
       "Content-Length: 0\r\n\r\n");
  // A CSeq that does not match the method.
  send("INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKy\r\n"
       "From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: bad-2\r\n"
       "CSeq: 1 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
  close(fd);
  std::this_thread::sleep_for(300ms);
  auto agent = phone("agent_answers.xml", a1);
  CHECK(n.call("caller_hangs_up.xml") == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  CHECK(n.only_call().outcome == "completed");
  // Each malformed INVITE is answered 400 and named in the log; libre says
  // what it could not decode at all on its own line.
  CHECK_MESSAGE(n.log.find("malformed INVITE from 127.0.0.1:") != std::string::npos, n.log);
  CHECK_MESSAGE(n.log.find("answered 400 Bad Request: no Max-Forwards") != std::string::npos,
                n.log);
  CHECK_MESSAGE(n.log.find("answered 400 Bad Request: no CSeq INVITE") != std::string::npos, n.log);
  CHECK_MESSAGE(n.log.find("sip: msg decode err") != std::string::npos, n.log);
}

TEST_CASE("sip: an INVITE from an address no trunk allows is refused 403 and starts no call") {
  sip_node n{{4, {}, false}};
  std::string out;
  int rc = testing::run_capture(sipp_argv("caller_forbidden.xml",
                                          {"-s", "100", "127.0.0.1:" + std::to_string(n.port)},
                                          free_udp_port(), 1, 20, {}, "127.0.0.2"),
                                out, 40s);
  CHECK_MESSAGE(rc == 0, out);
  CHECK(n.stop() == 0);
  CHECK(n.calls().empty());
  CHECK_MESSAGE(
      n.log.find("refused 403: no [[sip.trunk]] allows that address") != std::string::npos, n.log);
}

TEST_CASE("sip: a bad --sip-listen is refused with exit status 2 and a clear message") {
  temp_dir dir;
  auto config = write_center(dir.path(), {}, 5060);
  std::string out;
  int rc = testing::run_capture(
      both_outputs({HOTLINE_BIN, "node", "--config", config, "--store", dir.path() + "/store",
                    "--no-traffic", "--sip-listen", "localhost:5060"}),
      out, 20s);
  CHECK(rc == 2);
  CHECK_MESSAGE(out.find("--sip-listen: 'localhost' is not an IPv4 address") != std::string::npos,
                out);
}

TEST_CASE("sip: a SIP port already in use stops the node with exit status 1") {
  sip_node first{{4, {}, false}};
  temp_dir dir;
  auto config = write_center(dir.path(), {}, 5060);
  std::string out;
  int rc = testing::run_capture(
      both_outputs({HOTLINE_BIN, "node", "--config", config, "--store", dir.path() + "/store",
                    "--no-traffic", "--sip-listen", "127.0.0.1:" + std::to_string(first.port)}),
      out, 20s);
  CHECK(rc == 1);
  CHECK_MESSAGE(out.find("cannot listen on UDP 127.0.0.1:" + std::to_string(first.port)) !=
                    std::string::npos,
                out);
}

TEST_CASE("sip: a phone registers with digest and the caller reaches the agent there") {
  const int a1 = free_udp_port();
  center_options o;
  o.sip_users = {{"a1", "a1-sip-secret"}};
  sip_node n{o}; // no [[sip.phone]]: a1 is reachable only once registered
  CHECK(n.register_phone("phone_registers.xml", "a1", "a1-sip-secret", a1) == 0);
  auto agent = phone("agent_answers.xml", a1);
  CHECK(n.call("caller_hangs_up.xml") == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK(c.outcome == "completed");
  CHECK(c.agent == "a1");
  CHECK(n.phone_events("a1") == std::vector<std::string>{"phone.registered sip:a1@127.0.0.1:" +
                                                         std::to_string(a1) + " 120"});
  CHECK(n.log.find("phone of agent a1 (a1) registered at sip:a1@127.0.0.1:") != std::string::npos);
}

TEST_CASE("sip: a phone registered before a restart still rings after it, one lapsed meanwhile "
          "does not") {
  const int a1 = free_udp_port(), a2 = free_udp_port();
  center_options o;
  o.sip_users = {{"a1", "a1-sip-secret"}, {"a2", "a2-sip-secret"}};
  o.sip_keys = "register_min_expires_s = 1";
  sip_node n{o};
  CHECK(n.register_phone("phone_registers.xml", "a1", "a1-sip-secret", a1) == 0);         // 120 s
  CHECK(n.register_phone("phone_registers_briefly.xml", "a2", "a2-sip-secret", a2) == 0); // 1 s
  CHECK(n.stop() == 0);
  std::this_thread::sleep_for(1500ms); // a2's binding lapses while the node is down
  n.start();
  // a1's phone does not register again: the restarted node rings it.
  auto agent = phone("agent_answers.xml", a1);
  CHECK(n.call("caller_hangs_up.xml") == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK(c.outcome == "completed");
  CHECK(c.agent == "a1");
  const auto c1 = "sip:a1@127.0.0.1:" + std::to_string(a1);
  const auto c2 = "sip:a2@127.0.0.1:" + std::to_string(a2);
  CHECK(n.phone_events("a1") == std::vector<std::string>{"phone.registered " + c1 + " 120"});
  CHECK(n.phone_events("a2") == std::vector<std::string>{"phone.registered " + c2 + " 1",
                                                         "phone.unregistered " + c2 + " expired"});
  CHECK(n.log.find("phone of agent a1 (a1) at " + c1 + " restored for ") != std::string::npos);
}

TEST_CASE("sip: a wrong SIP password is 403, an unknown user 404, bad credentials 400") {
  center_options o;
  o.sip_users = {{"a1", "a1-sip-secret"}, {"a2", ""}};
  sip_node n{o};
  CHECK(n.register_phone("phone_register_forbidden.xml", "a1", "not-the-secret", free_udp_port()) ==
        0);
  CHECK(n.register_phone("phone_register_not_found.xml", "nobody", "whatever-it-is",
                         free_udp_port()) == 0);
  // a2 exists but has no SIP password: its login password does not register it.
  CHECK(n.register_phone("phone_register_forbidden.xml", "a2", "login-password-1",
                         free_udp_port()) == 0);
  CHECK(n.register_phone("phone_register_malformed.xml", "a1", "a1-sip-secret", free_udp_port()) ==
        0);
  // After all that, the right password still registers.
  CHECK(n.register_phone("phone_registers.xml", "a1", "a1-sip-secret", free_udp_port()) == 0);
  CHECK(n.stop() == 0);
  CHECK(n.log.find("REGISTER of a1 from 127.0.0.1:") != std::string::npos);
  CHECK(n.log.find("refused 403: wrong password") != std::string::npos);
  CHECK(n.log.find("refused 404: no user 'nobody'") != std::string::npos);
  CHECK(n.log.find("refused 403: the account has no SIP password") != std::string::npos);
  CHECK(n.log.find("answered 400 Bad Request: Authorization:") != std::string::npos);
  CHECK(n.phone_events("a1").size() == 1);
  CHECK(n.phone_events("a2").empty());
}

TEST_CASE("sip: a phone that unregisters (Expires 0) and one whose binding expires") {
  const int a1 = free_udp_port(), a2 = free_udp_port();
  center_options o;
  o.sip_users = {{"a1", "a1-sip-secret"}, {"a2", "a2-sip-secret"}};
  o.sip_keys = "register_min_expires_s = 1";
  sip_node n{o};
  CHECK(n.register_phone("phone_registers_and_unregisters.xml", "a1", "a1-sip-secret", a1) == 0);
  CHECK(n.register_phone("phone_registers_briefly.xml", "a2", "a2-sip-secret", a2) == 0);
  std::this_thread::sleep_for(2500ms); // a2's binding (1 s) expires
  CHECK(n.stop() == 0);
  const auto c1 = "sip:a1@127.0.0.1:" + std::to_string(a1);
  const auto c2 = "sip:a2@127.0.0.1:" + std::to_string(a2);
  CHECK(n.phone_events("a1") ==
        std::vector<std::string>{"phone.registered " + c1 + " 120",
                                 "phone.unregistered " + c1 + " unregistered"});
  CHECK(n.phone_events("a2") == std::vector<std::string>{"phone.registered " + c2 + " 1",
                                                         "phone.unregistered " + c2 + " expired"});
}

TEST_CASE("sip: INVITEs over the trunk's calls-per-second limit are blocked with 503") {
  center_options o;
  o.channels = 30;
  o.music = true;
  o.trunk_keys = "cps = 2";
  sip_node n{o}; // no phone: the calls let in wait with music until they cancel
  std::string out;
  // 12 callers at 12 a second: about 2 (the bucket) plus 2 a second get in.
  int rc = testing::run_capture(sipp_argv("caller_flood.xml",
                                          {"-s", "100", "127.0.0.1:" + std::to_string(n.port)},
                                          n.caller_port, 12, 30, {"-r", "12", "-l", "12"}),
                                out, 60s);
  CHECK_MESSAGE(rc == 0, out);
  CHECK(n.stop() == 0);
  int blocked = 0, abandoned = 0;
  for (const auto& [id, c] : n.calls()) {
    if (c.outcome == "blocked") ++blocked;
    if (c.outcome == "abandoned") ++abandoned;
  }
  CHECK(blocked + abandoned == 12);
  CHECK(abandoned >= 2);
  CHECK(abandoned <= 6);
  CHECK(blocked >= 6);
  CHECK(n.log.find("trunk pstn: over its limit of 2 calls per second") != std::string::npos);
}

// -- trunk health and outbound calls through the trunk (docs/telephony.md) --

TEST_CASE("sip: a trunk peer that stops answering OPTIONS is recorded down, then up again") {
  center_options o{4, {}, false};
  o.keepalive = true;
  o.trunk_keys = "options_interval_s = 1\noptions_timeout_s = 1\noptions_failures = 2\n";
  sip_node n{o};
  // It answers two probes, then is gone: two unanswered probes mark it down.
  CHECK(n.carrier("carrier_answers_options.xml", 2).get() == 0);
  std::this_thread::sleep_for(4s);
  // It answers again: up. (libre keeps retransmitting the probes it gave up
  // on, each with its own Call-ID; sipp answers those too, so it is given
  // more than it needs and stopped by its timeout: its status is not the point.)
  auto again = n.carrier("carrier_answers_options.xml", 100, 6);
  std::this_thread::sleep_for(4s);
  CHECK(n.stop() == 0);
  again.get();
  const auto peer = "127.0.0.1:" + std::to_string(n.caller_port);
  const auto health = n.stream_events("trunk-pstn");
  INFO(n.log);
  // (The first probe may leave before sipp listens: a down at the start is
  // possible; the last two changes are what the peer did.)
  REQUIRE(health.size() >= 2);
  CHECK(health[health.size() - 2] == "trunk.peer_down " + peer + " timeout");
  CHECK(health.back() == "trunk.peer_up " + peer);
  CHECK(n.log.find("ALARM trunk pstn: peer " + peer + " is down") != std::string::npos);
}

namespace {

/// a1 (a static phone on `a1_port`, an account for the API) dials 5550100
/// through trunk pstn, whose peer is a sipp carrier playing `scenario`.
center_options outbound_center(int a1_port) {
  center_options o{4, {{"a1", a1_port}}, false};
  o.api = true;
  o.sip_users = {{"a1", ""}};
  o.sip_keys = "outbound_trunk = \"pstn\"\noutbound_ring_timeout_s = 2\n";
  return o;
}

} // namespace

TEST_CASE(
    "sip: an agent dials out: its phone, then the carrier answers, and the carrier hangs up") {
  const int a1 = free_udp_port();
  sip_node n{outbound_center(a1)};
  auto agent = phone("agent_answers.xml", a1);
  auto far = n.carrier("carrier_answers.xml");
  n.dial("a1", "5550100");
  CHECK(far.get() == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  INFO(n.log);
  CHECK(c.outcome == "completed");
  CHECK(c.agent == "a1");
  CHECK(std::find(c.types.begin(), c.types.end(), "call.far_end_ringing") != c.types.end());
}

TEST_CASE("sip: dial-outs the carrier answers busy (486), 404 or never are not_connected") {
  for (auto [scenario, reason] :
       {std::pair{"carrier_busy.xml", "busy"}, std::pair{"carrier_not_found.xml", "unreachable"},
        std::pair{"carrier_never_answers.xml", "no_answer"}}) {
    CAPTURE(scenario);
    const int a1 = free_udp_port();
    sip_node n{outbound_center(a1)};
    auto agent = phone("agent_answers.xml", a1); // answers, then the node hangs it up (BYE)
    auto far = n.carrier(scenario);
    n.dial("a1", "5550100");
    CHECK(far.get() == 0);
    CHECK(agent.get() == 0);
    CHECK(n.stop() == 0);
    auto c = n.only_call();
    INFO(n.log);
    CHECK(c.outcome == "not_connected");
    CHECK(c.reason == reason);
  }
}

// -- a phone's own call out (docs/telephony.md, "Calls a phone places") ------------------

namespace {

/// a1 has no static phone: it registers (password a1-sip-secret) from
/// `a1_port` and dials from there; trunk pstn's peer is the sipp carrier.
center_options phone_dial_center() {
  center_options o{4, {}, false};
  o.sip_users = {{"a1", "a1-sip-secret"}};
  o.sip_keys = "outbound_trunk = \"pstn\"\noutbound_ring_timeout_s = 5\n";
  return o;
}

} // namespace

TEST_CASE("sip: a registered desk phone dials 5550100 itself: 180 at once, 200 when the carrier "
          "answers, and the call completes with its agent") {
  const int a1 = free_udp_port();
  sip_node n{phone_dial_center()};
  REQUIRE(n.register_phone("phone_registers.xml", "a1", "a1-sip-secret", a1) == 0);
  auto far = n.carrier("carrier_answers.xml"); // answers, hangs up after a second
  CHECK(n.call("phone_dials_out.xml", "5550100", 20, a1, {"-au", "a1", "-ap", "a1-sip-secret"}) ==
        0);
  CHECK(far.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  INFO(n.log);
  CHECK(c.outcome == "completed");
  CHECK(c.agent == "a1");
  CHECK(n.log.find("'s phone dials 5550100") != std::string::npos);
}

TEST_CASE("sip: a registered desk phone dials a number the carrier answers busy: the phone gets "
          "486, the call is not_connected busy") {
  const int a1 = free_udp_port();
  sip_node n{phone_dial_center()};
  REQUIRE(n.register_phone("phone_registers.xml", "a1", "a1-sip-secret", a1) == 0);
  auto far = n.carrier("carrier_busy.xml");
  CHECK(n.call("phone_dials_busy.xml", "5550100", 20, a1, {"-au", "a1", "-ap", "a1-sip-secret"}) ==
        0);
  CHECK(far.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  INFO(n.log);
  CHECK(c.outcome == "not_connected");
  CHECK(c.reason == "busy");
}

// -- transfers, a phone's own hold, REFER (docs/telephony.md, "Transfers,
// conferences and supervision") ---------------------------------------------------------

namespace {

/// The call on agent `agent`'s desk (its id), asked through the API as `agent`.
std::string call_on_desk(const sip_node& n, hotline::test::api::client& c,
                         const std::string& agent) {
  for (int i = 0; i < 100; ++i) {
    auto r = c.call("GET", "/api/agents/" + agent);
    if (auto at = r.body.find("\"sip-"); at != std::string::npos)
      return r.body.substr(at + 1, r.body.find('"', at + 1) - at - 1);
    std::this_thread::sleep_for(100ms);
  }
  FAIL("no call on " << agent << "'s desk:\n" << n.log);
  return {};
}

hotline::test::api::client login_as(const sip_node& n, const std::string& user) {
  hotline::test::api::client c{n.api_url, {}, nullptr};
  auto r = c.call("POST", "/api/login",
                  nlohmann::json{{"username", user}, {"password", "login-password-1"}}.dump());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto set = r.header("set-cookie");
  c.cookie = set.substr(0, set.find(';'));
  return c;
}

} // namespace

// -- call backs through the trunk (docs/telephony.md, "Call backs through trunks") --------

namespace {

/// Queue sales calls back a caller who waited 2 s (overflow callback), at
/// most twice, `retry_s` apart; a1's phone on `a1`, and a1 an API user.
center_options callback_center(int a1, int retry_s) {
  center_options o{4, {{"a1", a1}}, false};
  o.api = true;
  o.sip_users = {{"a1", ""}};
  o.queue_keys = "max_wait_s = 2\noverflow = \"callback\"\ncallback_attempts = 2\n"
                 "callback_retry_s = " +
                 std::to_string(retry_s) + "\n";
  return o;
}

/// a1 goes on a break (once its phone logged it in), the caller waits and
/// is left for a call back (480), then a1 is ready again: the call back
/// rings a1's phone.
void caller_left_then_a1_ready(sip_node& n) {
  auto a1 = login_as(n, "a1");
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    if (i) std::this_thread::sleep_for(100ms);
    status = a1.call("POST", "/api/agents/a1/not-ready", nlohmann::json{{"reason", "break"}}.dump())
                 .status;
  }
  REQUIRE_MESSAGE(status == 200, n.log);
  // From another port: the carrier holds the trunk peer's.
  CHECK(n.call("caller_called_back.xml", "100", 20, free_udp_port()) == 0);
  auto r = a1.call("POST", "/api/agents/a1/ready", "{}");
  REQUIRE_MESSAGE(r.status == 200, r.body);
}

} // namespace

TEST_CASE("sip: a caller left for a call back is called back: the agent's phone answers, then the "
          "carrier is rung with the caller's number, answers, and its BYE completes the call "
          "back") {
  const int a1 = free_udp_port();
  sip_node n{callback_center(a1, 60)};
  auto agent = phone("agent_answers.xml", a1);
  auto far = n.carrier("carrier_calls_back.xml"); // checks the INVITE's number
  caller_left_then_a1_ready(n);
  CHECK(far.get() == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  INFO(n.log);
  auto c = n.only_call();
  CHECK(c.outcome == "callback_completed");
  CHECK(c.agent == "a1");
  CHECK(std::find(c.types.begin(), c.types.end(), "call.callback_dialed") != c.types.end());
}

TEST_CASE(
    "sip: a call back the carrier answers busy (486) is retried later: call.callback_retried, "
    "the agent's phone hung up") {
  const int a1 = free_udp_port();
  sip_node n{callback_center(a1, 60)};         // the retry is not due before the node stops
  auto agent = phone("agent_answers.xml", a1); // answers, then the node hangs it up (BYE)
  auto far = n.carrier("carrier_busy.xml");
  caller_left_then_a1_ready(n);
  CHECK(far.get() == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  INFO(n.log);
  auto c = n.only_call();
  CHECK(c.outcome.empty()); // still waiting for its next attempt
  CHECK(std::find(c.types.begin(), c.types.end(), "call.callback_retried") != c.types.end());
  CHECK(std::find(c.types.begin(), c.types.end(), "call.connected") == c.types.end());
}

TEST_CASE("sip: the agent's phone holds by re-INVITE sendonly: the call is held, and resumed by "
          "sendrecv") {
  const int a1 = free_udp_port();
  sip_node n{{4, {{"a1", a1}}, true}};
  auto agent = phone("agent_holds.xml", a1);
  CHECK(n.call("caller_talks_4s.xml") == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK(c.outcome == "completed");
  CHECK_MESSAGE(std::count(c.types.begin(), c.types.end(), "call.held") == 1, n.log);
  CHECK(std::count(c.types.begin(), c.types.end(), "call.resumed") == 1);
  CHECK(n.log.find("holds (we may recvonly)") != std::string::npos);
}

TEST_CASE("sip: REFER from the agent's phone to agent a2: 202, NOTIFY 100 then 200, BYE to the "
          "first phone, a2's phone answers the caller") {
  const int a1 = free_udp_port(), a2 = free_udp_port();
  sip_node n{{4, {{"a1", a1}, {"a2", a2}}, true}};
  auto first = phone("agent_refers.xml", a1);
  auto second = phone("agent_answers.xml", a2);
  CHECK(n.call("caller_talks_4s.xml") == 0);
  CHECK(first.get() == 0);
  CHECK(second.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK_MESSAGE(std::count(c.types.begin(), c.types.end(), "call.transferred") == 1, n.log);
  CHECK(c.agent == "a2"); // the last call.connected
  CHECK(c.outcome == "completed");
}

TEST_CASE("sip: a blind transfer through the API: the first phone gets BYE, the target's phone "
          "answers the caller") {
  const int a1 = free_udp_port(), a2 = free_udp_port();
  center_options o{4, {{"a1", a1}, {"a2", a2}}, true};
  o.sip_users = {{"a1", ""}};
  o.api = true;
  sip_node n{o};
  auto first = phone("agent_answers.xml", a1);
  auto second = phone("agent_answers.xml", a2);
  auto caller = std::async(std::launch::async, [&] { return n.call("caller_talks_4s.xml"); });
  auto desk = login_as(n, "a1");
  const auto call_id = call_on_desk(n, desk, "a1");
  std::this_thread::sleep_for(500ms); // talking
  auto r = desk.call(
      "POST", "/api/agents/a1/calls/" + call_id + "/transfer",
      nlohmann::json{{"mode", "blind"}, {"target_kind", "agent"}, {"target", "a2"}}.dump());
  CHECK_MESSAGE(r.status < 300, r.body);
  CHECK(caller.get() == 0);
  CHECK(first.get() == 0);
  CHECK(second.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK_MESSAGE(std::count(c.types.begin(), c.types.end(), "call.transferred") == 1, n.log);
  CHECK(c.agent == "a2");
  CHECK(c.outcome == "completed");
}

namespace {

/// a1's desk asks for a consultative transfer to a2 of the call on its
/// desk, then (a2's phone answers at once) `what` (complete | cancel) the
/// consultation as soon as it is in progress. The store's facts of the call.
call_facts consult_then(const std::string& what) {
  const int a1 = free_udp_port(), a2 = free_udp_port();
  center_options o{4, {{"a1", a1}, {"a2", a2}}, true};
  o.sip_users = {{"a1", ""}};
  o.api = true;
  sip_node n{o};
  auto first = phone("agent_answers.xml", a1);
  auto second = phone("agent_answers.xml", a2);
  auto caller = std::async(std::launch::async, [&] { return n.call("caller_talks_8s.xml"); });
  auto desk = login_as(n, "a1");
  const auto call_id = call_on_desk(n, desk, "a1");
  std::this_thread::sleep_for(500ms); // talking
  auto r = desk.call(
      "POST", "/api/agents/a1/calls/" + call_id + "/transfer",
      nlohmann::json{{"mode", "consultative"}, {"target_kind", "agent"}, {"target", "a2"}}.dump());
  CHECK_MESSAGE(r.status < 300, r.body);
  // Until a2's phone answered there is no consultation to end (409 no_consultation).
  const auto path = "/api/agents/a1/calls/" + call_id + "/consultation/" + what;
  for (int i = 0; i < 50; ++i) {
    r = desk.call("POST", path, "{}");
    if (r.status < 300 || r.body.find("no_consultation") == std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  CHECK_MESSAGE(r.status < 300, r.body << "\n" << n.log);
  CHECK(caller.get() == 0);
  CHECK(first.get() == 0);
  CHECK(second.get() == 0);
  CHECK(n.stop() == 0);
  return n.only_call();
}

bool has(const std::vector<std::string>& types, const std::string& type) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

} // namespace

TEST_CASE(
    "sip: a consultative transfer through the API: a2's phone answers and talks with a1 while "
    "the caller waits, then a1 completes: the first phone gets BYE, a2 has the caller") {
  auto c = consult_then("complete");
  CHECK_MESSAGE(has(c.types, "call.consultation_started"), c.types.size());
  CHECK(std::count(c.types.begin(), c.types.end(), "call.transferred") == 1);
  CHECK(c.consultation_ends.empty());
  CHECK(c.agent == "a1");       // no second call.connected: a2 answered the consultation
  CHECK(c.ended_agent == "a2"); // the caller's BYE ends a2's call
  CHECK(c.outcome == "completed");
}

TEST_CASE("sip: a consultation cancelled through the API: a2's phone gets BYE and the caller is "
          "back with a1") {
  auto c = consult_then("cancel");
  CHECK(has(c.types, "call.consultation_started"));
  CHECK_FALSE(has(c.types, "call.transferred"));
  REQUIRE(c.consultation_ends.size() == 1);
  CHECK(c.consultation_ends[0] == "cancelled");
  CHECK(c.ended_agent == "a1");
  CHECK(c.outcome == "completed");
}

TEST_CASE("sip: an attended transfer from a registered desk phone: it holds the caller, calls a3 "
          "through the node, REFERs with Replaces, and a3 has the caller") {
  const int a1 = free_udp_port(), a3 = free_udp_port();
  // a1 registers (and rings first in sales); a3 answers billing on a static
  // phone; a2 has no phone (never offered).
  center_options o{4, {{"a3", a3}}, true};
  o.sip_users = {{"a1", "a1-sip-secret"}};
  o.extra_toml = "[[queues]]\nid = \"billing\"\nskills = { billing = 1 }\nwrap_up_s = 0\n\n"
                 "[[agents]]\nid = \"a3\"\nskills = { billing = 50 }\nqueues = [\"billing\"]\n";
  sip_node n{o};
  REQUIRE(n.register_phone("phone_registers.xml", "a1", "a1-sip-secret", a1) == 0);
  // Both of a1's dialogs; its second INVITE answers the node's digest challenge.
  auto first = phone("phone_attended_transfer.xml", a1, 25, {"-au", "a1", "-ap", "a1-sip-secret"});
  auto target = phone("agent_answers.xml", a3);
  CHECK(n.call("caller_talks_8s.xml") == 0); // its BYE ends the call with a3
  const int first_rc = first.get();
  CHECK(target.get() == 0);
  CHECK(n.stop() == 0);
  CHECK_MESSAGE(first_rc == 0, n.log);
  auto c = n.only_call();
  CHECK_MESSAGE(has(c.types, "call.held"), n.log);
  CHECK_MESSAGE(has(c.types, "call.consultation_started"), n.log);
  CHECK(c.transfers == std::vector<std::string>{"consultative a1 -> a3"});
  CHECK(c.consultation_ends.empty());
  CHECK(c.agent == "a1");
  CHECK(c.ended_agent == "a3");
  CHECK(c.outcome == "completed");
  CHECK(n.log.find("from the phone of agent a1 (a1)") != std::string::npos);
}

TEST_CASE("sip: a registered desk phone hangs its second call up: the consultation is cancelled, "
          "a3's phone gets BYE, the caller waits held until the phone resumes") {
  const int a1 = free_udp_port(), a3 = free_udp_port();
  center_options o{4, {{"a3", a3}}, true};
  o.sip_users = {{"a1", "a1-sip-secret"}};
  o.extra_toml = "[[queues]]\nid = \"billing\"\nskills = { billing = 1 }\nwrap_up_s = 0\n\n"
                 "[[agents]]\nid = \"a3\"\nskills = { billing = 50 }\nqueues = [\"billing\"]\n";
  sip_node n{o};
  REQUIRE(n.register_phone("phone_registers.xml", "a1", "a1-sip-secret", a1) == 0);
  auto first =
      phone("phone_consults_then_resumes.xml", a1, 25, {"-au", "a1", "-ap", "a1-sip-secret"});
  auto target = phone("agent_answers.xml", a3); // BYE when the consultation is cancelled
  CHECK(n.call("caller_talks_8s.xml") == 0);
  CHECK(first.get() == 0);
  CHECK(target.get() == 0);
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK_MESSAGE(has(c.types, "call.consultation_started"), n.log);
  CHECK(c.consultation_ends == std::vector<std::string>{"cancelled"});
  CHECK(c.transfers.empty());
  CHECK(has(c.types, "call.resumed"));
  CHECK(c.ended_agent == "a1");
  CHECK(c.outcome == "completed");
  CHECK(n.log.find("hung up its consultation line") != std::string::npos);
}

TEST_CASE("sip: an external transfer through the API: the node rings the number through the "
          "trunk, bridges the caller to it, and the carrier's BYE hangs the caller up") {
  const int a1 = free_udp_port();
  center_options o{4, {{"a1", a1}}, true};
  o.sip_users = {{"a1", ""}};
  o.api = true;
  sip_node n{o};
  auto agent = phone("agent_answers.xml", a1);
  auto carrier = n.carrier("carrier_answers.xml"); // on the trunk peer's port
  const int caller_at = free_udp_port();
  auto caller = std::async(std::launch::async,
                           [&] { return n.call("caller_is_hung_up.xml", "100", 30, caller_at); });
  auto desk = login_as(n, "a1");
  const auto call_id = call_on_desk(n, desk, "a1");
  std::this_thread::sleep_for(500ms);
  auto r = desk.call(
      "POST", "/api/agents/a1/calls/" + call_id + "/transfer",
      nlohmann::json{{"mode", "blind"}, {"target_kind", "external"}, {"target", "5550100"}}.dump());
  CHECK_MESSAGE(r.status < 300, r.body);
  CHECK(agent.get() == 0);   // BYE at the transfer
  CHECK(carrier.get() == 0); // rung as sip:5550100@peer, answered, its BYE
  CHECK(caller.get() == 0);  // BYE from the node after the carrier's
  CHECK(n.stop() == 0);
  auto c = n.only_call();
  CHECK_MESSAGE(c.outcome == "transferred_out", n.log);
  CHECK(c.reason == "external:5550100");
}
