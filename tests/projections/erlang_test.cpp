// Erlang B/C/A formulas against independently computed references.
//
// Where the numbers come from (computed once with Python 3 + mpmath at 40
// significant digits; the scripts are not shipped):
//  * Erlang C: the textbook factorial form
//      C = (A^c/c! * c/(c-A)) / (sum_{k<c} A^k/k! + A^c/c! * c/(c-A)),
//    SL = 1 - C exp(-(c mu - lambda) T), ASA = C / (c mu - lambda);
//    no recursion, so it checks ours independently, including c = 5000.
//  * Erlang A: the birth-death chain written out state by state with exact
//    products (truncated 200-3000 states past c, tail < 1e-600), then
//    P(W>0) = sum_{n>=c} p_n, P(abandon) = theta E[Q] / lambda (rate balance),
//    mean wait = E[Q] / lambda (Little), and SL / ASA of answered calls by
//    integrating the tagged caller's queue-position ODE with RK4 (step 0.02 s,
//    Simpson for the mean) -- a route that uses neither our stage
//    decomposition nor the Beta/negative-binomial identity.
//  * M/M/1+M with lambda = mu = theta = 1 is solvable by hand: p_n = e^-1/n!,
//    so P(W>0) = 1 - 1/e and P(abandon) = E[Q] = 1/e.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "projections/staffing/erlang.hpp"

using namespace hotline::projections::staffing;

namespace {

queue_metrics c_metrics(double lambda, double aht, int c, double t) {
  auto m = erlang_c_metrics(lambda, aht, c, t);
  REQUIRE(m.has_value());
  return *m;
}

queue_metrics a_metrics(double lambda, double aht, int c, double t, double patience) {
  auto m = erlang_a_metrics(lambda, aht, c, t, patience);
  REQUIRE(m.has_value());
  return *m;
}

bool no_nan(const queue_metrics& m) {
  for (double v : {m.traffic_erlangs, m.rho, m.p_wait, m.service_level, m.asa_s, m.mean_wait_s,
                   m.occupancy, m.p_abandon})
    if (std::isnan(v)) return false;
  return true;
}

} // namespace

TEST_CASE("given small loss systems, when computing Erlang B, then it matches the hand values") {
  CHECK(erlang_b(1, 0) == 1.0);
  CHECK(erlang_b(1, 1) == doctest::Approx(0.5)); // A/(1+A)
  CHECK(erlang_b(2, 2) == doctest::Approx(0.4)); // (4/2)/(1+2+2)
  CHECK(erlang_b(0, 3) == 0.0);
}

TEST_CASE("given 10 erlangs on 11 agents, when computing Erlang C, then P(wait) is 0.6821") {
  CHECK(erlang_c(10, 11) == doctest::Approx(0.682118204689).epsilon(1e-10));
  CHECK(erlang_c(10, 12) == doctest::Approx(0.449388224298).epsilon(1e-10));
}

TEST_CASE("given 360 calls/h of 240 s, when evaluating 25..30 agents, then SL and ASA match "
          "the factorial formula") {
  struct ref {
    int c;
    double p_wait, sl20, asa;
  };
  const ref refs[] = {
      {25, 0.778544544935, 0.283704439892, 186.850690784},
      {26, 0.596682430029, 0.494919227418, 71.6018916034},
      {27, 0.449763297678, 0.649723991572, 35.9810638142},
      {28, 0.333138527993, 0.761295813935, 19.9883116796},
      {29, 0.242273984674, 0.840283145663, 11.6291512643},
      {30, 0.172862055497, 0.89515386344, 6.91448221987},
  };
  for (const auto& r : refs) {
    CAPTURE(r.c);
    const auto m = c_metrics(0.1, 240, r.c, 20);
    CHECK(m.model == queue_model::erlang_c);
    CHECK(m.stable);
    CHECK(m.traffic_erlangs == doctest::Approx(24));
    CHECK(m.p_wait == doctest::Approx(r.p_wait).epsilon(1e-10));
    CHECK(m.service_level == doctest::Approx(r.sl20).epsilon(1e-10));
    CHECK(m.asa_s == doctest::Approx(r.asa).epsilon(1e-10));
    CHECK(m.mean_wait_s == m.asa_s);
    CHECK(m.occupancy == doctest::Approx(24.0 / r.c));
    CHECK(m.p_abandon == 0);
  }
}

TEST_CASE("given 5000 agents, when computing Erlang C, then it stays finite and accurate") {
  CHECK(erlang_c(4900, 5000) == doctest::Approx(0.0999378772345).epsilon(1e-9));
  CHECK(erlang_c(4990, 5000) == doctest::Approx(0.834367312635).epsilon(1e-9));
  // Light traffic: B underflows to 0, which is the right answer to double precision.
  const auto light = c_metrics(100.0 / 240, 240, 5000, 20);
  CHECK(no_nan(light));
  CHECK(light.p_wait == 0);
  CHECK(light.service_level == 1);
  // Heavy but stable: everything finite, P(wait) in (0, 1).
  const auto heavy = c_metrics(4999.5 / 240, 240, 5000, 20);
  CHECK(no_nan(heavy));
  CHECK(heavy.p_wait > 0.9);
  CHECK(heavy.p_wait < 1);
  CHECK(std::isfinite(heavy.asa_s));
  CHECK(erlang_c(49000, 50000) > 0);
  CHECK(erlang_c(49000, 50000) < 1e-5);
}

TEST_CASE("given more agents, when evaluating Erlang C, then waiting only gets better") {
  double prev_wait = 1, prev_sl = 0, prev_asa = std::numeric_limits<double>::infinity();
  for (int c = 25; c <= 80; ++c) {
    CAPTURE(c);
    const auto m = c_metrics(0.1, 240, c, 20);
    CHECK(m.p_wait < prev_wait);
    CHECK(m.service_level >= prev_sl);
    CHECK(m.asa_s < prev_asa);
    prev_wait = m.p_wait;
    prev_sl = m.service_level;
    prev_asa = m.asa_s;
  }
}

TEST_CASE("given offered traffic at or above the agents, when evaluating Erlang C, then it is "
          "flagged unstable with infinite ASA, never NaN") {
  for (int c : {0, 1, 23, 24}) {
    CAPTURE(c);
    const auto m = c_metrics(0.1, 240, c, 20);
    CHECK_FALSE(m.stable);
    CHECK(no_nan(m));
    CHECK(m.p_wait == 1);
    CHECK(m.service_level == 0);
    CHECK(std::isinf(m.asa_s));
    CHECK(std::isinf(m.mean_wait_s));
  }
  CHECK(c_metrics(0.1, 240, 24, 20).occupancy == 1);
  CHECK(std::isinf(c_metrics(0.1, 240, 0, 20).rho));
  CHECK(erlang_c(24, 24) == 1);
}

TEST_CASE("given no traffic, when evaluating either model, then nobody waits") {
  for (auto m : {c_metrics(0, 240, 0, 20), c_metrics(0, 240, 3, 20), a_metrics(0, 240, 0, 20, 60),
                 a_metrics(0, 240, 3, 20, 60)}) {
    CHECK(m.stable);
    CHECK(m.p_wait == 0);
    CHECK(m.service_level == 1);
    CHECK(m.asa_s == 0);
    CHECK(m.occupancy == 0);
    CHECK(m.rho == 0);
  }
}

TEST_CASE("given invalid inputs, when evaluating, then the error names the argument") {
  auto detail = [](const hotline::events::result<queue_metrics>& r) {
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == hotline::events::errc::invalid_argument);
    return r.error().detail();
  };
  CHECK(detail(erlang_c_metrics(-1, 240, 3, 20)).find("arrival rate") != std::string::npos);
  CHECK(detail(erlang_c_metrics(1, 0, 3, 20)).find("handle time") != std::string::npos);
  CHECK(detail(erlang_c_metrics(1, 240, -3, 20)).find("agents") != std::string::npos);
  CHECK(detail(erlang_c_metrics(1, 240, 3, -1)).find("threshold") != std::string::npos);
  CHECK(detail(erlang_c_metrics(std::nan(""), 240, 3, 20)).find("arrival rate") !=
        std::string::npos);
  CHECK(detail(erlang_a_metrics(1, 240, 3, 20, 0)).find("patience") != std::string::npos);
  CHECK(detail(erlang_a_metrics(1, 240, 3, 20, std::nan(""))).find("patience") !=
        std::string::npos);
}

TEST_CASE("given lambda = mu = theta = 1 on one agent, when evaluating Erlang A, then it matches "
          "the hand solution") {
  const auto m = a_metrics(1, 1, 1, 1, 1);
  CHECK(m.model == queue_model::erlang_a);
  CHECK(m.p_wait == doctest::Approx(1 - std::exp(-1.0)).epsilon(1e-12));
  CHECK(m.p_abandon == doctest::Approx(std::exp(-1.0)).epsilon(1e-12));
  CHECK(m.mean_wait_s == doctest::Approx(std::exp(-1.0)).epsilon(1e-12));
  CHECK(m.occupancy == doctest::Approx(1 - std::exp(-1.0)).epsilon(1e-12));
  CHECK(m.service_level == doctest::Approx(0.5789675664).epsilon(1e-9)); // ODE reference, T = 1
  CHECK(m.asa_s == doctest::Approx(0.2602020108).epsilon(1e-8));         // ODE reference
}

TEST_CASE("given 360 calls/h of 240 s with patience, when evaluating Erlang A, then it matches "
          "the birth-death chain reference") {
  struct ref {
    int c;
    double patience, p_wait, p_abandon, sl20, asa, mean_wait, occupancy;
  };
  const ref refs[] = {
      {24, 120, 0.4468827713, 0.09492718771, 0.7194572509, 10.32770671, 11.39126253, 0.9050728123},
      {20, 120, 0.7143425011, 0.2014322735, 0.4554397765, 23.3851116, 24.17187283, 0.9582812717},
      {27, 600, 0.3483130818, 0.02304694858, 0.7664783595, 13.33320329, 13.82816915, 0.8684027124},
  };
  for (const auto& r : refs) {
    CAPTURE(r.c);
    CAPTURE(r.patience);
    const auto m = a_metrics(0.1, 240, r.c, 20, r.patience);
    CHECK(m.stable);
    CHECK(m.p_wait == doctest::Approx(r.p_wait).epsilon(1e-9));
    CHECK(m.p_abandon == doctest::Approx(r.p_abandon).epsilon(1e-9));
    CHECK(m.service_level == doctest::Approx(r.sl20).epsilon(1e-9));
    CHECK(m.asa_s == doctest::Approx(r.asa).epsilon(1e-8));
    CHECK(m.mean_wait_s == doctest::Approx(r.mean_wait).epsilon(1e-9));
    CHECK(m.occupancy == doctest::Approx(r.occupancy).epsilon(1e-9));
  }
}

TEST_CASE("given 4800 agents and 4800 erlangs, when evaluating Erlang A, then it matches the "
          "high-precision chain") {
  const auto m = a_metrics(20, 240, 4800, 20, 120);
  CHECK(no_nan(m));
  CHECK(m.p_wait == doctest::Approx(0.416466516587).epsilon(1e-9));
  CHECK(m.p_abandon == doctest::Approx(0.00674602698753).epsilon(1e-9));
  CHECK(m.mean_wait_s == doctest::Approx(0.809523238504).epsilon(1e-9));
  const auto fewer = a_metrics(20, 240, 4700, 20, 120);
  CHECK(fewer.p_wait == doctest::Approx(0.829383361253).epsilon(1e-9));
  CHECK(fewer.p_abandon == doctest::Approx(0.0219391186573).epsilon(1e-9));
}

TEST_CASE("given a grossly overloaded queue, when evaluating Erlang A, then the excess "
          "abandons and the numbers stay finite") {
  // 24000 erlangs on 5000 agents: the fluid limit abandons 1 - c/A of the calls.
  const auto m = a_metrics(100, 240, 5000, 20, 120);
  CHECK(no_nan(m));
  CHECK(m.stable);
  CHECK(m.p_abandon == doctest::Approx(1 - 5000.0 / 24000).epsilon(1e-3));
  CHECK(m.occupancy == doctest::Approx(1).epsilon(1e-6));
  CHECK(std::isfinite(m.asa_s));
  // No agents at all: everyone abandons after their patience.
  const auto none = a_metrics(1, 240, 0, 20, 90);
  CHECK(none.p_abandon == 1);
  CHECK(none.service_level == 0);
  CHECK(std::isinf(none.asa_s));
  CHECK(none.mean_wait_s == 90);
}

TEST_CASE("given patience growing to infinity, when evaluating Erlang A, then it converges to "
          "Erlang C at rate 1/patience") {
  const auto c = c_metrics(0.1, 240, 27, 20);
  double prev_gap = 0;
  for (double patience = 1e6; patience <= 1e11; patience *= 10) {
    CAPTURE(patience);
    const auto a = a_metrics(0.1, 240, 27, 20, patience);
    const double gap = std::abs(a.asa_s - c.asa_s) + std::abs(a.p_wait - c.p_wait) +
                       std::abs(a.service_level - c.service_level);
    // The difference is first order in theta = 1/patience: a tenfold
    // patience divides it by ten -- and numerical noise would not.
    if (prev_gap > 0) CHECK(prev_gap / gap == doctest::Approx(10).epsilon(0.01));
    prev_gap = gap;
  }
  const auto far = a_metrics(0.1, 240, 27, 20, 1e11);
  CHECK(far.p_wait == doctest::Approx(c.p_wait).epsilon(1e-8));
  CHECK(far.service_level == doctest::Approx(c.service_level).epsilon(1e-8));
  CHECK(far.asa_s == doctest::Approx(c.asa_s).epsilon(1e-7));
  CHECK(far.p_abandon < 1e-9);
  const auto limit = a_metrics(0.1, 240, 27, 20, std::numeric_limits<double>::infinity());
  CHECK(limit.model == queue_model::erlang_a);
  CHECK(limit.p_wait == c.p_wait);
  CHECK(limit.service_level == c.service_level);
  CHECK(limit.asa_s == c.asa_s);
}

TEST_CASE("given any Erlang A queue, when evaluating, then its identities hold") {
  for (double lambda : {0.02, 0.1, 1.0}) {
    for (double patience : {15.0, 120.0, 900.0}) {
      for (int c : {1, 5, 20, 30, 260}) {
        CAPTURE(lambda);
        CAPTURE(patience);
        CAPTURE(c);
        const auto m = a_metrics(lambda, 240, c, 20, patience);
        CHECK(no_nan(m));
        // Exponential patience: abandonment hazard theta while waiting.
        CHECK(m.p_abandon == doctest::Approx(m.mean_wait_s / patience).epsilon(1e-9));
        CHECK(m.service_level <= 1 - m.p_abandon + 1e-12);
        CHECK(m.service_level >= 1 - m.p_wait - 1e-12);
        CHECK(m.occupancy <= 1);
        const auto at_zero = a_metrics(lambda, 240, c, 0, patience);
        CHECK(at_zero.service_level == doctest::Approx(1 - m.p_wait).epsilon(1e-9));
      }
    }
  }
}

TEST_CASE("given more agents, when evaluating Erlang A, then every measure improves") {
  for (double patience : {30.0, 120.0, 600.0}) {
    queue_metrics prev = a_metrics(0.1, 240, 1, 20, patience);
    for (int c = 2; c <= 60; ++c) {
      CAPTURE(patience);
      CAPTURE(c);
      const auto m = a_metrics(0.1, 240, c, 20, patience);
      // (1e-12: both may round to 1 from slightly different sums)
      CHECK(m.p_wait <= prev.p_wait + 1e-12);
      CHECK(m.p_abandon <= prev.p_abandon + 1e-12);
      CHECK(m.service_level >= prev.service_level - 1e-12);
      CHECK(m.asa_s <= prev.asa_s * (1 + 1e-12));
      CHECK(m.occupancy <= prev.occupancy + 1e-12);
      prev = m;
    }
  }
}

TEST_CASE("given a patience absurdly long for the overload, when evaluating Erlang A, then it "
          "refuses instead of exhausting memory") {
  auto m = erlang_a_metrics(10, 240, 1, 20, 1e6);
  REQUIRE_FALSE(m.has_value());
  CHECK(m.error().detail().find("Erlang C") != std::string::npos);
}

TEST_CASE("given queue_inputs, when evaluating, then patience selects the model") {
  queue_inputs in;
  in.arrival_rate_per_s = 0.1;
  in.aht_s = 240;
  in.agents = 27;
  auto c = evaluate(in);
  REQUIRE(c.has_value());
  CHECK(c->model == queue_model::erlang_c);
  in.patience_s = 120;
  auto a = evaluate(in);
  REQUIRE(a.has_value());
  CHECK(a->model == queue_model::erlang_a);
  CHECK(a->p_abandon > 0);
  CHECK(std::string(to_string(queue_model::erlang_a)) == "erlang_a");
}
