#pragma once
/// The KPI projection folded over a test's events (the KPI tests' one way
/// to build a projection from an event_builder). Include after doctest.
#include "projections/kpi/kpi_projection.hpp"
#include "tests/projections/event_builder.hpp"

namespace hotline::testing {

/// A KPI projection with options `o` that has applied every event of `b`;
/// the test fails if one is refused.
inline projections::kpi::kpi_projection fold_kpi(const event_builder& b,
                                                 projections::kpi::kpi_options o = {}) {
  projections::kpi::kpi_projection p{o};
  for (const auto& e : b.events)
    REQUIRE(p.apply(e).is_ok());
  return p;
}

} // namespace hotline::testing
