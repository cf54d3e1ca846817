#include "drivers/cli/numbers.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

namespace hotline::cli {

namespace {

/// `text` as a finite double, the whole of it; nullopt otherwise (nan and
/// inf included: from_chars reads them, and they are refused here).
std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (text.empty() || ec != std::errc{} || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

enum class whole_error : std::uint8_t { none, not_whole, too_big };

/// `text` as a whole decimal number in T, the whole of it.
template <class T> whole_error parse_whole(const std::string& text, T& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out, 10);
  if (text.empty() || ptr != end) return whole_error::not_whole;
  if (ec == std::errc::result_out_of_range) return whole_error::too_big;
  if (ec != std::errc{}) return whole_error::not_whole;
  return whole_error::none;
}

/// A bound as people write it: 315360000, not 3.1536e+08.
std::string text_of(double v) {
  std::ostringstream o;
  if (v == static_cast<double>(static_cast<long long>(v)) && v > -1e15 && v < 1e15)
    o << static_cast<long long>(v);
  else
    o << v;
  return o.str();
}

std::string expected(const std::string& what, const std::string& min, const std::string& max,
                     const std::string& got) {
  return "expected " + what + " from " + min + " to " + max + ", got " +
         (got.empty() ? "nothing" : got);
}

CLI::Validator ranged_number(double min, double max, std::string what, std::string range) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const auto v = parse_number(text);
        if (!v || *v < min || *v > max) return expected(what, text_of(min), text_of(max), text);
        return {};
      },
      range, number_validator_name);
}

CLI::Validator ranged_whole(std::int64_t min, std::int64_t max, std::string what,
                            std::string range) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        std::int64_t v = 0;
        if (parse_whole(text, v) != whole_error::none || v < min || v > max)
          return expected(what, std::to_string(min), std::to_string(max), text);
        return {};
      },
      range, number_validator_name);
}

} // namespace

CLI::Validator number_in(double min, double max, std::string what) {
  return ranged_number(min, max, std::move(what), text_of(min) + ".." + text_of(max));
}

CLI::Validator whole_in(std::int64_t min, std::int64_t max, std::string what) {
  return ranged_whole(min, max, std::move(what), std::to_string(min) + ".." + std::to_string(max));
}

void check_every_number(CLI::App& app) {
  for (auto* opt : app.get_options()) {
    const auto type = opt->get_type_name();
    if (type != "INT" && type != "UINT" && type != "FLOAT") continue;
    try {
      opt->get_validator(number_validator_name);
      continue; // it has its own range
    } catch (const CLI::OptionNotFound&) {
    }
    // The defaults: finite, not negative, within the type.
    if (type == "FLOAT") {
      opt->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const auto v = parse_number(text);
            return v && *v >= 0 ? std::string{}
                                : "expected a number (finite, 0 or more), got " + text;
          },
          "", number_validator_name));
    } else if (type == "INT") {
      opt->check(CLI::Validator(
          [](std::string& text) -> std::string {
            std::int64_t v = 0;
            const auto e = parse_whole(text, v);
            if (e == whole_error::none && v >= 0) return {};
            return e == whole_error::too_big ? "expected a whole number, got " + text + " (too big)"
                                             : "expected a whole number (0 or more), got " + text;
          },
          "", number_validator_name));
    } else {
      opt->check(CLI::Validator(
          [](std::string& text) -> std::string {
            std::uint64_t v = 0;
            if (parse_whole(text, v) == whole_error::none) return {};
            return expected("a whole number", "0",
                            std::to_string(std::numeric_limits<std::uint64_t>::max()), text);
          },
          "", number_validator_name));
    }
  }
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
    check_every_number(*sub);
}

} // namespace hotline::cli
