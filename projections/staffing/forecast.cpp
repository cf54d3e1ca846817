#include "projections/staffing/forecast.hpp"

#include "projections/csv.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace hotline::projections::staffing {

namespace {

using events::errc;
using events::status;

constexpr long minutes_per_day = 24 * 60;
constexpr std::string_view expected_header = "interval_start,calls[,aht_s]";

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  for (;;) {
    auto comma = line.find(',');
    out.push_back(trim_blanks(line.substr(0, comma)));
    if (comma == std::string_view::npos) return out;
    line.remove_prefix(comma + 1);
  }
}

std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// Parses exactly `digits` decimal digits at s[pos...].
std::optional<int> digits_at(std::string_view s, std::size_t pos, std::size_t digits) {
  if (pos + digits > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

struct parsed_time {
  time_form form;
  long minute; // on the form's timeline
};

/// "H:MM", "HH:MM", optionally ":00" -> minute of the day, or a reason.
events::result<long> parse_clock(std::string_view s, std::string_view whole) {
  const std::string bad = "\"" + std::string(whole) + "\" is not a time: ";
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2)
    return status{errc::invalid_argument, bad + "expected HH:MM or YYYY-MM-DD HH:MM"};
  auto hour = digits_at(s, 0, colon);
  auto minute = digits_at(s, colon + 1, 2);
  const std::size_t after = colon + 3;
  if (!hour || !minute || (after != s.size() && s[after] != ':'))
    return status{errc::invalid_argument, bad + "expected HH:MM or YYYY-MM-DD HH:MM"};
  if (after != s.size()) {
    auto second = digits_at(s, after + 1, 2);
    if (!second || after + 3 != s.size())
      return status{errc::invalid_argument, bad + "expected HH:MM or YYYY-MM-DD HH:MM"};
    if (*second != 0)
      return status{errc::invalid_argument, bad + "intervals start on whole minutes"};
  }
  if (*hour > 23) return status{errc::invalid_argument, bad + "the hour must be 00-23"};
  if (*minute > 59) return status{errc::invalid_argument, bad + "the minute must be 00-59"};
  return static_cast<long>(*hour) * 60 + *minute;
}

events::result<parsed_time> parse_time(std::string_view s) {
  if (s.size() > 10 && s[4] == '-' && s[7] == '-' && (s[10] == ' ' || s[10] == 'T')) {
    auto y = digits_at(s, 0, 4);
    auto m = digits_at(s, 5, 2);
    auto d = digits_at(s, 8, 2);
    if (!y || !m || !d)
      return status{errc::invalid_argument, "\"" + std::string(s) +
                                                "\" is not a time: expected HH:MM or "
                                                "YYYY-MM-DD HH:MM"};
    const std::chrono::year_month_day date{std::chrono::year{*y},
                                           std::chrono::month{static_cast<unsigned>(*m)},
                                           std::chrono::day{static_cast<unsigned>(*d)}};
    if (!date.ok())
      return status{errc::invalid_argument, "\"" + std::string(s) + "\" is not a valid date"};
    auto clock = parse_clock(s.substr(11), s);
    if (!clock) return clock.error();
    const long days = std::chrono::sys_days{date}.time_since_epoch().count();
    return parsed_time{time_form::date_time, days * minutes_per_day + *clock};
  }
  auto clock = parse_clock(s, s);
  if (!clock) return clock.error();
  return parsed_time{time_form::clock, *clock};
}

std::string two_digits(long v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02ld", v);
  return buf;
}

enum class column { interval_start, calls, aht_s };

} // namespace

std::string format_minute(const forecast& f, long minute) {
  long day = minute / minutes_per_day;
  long of_day = minute % minutes_per_day;
  if (of_day < 0) {
    of_day += minutes_per_day;
    --day;
  }
  const std::string clock = two_digits(of_day / 60) + ":" + two_digits(of_day % 60);
  if (f.form == time_form::clock) return clock;
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return std::string(buf) + " " + clock;
}

events::result<forecast> parse_forecast(std::string_view text, std::string_view source,
                                        const forecast_options& options) {
  forecast f;
  f.source = std::string(source);
  auto fail = [&](int line, std::string detail) {
    return status{errc::invalid_argument,
                  f.source + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " +
                      std::move(detail)};
  };
  if (options.interval_min && (*options.interval_min < 1 || *options.interval_min > 1440))
    return fail(0, "interval length must be 1-1440 minutes, got " +
                       std::to_string(*options.interval_min));
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  std::vector<column> columns; // by position, from the header
  std::string start_column;    // "column N (interval_start): " for spacing errors
  std::array<std::string, 3> names{"interval_start", "calls", "aht_s"};
  std::optional<long> day_offset; // clock form: minutes added for rows past midnight
  int line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    const std::string_view line = trim_blanks(raw);
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split_fields(line);

    if (columns.empty()) { // the header
      std::array<bool, 3> seen{};
      for (std::size_t i = 0; i < fields.size(); ++i) {
        std::string name(fields[i]);
        for (auto& ch : name)
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::size_t which = 0;
        while (which < names.size() && names[which] != name)
          ++which;
        if (which == names.size())
          return fail(line_no, "column " + std::to_string(i + 1) + ": unknown column \"" +
                                   std::string(fields[i]) + "\" (expected header " +
                                   std::string(expected_header) + ")");
        if (seen[which])
          return fail(line_no,
                      "column " + std::to_string(i + 1) + ": duplicate column \"" + name + "\"");
        seen[which] = true;
        columns.push_back(static_cast<column>(which));
        if (which == 0) start_column = "column " + std::to_string(i + 1) + " (interval_start): ";
      }
      if (!seen[0] || !seen[1])
        return fail(line_no, std::string("the header must name interval_start and calls "
                                         "(expected ") +
                                 std::string(expected_header) + ")");
      continue;
    }

    if (fields.size() != columns.size())
      return fail(line_no, "expected " + std::to_string(columns.size()) + " fields, found " +
                               std::to_string(fields.size()));
    forecast_row row;
    row.line = line_no;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const auto where = "column " + std::to_string(i + 1) + " (" +
                         names[static_cast<std::size_t>(columns[i])] + "): ";
      const std::string_view field = fields[i];
      switch (columns[i]) {
      case column::interval_start: {
        auto t = parse_time(field);
        if (!t) return fail(line_no, where + t.error().detail());
        if (!f.rows.empty() && t->form != f.form)
          return fail(line_no, where + "\"" + std::string(field) +
                                   "\" is written differently from line " +
                                   std::to_string(f.rows.front().line) + "'s \"" +
                                   f.rows.front().start + "\"");
        f.form = t->form;
        row.start = std::string(field);
        row.start_min = t->minute + day_offset.value_or(0);
        break;
      }
      case column::calls: {
        auto v = parse_number(field);
        if (!v) return fail(line_no, where + "\"" + std::string(field) + "\" is not a number");
        if (*v < 0) return fail(line_no, where + "calls must be >= 0, got " + std::string(field));
        row.calls = *v;
        break;
      }
      case column::aht_s: {
        if (field.empty()) break; // use the default handle time
        auto v = parse_number(field);
        if (!v) return fail(line_no, where + "\"" + std::string(field) + "\" is not a number");
        if (*v <= 0)
          return fail(line_no,
                      where + "handle time must be > 0 seconds, got " + std::string(field));
        row.aht_s = *v;
        break;
      }
      }
    }

    if (!f.rows.empty()) {
      const auto& prev = f.rows.back();
      if (row.start_min == prev.start_min)
        return fail(line_no, start_column + "\"" + row.start + "\" repeats line " +
                                 std::to_string(prev.line) + "'s interval start");
      if (f.form == time_form::clock && row.start_min < prev.start_min) {
        // A clock time earlier than the previous one continues on the next day.
        day_offset = day_offset.value_or(0) + minutes_per_day;
        row.start_min += minutes_per_day;
      }
      const long gap = row.start_min - prev.start_min;
      if (f.rows.size() == 1 && !options.interval_min) {
        if (gap <= 0 || gap > 1440)
          return fail(line_no, start_column + "\"" + row.start + "\" does not follow line " +
                                   std::to_string(prev.line) + "'s \"" + prev.start + "\"");
        f.interval_min = static_cast<int>(gap);
      } else {
        const int expected = options.interval_min.value_or(f.interval_min);
        if (gap != expected)
          return fail(line_no, start_column + "\"" + row.start + "\" is " + std::to_string(gap) +
                                   " min after line " + std::to_string(prev.line) + "'s \"" +
                                   prev.start + "\"; every row must start one interval (" +
                                   std::to_string(expected) + " min) after the previous");
      }
    }
    f.rows.push_back(std::move(row));
  }
  if (columns.empty())
    return fail(0, "empty file: expected a header line " + std::string(expected_header));
  if (f.rows.empty()) return fail(0, "no data rows after the header");
  if (options.interval_min) f.interval_min = *options.interval_min;
  return f;
}

events::result<std::vector<interval_staffing>> staff_forecast(const forecast& f,
                                                              const staffing_problem& base,
                                                              std::optional<double> default_aht_s) {
  std::vector<interval_staffing> out;
  out.reserve(f.rows.size());
  const double interval_s = f.interval_min * 60.0;
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    const auto& row = f.rows[i];
    const auto where = f.source + ":" + std::to_string(row.line) + " (" + row.start + "): ";
    staffing_problem p = base;
    p.arrival_rate_per_s = row.calls / interval_s;
    if (row.aht_s)
      p.aht_s = *row.aht_s;
    else if (default_aht_s)
      p.aht_s = *default_aht_s;
    else
      return status{errc::invalid_argument,
                    where + "no aht_s in this row and no default handle time given"};
    auto need = solve_staffing(p);
    if (!need) return status{need.error().code(), where + need.error().detail()};
    out.push_back({i, p.arrival_rate_per_s, p.aht_s, *need});
  }
  return out;
}

} // namespace hotline::projections::staffing
