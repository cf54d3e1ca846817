#pragma once
/// CSV text in and out (RFC 4180 quoting; no embedded newlines on input).
#include <string>
#include <string_view>
#include <vector>

namespace hotline::projections {

/// Splits one line into fields; "" inside quotes is one quote.
std::vector<std::string> split_csv_line(std::string_view line, char delimiter = ',');

/// The field as written in CSV: quoted when it holds a comma, quote or newline.
std::string csv_field(std::string_view s);

} // namespace hotline::projections
