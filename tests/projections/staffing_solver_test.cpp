// The staffing solver: smallest agent count meeting a target, and positions
// after shrinkage. Reference agent counts follow from the Erlang C table in
// erlang_test.cpp (factorial form, Python + mpmath): for 360 calls/h of
// 240 s, SL(20 s) is 0.4949 / 0.6497 / 0.7613 / 0.8403 with 26 / 27 / 28 / 29
// agents, ASA is 19.99 s with 28 and 11.63 s with 29, and occupancy 24/c.
#include <doctest/doctest.h>

#include "projections/staffing/solver.hpp"

using namespace hotline::projections::staffing;

namespace {

staffing_problem problem(double rate_per_hour, double aht_s) {
  staffing_problem p;
  p.arrival_rate_per_s = rate_per_hour / 3600;
  p.aht_s = aht_s;
  return p;
}

int solve(const staffing_problem& p) {
  auto s = solve_staffing(p);
  REQUIRE(s.has_value());
  return s->agents;
}

/// The smallest c meeting the target, by trying every c from 0.
int brute_force(const staffing_problem& p) {
  for (int c = 0;; ++c) {
    queue_inputs in{p.arrival_rate_per_s, p.aht_s, c, p.target.answer_within_s, p.patience_s};
    auto m = evaluate(in);
    REQUIRE(m.has_value());
    if (meets(*m, p.target)) return c;
  }
}

} // namespace

TEST_CASE("given 360 calls/h of 240 s and 80/20, when solving Erlang C, then 29 agents and 42 "
          "positions") {
  auto p = problem(360, 240);
  p.target.service_level = 0.8;
  p.target.answer_within_s = 20;
  auto s = solve_staffing(p);
  REQUIRE(s.has_value());
  CHECK(s->agents == 29);
  CHECK(s->positions == 42); // ceil(29 / 0.7) = ceil(41.43)
  CHECK(s->metrics.service_level == doctest::Approx(0.840283145663));
  CHECK(s->metrics.model == queue_model::erlang_c);
}

TEST_CASE("given a loose service target, when the occupancy cap binds, then the cap decides") {
  auto p = problem(360, 240);
  p.target.service_level = 0.5; // 27 agents reach 64.97%
  p.target.max_occupancy = 1.0;
  auto by_sl = solve_staffing(p);
  REQUIRE(by_sl.has_value());
  CHECK(by_sl->agents == 27);
  CHECK(by_sl->binding.service_level); // 26 reach only 49.5%
  CHECK_FALSE(by_sl->binding.occupancy);
  p.target.max_occupancy = 0.85; // 24/27 = 0.889, 24/28 = 0.857, 24/29 = 0.828
  auto by_occupancy = solve_staffing(p);
  REQUIRE(by_occupancy.has_value());
  CHECK(by_occupancy->agents == 29);
  CHECK(by_occupancy->binding.occupancy);
  CHECK_FALSE(by_occupancy->binding.service_level);
  CHECK_FALSE(by_occupancy->binding.stability);
}

TEST_CASE("given an ASA target, when solving, then the smallest agent count with ASA at most "
          "the target") {
  auto p = problem(360, 240);
  p.target.max_occupancy = 1.0;
  p.target.asa_s = 20; // 28 agents: 19.988 s
  CHECK(solve(p) == 28);
  p.target.asa_s = 19.98; // just below 28's ASA
  CHECK(solve(p) == 29);
  p.target.service_level = 0.85; // both must hold: 29 gives 84.0%
  CHECK(solve(p) == 30);
}

TEST_CASE("given many queues, when solving, then the answer is the smallest c meeting the "
          "target, as a linear scan finds") {
  for (double rate : {1.0, 30.0, 360.0, 2000.0}) {
    for (double aht : {60.0, 300.0}) {
      for (auto patience :
           {std::optional<double>{}, std::optional<double>{45.0}, std::optional<double>{300.0}}) {
        for (double sl : {0.6, 0.8, 0.95}) {
          auto p = problem(rate, aht);
          p.patience_s = patience;
          p.target.service_level = sl;
          p.target.answer_within_s = 15;
          CAPTURE(rate);
          CAPTURE(aht);
          CAPTURE(sl);
          CAPTURE(patience.value_or(-1));
          const int c = solve(p);
          CHECK(c == brute_force(p));
          p.target.service_level.reset();
          p.target.asa_s = 10;
          CHECK(solve(p) == brute_force(p));
        }
      }
    }
  }
}

TEST_CASE("given patience, when solving, then Erlang A never needs more agents than Erlang C") {
  for (double rate : {100.0, 360.0, 3600.0}) {
    auto p = problem(rate, 240);
    p.target.service_level = 0.8;
    p.target.max_occupancy = 1.0;
    const int erlang_c_agents = solve(p);
    p.patience_s = 120;
    CAPTURE(rate);
    CHECK(solve(p) <= erlang_c_agents);
  }
}

TEST_CASE("given 5000 erlangs, when solving, then it finishes with a sensible answer") {
  auto p = problem(5000.0 * 3600 / 240, 240);
  p.target.service_level = 0.9;
  p.target.answer_within_s = 20;
  p.target.max_occupancy = 1.0;
  const int c = solve(p);
  CHECK(c > 5000);
  CHECK(c < 5200); // large groups are efficient: a few percent over the load
  p.patience_s = 120;
  CHECK(solve(p) <= c);
}

TEST_CASE("given no traffic, when solving, then no agents") {
  auto p = problem(0, 240);
  p.target.service_level = 0.8;
  auto s = solve_staffing(p);
  REQUIRE(s.has_value());
  CHECK(s->agents == 0);
  CHECK(s->positions == 0);
}

TEST_CASE("given shrinkage, when converting agents to positions, then it rounds up exactly") {
  CHECK(*positions_after_shrinkage(7, 0.3) == 10); // 7/0.7 is 10.000000000000002 in binary
  CHECK(*positions_after_shrinkage(29, 0.3) == 42);
  CHECK(*positions_after_shrinkage(14, 0.3) == 20);
  CHECK(*positions_after_shrinkage(15, 0.3) == 22);
  CHECK(*positions_after_shrinkage(10, 0) == 10);
  CHECK(*positions_after_shrinkage(0, 0.3) == 0);
  CHECK(*positions_after_shrinkage(9, 0.1) == 10);
  CHECK(*positions_after_shrinkage(3, 0.25) == 4);
  CHECK_FALSE(positions_after_shrinkage(5, 1.0).has_value());
  CHECK_FALSE(positions_after_shrinkage(5, -0.1).has_value());
  CHECK_FALSE(positions_after_shrinkage(-1, 0.3).has_value());
}

TEST_CASE("given an invalid problem, when solving, then the error names the field") {
  auto detail = [](const staffing_problem& p) {
    auto s = solve_staffing(p);
    REQUIRE_FALSE(s.has_value());
    return s.error().detail();
  };
  auto p = problem(360, 240);
  p.target.service_level = 1.2;
  CHECK(detail(p).find("service level") != std::string::npos);
  p = problem(360, 240);
  p.target.max_occupancy = 1.5;
  CHECK(detail(p).find("occupancy") != std::string::npos);
  p = problem(-5, 240);
  CHECK(detail(p).find("arrival rate") != std::string::npos);
  p = problem(360, 240);
  p.shrinkage = 1;
  CHECK(detail(p).find("shrinkage") != std::string::npos);
  p = problem(360, 240);
  p.target.asa_s = 0;
  CHECK(detail(p).find("ASA") != std::string::npos);
  p = problem(360, 240);
  p.target.service_level = 0.8;
  p.max_agents = 25;
  CHECK(detail(p).find("no staffing up to 25 agents") != std::string::npos);
}

TEST_CASE("given a staffing to evaluate, when it is unstable, then it does not meet any target") {
  auto p = problem(360, 240);
  auto s = evaluate_staffing(p, 24);
  REQUIRE(s.has_value());
  CHECK_FALSE(s->metrics.stable);
  CHECK_FALSE(meets(s->metrics, p.target));
  CHECK(s->positions == 35);
}
