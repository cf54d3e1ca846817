// Ported behaviour specs: the scenarios of Asterisk's app_queue test suite
// (tests/apps/queues in the Asterisk testsuite), re-expressed against our
// deciders. Only the behaviour is ported — what a caller and a member see —
// not any code; where hotline deliberately differs, the test says so (and
// docs/acd.md explains why).
#include "acd_support.hpp"

#include "events/acd/call_rules.hpp"

#include "events/acd/candidate.hpp"
#include "events/acd/routing.hpp"
#include "events/acd/widening.hpp"

using namespace acd_test;
namespace ag = hotline::events::acd::agent;
namespace cl = hotline::events::acd::call;
namespace qu = hotline::events::acd::queue;

namespace {

using agent_subject = subject<agent_ops>;
using call_subject = subject<call_ops>;
using queue_subject = subject<queue_ops>;

agent_subject member(std::string id, int level = 5, std::int64_t wrap_up_ms = -1) {
  auto def = voice_agent(std::move(id), {{"billing", level}});
  def.wrap_up_ms = wrap_up_ms;
  agent_subject a{ag::initial_state(def)};
  a.after({ag::login{{}, true, t0}});
  return a;
}

call_subject caller(const std::string& id, std::int64_t at = t0) {
  call_subject c{cl::initial_state(id)};
  cl::arrive a;
  a.call_id = id;
  a.caller = "+86" + id;
  a.now_ns = at;
  c.after({a});
  return c;
}

/// Joins the queue and records the call's place and wait on the call.
void enter(queue_subject& q, call_subject& c, std::int32_t priority, std::int64_t at,
           qu::availability members = {1, 1}) {
  qu::join j;
  j.call_id = c.s.call_id;
  j.priority = priority;
  j.members = members;
  j.now_ns = at;
  auto out = q.step(j);
  REQUIRE_MESSAGE(out.accepted(), out.error().code);
  c.after(
      {cl::enqueue{q.s.definition.id, priority, qu::position(q.s, c.s.call_id), 0, "entry", at}});
}

std::vector<acd::candidate> snapshot(const queue_definition& q,
                                     std::vector<agent_subject*> agents) {
  std::vector<acd::candidate> out;
  for (auto* a : agents)
    out.push_back(acd::make_candidate(a->s, q));
  return out;
}

acd::match_result route(const queue_subject& q, std::vector<agent_subject*> agents,
                        std::int64_t now) {
  std::vector<acd::waiting_call> waiting;
  for (const auto& e : qu::in_order(q.s))
    waiting.push_back(acd::make_waiting_call(e, now));
  return acd::match_queue(q.s.definition, waiting, snapshot(q.s.definition, agents), {}, now, 7);
}

} // namespace

TEST_CASE("ported: queue_baseline: a caller waits, a member answers, the call completes") {
  auto def = make_queue("sales", {{"billing", 1}});
  queue_subject q{qu::initial_state(def)};
  auto a1 = member("a1");
  auto c = caller("c1");
  enter(q, c, 0, t0 + sec);
  auto m = route(q, {&a1}, t0 + 2 * sec);
  REQUIRE(m.assignments.size() == 1);
  CHECK(m.assignments[0].agents == std::vector<std::string>{"a1"});
  a1.after({ag::reserve{"c1", "sales", contact_channel::voice, t0 + 2 * sec}});
  c.after({cl::offer{"a1", def.ring_timeout_ms, m.assignments[0].reason, t0 + 2 * sec}});
  a1.after({ag::answer{"c1", t0 + 5 * sec}});
  then_events(c.step(cl::connect{"a1", t0 + 5 * sec}),
              {call_connected{"c1", "sales", "a1", 4'000}});
  q.after({qu::leave{"c1", "connected", t0 + 5 * sec}});
  CHECK(qu::in_order(q.s).empty());
  then_types(c.step(cl::hang_up{"caller", t0 + 65 * sec}), {"call.ended"});
  CHECK(c.s.outcome == call_outcome::completed);
  a1.after({ag::end_call{"c1", ag::effective_wrap_up_ms(a1.s.definition, def), t0 + 65 * sec}});
  CHECK(ag::status_of(a1.s) == ag::status::wrap_up);
  a1.after({ag::end_wrap_up{"c1", t0 + 75 * sec}});
  CHECK(ag::status_of(a1.s) == ag::status::ready);
  CHECK(a1.s.calls_handled == 1);
  CHECK(a1.s.talk_time_ms == 60'000);
}

TEST_CASE(
    "ported: position_priority_maxlen: positions follow priority, maxlen turns callers away") {
  auto def = make_queue("sales");
  def.max_length = 4;
  queue_subject q{qu::initial_state(def)};
  std::vector<call_subject> calls;
  const std::int32_t priorities[] = {0, 0, 5, 2};
  const int expected_position_on_join[] = {1, 2, 1, 2};
  for (int i = 0; i < 4; ++i) {
    calls.push_back(caller("c" + std::to_string(i + 1)));
    enter(q, calls.back(), priorities[i], t0 + i * sec);
    CHECK(qu::position(q.s, calls.back().s.call_id) == expected_position_on_join[i]);
  }
  std::vector<std::string> order;
  for (const auto& e : qu::in_order(q.s))
    order.push_back(e.call_id);
  CHECK(order == std::vector<std::string>{"c3", "c4", "c1", "c2"});
  qu::join fifth;
  fifth.call_id = "c5";
  fifth.priority = 9; // priority does not get past maxlen
  fifth.members = {1, 1};
  then_rejected(q.when(fifth), "queue_full");
}

TEST_CASE("ported: penalty range: skill level range, widened while the caller waits") {
  // Asterisk's penalty (lower is better) maps to our skill level (higher is
  // better); its min/max penalty window per call maps to a min level the
  // queue lowers over time (widening). We have no upper bound: an expert is
  // never excluded, only preferred.
  auto def = make_queue("sales", {{"billing", 7}});
  def.widening = {{30'000, 3, {}}};
  queue_subject q{qu::initial_state(def)};
  auto junior = member("junior", 4);
  auto c = caller("c1");
  enter(q, c, 0, t0);
  CHECK(route(q, {&junior}, t0 + 29 * sec).assignments.empty());
  const auto timers = acd::wait_timers(def, 30'000, c.s.widening_step); // the call actor's timers
  REQUIRE(timers.size() == 1);
  CHECK(timers[0].what == acd::wait_timer::kind::widen);
  CHECK(timers[0].step == 0);
  CHECK(timers[0].after_ms == 0); // due now
  then_events(c.step(cl::widen{0, 3, {}, t0 + 30 * sec}), {call_widened{"c1", "sales", 0, 3, {}}});
  auto m = route(q, {&junior}, t0 + 30 * sec);
  REQUIRE(m.assignments.size() == 1);
  CHECK(m.assignments[0].agents == std::vector<std::string>{"junior"});
  SUBCASE("an expert who frees up first still answers first") {
    auto expert = member("expert", 9);
    auto m2 = route(q, {&junior, &expert}, t0 + 30 * sec);
    CHECK(m2.assignments.at(0).agents == std::vector<std::string>{"expert"});
  }
}

TEST_CASE("ported: all members paused, no answer: nobody rings, join/leave-empty rules apply") {
  auto def = make_queue("sales");
  auto a1 = member("a1");
  auto a2 = member("a2");
  a1.after({ag::set_not_ready{"break", t0}});
  a2.after({ag::set_not_ready{"lunch", t0}});
  auto sum = acd::summarize(def, snapshot(def, {&a1, &a2}));
  CHECK(sum.logged_in == 2);
  CHECK(sum.unpaused == 0);
  SUBCASE("joinempty=no: the caller waits and nobody is offered the call") {
    queue_subject q{qu::initial_state(def)};
    auto c = caller("c1");
    enter(q, c, 0, t0, sum);
    CHECK(route(q, {&a1, &a2}, t0 + 60 * sec).assignments.empty());
    a2.after({ag::set_ready{t0 + 61 * sec}}); // back from lunch: rings at once
    CHECK(route(q, {&a1, &a2}, t0 + 61 * sec).assignments.at(0).agents ==
          std::vector<std::string>{"a2"});
  }
  SUBCASE("joinempty=paused: the caller is turned away") {
    def.join_empty = empty_rule::no_available;
    queue_subject q{qu::initial_state(def)};
    qu::join j;
    j.call_id = "c1";
    j.members = sum;
    then_rejected(q.when(j), "queue_empty");
  }
  SUBCASE("leavewhenempty=paused: waiting callers overflow") {
    def.leave_empty = empty_rule::no_available;
    def.overflow = overflow_action::voicemail;
    queue_subject q{qu::initial_state(def)};
    auto c = caller("c1");
    enter(q, c, 0, t0, {2, 1});
    CHECK(qu::calls_to_eject(q.s, sum) == std::vector<std::string>{"c1"});
    then_types(c.step(cl::overflow{to_string(def.overflow), "", "queue_empty", t0 + sec}),
               {"call.overflowed", "call.ended"});
    CHECK(c.s.outcome == call_outcome::voicemail);
  }
}

TEST_CASE(
    "ported: no answer: the ring times out, the caller keeps its place and is offered again") {
  auto def = make_queue("sales");
  def.max_no_answer = 2;
  queue_subject q{qu::initial_state(def)};
  auto a1 = member("a1");
  auto a2 = member("a2");
  a2.after({ag::set_not_ready{"break", t0}});
  auto c1 = caller("c1");
  auto c2 = caller("c2");
  enter(q, c1, 0, t0);
  enter(q, c2, 0, t0 + sec);
  a1.after({ag::reserve{"c1", "sales", contact_channel::voice, t0 + 2 * sec}});
  c1.after({cl::offer{"a1", 15'000, "", t0 + 2 * sec}});
  // 15 s later nobody answered.
  a1.after({ag::ring_timeout{"c1", def.max_no_answer, t0 + 17 * sec}});
  then_events(c1.step(cl::end_offer{"a1", "no_answer", t0 + 17 * sec}),
              {call_offer_ended{"c1", "a1", "no_answer"}});
  CHECK(qu::position(q.s, "c1") == 1); // still first
  auto m = route(q, {&a1, &a2}, t0 + 18 * sec);
  REQUIRE(m.assignments.size() == 1);
  CHECK(m.assignments[0].call_id == "c1"); // not c2: the place is kept
  a1.after({ag::reserve{"c1", "sales", contact_channel::voice, t0 + 18 * sec}});
  then_events(c1.step(cl::offer{"a1", 15'000, "", t0 + 18 * sec}),
              {call_offered{"c1", "sales", "a1", 2, 15'000, ""}});
  // A second miss in a row pauses the member (Asterisk: autopause).
  then_events(
      a1.step(ag::ring_timeout{"c1", def.max_no_answer, t0 + 33 * sec}),
      {agent_reservation_ended{"a1", "c1", "no_answer"}, agent_not_ready{"a1", "auto_pause"}});
  c1.after({cl::end_offer{"a1", "no_answer", t0 + 33 * sec}});
  CHECK(route(q, {&a1, &a2}, t0 + 34 * sec).assignments.empty());
}

TEST_CASE("ported: wrapup_time: each member's own wrap-up, unavailable until it ends") {
  auto def = make_queue("sales");
  def.wrap_up_ms = 10'000;
  queue_subject q{qu::initial_state(def)};
  auto quick = member("quick", 5, 2'000); // own setting
  auto usual = member("usual", 5);        // the queue's
  CHECK(ag::effective_wrap_up_ms(quick.s.definition, def) == 2'000);
  CHECK(ag::effective_wrap_up_ms(usual.s.definition, def) == 10'000);
  for (auto* a : {&quick, &usual}) {
    a->after({ag::reserve{"x-" + a->s.definition.id, "sales", contact_channel::voice, t0},
              ag::answer{"x-" + a->s.definition.id, t0},
              ag::end_call{"x-" + a->s.definition.id,
                           ag::effective_wrap_up_ms(a->s.definition, def), t0 + 10 * sec}});
  }
  auto c = caller("c1");
  enter(q, c, 0, t0 + 11 * sec);
  CHECK(route(q, {&quick, &usual}, t0 + 11 * sec).assignments.empty()); // both in wrap-up
  quick.after({ag::end_wrap_up{"x-quick", t0 + 12 * sec}});             // its 2 s timer fired
  CHECK(route(q, {&quick, &usual}, t0 + 12 * sec).assignments.at(0).agents ==
        std::vector<std::string>{"quick"});
}

TEST_CASE("ported: ringinuse and pause: a busy or paused member is not rung") {
  // Asterisk's ringinuse=yes would ring a member already on a call; hotline
  // counts contacts against per-channel capacity instead, so a voice agent
  // on a call is never rung for a second voice call.
  auto def = make_queue("sales");
  queue_subject q{qu::initial_state(def)};
  auto busy = member("busy");
  auto paused = member("paused");
  busy.after({ag::reserve{"other", "sales", contact_channel::voice, t0}, ag::answer{"other", t0}});
  paused.after({ag::set_not_ready{"break", t0}});
  auto c = caller("c1");
  enter(q, c, 0, t0 + sec);
  CHECK(route(q, {&busy, &paused}, t0 + 2 * sec).assignments.empty());
  then_rejected(busy.when(ag::reserve{"c1", "sales", contact_channel::voice, t0 + 2 * sec}),
                "at_capacity");
  then_rejected(paused.when(ag::reserve{"c1", "sales", contact_channel::voice, t0 + 2 * sec}),
                "not_ready");
  paused.after({ag::set_ready{t0 + 3 * sec}}); // unpause
  CHECK(route(q, {&busy, &paused}, t0 + 3 * sec).assignments.at(0).agents ==
        std::vector<std::string>{"paused"});
}

TEST_CASE("ported: blind transfer: the call goes back to a queue with its data, the first member "
          "wraps up") {
  auto billing = make_queue("billing");
  queue_subject qb{qu::initial_state(billing)};
  auto a1 = member("a1");
  auto a2 = member("a2", 5);
  a2.s.queues = {"billing"};
  auto c = caller("c1");
  c.after({cl::enqueue{"sales", 0, 1, 0, "", t0}, cl::offer{"a1", 15'000, "", t0},
           cl::connect{"a1", t0 + sec}});
  a1.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}, ag::answer{"c1", t0 + sec}});
  then_events(
      c.step(cl::transfer{transfer_mode::blind, "a1", transfer_target_kind::queue, "billing",
                          t0 + 30 * sec}),
      {call_transferred{"c1", transfer_mode::blind, "a1", transfer_target_kind::queue, "billing"}});
  a1.after({ag::end_call{"c1", 5'000, t0 + 30 * sec}});
  CHECK(ag::status_of(a1.s) == ag::status::wrap_up);
  enter(qb, c, 0, t0 + 30 * sec);
  CHECK(c.s.queue == "billing");
  auto m = route(qb, {&a1, &a2}, t0 + 31 * sec);
  CHECK(m.assignments.at(0).agents == std::vector<std::string>{"a2"});
  a2.after({ag::reserve{"c1", "billing", contact_channel::voice, t0 + 31 * sec},
            ag::answer{"c1", t0 + 33 * sec}});
  c.after({cl::offer{"a2", 15'000, "", t0 + 31 * sec}, cl::connect{"a2", t0 + 33 * sec}});
  CHECK(c.s.agent_id == "a2");
  CHECK(c.s.transfers == 1);
}

TEST_CASE("ported: attended transfer: consult with the caller on hold, then hand over") {
  auto a1 = member("a1");
  auto a2 = member("a2");
  auto c = caller("c1");
  c.after({cl::enqueue{"sales", 0, 1, 0, "", t0}, cl::offer{"a1", 15'000, "", t0},
           cl::connect{"a1", t0 + sec}});
  a1.after({ag::reserve{"c1", "sales", contact_channel::voice, t0}, ag::answer{"c1", t0 + sec}});
  // a1 holds the caller and calls a2 about this call.
  c.after({cl::hold{"a1", t0 + 20 * sec}});
  a1.after({ag::hold{"c1", t0 + 20 * sec}});
  c.after({cl::consult{"a1", "a2", "transfer", 15'000, "", t0 + 21 * sec}});
  a2.after({ag::reserve{"c1", "sales", contact_channel::voice, t0 + 21 * sec},
            ag::answer{"c1", t0 + 23 * sec}});
  // a2 answers: a1 and a2 talk, the caller waits on hold.
  then_events(c.step(cl::start_consultation{"a2", t0 + 23 * sec}),
              {call_consultation_started{"c1", "a1", "a2"}});
  // Until the transfer completes the call is a1's: a2 cannot act on it.
  then_rejected(c.when(cl::hold{"a2", t0 + 24 * sec}), "not_your_call");
  then_events(c.step(cl::transfer{transfer_mode::consultative, "a1", transfer_target_kind::agent,
                                  "a2", t0 + 40 * sec}),
              {call_transferred{"c1", transfer_mode::consultative, "a1",
                                transfer_target_kind::agent, "a2"}});
  a1.after({ag::end_call{"c1", 0, t0 + 40 * sec}});
  CHECK(cl::status_of(c.s) == cl::status::connected);
  CHECK(c.s.agent_id == "a2");
  CHECK(ag::status_of(a1.s) == ag::status::ready);
  CHECK(ag::status_of(a2.s) == ag::status::on_call);
  then_types(c.step(cl::hang_up{"agent", t0 + 100 * sec}), {"call.ended"});
  CHECK(c.s.agent_id == "a2");
}
