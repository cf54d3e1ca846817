#include "drivers/sip/replaces.hpp"

#include <cctype>

#include "drivers/sip/sip_text.hpp"

namespace hotline::drivers::sip {

namespace {

events::status bad(std::string what) {
  return events::status{events::errc::invalid_argument, "Replaces: " + std::move(what)};
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace

events::result<std::optional<replaces_target>> parse_replaces(std::string_view uri_headers) {
  std::optional<std::string> value;
  if (!uri_headers.empty() && uri_headers.front() == '?') uri_headers.remove_prefix(1);
  while (!uri_headers.empty()) {
    const auto amp = uri_headers.find('&');
    const auto field = uri_headers.substr(0, amp);
    uri_headers = amp == std::string_view::npos ? std::string_view{} : uri_headers.substr(amp + 1);
    const auto eq = field.find('=');
    if (!iequals(trimmed(field.substr(0, eq)), "replaces")) continue;
    if (value) return bad("the header is given twice");
    auto decoded = percent_decode(eq == std::string_view::npos ? "" : field.substr(eq + 1));
    if (!decoded) return bad("'" + std::string(field) + "' has a malformed %-escape");
    value = std::move(*decoded);
  }
  if (!value) return std::optional<replaces_target>{};
  // callid *(SEMI (to-tag / from-tag / early-only / generic-param))
  replaces_target t;
  std::string_view rest = *value;
  const auto semi = rest.find(';');
  t.call_id = std::string(trimmed(rest.substr(0, semi)));
  if (t.call_id.empty()) return bad("'" + *value + "' names no Call-ID");
  rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
  bool to_seen = false, from_seen = false;
  while (!rest.empty()) {
    const auto next = rest.find(';');
    const auto param = trimmed(rest.substr(0, next));
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
    const auto eq = param.find('=');
    const auto name = trimmed(param.substr(0, eq));
    const auto val =
        eq == std::string_view::npos ? std::string_view{} : trimmed(param.substr(eq + 1));
    if (iequals(name, "to-tag")) {
      if (val.empty()) return bad("'" + *value + "' has an empty to-tag");
      t.to_tag = std::string(val);
      to_seen = true;
    } else if (iequals(name, "from-tag")) {
      if (val.empty()) return bad("'" + *value + "' has an empty from-tag");
      t.from_tag = std::string(val);
      from_seen = true;
    } else if (iequals(name, "early-only")) {
      t.early_only = true;
    }
  }
  if (!to_seen) return bad("'" + *value + "' has no to-tag");
  if (!from_seen) return bad("'" + *value + "' has no from-tag");
  return std::optional<replaces_target>{std::move(t)};
}

} // namespace hotline::drivers::sip
