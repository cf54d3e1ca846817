#pragma once
/// Text checks for the JSON form of events (events/json_text.cpp): what
/// readers of JSON from outside the node (Kafka records) use to name a value
/// that is not valid UTF-8 before they parse it; and the one JSON string
/// writer (events' JSON, hotline's JSON log lines).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::events {

/// The byte offset of the first byte of `text` that does not start a
/// well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at
/// most U+10FFFF); nullopt when all of it is valid UTF-8.
std::optional<std::size_t> invalid_utf8_at(std::string_view text) noexcept;

/// Appends `s` to `out` as a JSON string, quotes included: `"` `\` and
/// control characters escaped, valid UTF-8 kept as it is, each byte that is
/// not valid UTF-8 replaced by U+FFFD (so the result is always valid JSON).
void append_json_string(std::string& out, std::string_view s);

} // namespace hotline::events
