#include "config/counts_csv.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <sstream>

#include "config/input_file.hpp"
#include "config/limits.hpp"

namespace hotline::config {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool parse_count(std::string_view text, double& out) {
  if (!text.empty() && text.front() == '"' && text.back() == '"' && text.size() >= 2)
    text = text.substr(1, text.size() - 2);
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && !text.empty();
}

} // namespace

std::vector<double> read_counts_csv(const std::filesystem::path& file, const std::string& key,
                                    const source_position& referenced_at, diagnostics& out) {
  std::string why;
  const auto text = read_input_file(file, limits::max_file_bytes, why);
  if (!text) {
    out.push_back({severity::error, referenced_at.file, referenced_at.line, referenced_at.column,
                   key, "cannot read counts file '" + file.string() + "': " + why});
    return {};
  }
  std::istringstream in(*text);
  std::vector<double> counts;
  std::string line;
  bool first_row = true;
  bool bad_rows = false;
  for (std::uint32_t number = 1; std::getline(in, line); ++number) {
    const auto row = trim(line);
    if (row.empty() || row.front() == '#') continue;
    const auto comma = row.find_last_of(',');
    const auto field = trim(comma == std::string_view::npos ? row : row.substr(comma + 1));
    const auto column = static_cast<std::uint32_t>(field.data() - line.data() + 1);
    double value = 0;
    const bool numeric = parse_count(field, value);
    if (!numeric && first_row) {
      first_row = false;
      continue; // header
    }
    first_row = false;
    if (!numeric || !std::isfinite(value) || value < 0) {
      out.push_back(
          {severity::error, file.string(), number, column, key,
           "expected a non-negative count in the last column, got '" + std::string(field) + "'"});
      bad_rows = true;
      continue;
    }
    counts.push_back(value);
  }
  if (counts.empty() && !bad_rows)
    out.push_back({severity::error, file.string(), 0, 0, key, "no counts in the file"});
  return counts;
}

} // namespace hotline::config
