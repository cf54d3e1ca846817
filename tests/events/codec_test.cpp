// The event codec: every catalog type round-trips through both forms; bad
// input gives a named error, never a crash.
#include <doctest/doctest.h>

#include "events/codec.hpp"
#include "events/legacy_events.hpp"
#include "tests/events/wire_names_sample.hpp"

using namespace hotline::events;

namespace {

/// Replaces every leaf of a default payload's JSON with a non-default value,
/// so a round trip proves each field survives.
nlohmann::json populate(nlohmann::json j, const std::string& key = "") {
  if (j.is_object()) {
    if (j.empty()) return nlohmann::json{{"k-" + key, "v-" + key}};
    for (auto& [k, v] : j.items())
      v = populate(v, k);
    return j;
  }
  if (j.is_array()) return nlohmann::json::array({"a-" + key, "b-" + key});
  if (j.is_string()) return "x-" + key;
  if (j.is_number_integer()) return 7;
  if (j.is_boolean()) return true;
  if (j.is_number_float()) return 2.5;
  return j;
}

template <class T> void round_trip_one(const event_codec& codec) {
  CAPTURE(T::type_name);
  nlohmann::json sample = hotline::testing::with_wire_names<T>(populate(nlohmann::json(T{})));
  T value = sample.get<T>();
  // binary
  auto proposed = codec.propose(event{value}, {});
  CHECK(proposed.type == T::type_name);
  CHECK(proposed.version == T::version);
  auto back = codec.decode(proposed.type, proposed.version, proposed.payload);
  REQUIRE(back.has_value());
  REQUIRE(std::holds_alternative<T>(*back));
  CHECK(nlohmann::json(std::get<T>(*back)) == sample);
  // whole record, storage and JSON forms
  recorded_event rec{"call-1",
                     3,
                     17,
                     {event_id::from_name("e"), "site-a", "tenant-1", 1'700'000'000'123'456'789,
                      event_id::from_name("c"), event_id::from_name("k"), principal::agent("a7")},
                     proposed.type,
                     proposed.version,
                     proposed.payload};
  auto stored = codec.decode_record(codec.encode_record(rec));
  REQUIRE(stored.has_value());
  CHECK(*stored == rec);
  auto text = codec.to_json_text(rec);
  REQUIRE(text.has_value());
  auto parsed = codec.from_json_text(*text);
  REQUIRE(parsed.has_value());
  CHECK(*parsed == rec);
}

template <std::size_t... I>
void round_trip_all(const event_codec& codec, std::index_sequence<I...>) {
  (round_trip_one<std::variant_alternative_t<I, event>>(codec), ...);
}

recorded_event sample_record() {
  const auto& codec = event_codec::standard();
  call_arrived body{"c1",
                    contact_channel::voice,
                    call_direction::inbound,
                    "+8613800000000",
                    "10086",
                    "cust-9",
                    {{"lang", "en"}},
                    "pstn"};
  auto p = codec.propose(
      event{body}, {event_id::from_name("x"), "s1", "t1", 42, {}, {}, principal::system("acd")});
  return {"call-c1", 0, 5, p.meta, p.type, p.version, p.payload};
}

} // namespace

TEST_CASE("every catalog event type round-trips through the binary, record and JSON forms") {
  round_trip_all(event_codec::standard(), std::make_index_sequence<std::variant_size_v<event>>{});
}

TEST_CASE("the JSON form carries the whole envelope with readable names") {
  auto j = event_codec::standard().to_json(sample_record());
  REQUIRE(j.has_value());
  CHECK((*j)["type"] == "call.arrived");
  CHECK((*j)["version"] == 1);
  CHECK((*j)["stream"] == "call-c1");
  CHECK((*j)["position"] == 5);
  CHECK((*j)["time"] == "1970-01-01T00:00:00.000000042Z");
  CHECK((*j)["caused_by"]["kind"] == "system");
  CHECK((*j)["data"]["caller"] == "+8613800000000");
  CHECK((*j)["data"]["attached"]["lang"] == "en");
}

TEST_CASE("an unknown type or version is a named error") {
  const auto& codec = event_codec::standard();
  auto r = codec.decode("call.teleported", 1, "");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == errc::unknown_event_type);
  CHECK(r.error().detail().find("call.teleported") != std::string::npos);
  auto v = codec.decode("call.arrived", 9, "");
  REQUIRE_FALSE(v.has_value());
  CHECK(v.error().code() == errc::unknown_event_type);
  CHECK(v.error().detail().find("version 9") != std::string::npos);
}

TEST_CASE("a corrupted or truncated record is reported, not decoded") {
  const auto& codec = event_codec::standard();
  auto bytes = codec.encode_record(sample_record());
  SUBCASE("one flipped bit") {
    bytes[bytes.size() / 2] ^= 0x10;
    auto r = codec.decode_record(bytes);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::corrupt_record);
    CHECK(r.error().detail().find("checksum") != std::string::npos);
  }
  SUBCASE("truncated") {
    auto r = codec.decode_record(std::string_view{bytes}.substr(0, 4));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::corrupt_record);
  }
  SUBCASE("garbage") {
    auto r = codec.decode_record(std::string(64, '\xff'));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::corrupt_record);
  }
  SUBCASE("payload bytes that do not decode as their type") {
    auto r = codec.decode("call.arrived", 1, std::string(3, '\x01'));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::corrupt_record);
  }
}

TEST_CASE("malformed JSON names what is wrong") {
  const auto& codec = event_codec::standard();
  auto text = *codec.to_json_text(sample_record());
  SUBCASE("not JSON at all") {
    auto r = codec.from_json_text("{\"id\": ");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::malformed_json);
  }
  SUBCASE("a missing envelope key") {
    auto j = nlohmann::json::parse(text);
    j.erase("stream");
    auto r = codec.from_json(j);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::malformed_json);
    CHECK(r.error().detail().find("'stream'") != std::string::npos);
  }
  SUBCASE("a payload field of the wrong type") {
    auto j = nlohmann::json::parse(text);
    j["data"]["caller"] = 12;
    auto r = codec.from_json(j);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::malformed_json);
    CHECK(r.error().detail().find("call.arrived") != std::string::npos);
  }
  SUBCASE("a bad id") {
    auto j = nlohmann::json::parse(text);
    j["id"] = "not-an-id";
    auto r = codec.from_json(j);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().detail().find("'id'") != std::string::npos);
  }
}

namespace legacy {
/// What call.queued might have looked like before priorities existed.
struct call_queued_v0 {
  static constexpr std::string_view type_name = "call.queued";
  static constexpr std::uint16_t version = 0;
  std::string call_id;
  std::string queue;
};
HOTLINE_EVENT_FIELDS(call_queued_v0, call_id, queue)
} // namespace legacy

TEST_CASE("an old schema version is upcast to the current one") {
  event_codec codec;
  codec.add_legacy<::legacy::call_queued_v0>([](nlohmann::json j) -> result<nlohmann::json> {
    j["priority"] = 0;
    return j;
  });
  auto old_bytes = to_binary(::legacy::call_queued_v0{"c9", "sales"});
  auto ev = codec.decode("call.queued", 0, old_bytes);
  REQUIRE(ev.has_value());
  auto& q = std::get<call_queued>(*ev);
  CHECK(q.call_id == "c9");
  CHECK(q.queue == "sales");
  CHECK(q.priority == 0);
  // Without the upcaster the old version is unknown.
  CHECK(event_codec::standard().decode("call.queued", 0, old_bytes).error().code() ==
        errc::unknown_event_type);
}

TEST_CASE("event ids print as UUIDs and parse back") {
  auto id = event_id::from_name("hello");
  auto text = id.to_string();
  CHECK(text.size() == 36);
  CHECK(event_id::parse(text) == id);
  CHECK_FALSE(event_id::parse("xyz").has_value());
  CHECK(event_id::from_name("hello") == id);
  CHECK(event_id::from_name("hellp") != id);
}

TEST_CASE("timestamps are ISO-8601 UTC with nanoseconds") {
  std::int64_t ns = 1'795'405'048'123'456'789; // 2026-11-23T...
  auto text = format_timestamp(ns);
  CHECK(text == "2026-11-23T03:37:28.123456789Z");
  std::int64_t back = 0;
  REQUIRE(parse_timestamp(text, back));
  CHECK(back == ns);
  CHECK_FALSE(parse_timestamp("2026-13-01T00:00:00Z", back));
  CHECK(format_timestamp(-1) == "1969-12-31T23:59:59.999999999Z");
}

TEST_CASE("stream names are category-id") {
  CHECK(is_valid_stream_name("call-42"));
  CHECK(is_valid_stream_name("trunk-pstn.3"));
  CHECK_FALSE(is_valid_stream_name("call"));
  CHECK_FALSE(is_valid_stream_name("-42"));
  CHECK_FALSE(is_valid_stream_name("Call-42"));
  CHECK_FALSE(is_valid_stream_name(std::string("call-4\0", 7)));
  CHECK(stream_category("agent-a-7") == "agent");
  CHECK(stream_entity("agent-a-7") == "a-7");
}

TEST_CASE(
    "the JSON text of a payload with bytes that are not UTF-8 replaces them instead of failing") {
  const auto& codec = event_codec::standard();
  call_ended body{"c\xFF", call_outcome::completed, "x\xED\xA0\x80", "a1", "q1"};
  auto p = codec.propose(event{body},
                         {event_id::from_name("u"), "s1", "t1", 1, {}, {}, principal::system("t")});
  recorded_event rec{"call-u", 0, 1, p.meta, p.type, p.version, p.payload};
  auto text = codec.to_json_text(rec);
  REQUIRE(text.has_value());
  CHECK(nlohmann::json::accept(*text));
  CHECK(text->find("\xEF\xBF\xBD") != std::string::npos); // U+FFFD
}

TEST_CASE("call.transferred version 1 (before the reason) reads back with an empty reason") {
  const auto& codec = event_codec::standard();
  auto old_bytes = to_binary(
      hotline::events::legacy::call_transferred_v1{"c9", "blind", "a1", "queue", "billing"});
  auto ev = codec.decode("call.transferred", 1, old_bytes);
  REQUIRE(ev.has_value());
  auto& t = std::get<call_transferred>(*ev);
  CHECK(t.call_id == "c9");
  CHECK(t.target == "billing");
  CHECK(t.reason.empty());
  CHECK(*codec.current_version("call.transferred") == 2);
}
