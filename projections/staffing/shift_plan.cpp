#include "projections/staffing/shift_plan.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <utility>

namespace hotline::projections::staffing {

namespace {

using events::errc;
using events::status;

status invalid(std::string detail) {
  return {errc::invalid_argument, std::move(detail)};
}

/// The rules in interval units.
struct grid {
  int length = 0;    ///< S: intervals per shift
  int step = 1;      ///< start grid, intervals
  int break_len = 0; ///< intervals
  int nominal = 0;   ///< nominal break offset from shift start
  int earliest = 0;  ///< break offset window [earliest, latest]
  int latest = 0;
};

grid to_grid(const shift_rules& r) {
  grid g;
  const int m = r.interval_min;
  g.length = r.shift_min / m;
  g.step = r.start_step_min == 0 ? 1 : r.start_step_min / m;
  g.break_len = r.break_min / m;
  g.nominal = r.break_after_min ? *r.break_after_min / m : (g.length - g.break_len) / 2;
  const int half = (r.break_window_min / 2) / m;
  // Work before and after the break: offset in [1, length - break_len - 1].
  g.earliest = std::max(1, g.nominal - half);
  g.latest = std::min(g.length - g.break_len - 1, g.nominal + half);
  return g;
}

/// Mutable coverage while planning.
class coverage {
public:
  coverage(std::span<const int> required, const grid& g)
      : required_(required), g_(g), n_(static_cast<int>(required.size())),
        working_(required.size()), on_shift_(required.size()), on_break_(required.size()) {}

  bool in_break(int start, int offset, int i) const {
    return g_.break_len > 0 && i >= start + offset && i < start + offset + g_.break_len;
  }
  bool works(int start, int offset, int i) const {
    return i >= start && i < start + g_.length && !in_break(start, offset, i);
  }
  int missing(int i) const { return std::max(0, required_[i] - working_[i]); }
  int breaking(int i) const { return on_break_[i]; }

  void add(int start, int offset, int delta) {
    for (int i = start; i < std::min(start + g_.length, n_); ++i) {
      on_shift_[i] += delta;
      (in_break(start, offset, i) ? on_break_ : working_)[i] += delta;
    }
    groups_[{start, offset}] += delta;
  }

  /// Could one shift of this kind go without leaving an interval short?
  bool removable(int start, int offset) const {
    for (int i = start; i < std::min(start + g_.length, n_); ++i)
      if (works(start, offset, i) && working_[i] - 1 < required_[i]) return false;
    return true;
  }

  std::map<std::pair<int, int>, int>& groups() { return groups_; }

  shift_plan result() const {
    shift_plan plan;
    for (const auto& [kind, count] : groups_) {
      if (count <= 0) continue;
      plan.shifts.push_back({kind.first, g_.break_len > 0 ? kind.first + kind.second : -1, count});
      plan.total_shifts += count;
    }
    for (int i = 0; i < n_; ++i) {
      interval_cover c;
      c.required = required_[i];
      c.on_shift = on_shift_[i];
      c.on_break = on_break_[i];
      c.scheduled = working_[i];
      c.over = std::max(0, c.scheduled - c.required);
      c.under = std::max(0, c.required - c.scheduled);
      if (c.under > 0) ++plan.uncovered_intervals;
      plan.intervals.push_back(c);
    }
    return plan;
  }

private:
  std::span<const int> required_;
  grid g_;
  int n_;
  std::vector<int> working_, on_shift_, on_break_;
  std::map<std::pair<int, int>, int> groups_; // (start, break offset) -> count
};

/// Allowed starts that include interval i, best first: inside the horizon
/// latest first, then those running past the end, least overhang first.
std::vector<int> starts_covering(int i, int n, const grid& g) {
  std::vector<int> inside, beyond;
  const int first = std::max(0, i - g.length + 1);
  for (int s = (first + g.step - 1) / g.step * g.step; s <= i; s += g.step)
    (s + g.length <= n ? inside : beyond).push_back(s);
  std::reverse(inside.begin(), inside.end());
  inside.insert(inside.end(), beyond.begin(), beyond.end());
  return inside;
}

} // namespace

status check_rules(const shift_rules& r) {
  if (r.interval_min < 1 || r.interval_min > 1440)
    return invalid("interval length must be 1-1440 minutes, got " + std::to_string(r.interval_min));
  const std::string per =
      " is not a whole number of " + std::to_string(r.interval_min) + "-minute intervals";
  if (r.shift_min <= 0) return invalid("shift length must be > 0 minutes");
  if (r.shift_min % r.interval_min != 0)
    return invalid("shift length " + std::to_string(r.shift_min) + " min" + per);
  if (r.start_step_min < 0 || r.start_step_min % r.interval_min != 0)
    return invalid("shift start step " + std::to_string(r.start_step_min) + " min" + per);
  if (r.break_min < 0 || r.break_min % r.interval_min != 0)
    return invalid("break length " + std::to_string(r.break_min) + " min" + per);
  if (r.break_after_min && (*r.break_after_min < 0 || *r.break_after_min % r.interval_min != 0))
    return invalid("break start " + std::to_string(*r.break_after_min) + " min" + per);
  if (r.break_window_min < 0)
    return invalid("break window must be >= 0 minutes, got " + std::to_string(r.break_window_min));
  if (r.break_min > 0) {
    const grid g = to_grid(r);
    if (g.nominal < 1 || g.nominal + g.break_len > g.length - 1)
      return invalid("a " + std::to_string(r.break_min) + "-min break starting " +
                     std::to_string(g.nominal * r.interval_min) + " min into a " +
                     std::to_string(r.shift_min) + "-min shift leaves no work before or after it");
  }
  return status::ok();
}

events::result<shift_plan> plan_shifts(std::span<const int> required, const shift_rules& rules) {
  if (auto st = check_rules(rules); !st) return st;
  for (std::size_t i = 0; i < required.size(); ++i)
    if (required[i] < 0)
      return invalid("interval " + std::to_string(i) + ": required agents must be >= 0, got " +
                     std::to_string(required[i]));
  const grid g = to_grid(rules);
  const int n = static_cast<int>(required.size());
  coverage cov(required, g);

  // 1. Greedy: earliest interval still short gets one more shift, repeatedly.
  for (int i = 0; i < n; ++i) {
    while (cov.missing(i) > 0) {
      bool placed = false;
      for (int start : starts_covering(i, n, g)) {
        // Break offset: least uncovered demand lost, then fewest agents
        // already on break then (staggering), then nearest the nominal.
        int best = -1;
        std::tuple<long, long, int> best_key{};
        if (g.break_len == 0) {
          best = 0;
        } else {
          for (int off = g.earliest; off <= g.latest; ++off) {
            if (cov.in_break(start, off, i)) continue;
            long harm = 0, crowd = 0;
            for (int j = start + off; j < std::min(n, start + off + g.break_len); ++j) {
              if (j >= i) harm += cov.missing(j);
              crowd += cov.breaking(j);
            }
            const std::tuple<long, long, int> key{harm, crowd, std::abs(off - g.nominal)};
            if (best < 0 || key < best_key) {
              best = off;
              best_key = key;
            }
          }
        }
        if (best >= 0) {
          cov.add(start, best, +1);
          placed = true;
          break;
        }
      }
      if (!placed) break; // no allowed shift works in interval i: left short
    }
  }

  // 2. Local improvement: drop redundant shifts until none is.
  for (bool dropped = true; dropped;) {
    dropped = false;
    for (auto& [kind, count] : cov.groups()) {
      while (count > 0 && cov.removable(kind.first, kind.second)) {
        cov.add(kind.first, kind.second, -1); // also decrements `count`
        dropped = true;
      }
    }
  }

  shift_plan plan = cov.result();
  long total = 0;
  int peak = 0;
  for (int r : required) {
    total += r;
    peak = std::max(peak, r);
  }
  const long per_shift = std::max(1, std::min(n, g.length - g.break_len));
  plan.lower_bound = std::max<long>(peak, (total + per_shift - 1) / per_shift);
  return plan;
}

} // namespace hotline::projections::staffing
