#include "drivers/sim/random.hpp"

#include <fstream>
#include <limits>
#include <sstream>

namespace hotline::drivers::sim {

double duration_distribution::sample(rng& r) const {
  switch (kind_) {
  case kind::fixed:
    return a_;
  case kind::exponential:
    return r.exponential(a_);
  case kind::lognormal: {
    // Parameters of the underlying normal from the mean and sd of the value.
    double var = b_ * b_;
    double sigma2 = std::log1p(var / (a_ * a_));
    double mu = std::log(a_) - sigma2 / 2;
    return std::exp(mu + std::sqrt(sigma2) * r.normal());
  }
  case kind::empirical:
    return sample_.empty() ? 0.0 : sample_[r.below(sample_.size())];
  case kind::none:
    return std::numeric_limits<double>::infinity();
  }
  return 0;
}

double duration_distribution::mean() const {
  switch (kind_) {
  case kind::fixed:
  case kind::exponential:
  case kind::lognormal:
    return a_;
  case kind::empirical: {
    double sum = 0;
    for (double x : sample_)
      sum += x;
    return sample_.empty() ? 0 : sum / static_cast<double>(sample_.size());
  }
  case kind::none:
    return std::numeric_limits<double>::infinity();
  }
  return 0;
}

std::string duration_distribution::describe() const {
  std::ostringstream out;
  switch (kind_) {
  case kind::fixed:
    out << "fixed(" << a_ << "s)";
    break;
  case kind::exponential:
    out << "exponential(mean=" << a_ << "s)";
    break;
  case kind::lognormal:
    out << "lognormal(mean=" << a_ << "s, sd=" << b_ << "s)";
    break;
  case kind::empirical:
    out << "empirical(" << sample_.size() << " values, mean=" << mean() << "s)";
    break;
  case kind::none:
    out << "none";
    break;
  }
  return out.str();
}

arrival_profile arrival_profile::constant(double calls_per_hour) {
  arrival_profile p;
  p.rates_ = {calls_per_hour / 3600.0};
  return p;
}

arrival_profile arrival_profile::from_counts(std::vector<double> counts, double interval_s) {
  arrival_profile p;
  p.interval_s_ = interval_s;
  for (double c : counts)
    p.rates_.push_back(c / interval_s);
  return p;
}

events::result<arrival_profile> arrival_profile::from_csv(const std::string& path,
                                                          double interval_s) {
  std::ifstream in{path};
  if (!in) return events::status{events::errc::not_found, "cannot open arrival profile " + path};
  if (interval_s <= 0)
    return events::status{events::errc::invalid_argument, "the interval length must be positive"};
  std::vector<double> counts;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto comma = line.rfind(',');
    std::string field = comma == std::string::npos ? line : line.substr(comma + 1);
    char* end = nullptr;
    double v = std::strtod(field.c_str(), &end);
    if (end == field.c_str() || *end != '\0' || v < 0) {
      if (line_no == 1) continue; // header row
      return events::status{events::errc::invalid_argument,
                            path + ":" + std::to_string(line_no) +
                                ": expected a non-negative count in the last column, got '" +
                                field + "'"};
    }
    counts.push_back(v);
  }
  if (counts.empty())
    return events::status{events::errc::invalid_argument, path + ": no counts found"};
  return from_counts(std::move(counts), interval_s);
}

double arrival_profile::rate_per_hour(double t_s) const {
  if (rates_.empty()) return 0;
  if (interval_s_ <= 0) return rates_[0] * 3600;
  auto i = static_cast<std::size_t>(t_s / interval_s_);
  return i < rates_.size() ? rates_[i] * 3600 : 0;
}

double arrival_profile::next_after(double t, rng& r) const {
  constexpr double never = std::numeric_limits<double>::infinity();
  if (rates_.empty()) return never;
  if (interval_s_ <= 0) return rates_[0] > 0 ? t + r.exponential(1.0 / rates_[0]) : never;
  // Piecewise-constant Poisson process: memorylessness lets us restart the
  // exponential gap at each interval boundary with the new rate.
  for (;;) {
    auto i = static_cast<std::size_t>(t / interval_s_);
    if (i >= rates_.size()) return never;
    double end = static_cast<double>(i + 1) * interval_s_;
    double rate = rates_[i];
    if (rate > 0) {
      double next = t + r.exponential(1.0 / rate);
      if (next < end) return next;
    }
    t = end;
  }
}

} // namespace hotline::drivers::sim
