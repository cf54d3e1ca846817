// The in-memory telephony stack keeps the port's promises (telephony.hpp):
// commands are recorded in order, rung legs get fresh ids, and commands for
// a leg that has ended are ignored.
#include <doctest/doctest.h>

#include "actors/ports/memory_telephony.hpp"

using namespace hotline::ports;

TEST_CASE("memory telephony records commands and names the legs it rings") {
  memory_telephony t;
  auto a = t.ring({"sip:a1@h", "+1", "c1"});
  auto b = t.ring({"sip:a2@h", "", "c1"});
  CHECK(a == "M1");
  CHECK(b == "M2");
  t.answer("L1");
  t.play("L1", media_kind::music_on_hold);
  t.bridge("L1", a);
  t.reject("L2", reject_cause::unavailable, 30);
  t.reject("L3", reject_cause::not_found);
  std::vector<std::string> want{"ring M1 sip:a1@h caller +1 call c1",
                                "ring M2 sip:a2@h caller  call c1",
                                "answer L1",
                                "play L1 music_on_hold",
                                "bridge L1 M1",
                                "reject L2 unavailable retry-after 30",
                                "reject L3 not_found"};
  CHECK(t.commands() == want);
}

TEST_CASE("memory telephony delivers injected events and ignores commands for ended legs") {
  memory_telephony t;
  std::vector<std::string> heard;
  t.set_sink([&](telephony_event e) { heard.push_back(describe(e)); });
  t.inject(incoming{"L1", "+1", "100", "pstn", "127.0.0.1:5060"});
  t.inject(failed{"M1", failure_cause::busy, 486});
  t.inject(ended{"L1", ended_by::far_end});
  CHECK(heard == std::vector<std::string>{"incoming L1 from +1 to 100 trunk pstn",
                                          "failed M1 busy 486", "ended L1 by far_end"});
  t.answer("L1");
  t.hang_up("M1", hangup_cause::withdrawn);
  t.bridge("L1", "M7");
  CHECK(t.commands().empty());
  t.hang_up("M7", hangup_cause::normal);
  t.hang_up("M7", hangup_cause::normal); // once only: the leg ended with the first
  CHECK(t.commands() == std::vector<std::string>{"hang_up M7 normal"});
}

TEST_CASE("every telephony event and cause has a name") {
  CHECK(describe(dtmf{"L1", '#', dtmf_method::sip_info}) == "dtmf L1 # sip_info");
  CHECK(describe(ringing{"M1"}) == "ringing M1");
  CHECK(describe(answered{"M1"}) == "answered M1");
  CHECK(to_string(reject_cause::unsupported_media) == "unsupported_media");
  CHECK(to_string(reject_cause::busy) == "busy");
  CHECK(to_string(reject_cause::forbidden) == "forbidden");
  CHECK(to_string(reject_cause::declined) == "declined");
  CHECK(to_string(reject_cause::no_answer) == "no_answer");
  CHECK(describe(incoming{"L2", "a1", "a2", "", "127.0.0.1:5070", false, "a1"}) ==
        "incoming L2 from a1 to a2 phone of a1");
  CHECK(describe(transfer_requested{"M1", "a2", "<sip:a2@h?Replaces=x>", "L2"}) ==
        "transfer_requested M1 to a2 (<sip:a2@h?Replaces=x>) replaces L2");
  CHECK(to_string(failure_cause::no_answer) == "no_answer");
  CHECK(to_string(failure_cause::unreachable) == "unreachable");
  CHECK(to_string(ended_by::node) == "node");
  CHECK(to_string(ended_by::lost) == "lost");
  CHECK(to_string(hangup_cause::off_line) == "off_line");
  CHECK(to_string(hangup_cause::media_error) == "media_error");
  CHECK(to_string(dtmf_method::inband) == "inband");
  CHECK(to_string(media_kind::silence) == "silence");
}
