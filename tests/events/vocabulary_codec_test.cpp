// The vocabulary enums (events/vocabulary.hpp) on the wire: an event holding
// one is stored and published with exactly the bytes it had when the field
// was a string (the literals below were written by hotline 3211d4a, before
// the enums), and a name no enum has is an error naming field and value.
#include <doctest/doctest.h>

#include <string>

#include "events/codec.hpp"
#include "events/legacy_events.hpp"

using namespace hotline::events;

namespace {

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string{text.substr(i, 2)}, nullptr, 16));
  return out;
}

nlohmann::json json_of(const event& e) {
  return std::visit([](const auto& body) { return nlohmann::json(body); }, e);
}

recorded_event record_of(const event& body) {
  const auto& codec = event_codec::standard();
  auto p = codec.propose(body, {event_id::from_name("pin"),
                                "s1",
                                "t1",
                                1'700'000'000'000'000'000,
                                {},
                                {},
                                principal::system("acd")});
  return {"x-1", 0, 9, p.meta, p.type, p.version, p.payload};
}

/// The JSON form of `body`'s record as 3211d4a wrote it: the envelope of
/// record_of, around `data`.
std::string json_of(std::string_view type, int version, std::string_view data) {
  return R"({"causation_id":"00000000-0000-0000-0000-000000000000","caused_by":{"id":"acd","kind":"system"},"correlation_id":"00000000-0000-0000-0000-000000000000","data":)" +
         std::string{data} +
         R"(,"id":"fb64e3cb-d862-11a4-b14d-edd925a83eef","position":9,"revision":0,"site":"s1","stream":"x-1","tenant":"t1","time":"2023-11-14T22:13:20.000000000Z","time_ns":1700000000000000000,"type":")" +
         std::string{type} + R"(","version":)" + std::to_string(version) + "}";
}

struct pinned {
  event body;
  const char* binary; ///< the payload's bytes, hex
  const char* data;   ///< its JSON `data`
};

const pinned cases[] = {
    {call_arrived{
         "c1", contact_channel::chat, call_direction::outbound, "+1", "100", "cust-1", {}, "pstn"},
     "0200000000000000633104000000000000006368617408000000000000006f7574626f756e6402000000000000002"
     "b"
     "3103000000000000003130300600000000000000637573742d31000000000000000004000000000000007073746e",
     R"({"attached":{},"call_id":"c1","caller":"+1","channel":"chat","customer_id":"cust-1","dialed":"100","direction":"outbound","trunk_group":"pstn"})"},
    {call_ended{"c1", call_outcome::blocked, "all_channels_busy", "a1", "q1"},
     "020000000000000063310700000000000000626c6f636b65641100000000000000616c6c5f6368616e6e656c735f6"
     "2"
     "7573790200000000000000613102000000000000007131",
     R"({"agent_id":"a1","call_id":"c1","outcome":"blocked","queue":"q1","reason":"all_channels_busy"})"},
    {call_transferred{"c1", transfer_mode::consultative, "a1", transfer_target_kind::agent, "a2",
                      "billing"},
     "020000000000000063310c00000000000000636f6e73756c746174697665020000000000000061310500000000000"
     "0"
     "006167656e7402000000000000006132070000000000000062696c6c696e67",
     R"({"call_id":"c1","from_agent":"a1","mode":"consultative","reason":"billing","target":"a2","target_kind":"agent"})"},
    {call_supervised{"c1", "sup1", supervision_mode::whisper},
     "02000000000000006331040000000000000073757031070000000000000077686973706572",
     R"({"call_id":"c1","mode":"whisper","supervisor_id":"sup1"})"},
    {trunk_seized{"pstn", 3, "c1", call_direction::outbound},
     "04000000000000007073746e030000000200000000000000633108000000000000006f7574626f756e64",
     R"({"call_id":"c1","channel":3,"direction":"outbound","trunk_group":"pstn"})"},
    {agent_reserved{"a1", "c1", "q1", contact_channel::email},
     "0200000000000000613102000000000000006331020000000000000071310500000000000000656d61696c",
     R"({"agent_id":"a1","call_id":"c1","channel":"email","queue":"q1"})"},
    {agent_call_started{"a1", "c1", contact_channel::sms},
     "02000000000000006131020000000000000063310300000000000000736d73",
     R"({"agent_id":"a1","call_id":"c1","channel":"sms"})"},
};

} // namespace

TEST_CASE("vocabulary fields keep the stored and Kafka bytes of their string days") {
  const auto& codec = event_codec::standard();
  for (const auto& c : cases) {
    const auto rec = record_of(c.body);
    CAPTURE(rec.type);
    CHECK(hex(rec.payload) == c.binary);
    const auto json = json_of(rec.type, rec.version, c.data);
    CHECK(*codec.to_json_text(rec) == json);
    std::string direct;
    REQUIRE(codec.append_json_text(rec, direct).is_ok());
    CHECK(direct == json);
    // ... and those bytes read back to the same value, by both binary readers
    auto back = codec.decode(rec.type, rec.version, unhex(c.binary));
    REQUIRE(back.has_value());
    CHECK(json_of(*back) == json_of(c.body));
    auto parsed = codec.from_json_text(json);
    REQUIRE(parsed.has_value());
    CHECK(parsed->payload == rec.payload);
  }
  call_ended reused;
  REQUIRE(codec.decode_into(call_ended::version, unhex(cases[1].binary), reused).is_ok());
  CHECK(reused.outcome == call_outcome::blocked);
}

TEST_CASE("a call.transferred stored at version 1 (mode and target kind as strings) still reads") {
  const auto& codec = event_codec::standard();
  // to_binary(legacy::call_transferred_v1{"c1", "blind", "a1", "queue", "sales"}) at 3211d4a
  const auto old = unhex("020000000000000063310500000000000000626c696e640200000000000000613105000"
                         "000000000007175657565050000000000000073616c6573");
  CHECK(old == to_binary(legacy::call_transferred_v1{"c1", "blind", "a1", "queue", "sales"}));
  auto ev = codec.decode(call_transferred::type_name, 1, old);
  REQUIRE(ev.has_value());
  const auto& t = std::get<call_transferred>(*ev);
  CHECK(t.mode == transfer_mode::blind);
  CHECK(t.target_kind == transfer_target_kind::queue);
  CHECK(t.target == "sales");
  call_transferred reused;
  REQUIRE(codec.decode_into(1, old, reused).is_ok());
  CHECK(reused.target_kind == transfer_target_kind::queue);
}

TEST_CASE("an agent.logged_in stored at version 1 (before the station) reads with no station") {
  const auto& codec = event_codec::standard();
  const auto old = to_binary(legacy::agent_logged_in_v1{"a1", {"sales", "vip"}});
  auto ev = codec.decode(agent_logged_in::type_name, 1, old);
  REQUIRE(ev.has_value());
  const auto& in = std::get<agent_logged_in>(*ev);
  CHECK(in.agent_id == "a1");
  CHECK(in.queues == std::vector<std::string>{"sales", "vip"});
  CHECK(in.station.empty());
  agent_logged_in reused{"x", {}, "stale"};
  REQUIRE(codec.decode_into(1, old, reused).is_ok());
  CHECK(reused.station.empty());
  // version 2 round-trips its station
  const agent_logged_in now{"a1", {"sales"}, "sip:2001@pbx.example.com"};
  auto back = codec.decode(agent_logged_in::type_name, 2, to_binary(now));
  REQUIRE(back.has_value());
  CHECK(std::get<agent_logged_in>(*back).station == "sip:2001@pbx.example.com");
}

TEST_CASE("a name no vocabulary enum has is an error naming the field and the value, never a "
          "default") {
  const auto& codec = event_codec::standard();
  // A call.transferred whose target kind a string field could hold, "moon":
  // version 1's bytes, and version 2's (the same and an empty reason).
  const auto bytes = to_binary(legacy::call_transferred_v1{"c1", "blind", "a1", "moon", "x"});
  SUBCASE("binary, through cereal") {
    auto ev = codec.decode(call_transferred::type_name, 2, bytes + std::string(8, '\0'));
    REQUIRE_FALSE(ev.has_value());
    CHECK(ev.error().code() == errc::corrupt_record);
    CHECK(ev.error().detail().find("call.transferred target_kind") != std::string::npos);
    CHECK(ev.error().detail().find("'moon'") != std::string::npos);
  }
  SUBCASE("binary, in place") {
    call_transferred reused;
    auto st = codec.decode_into(2, bytes + std::string(8, '\0'), reused);
    CHECK(st.code() == errc::corrupt_record);
    CHECK(st.detail().find("call.transferred target_kind") != std::string::npos);
    CHECK(st.detail().find("'moon'") != std::string::npos);
  }
  SUBCASE("binary, a stored version 1 upcast") {
    auto ev = codec.decode(call_transferred::type_name, 1, bytes);
    REQUIRE_FALSE(ev.has_value());
    CHECK(ev.error().detail().find("target_kind") != std::string::npos);
    CHECK(ev.error().detail().find("'moon'") != std::string::npos);
  }
  SUBCASE("JSON") {
    auto text =
        *codec.to_json_text(record_of(call_ended{"c1", call_outcome::abandoned, "", "", ""}));
    const auto at = text.find("\"abandoned\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 11, "\"teleported\"");
    auto r = codec.from_json_text(text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::malformed_json);
    CHECK(r.error().detail().find("call.ended") != std::string::npos);
    CHECK(r.error().detail().find("outcome") != std::string::npos);
    CHECK(r.error().detail().find("'teleported'") != std::string::npos);
  }
  SUBCASE("JSON: a key of the wrong type is still nlohmann's type error") {
    auto j = *codec.to_json(record_of(call_ended{"c1", call_outcome::abandoned, "", "", ""}));
    j["data"]["outcome"] = 3;
    auto r = codec.from_json(j);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::malformed_json);
  }
}
