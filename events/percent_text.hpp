#pragma once
/// %XX escapes (RFC 3986 §2.1) as URIs carry them, for every adapter that
/// reads one: the node API's paths and query strings (drivers/api/http_text)
/// and a SIP Refer-To's Replaces header (drivers/sip/replaces). Pure.
#include <optional>
#include <string>
#include <string_view>

namespace hotline::events {

/// Decodes %XX escapes (either case of hex digit); with `plus_is_space`
/// (query strings) a '+' is a space. nullopt for a '%' not followed by two
/// hex digits, or for an escape that decodes to NUL.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false);

} // namespace hotline::events
