// A voicemail's call back marks it (events/voicemail/voicemail_callback.hpp),
// given / when / then: the call back that completes marks the message
// handled by its agent, a failed one leaves it open, and a message marked
// by hand first (or marked by an earlier replay) is not marked twice.
#include <doctest/doctest.h>

#include "events/voicemail/voicemail_callback.hpp"

using namespace hotline::events;
using namespace hotline::events::voicemail;

namespace {

state left_by(const std::string& call_id) {
  auto s = initial_state("m1");
  auto out = decide(voicemail::leave{call_id, "+8613800000000", "billing", "acme", "/vm/m1.wav",
                                     4'000, std::string(64, 'a')},
                    s);
  REQUIRE(out.accepted());
  return evolve(s, out.events().at(0));
}

call_ended ended(const std::string& call_id, call_outcome outcome, const std::string& agent) {
  return {call_id, outcome, "agent_hangup", agent, "billing"};
}

state after(state s, const voicemail::command& c) {
  auto out = decide(c, s);
  REQUIRE_MESSAGE(out.accepted(), out.error().detail);
  for (const auto& e : out.events())
    s = evolve(s, e);
  return s;
}

} // namespace

TEST_CASE("voicemail call back: completed marks the message called_back by the agent who called") {
  const auto s = left_by("c7");
  auto cmd = handling_on_call_end(s, ended("c7", call_outcome::callback_completed, "a1"));
  REQUIRE(cmd);
  CHECK(cmd->by == "a1");
  CHECK(cmd->how == "called_back");
  CHECK(cmd->note == "the call back c7 completed");
  auto out = decide(*cmd, s);
  REQUIRE(out.accepted());
  REQUIRE(out.events().size() == 1);
  const auto& handled = std::get<voicemail_handled>(out.events()[0]);
  CHECK(handled.message_id == "m1");
  CHECK(handled.by == "a1");
  CHECK(handled.how == "called_back");
}

TEST_CASE("voicemail call back: a failed call back leaves the message open") {
  const auto s = left_by("c7");
  CHECK_FALSE(handling_on_call_end(s, ended("c7", call_outcome::callback_failed, "")));
  CHECK_FALSE(handling_on_call_end(s, ended("c7", call_outcome::callback_failed, "a1")));
  CHECK(s.at == phase::fresh);
}

TEST_CASE("voicemail call back: another call, no agent or a plain completion marks nothing") {
  const auto s = left_by("c7");
  CHECK_FALSE(handling_on_call_end(s, ended("c8", call_outcome::callback_completed, "a1")));
  CHECK_FALSE(handling_on_call_end(s, ended("c7", call_outcome::callback_completed, "")));
  CHECK_FALSE(handling_on_call_end(s, ended("c7", call_outcome::completed, "a1")));
  CHECK_FALSE(
      handling_on_call_end(initial_state("m1"), ended("", call_outcome::callback_completed, "a1")));
}

TEST_CASE("voicemail call back: a message marked by hand first is not marked twice") {
  const auto s = after(left_by("c7"), voicemail::handle{"sue", "resolved", "sorted by mail"});
  CHECK_FALSE(handling_on_call_end(s, ended("c7", call_outcome::callback_completed, "a1")));
  CHECK(s.handled_by == "sue");
}

TEST_CASE("voicemail call back: the same call end seen again (a replay) marks nothing more") {
  auto s = left_by("c7");
  const auto end = ended("c7", call_outcome::callback_completed, "a1");
  s = after(s, *handling_on_call_end(s, end));
  CHECK(s.at == phase::handled);
  CHECK_FALSE(handling_on_call_end(s, end));
}
