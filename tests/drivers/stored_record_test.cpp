// The store's in-place record decoder agrees with the codec on every input:
// every catalog type, reused buffers, and damaged bytes.
#include <doctest/doctest.h>

#include "drivers/store/stored_record.hpp"
#include "events/codec.hpp"

using namespace hotline;
using events::event_codec;
using events::recorded_event;

namespace {

template <class T> recorded_event record_of(std::uint64_t n) {
  const auto& codec = event_codec::standard();
  auto p = codec.propose(events::event{T{}}, {});
  return {"call-" + std::to_string(n),
          n * 3,
          n + 1,
          {events::event_id::from_name("e" + std::to_string(n)), "site-" + std::to_string(n),
           std::string(n % 40, 't'), 1'700'000'000'123'456'789 + static_cast<std::int64_t>(n),
           events::event_id::from_name("c"), events::event_id::from_name("k"),
           n % 2 ? events::principal::agent("a7")
                 : events::principal::user("supervisor-with-a-long-name")},
          p.type,
          p.version,
          p.payload};
}

template <std::size_t... I> std::vector<recorded_event> one_of_each(std::index_sequence<I...>) {
  return {record_of<std::variant_alternative_t<I, events::event>>(I)...};
}

std::vector<recorded_event> samples() {
  return one_of_each(std::make_index_sequence<std::variant_size_v<events::event>>{});
}

} // namespace

TEST_CASE(
    "the in-place decoder gives the codec's event for every catalog type, reusing one buffer") {
  const auto& codec = event_codec::standard();
  recorded_event reused;
  for (const auto& rec : samples()) {
    CAPTURE(rec.type);
    auto bytes = codec.encode_record(rec);
    auto expected = codec.decode_record(bytes);
    REQUIRE(expected.has_value());
    REQUIRE(drivers::decode_record_into(bytes, reused).is_ok());
    CHECK(reused == *expected);
    CHECK(reused == rec);
  }
}

TEST_CASE("the in-place decoder fails exactly where the codec fails") {
  const auto& codec = event_codec::standard();
  const auto rec = samples().front();
  const auto good = codec.encode_record(rec);
  std::vector<std::string> damaged;
  damaged.push_back("");
  damaged.push_back(good.substr(0, 5));               // shorter than the header
  damaged.push_back(good.substr(0, good.size() - 1)); // truncated (checksum fails)
  damaged.push_back(good + "x");                      // trailing byte (checksum fails)
  for (std::size_t i = 0; i < good.size(); i += 7) {  // one flipped bit anywhere
    auto b = good;
    b[i] = static_cast<char>(b[i] ^ 0x10);
    damaged.push_back(b);
  }
  for (const auto& bytes : damaged) {
    CAPTURE(bytes.size());
    recorded_event out;
    auto mine = drivers::decode_record_into(bytes, out);
    auto theirs = codec.decode_record(bytes);
    CHECK(mine.is_ok() == theirs.has_value());
    if (!mine.is_ok()) CHECK(mine.code() == theirs.error().code());
  }
}

TEST_CASE("the in-place encoder writes the codec's bytes for every catalog type") {
  const auto& codec = event_codec::standard();
  std::string reused;
  for (const auto& rec : samples()) {
    CAPTURE(rec.type);
    drivers::encode_record_into(reused, rec);
    CHECK(reused == codec.encode_record(rec));
    events::proposed_event p{rec.meta, rec.type, rec.version, rec.payload};
    drivers::encode_record_into(reused, rec.stream, rec.revision, rec.position, p);
    CHECK(reused == codec.encode_record(rec));
  }
}
