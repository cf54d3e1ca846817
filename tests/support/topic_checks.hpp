#pragma once
// What a Kafka consumer of a relay topic must see, checked against the store
// the relay read: every event at least once (exactly once where no duplicate
// is allowed), in order per stream, as the codec's JSON, with the documented
// key and headers. Used by the driver tests (records read with
// drivers::read_topic) and the integration tests (records read by kcat).
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "events/codec.hpp"

namespace hotline::testing {

/// One Kafka record as any client shows it.
struct seen_record {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::map<std::string, std::string> headers;
  std::string value;
};

struct topic_expectations {
  std::string site;
  /// Events at positions <= this must appear exactly once; above it a
  /// duplicate is allowed (after a crash or a delivery error). Default: none allowed.
  std::uint64_t duplicates_allowed_above = std::numeric_limits<std::uint64_t>::max();
};

/// `records` in the order a consumer saw them (per partition, by offset).
inline void check_topic_matches_store(const std::vector<seen_record>& records,
                                      const ports::event_store& store,
                                      const topic_expectations& expect) {
  const auto& codec = events::event_codec::standard();
  const auto head = store.head_position();
  auto stored = store.read_all(1, head);
  REQUIRE(stored.has_value());
  REQUIRE(stored->size() == head);

  std::map<std::uint64_t, int> copies;              ///< position -> records seen
  std::map<std::string, std::int32_t> partition_of; ///< key -> partition
  std::map<std::string, std::vector<std::pair<std::int64_t, std::uint64_t>>> by_key;
  for (const auto& r : records) {
    CAPTURE(r.partition);
    CAPTURE(r.offset);
    auto e = codec.from_json_text(r.value);
    REQUIRE_MESSAGE(e.has_value(), e.error().message());
    REQUIRE(e->position >= 1);
    REQUIRE(e->position <= head);
    const auto& original = (*stored)[e->position - 1];
    CHECK(*e == original);
    CHECK(nlohmann::json::parse(r.value) == *codec.to_json(original));
    CHECK(r.key == original.stream);
    CHECK(r.headers.at("type") == original.type);
    CHECK(r.headers.at("version") == std::to_string(*codec.current_version(original.type)));
    CHECK(r.headers.at("event_id") == original.meta.id.to_string());
    CHECK(r.headers.at("site") == expect.site);
    CHECK(r.headers.at("position") == std::to_string(original.position));
    ++copies[e->position];
    auto [it, fresh] = partition_of.emplace(r.key, r.partition);
    CHECK_MESSAGE(it->second == r.partition, "stream " << r.key << " spans partitions");
    (void)fresh;
    by_key[r.key].emplace_back(r.offset, e->revision);
  }

  // Every event, and exactly once unless a duplicate is allowed there.
  std::uint64_t missing = 0, unexpected_duplicates = 0;
  for (std::uint64_t p = 1; p <= head; ++p) {
    auto n = copies.count(p) ? copies[p] : 0;
    if (n == 0) ++missing;
    if (n > 1 && p <= expect.duplicates_allowed_above) ++unexpected_duplicates;
  }
  CHECK(missing == 0);
  CHECK(unexpected_duplicates == 0);

  // Per stream, by offset: dropping repeats of an event already seen leaves
  // revisions 0, 1, 2, ... with no gap and nothing out of order.
  for (auto& [key, seen] : by_key) {
    CAPTURE(key);
    std::sort(seen.begin(), seen.end());
    std::uint64_t next = 0;
    std::set<std::uint64_t> done;
    for (auto [offset, revision] : seen) {
      if (done.count(revision)) continue; // a duplicate: dropped by event id
      CHECK(revision == next);
      next = revision + 1;
      done.insert(revision);
    }
  }
}

} // namespace hotline::testing
