// Routing (events/acd/routing.hpp), widening (widening.hpp) and agent
// snapshots (candidate.hpp).
#include "acd_support.hpp"

#include "events/acd/call_rules.hpp"
#include "events/acd/candidate.hpp"
#include "events/acd/routing.hpp"
#include "events/acd/widening.hpp"

using namespace acd_test;
using namespace hotline::events::acd;

namespace {

candidate cand(std::string id, std::map<std::string, int> skills = {{"billing", 5}},
               std::vector<std::string> queues = {"sales"}) {
  candidate c;
  c.agent_id = std::move(id);
  c.skills = std::move(skills);
  c.queues = std::move(queues);
  c.available = true;
  c.idle_since_ns = t0;
  return c;
}

queue_definition sales(routing_strategy s = routing_strategy::longest_idle) {
  return make_queue("sales", {{"billing", 1}}, s);
}

selection pick(const queue_definition& q, const std::vector<candidate>& agents,
               strategy_memory memory = {}, std::uint64_t seed = 1) {
  return select_agents(q, base_requirements(q), agents, memory, t0 + 100 * sec, seed);
}

waiting_call waiting(std::string id, std::int32_t priority, std::uint64_t seq,
                     std::int64_t waited_ms = 0) {
  waiting_call w;
  w.call_id = std::move(id);
  w.priority = priority;
  w.sequence = seq;
  w.waited_ms = waited_ms;
  return w;
}

} // namespace

TEST_CASE("routing: only eligible agents: skill level, queue, availability, reject delay") {
  auto q = make_queue("sales", {{"billing", 5}, {"english", 3}});
  auto ok = cand("ok", {{"billing", 5}, {"english", 3}});
  auto low = cand("low", {{"billing", 4}, {"english", 9}});
  auto missing = cand("missing", {{"billing", 9}});
  auto other_queue = cand("other", {{"billing", 9}, {"english", 9}}, {"support"});
  auto busy = cand("busy", {{"billing", 9}, {"english", 9}});
  busy.available = false;
  auto blocked = cand("blocked", {{"billing", 9}, {"english", 9}});
  blocked.blocked_until_ns = t0 + 101 * sec;
  auto sel = pick(q, {low, missing, other_queue, busy, blocked, ok});
  CHECK(sel.agents == std::vector<std::string>{"ok"});
  CHECK(pick(q, {low, missing, other_queue, busy}).agents.empty());
  blocked.blocked_until_ns = t0 + 100 * sec; // the delay has just passed
  CHECK(pick(q, {blocked, ok}).agents == std::vector<std::string>{"blocked"});
}

TEST_CASE("routing: the best level answers first, a multi-skill level is the weakest skill") {
  auto q = make_queue("sales", {{"billing", 1}, {"english", 1}});
  auto a = cand("a", {{"billing", 9}, {"english", 2}}); // level 2
  auto b = cand("b", {{"billing", 4}, {"english", 4}}); // level 4
  a.idle_since_ns = t0 - 1000 * sec;                    // idle much longer, but less able
  auto sel = pick(q, {a, b});
  CHECK(sel.agents == std::vector<std::string>{"b"});
  CHECK(sel.level == 4);
  CHECK(level_of(a, base_requirements(q)) == 2);
  CHECK(level_of(cand("x", {{"billing", 9}}), base_requirements(q)) == -1);
  CHECK(level_of(a, base_requirements(make_queue("any"))) == 0);
}

TEST_CASE("routing: longest idle among equals, with a reason") {
  auto a = cand("a");
  auto b = cand("b");
  b.idle_since_ns = t0 + 58 * sec; // idle 42 s at t0 + 100 s
  a.idle_since_ns = t0 + 90 * sec;
  auto sel = pick(sales(), {a, b});
  CHECK(sel.agents == std::vector<std::string>{"b"});
  CHECK(sel.reason == "level 5, longest idle 42 s");
}

TEST_CASE("routing: ties fall to the agent id, whatever the input order") {
  CHECK(pick(sales(), {cand("b"), cand("a")}).agents == std::vector<std::string>{"a"});
  CHECK(pick(sales(), {cand("a"), cand("b")}).agents == std::vector<std::string>{"a"});
}

TEST_CASE("routing: round robin continues after the agent offered last, and wraps") {
  auto q = sales(routing_strategy::round_robin);
  std::vector<candidate> all{cand("a3"), cand("a1"), cand("a2")};
  CHECK(pick(q, all).agents == std::vector<std::string>{"a1"});
  CHECK(pick(q, all, {"a1"}).agents == std::vector<std::string>{"a2"});
  CHECK(pick(q, all, {"a2"}).agents == std::vector<std::string>{"a3"});
  CHECK(pick(q, all, {"a3"}).agents == std::vector<std::string>{"a1"});
  CHECK(pick(q, all, {"a15"}).agents == std::vector<std::string>{"a2"}); // the last one logged out
  CHECK(pick(q, all, {"a1"}).reason == "level 5, round robin after a1");
}

TEST_CASE("routing: round robin memory carries across a queue match") {
  auto q = sales(routing_strategy::round_robin);
  std::vector<candidate> all{cand("a1"), cand("a2"), cand("a3")};
  auto m1 = match_queue(q, {waiting("c1", 0, 1), waiting("c2", 0, 2)}, all, {}, t0, 1);
  REQUIRE(m1.assignments.size() == 2);
  CHECK(m1.assignments[0].agents == std::vector<std::string>{"a1"});
  CHECK(m1.assignments[1].agents == std::vector<std::string>{"a2"});
  CHECK(m1.memory.last_agent == "a2");
  auto m2 = match_queue(q, {waiting("c3", 0, 3)}, all, m1.memory, t0, 1);
  CHECK(m2.assignments.at(0).agents == std::vector<std::string>{"a3"});
}

TEST_CASE("routing: fewest calls, then longest idle") {
  auto a = cand("a");
  auto b = cand("b");
  auto c = cand("c");
  a.calls_handled = 3;
  b.calls_handled = 1;
  c.calls_handled = 1;
  c.idle_since_ns = t0 - sec;
  auto sel = pick(sales(routing_strategy::fewest_calls), {a, b, c});
  CHECK(sel.agents == std::vector<std::string>{"c"});
  CHECK(sel.reason == "level 5, fewest calls (1)");
}

TEST_CASE("routing: least talk time") {
  auto a = cand("a");
  auto b = cand("b");
  a.talk_time_ms = 500'000;
  b.talk_time_ms = 120'000;
  auto sel = pick(sales(routing_strategy::least_talk_time), {a, b});
  CHECK(sel.agents == std::vector<std::string>{"b"});
  CHECK(sel.reason == "level 5, least talk time 120 s");
}

TEST_CASE("routing: top down by configured order") {
  auto a = cand("a");
  auto b = cand("b");
  a.order = 2;
  b.order = 1;
  a.idle_since_ns = t0 - 1000 * sec;
  auto sel = pick(sales(routing_strategy::top_down), {a, b});
  CHECK(sel.agents == std::vector<std::string>{"b"});
  CHECK(sel.reason == "level 5, top down, order 1");
}

TEST_CASE("routing: random is reproducible from the seed and spreads over the best") {
  auto q = sales(routing_strategy::random);
  std::vector<candidate> all{cand("a"), cand("b"), cand("c"), cand("low", {{"billing", 2}})};
  CHECK(pick(q, all, {}, 42).agents == pick(q, all, {}, 42).agents);
  std::map<std::string, int> seen;
  for (std::uint64_t seed = 0; seed < 300; ++seed)
    ++seen[pick(q, all, {}, seed).agents.at(0)];
  CHECK(seen.count("low") == 0);
  CHECK(seen.size() == 3);
  for (const auto& [id, n] : seen)
    CHECK(n > 60); // ~100 each
}

TEST_CASE("routing: ring all offers every best-level eligible agent") {
  auto q = sales(routing_strategy::ring_all);
  auto b = cand("b");
  b.idle_since_ns = t0 - sec;
  auto sel = pick(q, {cand("a"), b, cand("low", {{"billing", 2}}), cand("c")});
  CHECK(sel.agents == std::vector<std::string>{"b", "a", "c"});
  CHECK(sel.reason == "level 5, ring all (3 agents)");
  auto m = match_queue(q, {waiting("c1", 0, 1), waiting("c2", 0, 2)},
                       {cand("a"), cand("b"), cand("low", {{"billing", 2}})}, {}, t0, 1);
  REQUIRE(m.assignments.size() == 2);
  CHECK(m.assignments[0].agents == std::vector<std::string>{"a", "b"});
  CHECK(m.assignments[1].agents ==
        std::vector<std::string>{"low"}); // the next best for the next call
}

TEST_CASE("matching: VIP first, FIFO within priority, distinct agents") {
  auto m = match_queue(sales(), {waiting("n1", 0, 1), waiting("v1", 10, 3), waiting("n2", 0, 2)},
                       {cand("a"), cand("b")}, {}, t0, 1);
  REQUIRE(m.assignments.size() == 2);
  CHECK(m.assignments[0].call_id == "v1");
  CHECK(m.assignments[1].call_id == "n1");
  CHECK(m.assignments[0].agents != m.assignments[1].agents);
}

TEST_CASE("matching: a call nobody can answer does not block the calls behind it") {
  auto q = make_queue("sales", {{"billing", 8}});
  q.widening = {{30'000, 4, {}}};
  // c1 waited 40 s: widened to level 4; c2 waited 10 s still needs 8. Only a 5 is free:
  auto m = match_queue(q, {waiting("c2", 5, 1, 10'000), waiting("c1", 0, 2, 40'000)},
                       {cand("a5", {{"billing", 5}})}, {}, t0, 1);
  REQUIRE(m.assignments.size() == 1);
  CHECK(m.assignments[0].call_id == "c1");
  CHECK(m.assignments[0].reason == "level 5, longest idle 0 s, widened to step 0");
}

TEST_CASE("matching: a call's own skills skip an agent without them, and other calls take that "
          "agent") {
  auto q = sales(); // billing >= 1
  auto plain = cand("plain", {{"billing", 5}});
  plain.idle_since_ns = t0 - 600 * sec; // idle longest: first pick for a call without skills
  auto yue = cand("yue", {{"billing", 3}, {"lang-yue", 2}});
  auto cantonese = waiting("c1", 0, 1);
  cantonese.skills = {{"lang-yue", 1}};
  SUBCASE("with both free: the Cantonese caller gets the Cantonese speaker, the next the other") {
    auto m = match_queue(q, {cantonese, waiting("c2", 0, 2)}, {plain, yue}, {}, t0, 1);
    REQUIRE(m.assignments.size() == 2);
    CHECK(m.assignments[0].call_id == "c1");
    CHECK(m.assignments[0].agents == std::vector<std::string>{"yue"});
    CHECK(m.assignments[0].level == 2); // the lowest of billing 3 and lang-yue 2
    CHECK(m.assignments[0].reason ==
          "level 2, longest idle 0 s, with the call's skills lang-yue>=1");
    CHECK(m.assignments[1].call_id == "c2");
    CHECK(m.assignments[1].agents == std::vector<std::string>{"plain"});
    CHECK(m.assignments[1].level == 5);
  }
  SUBCASE("only the agent without the skill free: the caller waits, the call behind it is served") {
    auto m = match_queue(q, {cantonese, waiting("c2", 0, 2)}, {plain}, {}, t0, 1);
    REQUIRE(m.assignments.size() == 1);
    CHECK(m.assignments[0].call_id == "c2");
    CHECK(m.assignments[0].agents == std::vector<std::string>{"plain"});
    CHECK(match_queue(q, {cantonese}, {plain}, {}, t0, 1).assignments.empty());
  }
  SUBCASE("a level below the call's minimum is not eligible") {
    cantonese.skills = {{"lang-yue", 3}};
    CHECK(match_queue(q, {cantonese}, {plain, yue}, {}, t0, 1).assignments.empty());
  }
  SUBCASE("a call without skills takes the first agent as before") {
    auto m = match_queue(q, {waiting("c2", 0, 2)}, {yue, plain}, {}, t0, 1);
    REQUIRE(m.assignments.size() == 1);
    CHECK(m.assignments[0].agents == std::vector<std::string>{"plain"});
    CHECK(m.assignments[0].reason == "level 5, longest idle 600 s");
  }
  SUBCASE("a preferred agent must have the call's skills too") {
    cantonese.preferred_agent = "plain";
    cantonese.preferred_until_ns = t0 + 30 * sec;
    CHECK(match_queue(q, {cantonese}, {plain, yue}, {}, t0, 1).assignments.empty());
    cantonese.preferred_agent = "yue";
    auto m = match_queue(q, {cantonese}, {plain, yue}, {}, t0, 1);
    REQUIRE(m.assignments.size() == 1);
    CHECK(m.assignments[0].reason == "preferred agent yue (familiar), level 2");
  }
}

TEST_CASE("matching: a call's skills and the queue's combine, the level is the lowest of them") {
  auto q = make_queue("sales", {{"billing", 2}});
  auto a = cand("a", {{"billing", 9}, {"lang-yue", 2}}); // level 2
  auto b = cand("b", {{"billing", 4}, {"lang-yue", 4}}); // level 4
  auto c = cand("c", {{"billing", 1}, {"lang-yue", 9}}); // below the queue's billing 2
  a.idle_since_ns = t0 - 1000 * sec;
  c.idle_since_ns = t0 - 2000 * sec;
  auto w = waiting("c1", 0, 1);
  w.skills = {{"lang-yue", 1}};
  auto m = match_queue(q, {w}, {a, b, c}, {}, t0, 1);
  REQUIRE(m.assignments.size() == 1);
  CHECK(m.assignments[0].agents == std::vector<std::string>{"b"});
  CHECK(m.assignments[0].level == 4);
  const auto r = with_call_skills(base_requirements(q), w.skills);
  CHECK(level_of(a, r) == 2);
  CHECK(level_of(c, r) == 1);
  CHECK_FALSE(is_eligible(c, r, t0)); // billing 1 < 2
  CHECK(is_eligible(b, r, t0));
  CHECK(level_of(cand("x", {{"billing", 9}}), r) == -1);
  // A skill both ask for keeps the higher minimum: the agent must meet both.
  auto both = with_call_skills(base_requirements(q), {{"billing", 5}, {"lang-yue", 1}});
  REQUIRE(both.skills.size() == 2);
  CHECK(both.skills[0] == skill_requirement{"billing", 5});
  CHECK(both.skills[1] == skill_requirement{"lang-yue", 1});
  CHECK(with_call_skills(base_requirements(q), {{"billing", 1}}).skills ==
        std::vector<skill_requirement>{{"billing", 2}});
  CHECK(both.queues == std::vector<std::string>{"sales"});
}

TEST_CASE("matching: widening relaxes the queue's requirements, never a call's own skills") {
  auto q = make_queue("sales", {{"billing", 8}});
  q.widening = {{30'000, 4, {"general"}}};
  auto w = waiting("c1", 0, 1, 40'000); // widened: billing 4, the general queue added
  w.skills = {{"lang-yue", 3}};
  auto weak = cand("weak", {{"billing", 5}, {"lang-yue", 2}});
  auto helper = cand("helper", {{"billing", 5}, {"lang-yue", 3}}, {"general"});
  CHECK(match_queue(q, {w}, {weak}, {}, t0, 1).assignments.empty());
  auto m = match_queue(q, {w}, {weak, helper}, {}, t0, 1);
  REQUIRE(m.assignments.size() == 1);
  CHECK(m.assignments[0].agents == std::vector<std::string>{"helper"});
  CHECK(m.assignments[0].reason ==
        "level 3, longest idle 0 s, widened to step 0, with the call's skills lang-yue>=3");
}

TEST_CASE("matching: a waiting call carries its entry's skills") {
  hotline::events::acd::queue::entry e;
  e.call_id = "c1";
  e.sequence = 4;
  e.joined_at_ns = t0;
  e.skills = {{"lang-yue", 1}, {"vip", 2}};
  auto w = make_waiting_call(e, t0 + 5 * sec);
  CHECK(w.waited_ms == 5000);
  CHECK(w.skills == std::vector<skill_requirement>{skill_requirement{"lang-yue", 1},
                                                   skill_requirement{"vip", 2}});
  e.skills.clear();
  CHECK(make_waiting_call(e, t0).skills.empty());
}

TEST_CASE("widening: steps apply cumulatively when due, never below level 1") {
  auto q = make_queue("sales", {{"billing", 6}, {"english", 2}});
  q.widening = {{30'000, 2, {}}, {60'000, 3, {"general"}}, {90'000, 0, {"general", "overflow"}}};
  auto r0 = effective_requirements(q, 29'999);
  CHECK(r0.step == -1);
  CHECK(r0.skills[0].min_level == 6);
  CHECK(r0.queues == std::vector<std::string>{"sales"});
  auto r1 = effective_requirements(q, 30'000);
  CHECK(r1.step == 0);
  CHECK(r1.skills[0].min_level == 4);
  CHECK(r1.skills[1].min_level == 1);
  auto r2 = effective_requirements(q, 60'000);
  CHECK(r2.step == 1);
  CHECK(r2.skills[0].min_level == 1);
  CHECK(r2.queues == std::vector<std::string>{"sales", "general"});
  auto r3 = effective_requirements(q, 95'000);
  CHECK(r3.queues == std::vector<std::string>{"sales", "general", "overflow"});
  // Due at 65 s: the steps whose timer fires now (call_rules.hpp: wait_timers).
  const auto due = [&](int applied) {
    std::vector<int> steps;
    for (const auto& t : wait_timers(q, 65'000, applied))
      if (t.what == wait_timer::kind::widen && t.after_ms == 0) steps.push_back(t.step);
    return steps;
  };
  CHECK(due(-1) == std::vector<int>{0, 1});
  CHECK(due(0) == std::vector<int>{1});
  CHECK(due(1).empty());
}

TEST_CASE("widening: an added queue's agents take the call once it is due") {
  auto q = sales();
  q.widening = {{45'000, 0, {"general"}}};
  auto helper = cand("g1", {{"billing", 5}}, {"general"});
  CHECK(match_queue(q, {waiting("c1", 0, 1, 44'000)}, {helper}, {}, t0, 1).assignments.empty());
  CHECK(match_queue(q, {waiting("c1", 0, 1, 45'000)}, {helper}, {}, t0, 1).assignments.size() == 1);
}

TEST_CASE("preferred agent: the call waits for its familiar agent, then falls back to the queue") {
  auto q = sales();
  auto familiar = cand("fam", {{"billing", 5}}, {"elsewhere"}); // need not serve the queue
  auto other = cand("other");
  auto w = waiting("c1", 0, 1);
  w.preferred_agent = "fam";
  w.preferred_until_ns = t0 + 30 * sec;
  SUBCASE("familiar agent free: gets it") {
    auto m = match_queue(q, {w}, {other, familiar}, {}, t0, 1);
    REQUIRE(m.assignments.size() == 1);
    CHECK(m.assignments[0].agents == std::vector<std::string>{"fam"});
    CHECK(m.assignments[0].reason == "preferred agent fam (familiar), level 5");
  }
  SUBCASE("familiar agent busy: waits, leaving the free agent to later calls") {
    familiar.available = false;
    auto m = match_queue(q, {w, waiting("c2", 0, 2)}, {other, familiar}, {}, t0, 1);
    REQUIRE(m.assignments.size() == 1);
    CHECK(m.assignments[0].call_id == "c2");
  }
  SUBCASE("after preferred_until: anyone eligible") {
    familiar.available = false;
    auto m = match_queue(q, {w}, {other, familiar}, {}, t0 + 30 * sec, 1);
    REQUIRE(m.assignments.size() == 1);
    CHECK(m.assignments[0].agents == std::vector<std::string>{"other"});
  }
}

TEST_CASE("candidate: an agent's state becomes a routing snapshot for a queue") {
  auto q = sales();
  q.reject_delay_ms = 5'000;
  auto def = voice_agent("a1", {{"billing", 7}});
  def.order = 4;
  auto s = acd::agent::initial_state(def);
  s = acd::agent::evolve(s, agent_logged_in{"a1", {"sales"}}, t0);
  auto c = make_candidate(s, q);
  CHECK(c.logged_in);
  CHECK(c.paused);
  CHECK_FALSE(c.available);
  s = acd::agent::evolve(s, agent_ready{"a1"}, t0 + sec);
  s = acd::agent::evolve(s, agent_reserved{"a1", "c1", "sales", contact_channel::voice},
                         t0 + 2 * sec);
  CHECK_FALSE(make_candidate(s, q).available);
  s = acd::agent::evolve(s, agent_reservation_ended{"a1", "c1", "rejected"}, t0 + 3 * sec);
  c = make_candidate(s, q);
  CHECK(c.available);
  CHECK(c.blocked_until_ns == t0 + 8 * sec);
  CHECK(c.idle_since_ns == t0 + sec);
  CHECK(c.order == 4);
  CHECK(c.skills.at("billing") == 7);
  CHECK(is_member(c, q));
  auto chat = q;
  chat.channel = contact_channel::chat;
  CHECK_FALSE(make_candidate(s, chat).available); // no chat capacity configured
}

TEST_CASE("candidate: the availability summary for join_empty / leave_empty") {
  auto q = make_queue("sales", {{"billing", 3}});
  auto paused = cand("p");
  paused.paused = true;
  paused.available = false;
  auto out = cand("o");
  out.logged_in = false;
  auto unskilled = cand("u", {{"billing", 1}});
  auto busy = cand("b");
  busy.available = false; // on a call: still counts as not paused
  auto sum = summarize(q, {paused, out, unskilled, busy, cand("r")});
  CHECK(sum.logged_in == 3);
  CHECK(sum.unpaused == 2);
}

TEST_CASE("matching with base levels kept by the caller gives what matching alone gives") {
  // Random centers: skills, levels, queues, presence and idle times vary;
  // calls wait long enough for some to reach a widening step.
  std::uint64_t x = 42;
  auto next = [&x](std::uint64_t n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (x >> 33) % n;
  };
  for (auto strategy :
       {routing_strategy::longest_idle, routing_strategy::round_robin,
        routing_strategy::fewest_calls, routing_strategy::least_talk_time,
        routing_strategy::top_down, routing_strategy::random, routing_strategy::ring_all}) {
    for (int round = 0; round < 40; ++round) {
      auto q = make_queue("sales", {{"billing", 4}, {"english", 2}}, strategy);
      q.widening = {{30'000, 2, {}}, {60'000, 0, {"general"}}};
      std::vector<candidate> agents;
      for (int i = 0; i < 12; ++i) {
        std::map<std::string, int> skills;
        if (next(5) > 0) skills["billing"] = 1 + static_cast<int>(next(8));
        if (next(5) > 0) skills["english"] = 1 + static_cast<int>(next(5));
        auto c = cand("a" + std::to_string(i), skills,
                      next(4) == 0 ? std::vector<std::string>{"general"}
                                   : std::vector<std::string>{"sales"});
        c.available = next(4) > 0;
        c.idle_since_ns = t0 + static_cast<std::int64_t>(next(50)) * sec;
        c.calls_handled = static_cast<int>(next(5));
        c.talk_time_ms = static_cast<std::int64_t>(next(5)) * 60'000;
        c.order = static_cast<int>(next(12));
        agents.push_back(std::move(c));
      }
      std::vector<waiting_call> calls;
      for (int k = 0; k < 5; ++k) {
        calls.push_back(waiting("c" + std::to_string(k), static_cast<std::int32_t>(next(2)), k,
                                static_cast<std::int64_t>(next(90)) * 1000));
        // Some calls ask for skills of their own (the base levels do not cover them).
        if (next(3) == 0) calls.back().skills = {{"english", 1 + static_cast<int>(next(4))}};
      }
      candidate_refs refs;
      std::vector<int> levels;
      for (const auto& c : agents) {
        refs.push_back(&c);
        levels.push_back(base_level(c, q));
      }
      auto plain = match_queue(q, calls, refs, {}, t0 + 100 * sec, round);
      auto kept = match_queue(q, calls, refs, levels, {}, t0 + 100 * sec, round);
      REQUIRE(plain.assignments.size() == kept.assignments.size());
      for (std::size_t i = 0; i < plain.assignments.size(); ++i) {
        CHECK(plain.assignments[i].call_id == kept.assignments[i].call_id);
        CHECK(plain.assignments[i].agents == kept.assignments[i].agents);
        CHECK(plain.assignments[i].level == kept.assignments[i].level);
        CHECK(plain.assignments[i].reason == kept.assignments[i].reason);
      }
      CHECK(plain.memory.last_agent == kept.memory.last_agent);
    }
  }
  // The base level itself: the weakest required skill, -1 without a skill
  // at its base level or without serving the queue.
  auto q = make_queue("sales", {{"billing", 4}, {"english", 2}});
  CHECK(base_level(cand("a", {{"billing", 7}, {"english", 3}}), q) == 3);
  CHECK(base_level(cand("a", {{"billing", 3}, {"english", 3}}), q) == -1);
  CHECK(base_level(cand("a", {{"billing", 7}}), q) == -1);
  CHECK(base_level(cand("a", {{"billing", 7}, {"english", 3}}, {"general"}), q) == -1);
}
