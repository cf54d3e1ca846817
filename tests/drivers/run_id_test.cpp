// The call ids of a node's simulated traffic (drivers/sim/run_id.hpp):
// a run id per start, unique even for two starts in one second (18.5).
#include <doctest/doctest.h>

#include <random>
#include <set>

#include "drivers/sim/run_id.hpp"

using namespace hotline;

TEST_CASE("run ids: version 7 UUIDs of the start time, two starts in one second, or one "
          "millisecond, differ") {
  std::mt19937_64 random{7};
  const std::int64_t start_ns = 1'795'392'000'123'000'000;
  std::set<std::string> prefixes;
  for (int i = 0; i < 1000; ++i) {
    auto id = drivers::sim::run_id(start_ns + i * 1'000, random); // all within one millisecond
    CHECK(id.version() == 7);
    CHECK(id.has_rfc_variant());
    CHECK(static_cast<std::int64_t>(id.hi >> 16) == start_ns / 1'000'000);
    prefixes.insert(drivers::sim::call_id_prefix("north", id));
  }
  CHECK(prefixes.size() == 1000);
}

TEST_CASE("run ids: the call id prefix names the site and the run") {
  std::mt19937 random{1};
  auto id = drivers::sim::run_id(1'795'392'000'000'000'000, random);
  auto prefix = drivers::sim::call_id_prefix("north", id);
  CHECK(prefix == "north-" + id.to_string() + "-");
  // A call id stays a valid stream entity: `call-<id>`.
  CHECK(prefix.find_first_of(" \t\n") == std::string::npos);
}
