#include "config/counts_csv.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "projections/staffing/forecast.hpp"

namespace hotline::config {

namespace {

/// parse_forecast's errors start with `<source>:<line>: ` (its documented
/// contract): split that off so the diagnostic carries the line.
void report(const std::string& file, const std::string& key, const std::string& detail,
            diagnostics& out) {
  std::uint32_t line = 0;
  std::string message = detail;
  if (detail.starts_with(file + ":")) {
    const auto rest = std::string_view(detail).substr(file.size() + 1);
    const auto colon = rest.find(':');
    if (colon != std::string_view::npos &&
        std::from_chars(rest.data(), rest.data() + colon, line).ec == std::errc{}) {
      message = std::string(rest.substr(colon + 1));
      if (message.starts_with(" ")) message.erase(0, 1);
    } else {
      message = std::string(rest);
      if (message.starts_with(" ")) message.erase(0, 1);
    }
  }
  out.push_back({severity::error, file, line, 0, key, message});
}

} // namespace

std::optional<counts_file> read_counts_csv(const std::filesystem::path& file,
                                           const std::string& key,
                                           const source_position& referenced_at,
                                           std::optional<int> interval_min, diagnostics& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    out.push_back({severity::error, referenced_at.file, referenced_at.line, referenced_at.column,
                   key,
                   "cannot read counts file '" + file.string() + "': " + std::strerror(errno)});
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const auto name = file.string();
  projections::staffing::forecast_options options;
  options.interval_min = interval_min;
  auto parsed = projections::staffing::parse_forecast(text.str(), name, options);
  if (!parsed) {
    report(name, key, parsed.error().detail(), out);
    return std::nullopt;
  }
  counts_file result;
  result.interval_ms = std::int64_t{parsed->interval_min} * 60'000;
  constexpr long minutes_per_day = 24 * 60;
  const long first = parsed->rows.front().start_min % minutes_per_day;
  result.first_start_ms = std::int64_t{first < 0 ? first + minutes_per_day : first} * 60'000;
  bool unused_aht = false;
  for (const auto& row : parsed->rows) {
    result.counts.push_back(row.calls);
    unused_aht = unused_aht || row.aht_s.has_value();
  }
  if (unused_aht)
    out.push_back({severity::warning, name, static_cast<std::uint32_t>(parsed->rows.front().line),
                   0, key,
                   "the aht_s column is not used by the simulator (its handle_time is); it "
                   "serves `hotline staff --forecast`"});
  return result;
}

} // namespace hotline::config
