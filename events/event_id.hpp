#pragma once
/// A 128-bit identifier for events (and correlation/causation chains).
/// The writer chooses it: a retried append carrying the same ids is
/// recognised by the store and not written twice. Rendered as a UUID-style
/// string (8-4-4-4-12 lower-case hex). The domain never generates ids
/// itself; see drivers/id_source.hpp.
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

  template <class Archive>
  void serialize(Archive& ar) {
    ar(hi, lo);
  }
};

} // namespace hotline::events
