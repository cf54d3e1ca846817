// Reading the store ahead of its consumer: every event once, in order, and a
// restart really starts over.
#include <doctest/doctest.h>

#include "drivers/kafka/read_ahead.hpp"
#include "tests/drivers/store_fixtures.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;

namespace {

/// Collects batches until `last` is reached (or 5 s pass).
std::vector<std::uint64_t> positions_until(read_ahead& r, std::uint64_t last) {
  std::vector<std::uint64_t> seen;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((seen.empty() || seen.back() < last) && std::chrono::steady_clock::now() < deadline) {
    auto batch = r.next(std::chrono::milliseconds(100));
    REQUIRE(batch.has_value());
    for (const auto& e : *batch)
      seen.push_back(e.position);
  }
  return seen;
}

} // namespace

TEST_CASE("read_ahead hands over every event in order, then live appends") {
  memory_event_store store;
  for (int s = 0; s < 5; ++s)
    REQUIRE(store.append("call-" + std::to_string(s), expected_revision::any(),
                         testing::make_events("s" + std::to_string(s), 30)));
  read_ahead r{store, 1, {7, 2}}; // small batches: many hand-overs, a full queue
  auto seen = positions_until(r, 150);
  REQUIRE(seen.size() == 150);
  for (std::size_t i = 0; i < seen.size(); ++i)
    CHECK(seen[i] == i + 1);
  CHECK(r.next(std::chrono::milliseconds(20))->empty()); // caught up
  REQUIRE(store.append("call-9", expected_revision::any(), testing::make_events("late", 3)));
  auto live = positions_until(r, 153);
  CHECK(live == std::vector<std::uint64_t>{151, 152, 153});
}

TEST_CASE("read_ahead restart drops what was read ahead and starts at the given position") {
  memory_event_store store;
  REQUIRE(store.append("call-1", expected_revision::any(), testing::make_events("a", 100)));
  read_ahead r{store, 1, {10, 4}};
  auto first = r.next(std::chrono::seconds(5));
  REQUIRE(first.has_value());
  REQUIRE(first->size() == 10);
  r.restart(5);
  auto seen = positions_until(r, 100);
  REQUIRE(seen.size() == 96);
  CHECK(seen.front() == 5);
  CHECK(seen.back() == 100);
}
