#pragma once
/// Seeded randomness for the traffic simulator. Everything here is
/// reproducible bit for bit across runs and machines with the same seed:
/// the generator is std::mt19937_64 (fully specified by the standard) and
/// the distributions are written out here (the standard library's are
/// implementation-defined).
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "events/status.hpp"

namespace hotline::drivers::sim {

class rng {
public:
  explicit rng(std::uint64_t seed) : gen_(seed) {}
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : gen_() % n; }
  std::uint64_t next() { return gen_(); }
  /// Exponential with the given mean (> 0).
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  /// Standard normal (Box-Muller, one value per call).
  double normal() {
    double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * M_PI * u2);
  }
  bool chance(double p) { return uniform() < p; }

private:
  std::mt19937_64 gen_;
};

/// A positive duration distribution in seconds: fixed, exponential,
/// lognormal (by mean and standard deviation of the value itself) or
/// empirical (a sample drawn from uniformly).
class duration_distribution {
public:
  enum class kind { fixed, exponential, lognormal, empirical, none };

  static duration_distribution fixed(double seconds) { return {kind::fixed, seconds, 0, {}}; }
  static duration_distribution exponential(double mean_s) {
    return {kind::exponential, mean_s, 0, {}};
  }
  static duration_distribution lognormal(double mean_s, double sd_s) {
    return {kind::lognormal, mean_s, sd_s, {}};
  }
  static duration_distribution empirical(std::vector<double> sample_s) {
    return {kind::empirical, 0, 0, std::move(sample_s)};
  }
  /// "Never" (e.g. infinitely patient callers): sample() is +infinity.
  static duration_distribution none() { return {kind::none, 0, 0, {}}; }

  double sample(rng& r) const;
  double mean() const;
  kind type() const { return kind_; }
  /// "exponential(mean=240s)" etc.
  std::string describe() const;

private:
  duration_distribution(kind k, double a, double b, std::vector<double> s)
      : kind_(k), a_(a), b_(b), sample_(std::move(s)) {}
  kind kind_;
  double a_, b_;
  std::vector<double> sample_;
};

/// Arrivals as a Poisson process whose rate is constant within each
/// interval (a profile of calls per interval, repeating daily or not).
class arrival_profile {
public:
  /// A constant rate.
  static arrival_profile constant(double calls_per_hour);
  /// Calls per interval of `interval_s` seconds, starting at offset 0.
  static arrival_profile from_counts(std::vector<double> counts, double interval_s);
  /// Reads "count" or "start,count" rows (a header row is allowed) from a
  /// CSV file; errors name the file and line.
  static events::result<arrival_profile> from_csv(const std::string& path, double interval_s);

  /// The next arrival strictly after `t_s` (seconds since the start), or
  /// +infinity when the profile has ended.
  double next_after(double t_s, rng& r) const;
  /// Calls per hour at time t.
  double rate_per_hour(double t_s) const;
  double interval_s() const { return interval_s_; }
  std::size_t intervals() const { return rates_.size(); }

private:
  std::vector<double> rates_; ///< per second, per interval
  double interval_s_ = 0;     ///< 0: one constant rate forever
};

} // namespace hotline::drivers::sim
