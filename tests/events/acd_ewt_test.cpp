// Expected wait (events/acd/ewt.hpp) against the M/M/c model.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "events/acd/ewt.hpp"

using namespace hotline::events::acd;

namespace {

/// Erlang C from the stable Erlang B recursion (as in docs/acd.md).
double erlang_c_recursive(int c, double a) {
  double b = 1.0;
  for (int n = 1; n <= c; ++n)
    b = a * b / (n + a * b);
  const double rho = a / c;
  return b / (1.0 - rho * (1.0 - b));
}

/// M/M/c stationary probabilities p[0..max_n] straight from the balance
/// equations (no Erlang formula involved).
std::vector<double> stationary(int c, double lambda, double mu, int max_n) {
  std::vector<double> p(max_n + 1);
  p[0] = 1.0;
  for (int n = 1; n <= max_n; ++n)
    p[n] = p[n - 1] * lambda / (std::min(n, c) * mu);
  double sum = 0;
  for (double x : p)
    sum += x;
  for (double& x : p)
    x /= sum;
  return p;
}

} // namespace

TEST_CASE("ewt: position k behind n busy agents waits k * AHT / n") {
  CHECK(expected_wait_ms(1, 1, 180'000) == 180'000);
  CHECK(expected_wait_ms(3, 4, 180'000) == 135'000);
  CHECK(expected_wait_ms(10, 5, 200'000) == 400'000);
}

TEST_CASE("ewt: free agents answer the first callers at once") {
  CHECK(expected_wait_ms(2, 4, 180'000, 2) == 0);
  CHECK(expected_wait_ms(3, 4, 180'000, 2) == 45'000);
}

TEST_CASE("ewt: unknown without agents or handle time") {
  CHECK_FALSE(expected_wait_ms(1, 0, 180'000).has_value());
  CHECK_FALSE(expected_wait_ms(1, 3, 0).has_value());
}

TEST_CASE("ewt: Erlang C matches the recursion and the balance equations") {
  for (int c : {1, 2, 5, 10, 30}) {
    for (double load : {0.3, 0.7, 0.9}) {
      const double a = load * c;
      CAPTURE(c);
      CAPTURE(a);
      CHECK(erlang_c(c, a) == doctest::Approx(erlang_c_recursive(c, a)).epsilon(1e-12));
      // P(wait) = P(N >= c) from the stationary distribution.
      auto p = stationary(c, a, 1.0, 4000);
      double waiting = 0;
      for (std::size_t n = c; n < p.size(); ++n)
        waiting += p[n];
      CHECK(erlang_c(c, a) == doctest::Approx(waiting).epsilon(1e-9));
    }
  }
  CHECK(erlang_c(1, 0.5) == doctest::Approx(0.5)); // M/M/1: P(wait) = rho
  CHECK(erlang_c(3, 3.0) == 1.0);
}

TEST_CASE("ewt: averaged over the place a new caller finds, EWT(k) is Erlang C's mean wait") {
  // PASTA: an arrival finds n in system with probability p[n]. With n >= c
  // it takes position k = n - c + 1 and EWT(k) = k * AHT / c; else it waits 0.
  for (int c : {1, 3, 8, 20}) {
    for (double load : {0.5, 0.8, 0.95}) {
      const double aht_ms = 180'000.0;
      const double mu = 1.0 / aht_ms;      // per ms
      const double lambda = load * c * mu; // per ms
      auto p = stationary(c, lambda, mu, 6000);
      double mean = 0;
      for (std::size_t n = c; n < p.size(); ++n) {
        const int k = static_cast<int>(n) - c + 1;
        mean +=
            p[n] * static_cast<double>(*expected_wait_ms(k, c, static_cast<std::int64_t>(aht_ms)));
      }
      const double ew = erlang_c_recursive(c, lambda / mu) / (c * mu - lambda);
      CAPTURE(c);
      CAPTURE(load);
      CHECK(mean == doctest::Approx(ew).epsilon(1e-3)); // EWT rounds down to whole ms
      auto direct = erlang_c_mean_wait_ms(c, lambda * 1000.0, aht_ms);
      REQUIRE(direct.has_value());
      CHECK(*direct == doctest::Approx(ew).epsilon(1e-9));
    }
  }
}

TEST_CASE("ewt: Erlang C mean wait is undefined at or over capacity") {
  CHECK_FALSE(erlang_c_mean_wait_ms(2, 2.0 / 180.0, 180'000).has_value());
  CHECK_FALSE(erlang_c_mean_wait_ms(0, 0.1, 180'000).has_value());
  CHECK(erlang_c_mean_wait_ms(2, 0.0, 180'000) == 0.0);
}
