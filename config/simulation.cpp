#include "config/simulation.hpp"

#include <cstdio>
#include <utility>

namespace hotline::config {

namespace {
constexpr std::pair<const char*, distribution_kind> distribution_names[] = {
    {"exponential", distribution_kind::exponential},
    {"lognormal", distribution_kind::lognormal},
    {"empirical", distribution_kind::empirical},
    {"none", distribution_kind::none}};
} // namespace

const char* to_string(distribution_kind k) noexcept {
  for (const auto& [name, value] : distribution_names)
    if (value == k) return name;
  return "?";
}

bool parse_distribution_kind(std::string_view text, distribution_kind& out) noexcept {
  for (const auto& [name, value] : distribution_names)
    if (text == name) {
      out = value;
      return true;
    }
  return false;
}

std::string time_of_day_text(std::int64_t ms) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(ms / 3'600'000 % 100),
                static_cast<int>(ms / 60'000 % 60));
  return text;
}

} // namespace hotline::config
