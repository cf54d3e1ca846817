#include "events/envelope.hpp"

#include <cstdio>

namespace hotline::events {

const char* to_string(principal::kind k) noexcept {
  switch (k) {
  case principal::kind::system:
    return "system";
  case principal::kind::user:
    return "user";
  case principal::kind::agent:
    return "agent";
  }
  return "system";
}

bool parse_principal_kind(std::string_view text, principal::kind& out) noexcept {
  if (text == "system")
    out = principal::kind::system;
  else if (text == "user")
    out = principal::kind::user;
  else if (text == "agent")
    out = principal::kind::agent;
  else
    return false;
  return true;
}

std::string_view stream_category(std::string_view stream) noexcept {
  auto dash = stream.find('-');
  return dash == std::string_view::npos ? stream : stream.substr(0, dash);
}

std::string_view stream_entity(std::string_view stream) noexcept {
  auto dash = stream.find('-');
  return dash == std::string_view::npos ? std::string_view{} : stream.substr(dash + 1);
}

bool is_valid_stream_name(std::string_view stream) noexcept {
  if (stream.empty() || stream.size() > 200) return false;
  auto dash = stream.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash + 1 == stream.size()) return false;
  for (std::size_t i = 0; i < dash; ++i) {
    char c = stream[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  for (unsigned char c : stream.substr(dash + 1))
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

namespace {

// Howard Hinnant's civil-from-days / days-from-civil (public domain algorithms).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

} // namespace

std::string format_timestamp(std::int64_t ns) {
  constexpr std::int64_t ns_per_s = 1'000'000'000;
  constexpr std::int64_t s_per_day = 86'400;
  std::int64_t secs = ns / ns_per_s;
  std::int64_t frac = ns % ns_per_s;
  if (frac < 0) {
    frac += ns_per_s;
    --secs;
  }
  std::int64_t days = secs / s_per_day;
  std::int64_t sod = secs % s_per_day;
  if (sod < 0) {
    sod += s_per_day;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(sod / 3600),
                static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                static_cast<long long>(frac));
  return buf;
}

bool parse_timestamp(std::string_view t, std::int64_t& out) noexcept {
  auto num = [&](std::size_t pos, std::size_t len, std::int64_t& v) {
    if (pos + len > t.size()) return false;
    v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      v = v * 10 + (t[i] - '0');
    }
    return true;
  };
  std::int64_t y, mo, d, h, mi, s;
  if (!num(0, 4, y) || t.size() < 20 || t[4] != '-' || !num(5, 2, mo) || t[7] != '-' ||
      !num(8, 2, d) || (t[10] != 'T' && t[10] != ' ') || !num(11, 2, h) || t[13] != ':' ||
      !num(14, 2, mi) || t[16] != ':' || !num(17, 2, s))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  std::size_t pos = 19;
  std::int64_t frac = 0;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      if (digits < 9) {
        frac = frac * 10 + (t[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return false;
    for (; digits < 9; ++digits)
      frac *= 10;
  }
  if (pos + 1 != t.size() || t[pos] != 'Z') return false;
  std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  out = ((days * 86400 + h * 3600 + mi * 60 + s) * 1'000'000'000) + frac;
  return true;
}

} // namespace hotline::events
