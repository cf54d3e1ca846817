#pragma once
/// A call forecast per interval, parsed from CSV text, and the staffing each
/// interval needs.
///
/// CSV shape (the file is read by the caller; this is pure text handling):
///
///     interval_start,calls[,aht_s]
///     08:00,120
///     08:15,135,250
///
///   * The first line that is neither blank nor a `#` comment is the header.
///     Columns are named, in any order: `interval_start` and `calls` are
///     required, `aht_s` (mean handle time of that interval, seconds) is
///     optional; an empty aht_s cell falls back to the default handle time.
///     Any other column name is an error (a typo must not be silently ignored).
///   * interval_start is a clock time `HH:MM` (a time earlier than the
///     previous row's is on the next day) or a date and time
///     `YYYY-MM-DD HH:MM` / `YYYY-MM-DDTHH:MM`; `:SS` may follow if it is
///     `:00`. All rows use the same form.
///   * calls: the number of calls offered in the interval, >= 0, may be
///     fractional (forecasts are expectations).
///   * Rows are consecutive: each starts exactly one interval after the
///     previous one. The interval length is given or inferred from the first
///     two rows (30 minutes if there is a single row).
///   * Blank lines and lines starting with `#` are skipped; a UTF-8 byte-order
///     mark and CR line ends are accepted; spaces around fields are trimmed.
///
/// Every parse error is an `invalid_argument` status whose detail starts with
/// `<source>:<line>:` and names the column, e.g.
/// `day.csv:7: column 2 (calls): "12x" is not a number`.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.hpp"
#include "projections/staffing/solver.hpp"

namespace hotline::projections::staffing {

/// How the file wrote its interval starts.
enum class time_form {
  clock,     ///< HH:MM, minutes counted from 00:00 of the first day
  date_time, ///< YYYY-MM-DD HH:MM, minutes counted from 1970-01-01 00:00
};

struct forecast_row {
  std::string start;           ///< interval_start as written (trimmed)
  long start_min = 0;          ///< minutes on the forecast's timeline (see time_form)
  double calls = 0;            ///< calls offered in the interval
  std::optional<double> aht_s; ///< the row's own handle time, if it has one
  int line = 0;                ///< 1-based line in the source text
};

struct forecast {
  std::string source;    ///< name used in messages (usually the file name)
  int interval_min = 30; ///< length of every interval
  time_form form = time_form::clock;
  std::vector<forecast_row> rows; ///< at least one, consecutive
};

struct forecast_options {
  /// Interval length in minutes. Default: absent, inferred from the first
  /// two rows (30 with a single row). REQUIRES: 1..1440 when present.
  std::optional<int> interval_min;
};

/// Parses forecast CSV text. `source` only labels messages.
events::result<forecast> parse_forecast(std::string_view csv_text, std::string_view source,
                                        const forecast_options& options = {});

/// The label of `minute` on f's timeline: "HH:MM" for clock forecasts,
/// "YYYY-MM-DD HH:MM" for dated ones. Works for minutes past the last row.
std::string format_minute(const forecast& f, long minute);

/// The staffing of one forecast interval.
struct interval_staffing {
  std::size_t row = 0;           ///< index into forecast::rows
  double arrival_rate_per_s = 0; ///< calls / (interval_min * 60)
  double aht_s = 0;              ///< the handle time used
  staffing need;                 ///< smallest agents meeting the target, and positions
};

/// Solves every interval with `base`'s target, patience, shrinkage and
/// max_agents; base.arrival_rate_per_s and base.aht_s are replaced per
/// interval: the rate from the row's calls, the handle time from the row's
/// aht_s or else `default_aht_s`. An interval's arrivals are taken as
/// stationary within the interval (the usual per-interval Erlang practice).
/// Errors name `<source>:<line>`: a row without a handle time when no
/// default is given, or a target no staffing reaches.
events::result<std::vector<interval_staffing>> staff_forecast(const forecast& f,
                                                              const staffing_problem& base,
                                                              std::optional<double> default_aht_s);

} // namespace hotline::projections::staffing
