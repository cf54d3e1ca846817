// The group-commit writer's revision cache: bounded by generations, and
// never forgetting a stream whose last write has not committed.
#include <doctest/doctest.h>

#include "drivers/store/stream_head_cache.hpp"

using hotline::drivers::stream_head_cache;

namespace {

void write(stream_head_cache& c, const std::string& stream, std::uint64_t revision,
           std::uint64_t group) {
  c.set(stream, c.find(stream), revision, group);
}

} // namespace

TEST_CASE("stream head cache: a stream's last revision, updated in place") {
  stream_head_cache c{4};
  CHECK(c.find("call-1") == nullptr);
  write(c, "call-1", 0, 1);
  REQUIRE(c.find("call-1") != nullptr);
  CHECK(*c.find("call-1") == 0);
  write(c, "call-1", 3, 2);
  CHECK(*c.find("call-1") == 3);
  CHECK(c.size() == 1);
}

TEST_CASE("stream head cache: a full generation is dropped only once every group that wrote it "
          "committed") {
  stream_head_cache c{2};
  write(c, "a", 0, 1);
  write(c, "b", 0, 2);
  c.maybe_rotate(0); // full: a and b become the older generation
  write(c, "c", 0, 3);
  write(c, "d", 0, 4);
  c.maybe_rotate(1); // full again, but group 2 (b) has not committed: nothing is dropped
  CHECK(c.size() == 4);
  write(c, "e", 0, 5);
  c.maybe_rotate(2); // now it has: a and b go, c d e become the older generation
  CHECK(c.find("a") == nullptr);
  CHECK(c.find("b") == nullptr);
  CHECK(c.size() == 3);
  REQUIRE(c.find("d") != nullptr);
  CHECK(*c.find("d") == 0);
}

TEST_CASE(
    "stream head cache: a hit in the older generation keeps the entry, and its group, alive") {
  stream_head_cache c{2};
  write(c, "agent-a1", 7, 1);
  write(c, "call-1", 0, 2);
  c.maybe_rotate(2); // both older now
  // agent-a1 is read (not written) by group 3: it moves to the current
  // generation with its last write (group 2 at the latest).
  REQUIRE(c.find("agent-a1") != nullptr);
  write(c, "call-2", 0, 3);
  c.maybe_rotate(3); // current (agent-a1, call-2) becomes older; call-1 goes
  CHECK(c.find("call-1") == nullptr);
  REQUIRE(c.find("agent-a1") != nullptr);
  CHECK(*c.find("agent-a1") == 7);
}

TEST_CASE("stream head cache: a generation is kept while its newest group has not committed") {
  stream_head_cache c{1};
  write(c, "a", 0, 5);
  c.maybe_rotate(5); // a older (last group 5)
  write(c, "b", 0, 6);
  c.maybe_rotate(5); // group 5 committed: a dropped; b older (last group 6)
  CHECK(c.find("a") == nullptr);
  REQUIRE(c.find("b") != nullptr); // moves back to the current generation
  write(c, "c", 0, 7);
  c.maybe_rotate(6); // b and c older (last group 7)
  write(c, "d", 0, 8);
  c.maybe_rotate(6); // full, but group 7 has not committed: b and c stay
  CHECK(c.find("b") != nullptr);
  CHECK(c.find("c") != nullptr);
}

TEST_CASE("stream head cache: clear forgets everything") {
  stream_head_cache c{8};
  write(c, "a", 1, 1);
  c.clear();
  CHECK(c.find("a") == nullptr);
  CHECK(c.size() == 0);
}
