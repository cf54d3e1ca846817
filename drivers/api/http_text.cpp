#include "drivers/api/http_text.hpp"

#include <charconv>

#include "events/json_text.hpp"

namespace hotline::drivers::api {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) {
  return "'" + std::string{s} + "'";
}
} // namespace

std::optional<std::map<std::string, std::string>> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const auto piece = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (piece.empty()) continue;
    const auto eq = piece.find('=');
    auto name = percent_decode(piece.substr(0, eq), true);
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1), true);
    if (!name || !value) return std::nullopt;
    out.emplace(std::move(*name), std::move(*value)); // emplace keeps the first
  }
  return out;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    const auto piece = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = piece.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(piece.substr(0, eq)) != name) continue;
    auto value = trim(piece.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    return std::string{value};
  }
  return {};
}

std::string json_escape(std::string_view s) {
  std::string out;
  events::append_json_string(out, s); // the one JSON string writer: with its quotes
  return out.substr(1, out.size() - 2);
}

std::string json_error(std::string_view code, std::string_view detail) {
  return "{\"error\":\"" + json_escape(code) + "\",\"detail\":\"" + json_escape(detail) + "\"}";
}

bool header_text_is_safe(std::string_view s) {
  return s.find_first_of(std::string_view{"\r\n\0", 3}) == std::string_view::npos;
}

std::variant<listen_address, std::string> parse_listen(std::string_view text) {
  const auto where = "listen: " + quoted(text);
  listen_address a;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return where + " has '[' without ']'";
    a.host = std::string{text.substr(1, close - 1)};
    const auto rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':')
      return where + " has no port after ']' (expected [address]:port)";
    port = rest.substr(1);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return where + " has no port (expected host:port)";
    a.host = std::string{text.substr(0, colon)};
    if (a.host.find(':') != std::string::npos)
      return where + " is an IPv6 address without brackets (expected [address]:port)";
    port = text.substr(colon + 1);
  }
  if (a.host.empty()) return where + " has no host (expected host:port)";
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535)
    return where + ": port " + quoted(port) + " is not a number from 0 to 65535";
  a.port = static_cast<std::uint16_t>(value);
  return a;
}

std::variant<base_url, std::string> parse_base_url(std::string_view url) {
  base_url u;
  std::string rest;
  for (auto [scheme, tls] : {std::pair{"http://", false}, std::pair{"ws://", false},
                             std::pair{"https://", true}, std::pair{"wss://", true}})
    if (url.starts_with(scheme)) {
      rest = std::string{url.substr(std::string_view{scheme}.size())};
      u.tls = tls;
      break;
    }
  if (rest.empty())
    return "url '" + std::string{url} +
           "' does not start with http://, https://, ws:// or wss:// and a host";
  if (rest.back() == '/') rest.pop_back();
  u.host_header = rest;
  std::size_t colon;
  if (rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return "url '" + std::string{url} + "': '[' without ']'";
    u.host = rest.substr(1, close - 1);
    colon = rest.find(':', close);
  } else {
    colon = rest.rfind(':');
    u.host = rest.substr(0, colon);
  }
  u.port = colon == std::string::npos ? (u.tls ? "443" : "80") : rest.substr(colon + 1);
  return u;
}

} // namespace hotline::drivers::api
