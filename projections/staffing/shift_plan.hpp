#pragma once
/// A shift plan (班表): how many agents start a shift when, and when they
/// take their break, so that every interval has at least the required number
/// of agents working (on shift and not on break).
///
/// Timeline: interval indices 0..N-1 of equal length, as in a forecast.
/// Shifts start on the allowed grid (every start_step_min from interval 0),
/// last shift_min including one break of break_min, and preferably lie inside
/// the horizon; a shift may run past the last interval only where no shift
/// inside the horizon can cover the demand. Shifts never start before
/// interval 0 and there is no wrap-around from the last interval to the first.
///
/// Method (a heuristic, not an optimum; `lower_bound` says how far off it
/// can be at most):
///   1. Greedy set cover: walk the intervals in time order; while interval i
///      has fewer agents working than required, add one shift covering i:
///      the latest allowed start that keeps the shift inside the horizon
///      (else the one running past the end the least), with its break at the
///      offset within the break window where the break hurts least: the
///      fewest still-uncovered agents-needed in the break's intervals, then
///      the fewest agents already on break there, then nearest the nominal
///      mid-shift offset. Adding one shift at a time this way staggers the
///      breaks of agents starting together.
///   2. Local improvement: drop any single shift whose removal leaves every
///      interval covered, until no shift can be dropped.
/// An interval that no allowed shift can cover (e.g. it falls in the break
/// of every shift that could reach it) keeps `under` > 0 and is counted in
/// `uncovered_intervals`; that is a result, not an error.
///
/// Thread safety: pure function.
#include <optional>
#include <span>
#include <vector>

#include "events/status.hpp"

namespace hotline::projections::staffing {

/// Plain options struct; every length is in minutes and must be a whole
/// number of intervals.
struct shift_rules {
  int interval_min = 30;  ///< length of one interval. Default: 30. REQUIRES: 1..1440
  int shift_min = 480;    ///< paid shift length, break included. Default: 480 (8 h)
  int start_step_min = 0; ///< shifts may start every this many minutes. Default: 0 = every interval
  int break_min = 30;     ///< one break per shift; 0 for none. Default: 30
  /// Minutes from shift start to the nominal break start. Default: absent,
  /// mid-shift: (shift_min - break_min) / 2 rounded down to an interval.
  /// REQUIRES: the break lies inside the shift with work before and after it.
  std::optional<int> break_after_min;
  /// The break may start up to half of this earlier or later than nominal
  /// (whole intervals), to stagger breaks. Default: 60 (+-30 min). 0: fixed.
  int break_window_min = 60;
};

/// `count` agents working the same shift. Indices are intervals on the
/// plan's timeline; break_start may lie past the last interval.
struct shift_group {
  int start = 0;        ///< first interval of the shift
  int break_start = -1; ///< first interval of the break; -1 without a break
  int count = 0;
};

/// Coverage of one interval.
struct interval_cover {
  int required = 0;
  int on_shift = 0;  ///< agents whose shift includes the interval
  int on_break = 0;  ///< of those, on their break
  int scheduled = 0; ///< working: on_shift - on_break
  int over = 0;      ///< max(0, scheduled - required)
  int under = 0;     ///< max(0, required - scheduled)
};

struct shift_plan {
  std::vector<shift_group> shifts;       ///< sorted by start, then break_start
  std::vector<interval_cover> intervals; ///< one per required entry
  int total_shifts = 0;                  ///< sum of counts: agents to roster
  /// No plan under these rules has fewer shifts: the larger of the peak
  /// requirement and ceil(total required agent-intervals / working intervals
  /// per shift).
  int lower_bound = 0;
  int uncovered_intervals = 0; ///< intervals with under > 0
};

/// Checks the rules; the detail names the field (shift length, break, ...).
events::status check_rules(const shift_rules& rules);

/// Plans shifts covering `required[i]` working agents in interval i.
/// invalid_argument for broken rules or a negative requirement.
events::result<shift_plan> plan_shifts(std::span<const int> required, const shift_rules& rules);

} // namespace hotline::projections::staffing
