// event_id::uuid_v7 (events/event_id.hpp): the ids the ACD writes are RFC
// 9562 version 7 UUIDs, time-ordered (issue 19.20).
#include <doctest/doctest.h>

#include "events/event_id.hpp"

using hotline::events::event_id;

TEST_CASE("uuid_v7: version nibble 7, variant 10, the milliseconds in the top 48 bits") {
  const std::int64_t ms = 1'795'392'000'123;
  auto id = event_id::uuid_v7(ms, event_id{~0ULL, ~0ULL});
  CHECK(id.version() == 7);
  CHECK(id.has_rfc_variant());
  CHECK(static_cast<std::int64_t>(id.hi >> 16) == ms);
  auto text = id.to_string();
  CHECK(text[14] == '7');
  CHECK(std::string{"89ab"}.find(text[19]) != std::string::npos);
  CHECK(event_id::parse(text) == id);
  // Every other bit comes from the entropy.
  auto zero = event_id::uuid_v7(ms, event_id{});
  CHECK((id.hi ^ zero.hi) == 0xfffULL);
  CHECK((id.lo ^ zero.lo) == 0x3fff'ffff'ffff'ffffULL);
}

TEST_CASE("uuid_v7: ids sort by their time, whatever their other bits") {
  auto early = event_id::uuid_v7(1'000, event_id{~0ULL, ~0ULL});
  auto later = event_id::uuid_v7(1'001, event_id{});
  CHECK(early < later);
  CHECK(early.to_string() < later.to_string());
  CHECK((event_id::uuid_v7(-5, event_id{}).hi >> 16) == 0); // before the epoch: clamped
}

TEST_CASE("uuid_v7 of a name: the same (time, name) gives the same id, another name another") {
  auto a = event_id::uuid_v7(42, event_id::from_name("site-1/call-c1#0"));
  CHECK(a == event_id::uuid_v7(42, event_id::from_name("site-1/call-c1#0")));
  CHECK(a != event_id::uuid_v7(42, event_id::from_name("site-1/call-c1#1")));
}

TEST_CASE("from_name ids are unchanged: ids already stored keep their value") {
  // Pinned: a name-based id must never change (stored correlations, idempotent imports).
  CHECK(event_id::from_name("call-correlation/c1").to_string() ==
        "9a7b0b4e-3aba-4f55-69a3-44253796c414");
}
