// The IVR over telephony (actors/telephony_ivr.hpp) on the virtual clock:
// the telephony actor between the in-memory stack and an IVR session —
// the call answered, prompts played as files, a digit cutting a menu
// short, a prompt that cannot be played, and voicemail: the beep, the
// message, # and the hang-up, a message too short, one left as a call back.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "actors/telephony_ivr.hpp"
#include "events/voicemail/voicemail.hpp"
#include "telephony_fixture.hpp"

using namespace hotline;
using namespace hotline::actors;
namespace tp = hotline::ports;
namespace iv = hotline::events::ivr;

namespace {

using acd_actor_test::epoch;
constexpr std::uint64_t beep = ~std::uint64_t{0}; // the beep's tag (telephony_ivr.cpp)

iv::node node_of(std::string id, iv::node_kind kind) {
  iv::node n;
  n.id = std::move(id);
  n.kind = kind;
  return n;
}

/// main (menu: 1 voicemail, 2 bye, 9 broken; no retry) ; broken (a prompt
/// nobody can play) -> bye ; box (voicemail for sales) ; bye (hangup).
events::center_definition flow_center() {
  auto c = acd_actor_test::two_queue_center();
  iv::flow f;
  f.id = "desk";
  f.tenant = "acme";
  f.start = "main";
  f.languages = {"en"};
  auto main = node_of("main", iv::node_kind::menu);
  main.prompt.text = "Press 1 for a message, 2 to end.";
  main.choices = {{"1", "box"}, {"2", "bye"}, {"9", "broken"}};
  main.retries = 0;
  main.fallback = "bye";
  auto broken = node_of("broken", iv::node_kind::play);
  broken.prompt.text = "unplayable";
  broken.next = "bye";
  auto box = node_of("box", iv::node_kind::voicemail);
  box.target = "sales";
  f.nodes = {main, broken, box, node_of("bye", iv::node_kind::hangup)};
  c.flows.push_back(f);
  events::entry_point e;
  e.dialed = "300";
  e.tenant = "acme";
  e.trunk_group = "pstn";
  e.flow = "desk";
  c.entry_points.push_back(e);
  e.dialed = "301"; // the same flow, with a queue for nodes that cannot run it
  e.queue = "sales";
  c.entry_points.push_back(e);
  return c;
}

struct fixture : acd_actor_test::telephony_fixture {
  telephony_ivr_media media{"sip-", nullptr};
  std::vector<voicemail_message> left;

  /// `phone_a1`: a1 has a phone (logged in and ready at once) and trunk
  /// group pstn a SIP peer, where call backs are dialed.
  explicit fixture(bool phone_a1 = false) : telephony_fixture(flow_center()) {
    telephony_options o;
    if (phone_a1) {
      o.phones["a1"] = "sip:a1@127.0.0.1:5070";
      o.trunk_peers["pstn"] = "192.0.2.9:5060";
      ctx->far_end_dialing = true;
    }
    // A prompt's file is named by its node; "broken" has none.
    o.ivr_prompts = [](const tp::ivr_prompt& p, bool) -> ivr_audio {
      if (p.node == "broken") return {{}, "espeak-ng failed", false};
      return {"/p/" + p.node + ".wav", {}, false};
    };
    o.voicemail_dir = "/vm";
    o.voicemail_beep = "/vm/beep.wav";
    o.leave_voicemail = [this](const voicemail_message& m) {
      left.push_back(m);
      return std::string{};
    };
    start(std::move(o), [this] {
      media.attach(telephony);
      ctx->ivr_media = &media;
      ctx->telephony = telephony;
    });
  }
  ~fixture() { ctx->ivr_media = nullptr; }
  void key(char d) { inject(tp::dtmf{"L1", d, tp::dtmf_method::sip_info}); }
  std::string commands() const {
    std::string out;
    for (const auto& l : phones.commands())
      out += l + "\n";
    return out;
  }
  bool did(const std::string& line) const { return phones.has(line); }
  /// The leg of the last command starting with `prefix` ("ring M3 ..." -> "M3"), or "".
  std::string leg_of(const std::string& prefix) const {
    std::string leg;
    for (const auto& l : phones.commands())
      if (l.rfind(prefix, 0) == 0) leg = l.substr(5, l.find(' ', 5) - 5);
    return leg;
  }
  /// A caller on L1 dials 300: answered, the menu's prompt plays.
  void at_menu() {
    inject(tp::incoming{"L1", "+8613800001111", "300", "pstn", "127.0.0.1:5060"});
    REQUIRE_MESSAGE(did("answer L1"), commands()); // an IVR answers the call
    REQUIRE_MESSAGE(did("play_prompt L1 /p/main.wav 1"), commands());
  }
  std::string outcome() const {
    const auto& s = call_state("sip-L1");
    return std::string{events::to_wire(s.outcome)} + " " + s.end_reason;
  }
};

} // namespace

TEST_CASE("telephony ivr: a key during the menu's prompt cuts it short and chooses: the caller "
          "is contained and hung up") {
  fixture f;
  f.at_menu();
  f.key('2');
  CHECK_MESSAGE(f.did("play L1 silence"), f.commands()); // barge-in
  CHECK(f.outcome() == "completed completed_in_ivr");
  CHECK_MESSAGE(f.did("hang_up L1 normal"), f.commands());
}

TEST_CASE("telephony ivr: the prompt's end is the session's prompt_done, a late or unknown end "
          "changes nothing, and a digit nobody waits for is ignored") {
  fixture f;
  f.at_menu();
  f.inject(tp::prompt_played{"L1", 7, {}}); // not the prompt playing
  f.inject(tp::prompt_played{"L1", 1, {}});
  // The menu now waits for a key (5 s): none comes, no retry, default bye.
  f.at(30);
  CHECK(f.outcome() == "completed completed_in_ivr");
  f.key('5'); // after the end: nobody's, no crash
  CHECK(f.payloads<events::ivr_exited>("ivr-sip-L1").size() == 1);
}

TEST_CASE("telephony ivr: a prompt that cannot be played (speech failed, the stack cannot read "
          "it) counts as played so the caller goes on") {
  fixture f;
  f.at_menu();
  f.key('9');
  CHECK_FALSE(f.did("play_prompt L1 /p/broken.wav 3"));
  CHECK(f.outcome() == "completed completed_in_ivr");

  fixture g;
  g.at_menu();
  g.inject(tp::prompt_played{"L1", 1, "/p/main.wav: not a WAV file"});
  g.at(30); // the menu waited for a key after all
  CHECK(g.outcome() == "completed completed_in_ivr");
}

TEST_CASE("telephony ivr: voicemail — the beep, the message, # ends it, voicemail.left, and the "
          "call becomes a call back from the mailbox's queue with the caller off the line") {
  fixture f;
  f.at_menu();
  f.key('1');
  REQUIRE_MESSAGE(f.did("play_prompt L1 /vm/beep.wav " + std::to_string(beep)), f.commands());
  f.key('4'); // during the beep: nothing
  CHECK_FALSE(f.did("stop_message sip-L1"));
  f.inject(tp::prompt_played{"L1", beep, {}});
  const auto file = "/vm/" + events::voicemail::file_name("sip-L1");
  REQUIRE_MESSAGE(f.did("record_message sip-L1 L1 " + file + " 120000"), f.commands());
  f.key('#');
  REQUIRE_MESSAGE(f.did("stop_message sip-L1"), f.commands());
  f.inject(tp::message_recorded{"sip-L1", file, "stopped", 7'000, 112'044, "ab", {}});
  REQUIRE(f.left.size() == 1);
  CHECK(f.left[0].mailbox == "sales");
  CHECK(f.left[0].caller == "+8613800001111");
  CHECK(f.left[0].tenant == "acme");
  CHECK(f.left[0].duration_ms == 7'000);
  CHECK(f.payloads<events::call_callback_scheduled>("call-sip-L1").size() == 1);
  CHECK_MESSAGE(f.did("hang_up L1 off_line"), f.commands());
}

TEST_CASE("telephony ivr: voicemail — a hang-up during the beep leaves no message and is no "
          "abandon, a message under half a second is not left") {
  fixture f;
  f.at_menu();
  f.key('1');
  f.inject(tp::ended{"L1", tp::ended_by::far_end});
  CHECK(f.left.empty());
  CHECK(f.outcome() == "voicemail ivr_voicemail");

  fixture g;
  g.at_menu();
  g.key('1');
  g.inject(tp::prompt_played{"L1", beep, {}});
  g.inject(tp::ended{"L1", tp::ended_by::far_end}); // the usual end of a message: no abandon
  g.inject(tp::message_recorded{"sip-L1", "/vm/x.wav", "leg_ended", 300, 4'844, "ab", {}});
  CHECK(g.left.empty());
  CHECK(g.outcome() == "voicemail ivr_voicemail");
}

TEST_CASE("telephony ivr: a simulated caller (not telephony's, no simulator side) skips the flow: "
          "to the entry point's queue, or refused no_ivr without one") {
  fixture f;
  f.dial("c8", "301");
  f.dial("c9", "300");
  f.rt.run_pending();
  CHECK(f.payloads<events::ivr_entered>("ivr-c8").empty());
  CHECK(f.call_state("c8").queue == "sales");
  CHECK(f.call_state("c9").end_reason == "no_ivr");
  CHECK(f.payloads<events::ivr_entered>("ivr-c9").empty());
}

TEST_CASE("telephony ivr: the call back a voicemail became rings the agent's phone, then the "
          "caller's number through the trunk, and completes when both talked") {
  fixture f{true};
  f.at_menu();
  f.key('1');
  f.inject(tp::prompt_played{"L1", beep, {}});
  const auto file = "/vm/" + events::voicemail::file_name("sip-L1");
  f.key('#');
  f.inject(tp::message_recorded{"sip-L1", file, "stopped", 7'000, 112'044, "ab", {}});
  f.at(1);
  REQUIRE(f.left.size() == 1);
  CHECK_MESSAGE(f.did("hang_up L1 off_line"), f.commands());
  const auto agent_leg = f.leg_of("ring M");
  REQUIRE_MESSAGE(
      f.did("ring " + agent_leg + " sip:a1@127.0.0.1:5070 caller +8613800001111 call sip-L1"),
      f.commands());
  f.inject(tp::answered{agent_leg});
  f.at(2);
  const auto far_leg = f.leg_of("ring M");
  REQUIRE(far_leg != agent_leg);
  REQUIRE_MESSAGE(f.did("ring " + far_leg +
                        " sip:+8613800001111@192.0.2.9:5060 caller a1 call sip-L1 trunk pstn"),
                  f.commands());
  f.inject(tp::answered{far_leg});
  f.at(3);
  CHECK_MESSAGE(f.did("bridge " + far_leg + " " + agent_leg), f.commands());
  f.inject(tp::ended{far_leg, tp::ended_by::far_end});
  f.at(4);
  CHECK(f.outcome() == "callback_completed caller_hangup");
}
