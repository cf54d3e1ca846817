#pragma once
/// The single-queue center of `hotline simulate --agents N --rate-per-hour R
/// --aht-s S`: one queue, one skill, longest idle, no trunk limit, no
/// wrap-up, exponential handle time (and patience, if given) — the M/M/c
/// (M/M/c+M) model, so its results can be checked against Erlang C (A).
#include "config/configuration.hpp"

namespace hotline::drivers::sim {

struct quick_center_options {
  int agents = 10;
  double rate_per_hour = 100;
  double aht_s = 180;
  double patience_s = 0; ///< 0: callers never hang up (Erlang C)
  double sl_threshold_s = 20;
  double hours = 8;
  std::uint64_t seed = 1;
};

config::configuration quick_center(const quick_center_options& o);

} // namespace hotline::drivers::sim
