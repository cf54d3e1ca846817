// How an operator sees another site, from its status's age
// (events/federation/site_reachability.hpp).
#include <doctest/doctest.h>

#include <string>

#include "events/federation/site_reachability.hpp"

using namespace hotline::events::federation;

TEST_CASE("site reachability: up while routed to, stale after, down when not heard for long") {
  const reachability_limits limits{3'000, 30'000};
  CHECK(reachability(0, limits) == site_reachability::up);
  CHECK(reachability(3'000, limits) == site_reachability::up);
  CHECK(reachability(3'001, limits) == site_reachability::stale);
  CHECK(reachability(30'000, limits) == site_reachability::stale);
  CHECK(reachability(30'001, limits) == site_reachability::down);
  CHECK(reachability(-500, limits) == site_reachability::up); // clocks apart: not in the future
  // A down limit below the routing limit never makes a routable site down.
  CHECK(reachability(2'000, reachability_limits{3'000, 1'000}) == site_reachability::up);
  CHECK(reachability(3'500, reachability_limits{3'000, 1'000}) == site_reachability::down);
  CHECK(std::string{to_string(site_reachability::stale)} == "stale");
}
