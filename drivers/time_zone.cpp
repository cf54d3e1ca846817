#include "drivers/time_zone.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

#include <date/date.h>
#include <date/tz.h>

#include "config/did_you_mean.hpp"
#include "events/envelope.hpp"

namespace hotline::drivers {

namespace {

using std::chrono::seconds;
constexpr std::int64_t ns_per_s = 1'000'000'000;

/// Floor division of ns into whole seconds and the ns left over (>= 0).
std::int64_t floor_seconds(std::int64_t ns, std::int64_t& rest) {
  std::int64_t s = ns / ns_per_s;
  rest = ns % ns_per_s;
  if (rest < 0) {
    rest += ns_per_s;
    --s;
  }
  return s;
}

/// The tzdb, or null with `why` set when it cannot be read.
const date::tzdb* database(std::string& why) {
  try {
    return &date::get_tzdb();
  } catch (const std::exception& e) {
    why = e.what();
    return nullptr;
  }
}

bool add_seconds(std::int64_t ns, std::int64_t s, std::int64_t& out) {
  std::int64_t delta = 0;
  return !__builtin_mul_overflow(s, ns_per_s, &delta) && !__builtin_add_overflow(ns, delta, &out);
}

} // namespace

events::result<time_zone> time_zone::locate(std::string_view name) {
  using events::errc;
  if (name.empty())
    return events::status{
        errc::invalid_argument,
        "time zone: the name is empty (an IANA name such as Europe/Paris, or UTC)"};
  if (name == "UTC") return utc();
  std::string why;
  const auto* db = database(why);
  if (!db)
    return events::status{errc::not_found,
                          "time zone '" + std::string{name} +
                              "': the time zone database cannot be read (install tzdata): " + why};
  try {
    time_zone z;
    z.zone_ = date::locate_zone(name); // the tzdb member is not exported by Debian's build
    z.name_ = std::string{name};
    return z;
  } catch (const std::exception&) {
    return events::status{errc::invalid_argument,
                          "unknown time zone '" + std::string{name} + "'" +
                              config::did_you_mean(name, names()) +
                              " (an IANA name such as Europe/Paris, or UTC)"};
  }
}

events::result<resolved_instant> time_zone::to_utc(std::int64_t local_ns) const {
  if (!zone_) return resolved_instant{local_ns, local_time_kind::unique};
  std::int64_t rest = 0;
  const std::int64_t s = floor_seconds(local_ns, rest);
  const auto info = zone_->get_info(date::local_seconds{seconds{s}});
  resolved_instant r;
  std::int64_t offset = info.first.offset.count();
  switch (info.result) {
  case date::local_info::unique:
    r.kind = local_time_kind::unique;
    break;
  case date::local_info::nonexistent:
    r.kind = local_time_kind::skipped;
    break; // offset before the gap
  case date::local_info::ambiguous:
    r.kind = local_time_kind::repeated;
    break; // the earlier instant
  }
  if (!add_seconds(local_ns, -offset, r.utc_ns))
    return events::status{events::errc::invalid_argument,
                          "the time is out of range (years 1677 to 2262) in zone " + name_};
  return r;
}

std::int64_t time_zone::to_local(std::int64_t utc_ns) const {
  std::int64_t out = 0;
  if (add_seconds(utc_ns, offset_s(utc_ns), out)) return out;
  return offset_s(utc_ns) > 0 ? std::numeric_limits<std::int64_t>::max()
                              : std::numeric_limits<std::int64_t>::min();
}

std::int32_t time_zone::offset_s(std::int64_t utc_ns) const {
  if (!zone_) return 0;
  std::int64_t rest = 0;
  const auto info = zone_->get_info(date::sys_seconds{seconds{floor_seconds(utc_ns, rest)}});
  return static_cast<std::int32_t>(info.offset.count());
}

std::string time_zone::abbreviation(std::int64_t utc_ns) const {
  if (!zone_) return "UTC";
  std::int64_t rest = 0;
  return zone_->get_info(date::sys_seconds{seconds{floor_seconds(utc_ns, rest)}}).abbrev;
}

std::string time_zone::format_rfc3339(std::int64_t utc_ns, int fraction_digits) const {
  // RFC 3339 offsets have no seconds: local mean times (before ~1900) are
  // shown with their offset rounded to the minute, digits to match.
  const std::int32_t exact = offset_s(utc_ns);
  const std::int32_t offset = (exact >= 0 ? exact + 30 : exact - 30) / 60 * 60;
  std::int64_t shifted = 0;
  const bool utc_digits =
      !zone_ || !add_seconds(utc_ns, offset, shifted); // the very ends of the range: UTC
  // format_timestamp writes "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" for any int64.
  std::string text = events::format_timestamp(utc_digits ? utc_ns : shifted);
  text.pop_back(); // 'Z'
  const auto dot = text.find('.');
  const int digits = fraction_digits <= 0   ? 0
                     : fraction_digits <= 3 ? 3
                     : fraction_digits <= 6 ? 6
                                            : 9;
  text.resize(digits == 0 ? dot : dot + 1 + static_cast<std::size_t>(digits));
  if (utc_digits) return text + "Z";
  const std::int32_t a = offset < 0 ? -offset : offset;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  return text + buf;
}

std::vector<std::string> time_zone::names() {
  std::string why;
  const auto* db = database(why);
  if (!db) return {"UTC"};
  std::vector<std::string> out;
  out.reserve(db->zones.size());
  for (const auto& z : db->zones)
    out.push_back(z.name()); // the system tzdb lists links as zones
  if (std::find(out.begin(), out.end(), "UTC") == out.end()) out.push_back("UTC");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace hotline::drivers
