#pragma once
/// CSV text in and out (RFC 4180 quoting; no embedded newlines on input).
#include <string>
#include <string_view>
#include <vector>

namespace hotline::projections {

/// Splits one line into fields; "" inside quotes is one quote.
std::vector<std::string> split_csv_line(std::string_view line, char delimiter = ',');

/// `s` without the spaces and tabs around it, nor a trailing '\r' (a CRLF
/// file's line end).
/// (Inline: the staffing and import folds use it without the CSV writer.)
inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// The field as written in CSV: quoted when it holds a comma, quote or newline.
std::string csv_field(std::string_view s);

} // namespace hotline::projections
