#pragma once
/// Text checks for the JSON form of events (events/json_text.cpp): what
/// readers of JSON from outside the node (Kafka records) use to name a value
/// that is not valid UTF-8 before they parse it.
#include <cstddef>
#include <optional>
#include <string_view>

namespace hotline::events {

/// The byte offset of the first byte of `text` that does not start a
/// well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at
/// most U+10FFFF); nullopt when all of it is valid UTF-8.
std::optional<std::size_t> invalid_utf8_at(std::string_view text) noexcept;

} // namespace hotline::events
