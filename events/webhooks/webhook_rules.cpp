#include "events/webhooks/webhook_rules.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "events/catalog.hpp"

namespace hotline::events::webhooks {

namespace {

bool is_host_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

bool is_private_v4(const unsigned char* a) noexcept {
  if (a[0] == 0 || a[0] == 10 || a[0] == 127) return true; // this network, private, loopback
  if (a[0] == 100 && (a[1] & 0xC0) == 64) return true;     // 100.64/10 carrier-grade NAT
  if (a[0] == 169 && a[1] == 254) return true;             // link-local (cloud metadata)
  if (a[0] == 172 && (a[1] & 0xF0) == 16) return true;     // 172.16/12
  if (a[0] == 192 && a[1] == 168) return true;             // 192.168/16
  if (a[0] == 192 && a[1] == 0 && a[2] == 0) return true;  // 192.0.0/24 protocol assignments
  if (a[0] == 198 && (a[1] & 0xFE) == 18) return true;     // 198.18/15 benchmarking
  return a[0] >= 224;                                      // multicast, reserved, broadcast
}

/// A dotted quad of decimal numbers 0-255 without leading zeros (an
/// "0177.0.0.1" is refused: resolvers would read it as octal).
bool parse_ipv4(std::string_view s, unsigned char* out) noexcept {
  int part = 0;
  std::size_t i = 0;
  while (part < 4) {
    const auto start = i;
    int v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3)
      v = v * 10 + (s[i++] - '0');
    const auto len = i - start;
    if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
    out[part++] = static_cast<unsigned char>(v);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Groups of 1-4 hex digits separated by ':' (the last may be a dotted
/// quad), appended to `out` as bytes; false if malformed.
bool parse_groups(std::string_view s, std::vector<unsigned char>& out) {
  if (s.empty()) return true;
  std::size_t i = 0;
  for (;;) {
    const auto end = s.find(':', i);
    const auto group = s.substr(i, end == std::string_view::npos ? s.size() - i : end - i);
    if (end == std::string_view::npos && group.find('.') != std::string_view::npos) {
      unsigned char v4[4];
      if (!parse_ipv4(group, v4)) return false;
      out.insert(out.end(), v4, v4 + 4);
      return true;
    }
    if (group.empty() || group.size() > 4) return false;
    int v = 0;
    for (char c : group) {
      const int h = hex_value(c);
      if (h < 0) return false;
      v = v * 16 + h;
    }
    out.push_back(static_cast<unsigned char>(v >> 8));
    out.push_back(static_cast<unsigned char>(v & 0xff));
    if (end == std::string_view::npos) return true;
    i = end + 1;
  }
}

/// RFC 4291 text form ("::" once at most, an IPv4 tail allowed); no zone id.
bool parse_ipv6(std::string_view s, unsigned char* out) {
  std::vector<unsigned char> head, tail;
  const auto gap = s.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_groups(s, head) || head.size() != 16) return false;
  } else {
    if (s.find("::", gap + 1) != std::string_view::npos) return false;
    if (!parse_groups(s.substr(0, gap), head) || !parse_groups(s.substr(gap + 2), tail) ||
        head.size() + tail.size() > 14)
      return false;
    head.resize(16 - tail.size(), 0);
    head.insert(head.end(), tail.begin(), tail.end());
  }
  std::copy(head.begin(), head.end(), out);
  return true;
}

template <std::size_t... I> std::vector<std::string> catalog_names(std::index_sequence<I...>) {
  std::vector<std::string> out{std::string{std::variant_alternative_t<I, event>::type_name}...};
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace

std::variant<target_url, std::string> parse_url(std::string_view url) {
  if (url.empty()) return std::string{"is empty"};
  if (url.size() > max_url_bytes)
    return "is longer than " + std::to_string(max_url_bytes) + " bytes";
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return std::string{"contains a space or a control character"};
  target_url out;
  std::string_view rest;
  if (url.starts_with("https://")) {
    out.tls = true;
    out.port = 443;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    out.port = 80;
    rest = url.substr(7);
  } else {
    return std::string{"must start with http:// or https://"};
  }
  if (rest.find('#') != std::string_view::npos)
    return std::string{"must not have a fragment ('#')"};
  const auto path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  out.target = path_at == std::string_view::npos ? "/" : std::string{rest.substr(path_at)};
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos)
    return std::string{"must not carry credentials (user:password@)"};
  if (authority.empty()) return std::string{"has no host"};
  std::string_view port_text;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::string{"has an unclosed '[' in its host"};
    out.host = std::string{authority.substr(1, close - 1)};
    unsigned char a6[16];
    if (!parse_ipv6(out.host, a6))
      return "has '" + out.host + "' in brackets, which is no IPv6 address";
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::string{"has text after its IPv6 address"};
      port_text = after.substr(1);
      if (port_text.empty()) return std::string{"has an empty port"};
    }
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return std::string{"has an empty port"};
      authority = authority.substr(0, colon);
    }
    if (authority.empty()) return std::string{"has no host"};
    if (authority.size() > 253) return std::string{"has a host name longer than 253 characters"};
    if (!std::all_of(authority.begin(), authority.end(), is_host_char) ||
        authority.front() == '.' || authority.front() == '-' ||
        authority.find("..") != std::string_view::npos)
      return "has '" + std::string{authority} + "' as its host, which is no host name";
    out.host = std::string{authority};
    std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
    // No top-level domain is all digits: such a host is an IPv4 address,
    // and only the canonical dotted quad is accepted (resolvers read
    // "0177.1" or "2130706433" as 127.0.0.1).
    const auto last_label = std::string_view{out.host}.substr(out.host.rfind('.') + 1);
    unsigned char v4[4];
    if (!last_label.empty() &&
        std::all_of(last_label.begin(), last_label.end(),
                    [](char c) { return c >= '0' && c <= '9'; }) &&
        !parse_ipv4(out.host, v4))
      return "has '" + out.host + "' as its host, which is no dotted-quad IPv4 address";
  }
  if (!port_text.empty()) {
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(),
                                             [](char c) { return c >= '0' && c <= '9'; }))
      return "has '" + std::string{port_text} + "' as its port, which is no number";
    const int port = std::stoi(std::string{port_text});
    if (port < 1 || port > 65535) return "has port " + std::to_string(port) + ", not 1 to 65535";
    out.port = static_cast<std::uint16_t>(port);
  }
  return out;
}

bool is_private_address(std::string_view address) {
  unsigned char a4[4];
  if (parse_ipv4(address, a4)) return is_private_v4(a4);
  unsigned char b[16];
  if (!parse_ipv6(address, b)) return true;
  static constexpr std::array<unsigned char, 10> zeros{};
  const bool first80_zero = std::equal(zeros.begin(), zeros.end(), b);
  if (first80_zero && b[10] == 0xff && b[11] == 0xff) return is_private_v4(b + 12); // ::ffff:v4
  if (first80_zero && b[10] == 0 && b[11] == 0 && b[12] == 0 && b[13] == 0 && b[14] == 0 &&
      b[15] <= 1)
    return true;                                          // :: and ::1
  if ((b[0] & 0xFE) == 0xFC) return true;                 // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true; // fe80::/10 link-local
  if (b[0] == 0xFF) return true;                          // multicast
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return true; // documentation
  return false;
}

bool is_private_host(std::string_view host) {
  if (host == "localhost" || host.ends_with(".localhost")) return true;
  unsigned char a4[4], a6[16];
  if (parse_ipv4(host, a4) || parse_ipv6(host, a6)) return is_private_address(host);
  return false;
}

std::optional<rejection> check_url(std::string_view url, bool allow_private) {
  auto parsed = parse_url(url);
  if (const auto* why = std::get_if<std::string>(&parsed))
    return rejection{"invalid_url", "the URL " + *why};
  const auto& u = std::get<target_url>(parsed);
  if (!allow_private && is_private_host(u.host))
    return rejection{"private_url",
                     "the URL's host '" + u.host +
                         "' is a loopback, private, link-local or reserved address; this node "
                         "does not send webhooks there ([api] webhook_allow_private)"};
  return std::nullopt;
}

bool type_matches(std::string_view pattern, std::string_view type) noexcept {
  if (pattern == "*") return true;
  if (pattern.ends_with(".*")) return type.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == type;
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view type) noexcept {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return type_matches(p, type); });
}

bool deliverable(std::string_view type) noexcept {
  return !type.starts_with("webhook.") && !type.starts_with("session.") && type != "user.created" &&
         type != "user.password_changed";
}

const std::vector<std::string>& known_types() {
  static const std::vector<std::string> names =
      catalog_names(std::make_index_sequence<std::variant_size_v<event>>{});
  return names;
}

std::optional<rejection> check_types(const std::vector<std::string>& types) {
  if (types.empty())
    return rejection{"invalid_types", "types must name at least one event type (or \"*\")"};
  if (types.size() > max_type_patterns)
    return rejection{"invalid_types", "types has " + std::to_string(types.size()) +
                                          " patterns; at most " +
                                          std::to_string(max_type_patterns)};
  std::set<std::string> seen;
  for (const auto& p : types) {
    if (!seen.insert(p).second) return rejection{"invalid_types", "types names '" + p + "' twice"};
    const bool shape_ok = !p.empty() && p.size() <= 64 &&
                          std::all_of(p.begin(), p.end(),
                                      [](char c) {
                                        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                               c == '_' || c == '.' || c == '*';
                                      }) &&
                          (p == "*" || p.find('*') == std::string::npos ||
                           (p.ends_with(".*") && p.find('*') == p.size() - 1 && p.size() > 2));
    if (!shape_ok)
      return rejection{"invalid_types", "types has '" + p +
                                            "', which is neither \"*\", \"<prefix>.*\" nor an "
                                            "event type name"};
    const auto& all = known_types();
    const bool selects = std::any_of(all.begin(), all.end(), [&](const std::string& t) {
      return deliverable(t) && type_matches(p, t);
    });
    if (!selects)
      return rejection{"invalid_types",
                       "types has '" + p +
                           "', which selects no event type that webhooks deliver (e.g. "
                           "\"call.ended\", \"agent.*\"; webhook.* and session.* are never sent)"};
  }
  return std::nullopt;
}

std::int64_t retry_delay_ns(int failures, double jitter, std::int64_t retry_after_ns) noexcept {
  std::int64_t base = first_retry_ns;
  for (int i = 1; i < failures && base < max_retry_ns; ++i)
    base *= 2;
  base = std::min(base, max_retry_ns);
  jitter = std::clamp(jitter, 0.0, 1.0);
  std::int64_t delay = base / 2 + static_cast<std::int64_t>(jitter * static_cast<double>(base / 2));
  if (retry_after_ns > delay) delay = retry_after_ns;
  return std::min(delay, max_retry_ns);
}

} // namespace hotline::events::webhooks
