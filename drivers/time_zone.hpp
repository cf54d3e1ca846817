#pragma once
/// IANA time zones: naming a zone, and converting between local wall time and
/// the UTC instants hotline stores. Backed by the system's time zone database
/// (/usr/share/zoneinfo, Debian package tzdata) through Howard Hinnant's date
/// library; no date header leaks out of this file, so callers (CLI commands,
/// report writers) stay free of it, and the pure domain never sees a zone:
/// it receives UTC instants, or a conversion function built from this class.
///
/// Instants are ns since the Unix epoch, UTC (as `events::event_meta`
/// timestamps). "Local wall time" is written the same way: the ns since the
/// epoch that the wall-clock reading would have if it were UTC (what
/// `events::parse_timestamp` returns for "2024-03-29T02:30:00Z" when the text
/// was really a local reading).
///
/// Thread safety: a `time_zone` is an immutable handle to a zone of the
/// process-wide database (loaded once, on the first `locate`); all members
/// are const and safe to call from any thread.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.hpp"

namespace date {
class time_zone;
}

namespace hotline::drivers {

/// What the zone's rules made of a local wall time (see `time_zone::to_utc`).
enum class local_time_kind {
  unique,   ///< the wall time occurs exactly once
  skipped,  ///< it falls in a gap (clocks jumped forward): shifted forward by the gap
  repeated, ///< it occurs twice (clocks went back): the earlier instant was taken
};

/// A local wall time resolved to a UTC instant.
struct resolved_instant {
  std::int64_t utc_ns = 0;
  local_time_kind kind = local_time_kind::unique;
};

class time_zone {
public:
  /// The zone named `name`, an IANA name ("Asia/Jerusalem", "Europe/Paris",
  /// "UTC"; links such as "Israel" resolve to their target's rules and keep
  /// the name asked for). Errors (errc::invalid_argument): an empty name; a
  /// name the database does not know ("unknown time zone 'Asia/Jerusalm'
  /// (did you mean 'Asia/Jerusalem'?)"); errc::not_found when the database
  /// itself cannot be read (tzdata not installed).
  static events::result<time_zone> locate(std::string_view name);

  /// UTC, without reading the database (always available).
  static time_zone utc() noexcept { return time_zone{}; }

  /// The name it was located by ("UTC" for `utc()`).
  const std::string& name() const noexcept { return name_; }
  bool is_utc() const noexcept { return zone_ == nullptr; }

  /// Local wall time -> UTC instant. The rule for times the zone's clocks do
  /// not show exactly once (the same as RFC 5545 and java.time):
  ///  - in a gap (spring forward, e.g. 02:30 on a day clocks jump from 02:00
  ///    to 03:00), the time is read with the offset in force before the gap,
  ///    which lands it after the gap by the gap's length (02:30 -> 03:30 new
  ///    time); durations measured by a clock that had not yet jumped are kept;
  ///  - in a fold (fall back, e.g. 01:30 when clocks go back from 02:00 to
  ///    01:00), the earlier of the two instants (the one before the change).
  /// `kind` says which case applied, so an importer can count them.
  /// Error (errc::invalid_argument) when the instant falls outside what an
  /// int64 of ns can hold (years 1677..2262).
  events::result<resolved_instant> to_utc(std::int64_t local_ns) const;

  /// UTC instant -> local wall time (same encoding as `to_utc`'s input).
  /// REQUIRES: the result fits (instants within a day of the int64 range
  /// limits may not; they are clamped to the range).
  std::int64_t to_local(std::int64_t utc_ns) const;

  /// The zone's offset from UTC at an instant, in seconds (e.g. 10800 for
  /// Asia/Jerusalem in summer).
  std::int32_t offset_s(std::int64_t utc_ns) const;

  /// The zone's abbreviation at an instant ("IDT", "CET", "UTC"); some zones
  /// have none and give a numeric one such as "+03".
  std::string abbreviation(std::int64_t utc_ns) const;

  /// RFC 3339 in this zone: "2024-03-29T02:30:00+02:00". `fraction_digits`
  /// (0, 3, 6 or 9; others are rounded up to the next of those) adds that
  /// many digits of the second. The UTC zone writes "Z"; other zones write
  /// their offset, "+00:00" included.
  std::string format_rfc3339(std::int64_t utc_ns, int fraction_digits = 0) const;

  /// Every zone and link name the database knows, sorted (for suggestions
  /// and `--help`); just {"UTC"} when the database cannot be read.
  static std::vector<std::string> names();

private:
  time_zone() noexcept = default;
  std::string name_ = "UTC";
  const date::time_zone* zone_ =
      nullptr; ///< null: UTC; owned by the database, lives as long as the process
};

} // namespace hotline::drivers
