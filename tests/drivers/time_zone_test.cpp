// IANA time zones on the system tzdb: lookup by name with a clear error,
// local wall time -> UTC with the documented gap/fold rule, UTC -> local,
// RFC 3339 with the zone's offset.
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>

#include "drivers/time_zone.hpp"
#include "events/envelope.hpp"

using namespace hotline;
using drivers::local_time_kind;
using drivers::time_zone;

namespace {

std::int64_t at(const std::string& text) { // "2024-03-31T02:30:00" read as digits (no zone)
  std::int64_t ns = 0;
  REQUIRE(events::parse_timestamp(text + "Z", ns));
  return ns;
}

time_zone zone(const char* name) {
  auto z = time_zone::locate(name);
  REQUIRE_MESSAGE(z.has_value(), z.error().message());
  return *z;
}

} // namespace

TEST_CASE("time zone: located by IANA name, unknown names refused with a suggestion") {
  CHECK(zone("Asia/Jerusalem").name() == "Asia/Jerusalem");
  CHECK(zone("Israel").name() == "Israel"); // a link keeps the name asked for
  CHECK(zone("UTC").is_utc());
  CHECK_FALSE(zone("Europe/Paris").is_utc());

  auto typo = time_zone::locate("Asia/Jerusalm");
  REQUIRE_FALSE(typo.has_value());
  CHECK(typo.error().code() == events::errc::invalid_argument);
  CHECK(typo.error().detail().find("unknown time zone 'Asia/Jerusalm'") != std::string::npos);
  CHECK(typo.error().detail().find("did you mean 'Asia/Jerusalem'") != std::string::npos);
  CHECK_FALSE(time_zone::locate("").has_value());
  CHECK_FALSE(time_zone::locate("../../etc/passwd").has_value());

  auto all = time_zone::names();
  CHECK(std::binary_search(all.begin(), all.end(), std::string{"Asia/Jerusalem"}));
  CHECK(std::binary_search(all.begin(), all.end(), std::string{"UTC"}));
}

TEST_CASE("time zone: local wall time to UTC, with gaps shifted forward and folds taking the "
          "earlier instant") {
  const auto jerusalem = zone("Asia/Jerusalem");
  auto summer = jerusalem.to_utc(at("2024-07-01T12:00:00"));
  REQUIRE(summer.has_value());
  CHECK(summer->utc_ns == at("2024-07-01T09:00:00")); // IDT, +03:00
  CHECK(summer->kind == local_time_kind::unique);
  CHECK(jerusalem.to_utc(at("2024-01-15T12:00:00"))->utc_ns ==
        at("2024-01-15T10:00:00")); // IST, +02:00
  CHECK(jerusalem.to_utc(at("1999-09-01T11:45:33"))->utc_ns == at("1999-09-01T08:45:33"));

  const auto paris = zone("Europe/Paris");
  // 2024-03-31: clocks jump from 02:00 to 03:00; 02:30 does not exist.
  auto gap = paris.to_utc(at("2024-03-31T02:30:00"));
  REQUIRE(gap.has_value());
  CHECK(gap->kind == local_time_kind::skipped);
  CHECK(gap->utc_ns == at("2024-03-31T01:30:00")); // read with +01:00: 03:30 new time
  CHECK(paris.format_rfc3339(gap->utc_ns) == "2024-03-31T03:30:00+02:00");
  // 2024-10-27: clocks go back from 03:00 to 02:00; 02:30 happens twice.
  auto fold = paris.to_utc(at("2024-10-27T02:30:00"));
  REQUIRE(fold.has_value());
  CHECK(fold->kind == local_time_kind::repeated);
  CHECK(fold->utc_ns == at("2024-10-27T00:30:00")); // the first one, still +02:00

  const auto utc = time_zone::utc();
  CHECK(utc.to_utc(at("2024-03-31T02:30:00"))->utc_ns == at("2024-03-31T02:30:00"));

  // out of the int64 ns range (years 1677..2262): an error, never a wrap-around
  auto tokyo = zone("Asia/Tokyo");
  auto low = tokyo.to_utc(std::numeric_limits<std::int64_t>::min() + 1000);
  REQUIRE_FALSE(low.has_value());
  CHECK(low.error().detail().find("out of range") != std::string::npos);
}

TEST_CASE("time zone: UTC to local wall time, offsets and abbreviations") {
  const auto ny = zone("America/New_York");
  CHECK(ny.to_local(at("2024-07-01T16:00:00")) == at("2024-07-01T12:00:00"));
  CHECK(ny.offset_s(at("2024-07-01T16:00:00")) == -4 * 3600);
  CHECK(ny.offset_s(at("2024-01-01T16:00:00")) == -5 * 3600);
  CHECK(ny.abbreviation(at("2024-01-01T16:00:00")) == "EST");
  CHECK(zone("Europe/Paris").abbreviation(at("2024-07-01T00:00:00")) == "CEST");
  // round trip for a unique local time
  const auto j = zone("Asia/Jerusalem");
  const auto local = at("2024-05-05T08:15:00");
  CHECK(j.to_local(j.to_utc(local)->utc_ns) == local);
}

TEST_CASE("time zone: RFC 3339 with the zone's offset") {
  const auto t = at("2024-07-01T09:00:00") + 123'456'789;
  CHECK(zone("Asia/Jerusalem").format_rfc3339(t) == "2024-07-01T12:00:00+03:00");
  CHECK(zone("Asia/Jerusalem").format_rfc3339(t, 3) == "2024-07-01T12:00:00.123+03:00");
  CHECK(zone("Asia/Kolkata").format_rfc3339(t) == "2024-07-01T14:30:00+05:30");
  CHECK(zone("America/New_York").format_rfc3339(t, 9) == "2024-07-01T05:00:00.123456789-04:00");
  CHECK(time_zone::utc().format_rfc3339(t) == "2024-07-01T09:00:00Z");
  CHECK(zone("Europe/London").format_rfc3339(at("2024-01-01T00:00:00")) ==
        "2024-01-01T00:00:00+00:00");
  // every formatted instant parses back (as UTC) to the same instant
  std::int64_t back = 0;
  REQUIRE(events::parse_timestamp(time_zone::utc().format_rfc3339(t, 9), back));
  CHECK(back == t);
}
