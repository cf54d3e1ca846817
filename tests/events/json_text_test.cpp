// The codec's direct JSON text writer (the Kafka relay's path) gives the
// same bytes as the JSON tree dumped by to_json_text.
#include <doctest/doctest.h>

#include <limits>

#include "events/codec.hpp"
#include "events/json_text.hpp"
#include "tests/events/wire_names_sample.hpp"

using namespace hotline::events;

namespace {

/// Strings that need escaping, multi-byte UTF-8, and the edges of both.
const std::vector<std::string> awkward = {
    "",
    "plain",
    "quote \" backslash \\ slash /",
    "controls \b\f\n\r\t and \x01\x1f and DEL \x7f",
    std::string("NUL \0 inside", 12),
    "Grüße, 你好, 🎧",
    "\xE2\x82\xAC at the end \xF0\x9F\x98\x80",
};

/// Fills every string leaf with `text`, every number with 7, containers with two entries.
nlohmann::json fill(nlohmann::json j, const std::string& text) {
  if (j.is_object()) {
    if (j.empty()) return nlohmann::json{{text + "-k2", text}, {"k1", text}};
    for (auto& [k, v] : j.items())
      v = fill(v, text);
    return j;
  }
  if (j.is_array()) return nlohmann::json::array({text, "second"});
  if (j.is_string()) return text;
  if (j.is_number_integer()) return -7;
  if (j.is_boolean()) return true;
  return j;
}

recorded_event record_of(const event& body, const std::string& text) {
  const auto& codec = event_codec::standard();
  auto p = codec.propose(body, {event_id::from_name(text),
                                "site-" + text,
                                text,
                                -1'234'567'890'123,
                                event_id::from_name("c"),
                                {},
                                principal::user(text)});
  return {"call-" + text, 18446744073709551615ull, 42, p.meta, p.type, p.version, p.payload};
}

template <class T> void same_text_for(const std::string& text) {
  CAPTURE(T::type_name);
  CAPTURE(text);
  T value = hotline::testing::with_wire_names<T>(fill(nlohmann::json(T{}), text), text.size())
                .template get<T>();
  auto rec = record_of(event{value}, text);
  const auto& codec = event_codec::standard();
  auto reference = codec.to_json_text(rec);
  REQUIRE(reference.has_value());
  std::string fast = "prefix";
  REQUIRE(codec.append_json_text(rec, fast).is_ok());
  CHECK(fast == "prefix" + *reference);
}

template <std::size_t... I> void same_text_all(const std::string& text, std::index_sequence<I...>) {
  (same_text_for<std::variant_alternative_t<I, event>>(text), ...);
}

} // namespace

TEST_CASE("append_json_text writes exactly to_json_text's bytes for every type") {
  for (const auto& text : awkward)
    same_text_all(text, std::make_index_sequence<std::variant_size_v<event>>{});
}

TEST_CASE("append_json_text writes the same times as to_json_text, extremes included") {
  const auto& codec = event_codec::standard();
  for (std::int64_t t :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1'700'000'000'999'999'999},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    CAPTURE(t);
    auto rec = record_of(event{call_ended{}}, "t");
    rec.meta.timestamp_ns = t;
    std::string fast;
    REQUIRE(codec.append_json_text(rec, fast).is_ok());
    CHECK(fast == *codec.to_json_text(rec));
  }
}

TEST_CASE("append_json_text replaces bytes that are not UTF-8 and stays parseable") {
  const auto& codec = event_codec::standard();
  auto rec = record_of(
      event{call_ended{"c\xFF\xC3", call_outcome::completed, "x\xED\xA0\x80", "a1", "q1"}}, "ok");
  std::string out;
  REQUIRE(codec.append_json_text(rec, out).is_ok());
  auto back = codec.from_json_text(out);
  REQUIRE(back.has_value());
  auto body = codec.decode(*back);
  REQUIRE(body.has_value());
  CHECK(std::get<call_ended>(*body).call_id == "c\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(std::get<call_ended>(*body).reason == "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("append_json_text reports an unknown type and leaves the buffer alone") {
  const auto& codec = event_codec::standard();
  auto rec = record_of(event{call_ended{}}, "x");
  rec.type = "call.teleported";
  std::string out = "kept";
  auto st = codec.append_json_text(rec, out);
  CHECK(st.code() == errc::unknown_event_type);
  CHECK(out == "kept");
}

TEST_CASE("event_id::write_text writes the 8-4-4-4-12 form of to_string") {
  event_id id{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  char text[event_id::text_size];
  id.write_text(text);
  CHECK(std::string(text, sizeof text) == "01234567-89ab-cdef-fedc-ba9876543210");
  CHECK(id.to_string() == "01234567-89ab-cdef-fedc-ba9876543210");
  CHECK(event_id::parse(id.to_string()) == id);
}

TEST_CASE("invalid_utf8_at names the first byte that is not well-formed UTF-8") {
  using hotline::events::invalid_utf8_at;
  CHECK_FALSE(invalid_utf8_at("").has_value());
  CHECK_FALSE(invalid_utf8_at("plain ascii").has_value());
  CHECK_FALSE(invalid_utf8_at("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x93\x9E").has_value()); // é, 中, 📞
  CHECK(invalid_utf8_at("AA0101\xff,1") == 6u);
  CHECK(invalid_utf8_at("\xC0\xAF") == 0u);         // overlong '/'
  CHECK(invalid_utf8_at("x\xED\xA0\x80") == 1u);    // a UTF-16 surrogate
  CHECK(invalid_utf8_at("ok\xE4\xB8") == 2u);       // cut short
  CHECK(invalid_utf8_at("\xF4\x90\x80\x80") == 0u); // beyond U+10FFFF
}
