// Calls moved between sites, counted per other site
// (projections/federation/site_moves.hpp).
#include <doctest/doctest.h>

#include "projections/federation/site_moves.hpp"

using namespace hotline;
using projections::federation::site_counts;
using projections::federation::site_moves;

TEST_CASE("site moves: offers, denials, calls sent and returned per site, arrivals by origin") {
  site_moves m;
  m.apply(events::call_interflow_offered{"c1", "billing", "south", "o1", "ewt"});
  m.apply(events::call_interflow_offered{"c2", "billing", "south", "o2", "ewt"});
  m.apply(events::call_interflow_denied{"c2", "south", "o2", "no_agent"});
  m.apply(events::call_interflowed{"c1", "billing", "south", "o1", "s7"});
  m.apply(events::call_interflow_offered{"c3", "billing", "east", "o3", "ewt"});
  m.apply(events::call_interflowed{"c3", "billing", "east", "o3", "e1"});
  m.apply(events::call_interflow_returned{"c3", "east", "o3", "site_lost"});
  events::call_arrived in;
  in.call_id = "r1";
  in.attached = {{"interflow.origin", "east"}, {"interflow.offer", "x"}};
  m.apply(in);
  events::call_arrived local;
  local.call_id = "r2";
  m.apply(local); // not moved: counts nothing
  m.apply(events::call_queued{});
  REQUIRE(m.by_site().size() == 2);
  CHECK(m.by_site().at("south") == site_counts{2, 1, 1, 0, 0});
  CHECK(m.by_site().at("east") == site_counts{1, 0, 1, 1, 1});
  const auto j = to_json(m);
  CHECK(j["east"]["received"] == 1);
  CHECK(j["south"]["sent"] == 1);
}
