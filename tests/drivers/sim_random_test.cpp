// The simulator's distributions: reproducible for a seed, right on average.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "drivers/sim/random.hpp"
#include "tests/support/process.hpp"

using namespace hotline::drivers::sim;

TEST_CASE("the same seed gives the same draws") {
  rng a{42}, b{42}, c{43};
  for (int i = 0; i < 100; ++i) {
    double x = a.exponential(10);
    CHECK(x == b.exponential(10));
    CHECK(x >= 0);
  }
  CHECK(a.uniform() != c.uniform());
}

TEST_CASE("sample means match the distribution means") {
  rng r{7};
  constexpr int n = 200000;
  for (auto d :
       {duration_distribution::exponential(240), duration_distribution::lognormal(240, 120),
        duration_distribution::empirical({10, 20, 30, 40})}) {
    CAPTURE(d.describe());
    double sum = 0;
    for (int i = 0; i < n; ++i)
      sum += d.sample(r);
    // Standard error of the mean <= sd/sqrt(n) ~ 240/447 ~ 0.54 s; 5 SE margin.
    CHECK(std::abs(sum / n - d.mean()) < 3.0);
  }
  CHECK(std::isinf(duration_distribution::none().sample(r)));
}

TEST_CASE("a Poisson profile produces the expected number of arrivals per interval") {
  rng r{11};
  auto p = arrival_profile::from_counts({600, 0, 1200}, 3600);
  std::vector<int> per_hour(3, 0);
  for (double t = p.next_after(0, r); !std::isinf(t); t = p.next_after(t, r))
    ++per_hour[static_cast<std::size_t>(t / 3600)];
  // Poisson: sd = sqrt(mean); allow 5 sd.
  CHECK(std::abs(per_hour[0] - 600) < 5 * std::sqrt(600.0));
  CHECK(per_hour[1] == 0);
  CHECK(std::abs(per_hour[2] - 1200) < 5 * std::sqrt(1200.0));
  CHECK(p.rate_per_hour(7300) == doctest::Approx(1200));
}

TEST_CASE("a profile CSV names the line of a bad count") {
  hotline::testing::temp_dir dir;
  auto path = dir.path() + "/profile.csv";
  {
    std::ofstream f{path};
    f << "start,calls\n00:00,12\n00:06,abc\n";
  }
  auto p = arrival_profile::from_csv(path, 360);
  REQUIRE_FALSE(p.has_value());
  CHECK(p.error().detail().find(":3:") != std::string::npos);
  {
    std::ofstream f{path};
    f << "start,calls\n00:00,12\n00:06,18\n";
  }
  auto ok = arrival_profile::from_csv(path, 360);
  REQUIRE(ok.has_value());
  CHECK(ok->intervals() == 2);
  CHECK(ok->rate_per_hour(400) == doctest::Approx(180));
}
