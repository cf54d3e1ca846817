#pragma once
/// The text rules of HTTP that the server applies to a request before the
/// handler sees it, and to what it writes back: percent-decoding, query
/// strings, cookies, the `listen` option's "host:port", JSON error bodies.
/// Pure functions (no I/O, no Boost), tested on their own in
/// tests/drivers/http_text_test.cpp.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "events/percent_text.hpp"

namespace hotline::drivers::api {

/// %XX escapes: the one decoder (events/percent_text.hpp).
using events::percent_decode;

/// "a=1&b=x%20y&c" -> {a:1, b:"x y", c:""}: empty pieces are skipped, a
/// repeated name keeps its first value. nullopt if a name or value does not
/// percent-decode (see percent_decode).
std::optional<std::map<std::string, std::string>> parse_query(std::string_view q);

/// The value of cookie `name` in a Cookie header ("a=1; b=2"), surrounding
/// double quotes removed; empty when absent. Names compare exactly; the
/// first match wins.
std::string cookie_value(std::string_view cookie_header, std::string_view name);

/// `s` as the inside of a JSON string (events/json_text.hpp's escaping:
/// quotes, backslashes and control characters escaped, valid UTF-8 as it
/// is, a byte that is not valid UTF-8 as U+FFFD).
std::string json_escape(std::string_view s);
/// {"error":"<code>","detail":"<detail>"}
std::string json_error(std::string_view code, std::string_view detail);

/// True when `s` may go into a header name or value as is: no CR, LF or NUL.
bool header_text_is_safe(std::string_view s);

/// The `listen` option split: "127.0.0.1:8080", "[::1]:0", "localhost:80".
struct listen_address {
  std::string host; ///< without the IPv6 brackets
  std::uint16_t port = 0;
};
/// The address, or an error that quotes the text and says what is wrong
/// ("listen: 'x' has no port (expected host:port)").
std::variant<listen_address, std::string> parse_listen(std::string_view text);

/// A client's base URL split: "http://127.0.0.1:8080", "wss://[::1]:443/"
/// (http/ws plain, https/wss TLS; the port defaults to 80/443; a trailing
/// '/' is dropped), as `http_server::url()` gives it.
struct base_url {
  bool tls = false;
  std::string host;        ///< without the IPv6 brackets
  std::string port;        ///< digits as given, or the default
  std::string host_header; ///< host[:port] as it goes into Host
};
/// The URL, or an error that quotes it and says what is wrong.
std::variant<base_url, std::string> parse_base_url(std::string_view url);

} // namespace hotline::drivers::api
