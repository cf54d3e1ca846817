// The agent decider (events/acd/agent.hpp): given/when/then.
#include "acd_support.hpp"

using namespace acd_test;
namespace ag = hotline::events::acd::agent;

namespace {

using agent_subject = subject<agent_ops>;

agent_subject fresh(agent_definition def = voice_agent("a1")) {
  return agent_subject{ag::initial_state(std::move(def))};
}

agent_subject ready_agent(agent_definition def = voice_agent("a1")) {
  auto a = fresh(std::move(def));
  a.after({ag::login{{}, true, t0}});
  return a;
}

} // namespace

TEST_CASE(
    "agent: logging in with ready goes logged_in then ready, serving the definition's queues") {
  auto a = fresh(voice_agent("a1", {}, {"sales", "support"}));
  auto out = a.step(ag::login{{}, true, t0});
  then_events(out, {agent_logged_in{"a1", {"sales", "support"}}, agent_ready{"a1"}});
  CHECK(ag::status_of(a.s) == ag::status::ready);
  CHECK(a.s.queues == std::vector<std::string>{"sales", "support"});
  CHECK(a.s.idle_since_ns == t0);
}

TEST_CASE("agent: logging in not ready shows not_ready with reason logged_in") {
  auto a = fresh();
  then_types(a.step(ag::login{{"vip"}, false, t0}), {"agent.logged_in"});
  CHECK(ag::status_of(a.s) == ag::status::not_ready);
  CHECK(a.s.not_ready_reason == "logged_in");
  CHECK(a.s.queues == std::vector<std::string>{"vip"});
}

TEST_CASE("agent: a second login is a no-op with the same queues, refused with others") {
  auto a = ready_agent();
  then_nothing(a.when(ag::login{{}, true, t0 + sec}));
  then_rejected(a.when(ag::login{{"other"}, true, t0 + sec}), "already_logged_in");
}

TEST_CASE("agent: the station of a login is recorded, kept for the session and cleared at logout") {
  auto a = fresh(voice_agent("a1", {}, {"sales"}));
  then_events(a.step(ag::login{{}, true, t0, "sip:2001@pbx.example.com"}),
              {agent_logged_in{"a1", {"sales"}, "sip:2001@pbx.example.com"}, agent_ready{"a1"}});
  CHECK(a.s.station == "sip:2001@pbx.example.com");
  // the same login again (or one that does not say its station) changes nothing
  then_nothing(a.when(ag::login{{}, true, t0 + sec, "sip:2001@pbx.example.com"}));
  then_nothing(a.when(ag::login{{}, true, t0 + sec}));
  // another station while logged in is refused: log out first
  then_rejected(a.when(ag::login{{}, true, t0 + sec, "2002"}), "already_logged_in");
  a.after({ag::logout{"by_agent", t0 + 2 * sec}});
  CHECK(a.s.station.empty());
}

TEST_CASE("agent: a logged-out agent can change nothing but log in") {
  auto a = fresh();
  then_rejected(a.when(ag::set_ready{t0}), "logged_out");
  then_rejected(a.when(ag::set_not_ready{"break", t0}), "logged_out");
  then_rejected(a.when(ag::reserve{"c1", "sales", contact_channel::voice, t0}), "logged_out");
  then_nothing(a.when(ag::logout{"by_agent", t0}));
}

TEST_CASE("agent: not ready needs a reason, and the same reason twice is a no-op") {
  auto a = ready_agent();
  then_rejected(a.when(ag::set_not_ready{"", t0}), "missing_reason");
  then_events(a.step(ag::set_not_ready{"lunch", t0 + sec}), {agent_not_ready{"a1", "lunch"}});
  then_nothing(a.when(ag::set_not_ready{"lunch", t0 + 2 * sec}));
  then_events(a.step(ag::set_not_ready{"meeting", t0 + 3 * sec}),
              {agent_not_ready{"a1", "meeting"}});
  then_events(a.step(ag::set_ready{t0 + 4 * sec}), {agent_ready{"a1"}});
  then_nothing(a.when(ag::set_ready{t0 + 5 * sec}));
  CHECK(a.s.idle_since_ns == t0 + 4 * sec);
}

TEST_CASE("agent: the happy path of a voice call: reserve, answer, hold, resume, end, wrap up") {
  auto a = ready_agent();
  then_events(a.step(ag::reserve{"c1", "sales", contact_channel::voice, t0 + 10 * sec}),
              {agent_reserved{"a1", "c1", "sales", contact_channel::voice}});
  CHECK(ag::status_of(a.s) == ag::status::ringing);
  CHECK(a.s.last_offered_ns == t0 + 10 * sec);
  then_events(a.step(ag::answer{"c1", t0 + 12 * sec}),
              {agent_call_started{"a1", "c1", contact_channel::voice}});
  CHECK(ag::status_of(a.s) == ag::status::on_call);
  then_events(a.step(ag::hold{"c1", t0 + 20 * sec}), {agent_call_held{"a1", "c1", true}});
  CHECK(ag::status_of(a.s) == ag::status::on_hold);
  then_nothing(a.when(ag::hold{"c1", t0 + 21 * sec}));
  then_events(a.step(ag::resume{"c1", t0 + 30 * sec}), {agent_call_held{"a1", "c1", false}});
  then_events(a.step(ag::end_call{"c1", 5'000, t0 + 72 * sec}),
              {agent_call_ended{"a1", "c1", 5'000}});
  CHECK(ag::status_of(a.s) == ag::status::wrap_up);
  CHECK(a.s.talk_time_ms == 60'000);
  CHECK(a.s.calls_handled == 1);
  then_events(a.step(ag::end_wrap_up{"c1", t0 + 77 * sec}), {agent_wrap_up_ended{"a1", "c1"}});
  CHECK(ag::status_of(a.s) == ag::status::ready);
  CHECK(a.s.idle_since_ns == t0 + 77 * sec);
  then_nothing(a.when(ag::end_wrap_up{"c1", t0 + 78 * sec})); // the wrap-up timer fires late
}

TEST_CASE("agent: ending a call without wrap-up frees the agent at once") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}, ag::answer{"c1", t0 + sec}});
  a.step(ag::end_call{"c1", 0, t0 + 11 * sec});
  CHECK(ag::status_of(a.s) == ag::status::ready);
  CHECK(a.s.idle_since_ns == t0 + 11 * sec);
}

TEST_CASE("agent: refusals name what is wrong with the call on the desk") {
  auto a = ready_agent();
  then_rejected(a.when(ag::answer{"c9", t0}), "not_reserved");
  then_rejected(a.when(ag::reject{"c9", t0}), "not_reserved");
  then_rejected(a.when(ag::hold{"c9", t0}), "not_on_call");
  then_rejected(a.when(ag::resume{"c9", t0}), "not_on_hold");
  then_rejected(a.when(ag::end_call{"c9", 0, t0}), "not_on_call");
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}});
  then_rejected(a.when(ag::hold{"c1", t0}), "not_on_call");
  then_rejected(a.when(ag::end_call{"c1", 0, t0}), "not_on_call");
  then_rejected(a.when(ag::end_wrap_up{"c1", t0}), "not_in_wrap_up");
  then_rejected(a.when(ag::end_call{"c1", -1, t0}), "invalid_argument");
  a.after({ag::answer{"c1", t0 + sec}});
  then_rejected(a.when(ag::reject{"c1", t0}), "not_ringing");
  then_rejected(a.when(ag::reserve{"c1", "sales", contact_channel::voice, t0}), "already_has_call");
  then_nothing(a.when(ag::answer{"c1", t0 + 2 * sec})); // a repeated answer
}

TEST_CASE("agent: a reservation for the same call twice is a no-op, a not-ready agent gets none") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}});
  then_nothing(a.when(ag::reserve{"c1", "sales", contact_channel::voice, t0 + sec}));
  auto b = ready_agent();
  b.after({ag::set_not_ready{"break", t0}});
  then_rejected(b.when(ag::reserve{"c1", "sales", contact_channel::voice, t0}), "not_ready");
}

TEST_CASE("agent: reject and cancel end the reservation with their reason") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}});
  then_events(a.step(ag::reject{"c1", t0 + sec}),
              {agent_reservation_ended{"a1", "c1", "rejected"}});
  CHECK(a.s.last_rejected_ns == t0 + sec);
  CHECK(ag::status_of(a.s) == ag::status::ready);
  CHECK(a.s.idle_since_ns == t0); // a ring does not restart the idle period
  a.after({ag::reserve{"c2", "sales", contact_channel::voice, t0 + 2 * sec}});
  then_events(a.step(ag::cancel_reservation{"c2", "answered_elsewhere", t0 + 3 * sec}),
              {agent_reservation_ended{"a1", "c2", "answered_elsewhere"}});
  then_nothing(a.when(ag::cancel_reservation{"c2", "cancelled", t0 + 4 * sec}));
}

TEST_CASE("agent: a ring timeout after the answer is a no-op (the timer lost the race)") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}, ag::answer{"c1", t0 + sec}});
  then_nothing(a.when(ag::ring_timeout{"c1", 3, t0 + 15 * sec}));
}

TEST_CASE("agent: after max_no_answer consecutive ring timeouts the agent is auto-paused") {
  auto a = ready_agent();
  for (int i = 1; i <= 2; ++i) {
    const std::string c = "c" + std::to_string(i);
    a.after({ag::reserve{c, "sales", contact_channel::voice, t0 + i * 20 * sec}});
    then_events(a.step(ag::ring_timeout{c, 3, t0 + i * 20 * sec + 15 * sec}),
                {agent_reservation_ended{"a1", c, "no_answer"}});
    CHECK(a.s.consecutive_misses == i);
  }
  a.after({ag::reserve{"c3", "sales", contact_channel::voice, t0 + 100 * sec}});
  then_events(
      a.step(ag::ring_timeout{"c3", 3, t0 + 115 * sec}),
      {agent_reservation_ended{"a1", "c3", "no_answer"}, agent_not_ready{"a1", "auto_pause"}});
  CHECK(ag::status_of(a.s) == ag::status::not_ready);
  CHECK(a.s.not_ready_reason == "auto_pause");
  SUBCASE("going ready again starts the count afresh") {
    a.after({ag::set_ready{t0 + 200 * sec}});
    CHECK(a.s.consecutive_misses == 0);
  }
}

TEST_CASE("agent: an answer between misses resets the count, max_no_answer 0 never pauses") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0},
           ag::ring_timeout{"c1", 2, t0 + sec},
           ag::reserve{"c2", "sales", contact_channel::voice, t0 + 2 * sec},
           ag::answer{"c2", t0 + 3 * sec}, ag::end_call{"c2", 0, t0 + 4 * sec},
           ag::reserve{"c3", "sales", contact_channel::voice, t0 + 5 * sec}});
  CHECK(a.s.consecutive_misses == 0);
  then_types(a.step(ag::ring_timeout{"c3", 2, t0 + 6 * sec}), {"agent.reservation_ended"});
  for (int i = 0; i < 5; ++i) {
    const std::string c = "d" + std::to_string(i);
    a.after({ag::reserve{c, "sales", contact_channel::voice, t0 + (10 + i) * sec}});
    then_types(a.step(ag::ring_timeout{c, 0, t0 + (10 + i) * sec}), {"agent.reservation_ended"});
  }
  CHECK(ag::status_of(a.s) == ag::status::ready);
}

TEST_CASE("agent: capacity: a voice agent takes one voice contact") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}});
  then_rejected(a.when(ag::reserve{"c2", "sales", contact_channel::voice, t0}), "at_capacity");
  a.after({ag::answer{"c1", t0 + sec}, ag::end_call{"c1", 10'000, t0 + 2 * sec}});
  then_rejected(a.when(ag::reserve{"c2", "sales", contact_channel::voice, t0 + 3 * sec}),
                "at_capacity"); // wrap-up occupies
  then_rejected(a.when(ag::reserve{"m1", "mail", contact_channel::email, t0}),
                "channel_not_served");
}

TEST_CASE("agent: capacity: chat capacity 3, and voice blocks chat") {
  auto def = voice_agent("a1");
  def.capacity = {{contact_channel::voice, 1}, {contact_channel::chat, 3}};
  auto a = ready_agent(def);
  a.after({ag::reserve{"ch1", "web", contact_channel::chat, t0},
           ag::reserve{"ch2", "web", contact_channel::chat, t0},
           ag::reserve{"ch3", "web", contact_channel::chat, t0}});
  CHECK(ag::contacts_on(a.s, contact_channel::chat) == 3);
  then_rejected(a.when(ag::reserve{"ch4", "web", contact_channel::chat, t0}), "at_capacity");
  // A chatting agent can still take a voice call ...
  then_types(a.step(ag::reserve{"v1", "sales", contact_channel::voice, t0}), {"agent.reserved"});
  // ... and while on voice takes no more chat, even with a free chat slot.
  a.after({ag::answer{"ch1", t0}, ag::end_call{"ch1", 0, t0 + sec}});
  CHECK(ag::contacts_on(a.s, contact_channel::chat) == 2);
  then_rejected(a.when(ag::reserve{"ch5", "web", contact_channel::chat, t0 + 2 * sec}),
                "on_voice_call");
  SUBCASE("unless voice_blocks_others is off") {
    a.s.definition.voice_blocks_others = false;
    then_types(a.when(ag::reserve{"ch5", "web", contact_channel::chat, t0 + 2 * sec}),
               {"agent.reserved"});
  }
}

TEST_CASE(
    "agent: a call the agent places may start while not ready, never logged out or over capacity") {
  auto placed = [](const char* call_id, std::int64_t at) {
    ag::reserve r{call_id, "sales", contact_channel::voice, at};
    r.placed = true;
    return r;
  };
  then_rejected(fresh().when(placed("o1", t0)), "logged_out");
  auto a = ready_agent();
  a.after({ag::set_not_ready{"outbound", t0}});
  then_rejected(a.when(ag::reserve{"c1", "sales", contact_channel::voice, t0 + sec}),
                "not_ready"); // a queue's offer
  then_events(a.step(placed("o1", t0 + sec)),
              {agent_reserved{"a1", "o1", "sales", contact_channel::voice}});
  then_rejected(a.when(placed("o2", t0 + sec)), "at_capacity");
  then_types(a.step(ag::answer{"o1", t0 + 2 * sec}), {"agent.call_started"});
  CHECK(ag::status_of(a.s) == ag::status::on_call);
  a.after({ag::end_call{"o1", 0, t0 + 3 * sec}});
  // The dial did not make the agent ready.
  CHECK(ag::status_of(a.s) == ag::status::not_ready);
  CHECK(a.s.not_ready_reason == "outbound");
  auto def = voice_agent("a2");
  def.capacity = {{contact_channel::voice, 1}};
  auto b = ready_agent(def);
  ag::reserve mail{"m1", "mail", contact_channel::email, t0};
  mail.placed = true;
  then_rejected(b.when(mail), "channel_not_served");
}

TEST_CASE("agent: logout is refused during a live call, ringing and wrap-up are closed first") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}, ag::answer{"c1", t0 + sec}});
  then_rejected(a.when(ag::logout{"by_agent", t0 + 2 * sec}), "on_call");
  a.after({ag::end_call{"c1", 30'000, t0 + 3 * sec}});
  then_events(a.step(ag::logout{"shift_end", t0 + 4 * sec}),
              {agent_wrap_up_ended{"a1", "c1"}, agent_logged_out{"a1", "shift_end"}});
  CHECK(ag::status_of(a.s) == ag::status::logged_out);
  auto b = ready_agent();
  b.after({ag::reserve{"c2", "sales", contact_channel::voice, t0}});
  then_events(
      b.step(ag::logout{"by_supervisor", t0 + sec}),
      {agent_reservation_ended{"a1", "c2", "logged_out"}, agent_logged_out{"a1", "by_supervisor"}});
}

TEST_CASE("agent: going not ready during a call takes effect after it") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}, ag::answer{"c1", t0 + sec},
           ag::set_not_ready{"break", t0 + 2 * sec}});
  CHECK(ag::status_of(a.s) == ag::status::on_call);
  a.after({ag::end_call{"c1", 0, t0 + 3 * sec}});
  CHECK(ag::status_of(a.s) == ag::status::not_ready);
  CHECK(a.s.not_ready_reason == "break");
}

TEST_CASE("agent: a new session resets the session statistics") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}, ag::answer{"c1", t0 + sec},
           ag::end_call{"c1", 0, t0 + 61 * sec}, ag::logout{"by_agent", t0 + 62 * sec},
           ag::login{{}, true, t0 + 100 * sec}});
  CHECK(a.s.calls_handled == 0);
  CHECK(a.s.talk_time_ms == 0);
}

TEST_CASE("agent: wrap-up time: the agent's own setting wins over the queue's") {
  auto q = make_queue("sales");
  q.wrap_up_ms = 10'000;
  auto def = voice_agent("a1");
  CHECK(ag::effective_wrap_up_ms(def, q) == 10'000);
  def.wrap_up_ms = 3'000;
  CHECK(ag::effective_wrap_up_ms(def, q) == 3'000);
  def.wrap_up_ms = 0;
  CHECK(ag::effective_wrap_up_ms(def, q) == 0);
}

TEST_CASE("agent: evolve never refuses, even events about contacts it does not know") {
  auto a = ready_agent();
  a.given({agent_call_started{"a1", "ghost", contact_channel::voice}}, t0);
  CHECK(ag::status_of(a.s) == ag::status::on_call);
  a.given({agent_call_held{"a1", "nobody", true}, agent_wrap_up_ended{"a1", "nobody"},
           agent_reservation_ended{"a1", "nobody", "no_answer"}},
          t0);
  CHECK(ag::status_of(a.s) == ag::status::on_call);
}

TEST_CASE("agent: stream name") {
  CHECK(ag::stream_name("a7") == "agent-a7");
}

TEST_CASE("agent: skills change at runtime, replacing the whole set, validated") {
  auto a = ready_agent(voice_agent("a1", {{"billing", 50}}));
  then_events(a.step(ag::set_skills{{{"billing", 80}, {"english", 30}}, "coached", t0}),
              {agent_skills_changed{"a1", {{"billing", 80}, {"english", 30}}, "coached"}});
  CHECK(a.s.definition.skills == std::map<std::string, int>{{"billing", 80}, {"english", 30}});
  // The same set again: nothing; an empty set is allowed (a trainee with no skill).
  then_nothing(a.step(ag::set_skills{{{"billing", 80}, {"english", 30}}, "", t0}));
  then_types(a.step(ag::set_skills{{}, "", t0}), {"agent.skills_changed"});
  CHECK(a.s.definition.skills.empty());
  then_rejected(a.step(ag::set_skills{{{"billing", 0}}, "", t0}), "invalid_argument");
  then_rejected(a.step(ag::set_skills{{{"billing", 101}}, "", t0}), "invalid_argument");
  then_rejected(a.step(ag::set_skills{{{"", 10}}, "", t0}), "invalid_argument");
  then_rejected(a.step(ag::set_skills{{{"bad name", 10}}, "", t0}), "invalid_argument");
  CHECK(ag::check_skills({{"a.b-c_d", 1}, {"z", 100}}) == std::nullopt);
  CHECK(ag::check_skills({{"x", 0}})->detail == "skill 'x': level 0 is not within 1..100");
}

TEST_CASE("agent: a skill change holds for a logged-out agent and across its next login") {
  auto a = fresh(voice_agent("a1", {{"billing", 50}}));
  then_types(a.step(ag::set_skills{{{"billing", 90}}, "", t0}), {"agent.skills_changed"});
  a.after({ag::login{{}, true, t0}});
  CHECK(a.s.definition.skills.at("billing") == 90);
}

TEST_CASE("agent: queues change at runtime: the session's at once, and the next login's") {
  auto a = ready_agent(voice_agent("a1", {}, {"sales"}));
  then_events(a.step(ag::set_queues{{"support", "vip"}, "moved", t0}),
              {agent_queues_changed{"a1", {"support", "vip"}, "moved"}});
  CHECK(a.s.queues == std::vector<std::string>{"support", "vip"});
  CHECK(ag::status_of(a.s) == ag::status::ready); // moving is not a state change
  then_nothing(a.step(ag::set_queues{{"support", "vip"}, "", t0}));
  then_rejected(a.step(ag::set_queues{{}, "", t0}), "invalid_argument");
  then_rejected(a.step(ag::set_queues{{"vip", "vip"}, "", t0}), "invalid_argument");
  then_rejected(a.step(ag::set_queues{{""}, "", t0}), "invalid_argument");

  auto out = fresh(voice_agent("a2", {}, {"sales"}));
  then_types(out.step(ag::set_queues{{"support"}, "", t0}), {"agent.queues_changed"});
  CHECK(out.s.queues.empty()); // logged out: no session
  out.after({ag::login{{}, true, t0}});
  CHECK(out.s.queues == std::vector<std::string>{"support"});
}

TEST_CASE(
    "agent: a disposition is set on an answered call, held or in after-call work, and again") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}});
  // ringing: not yet
  then_rejected(a.when(ag::set_disposition{"c1", "sale", "", {}, t0}), "not_answered");
  a.after({ag::answer{"c1", t0 + sec}});
  then_events(a.step(ag::set_disposition{"c1", "sale", "wants the blue one", {}, t0 + 2 * sec}),
              {agent_disposition_set{"a1", "c1", "sale", "wants the blue one"}});
  a.after({ag::hold{"c1", t0 + 3 * sec}});
  then_types(a.step(ag::set_disposition{"c1", "sale", "", {}, t0 + 4 * sec}),
             {"agent.disposition_set"});
  a.after({ag::resume{"c1", t0 + 5 * sec}, ag::end_call{"c1", 5'000, t0 + 6 * sec}});
  REQUIRE(ag::status_of(a.s) == ag::status::wrap_up);
  // in after-call work; the same one again is recorded again (the newest wins)
  then_events(a.step(ag::set_disposition{"c1", "no_sale", "changed mind", {}, t0 + 7 * sec}),
              {agent_disposition_set{"a1", "c1", "no_sale", "changed mind"}});
  then_events(a.step(ag::set_disposition{"c1", "no_sale", "changed mind", {}, t0 + 7 * sec}),
              {agent_disposition_set{"a1", "c1", "no_sale", "changed mind"}});
  CHECK(ag::status_of(a.s) == ag::status::wrap_up); // a disposition changes no state
  a.after({ag::end_wrap_up{"c1", t0 + 11 * sec}});
  // not after: the desk let the call go
  then_rejected(a.when(ag::set_disposition{"c1", "sale", "", {}, t0 + 12 * sec}), "not_on_desk");
  then_rejected(a.when(ag::set_disposition{"c9", "sale", "", {}, t0 + 12 * sec}), "not_on_desk");
}

TEST_CASE("agent: a disposition code must be one of the queue's codes when it lists any") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}, ag::answer{"c1", t0 + sec}});
  const std::vector<std::string> codes{"sale", "no_sale"};
  auto out = a.when(ag::set_disposition{"c1", "maybe", "", codes, t0 + 2 * sec});
  then_rejected(out, "unknown_disposition");
  CHECK(out.error().detail ==
        "disposition code 'maybe' is not one of queue sales's: sale, no_sale");
  then_types(a.when(ag::set_disposition{"c1", "no_sale", "", codes, t0 + 2 * sec}),
             {"agent.disposition_set"});
}

TEST_CASE("agent: bad disposition codes and notes are refused, each saying why") {
  auto a = ready_agent();
  a.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}, ag::answer{"c1", t0 + sec}});
  auto refused = [&](std::string code, std::string notes) {
    auto out = a.when(ag::set_disposition{"c1", std::move(code), std::move(notes), {}, t0});
    REQUIRE_FALSE(out.accepted());
    CHECK(out.error().code == "invalid_argument");
    return out.error().detail;
  };
  CHECK(refused("", "") == "disposition code: must not be empty");
  CHECK(refused("   ", "") == "disposition code: must not be empty");
  CHECK(refused(std::string(65, 'x'), "") ==
        "disposition code: must be at most 64 characters (got 65)");
  CHECK(refused("a\tb", "").starts_with("disposition code: must be valid UTF-8"));
  CHECK(refused("\xff", "").starts_with("disposition code: must be valid UTF-8"));
  CHECK(refused("sale", std::string(4001, 'n')) ==
        "notes: must be at most 4000 characters (got 4001)");
  CHECK(refused("sale", "bell\a").starts_with("notes: must be valid UTF-8"));
  // characters, not bytes: 64 Chinese characters (192 bytes) and 4,000 of them in the notes
  std::string han;
  for (int i = 0; i < 64; ++i)
    han += "\xe5\xa5\xbd"; // 好
  CHECK(ag::check_disposition_code(han) == std::nullopt);
  std::string long_notes;
  for (int i = 0; i < 4000; ++i)
    long_notes += "\xe5\xa5\xbd";
  CHECK(ag::check_disposition_notes(long_notes) == std::nullopt);
  CHECK(ag::check_disposition_notes("line one\nline two\ttabbed\r\n") == std::nullopt);
  CHECK(ag::disposition_allowed({}, "anything"));
  CHECK_FALSE(ag::disposition_allowed({"sale"}, "Sale"));
}
