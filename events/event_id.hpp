#pragma once
/// A 128-bit identifier for events (and correlation/causation chains).
/// The writer chooses it: a retried append carrying the same ids is
/// recognised by the store and not written twice. Rendered as a UUID-style
/// string (8-4-4-4-12 lower-case hex). The domain never generates ids
/// itself: it gets them in commands, or derives them from names.
///
/// Which ids are UUIDs: ids made by `uuid_v7` are RFC 9562 version 7 UUIDs
/// (48-bit Unix milliseconds, version nibble 7, variant bits 10), so they
/// sort by time; the ACD's events, commands and rejections carry those
/// (actors/entity_log.hpp). `from_name` ids are 128 bits of hash with no
/// version or variant: they are not UUIDs, only look like them (the
/// importer's and call correlations are such; stored ones keep their value).
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::events {

struct event_id {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;

  bool is_nil() const noexcept { return hi == 0 && lo == 0; }
  auto operator<=>(const event_id&) const = default;

  /// "0123abcd-...": 36 characters.
  std::string to_string() const;
  static constexpr std::size_t text_size = 36;
  /// Writes the `to_string()` form to out[0 .. text_size) (no allocation).
  void write_text(char* out) const noexcept;
  /// Accepts the 36-character form or 32 bare hex digits; nullopt otherwise.
  static std::optional<event_id> parse(std::string_view text);
  /// A name-based id: the same name always gives the same id (FNV-1a/xorshift
  /// mix, not cryptographic). Used to derive ids deterministically, e.g. from
  /// a command id and an index, so that retries are idempotent.
  static event_id from_name(std::string_view name) noexcept;
  /// A version 7 UUID: `unix_ms` (the low 48 bits; clamped at 0) in the
  /// top 48 bits, then the version nibble 7, 12 bits of `entropy.hi`, the
  /// variant bits 10 and 62 bits of `entropy.lo`. With entropy from a
  /// random source it is a time-ordered unique id; with `from_name(n)` it
  /// is the same id for the same (time, name), so a retry is idempotent.
  static event_id uuid_v7(std::int64_t unix_ms, event_id entropy) noexcept;
  /// The version nibble (7 for uuid_v7), and whether the variant bits are
  /// RFC 9562's 10.
  unsigned version() const noexcept { return static_cast<unsigned>(hi >> 12) & 0xf; }
  bool has_rfc_variant() const noexcept { return (lo >> 62) == 0b10; }

  template <class Archive> void serialize(Archive& ar) { ar(hi, lo); }
};

} // namespace hotline::events
