// event_codec::append_json_text: the JSON form written straight from the
// decoded payload struct. It must give the same bytes as to_json_text (a
// nlohmann tree, dumped): keys sorted as std::map sorts them, nlohmann's
// escaping (only '"', '\\' and control characters; UTF-8 passes through).
// tests/events/json_text_test.cpp holds the two to that.
#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <map>
#include <type_traits>
#include <vector>

#include "events/codec.hpp"
#include "events/json_text.hpp"

namespace hotline::events {

namespace {

/// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629), or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  auto at = [&](std::size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  auto cont = [&](std::size_t k) { return (at(k) & 0xC0u) == 0x80u; };
  unsigned c = at(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return at(1) >= lo && at(1) <= hi && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return at(1) >= lo && at(1) <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

} // namespace

std::optional<std::size_t> invalid_utf8_at(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    auto len = utf8_length(text, i);
    if (len == 0) return i;
    i += len;
  }
  return std::nullopt;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t run = i;
    while (run < s.size()) {
      auto c = static_cast<unsigned char>(s[run]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++run;
    }
    out.append(s.data() + i, run - i);
    i = run;
    if (i >= s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (auto len = utf8_length(s, i)) {
        out.append(s.data() + i, len);
        i += len;
      } else {
        out += "\xEF\xBF\xBD"; // U+FFFD for a byte that is not valid UTF-8
        ++i;
      }
      continue;
    }
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += "\\u00";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
    }
    ++i;
  }
  out.push_back('"');
}

namespace {

template <class T> void append_number(std::string& out, T v) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out.append(buf, end);
}

template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T> struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};

template <class T> void append_value(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_integral_v<T>) {
    append_number(out, v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    append_json_string(out, v);
  } else if constexpr (wire_enum<T>) {
    append_json_string(out, to_wire(v)); // its name, as the JSON tree writes it
  } else if constexpr (is_vector<T>::value) {
    out.push_back('[');
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out.push_back(',');
      append_value(out, v[i]);
    }
    out.push_back(']');
  } else if constexpr (is_string_map<T>::value) {
    out.push_back('{');
    bool first = true;
    for (const auto& [k, x] : v) { // std::map order is nlohmann's object order
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, k);
      out.push_back(':');
      append_value(out, x);
    }
    out.push_back('}');
  } else {
    out += nlohmann::json(v).dump(); // anything else: the tree's own text (may throw)
  }
}

void append_id(std::string& out, const event_id& id) {
  out.push_back('"');
  const auto at = out.size();
  out.resize(at + event_id::text_size);
  id.write_text(out.data() + at);
  out.push_back('"');
}

/// format_timestamp, with the part up to the second remembered per thread:
/// consecutive events mostly share it, and the formatting is most of the cost.
void append_timestamp(std::string& out, std::int64_t ns) {
  constexpr std::int64_t ns_per_s = 1'000'000'000;
  std::int64_t secs = ns / ns_per_s, frac = ns % ns_per_s;
  if (frac < 0) {
    frac += ns_per_s;
    --secs;
  }
  if (secs <= std::numeric_limits<std::int64_t>::min() / ns_per_s) { // secs * 1e9 overflows
    out.push_back('"');
    out += format_timestamp(ns);
    out.push_back('"');
    return;
  }
  thread_local std::int64_t cached_secs = 0;
  thread_local std::string cached_prefix; // "2026-11-23T03:37:28." for cached_secs
  if (cached_prefix.empty() || cached_secs != secs) {
    cached_prefix = format_timestamp(secs * ns_per_s); // "...:28.000000000Z"
    cached_prefix.resize(cached_prefix.size() - 10);   // drop "000000000Z"
    cached_secs = secs;
  }
  out.push_back('"');
  out += cached_prefix;
  char digits[9];
  for (int i = 8; i >= 0; --i, frac /= 10)
    digits[i] = static_cast<char>('0' + frac % 10);
  out.append(digits, 9);
  out += "Z\"";
}

/// A payload's fields as `{"name":value,...}` in sorted key order.
template <class T> void append_payload(std::string& out, const T& body) {
  struct field {
    std::string_view name;
    const void* value;
    void (*append)(std::string&, const void*);
  };
  std::array<field, 64> fields; // HOTLINE_EVENT_FIELDS takes at most 64 fields
  std::size_t n = 0;
  visit_fields(body, [&](const char* name, const auto& value) {
    using V = std::decay_t<decltype(value)>;
    fields[n++] = {name, &value, [](std::string& o, const void* p) {
                     append_value(o, *static_cast<const V*>(p));
                   }};
  });
  std::sort(fields.begin(), fields.begin() + static_cast<std::ptrdiff_t>(n),
            [](const field& a, const field& b) { return a.name < b.name; });
  out.push_back('{');
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out.push_back(',');
    append_json_string(out, fields[i].name);
    out.push_back(':');
    fields[i].append(out, fields[i].value);
  }
  out.push_back('}');
}

} // namespace

status event_codec::append_json_text(const recorded_event& e, std::string& out) const {
  auto body = decode(e); // the current version (upcast when older)
  if (!body) return body.error();
  const auto size_before = out.size();
  try {
    out += "{\"causation_id\":";
    append_id(out, e.meta.causation);
    out += ",\"caused_by\":{\"id\":";
    append_json_string(out, e.meta.caused_by.id);
    out += ",\"kind\":\"";
    out += to_string(e.meta.caused_by.role);
    out += "\"},\"correlation_id\":";
    append_id(out, e.meta.correlation);
    out += ",\"data\":";
    std::visit([&](const auto& payload) { append_payload(out, payload); }, *body);
    out += ",\"id\":";
    append_id(out, e.meta.id);
    out += ",\"position\":";
    append_number(out, e.position);
    out += ",\"revision\":";
    append_number(out, e.revision);
    out += ",\"site\":";
    append_json_string(out, e.meta.site);
    out += ",\"stream\":";
    append_json_string(out, e.stream);
    out += ",\"tenant\":";
    append_json_string(out, e.meta.tenant);
    out += ",\"time\":";
    append_timestamp(out, e.meta.timestamp_ns);
    out += ",\"time_ns\":";
    append_number(out, e.meta.timestamp_ns);
    out += ",\"type\":";
    append_json_string(out, e.type);
    out += ",\"version\":";
    append_number(out, version_of(*body));
    out += '}';
  } catch (const std::exception& ex) {
    out.resize(size_before);
    return {errc::malformed_json, "position " + std::to_string(e.position) +
                                      ": cannot write the JSON form: " + ex.what()};
  }
  return {};
}

} // namespace hotline::events
