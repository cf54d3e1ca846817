// The KPI fold over synthetic traffic with many customers and a short FCR
// window (candidates added, repeated and expired all the time): rows
// collected and restored in pieces give the bytes of one fold.
#include <doctest/doctest.h>

#include <map>

#include "drivers/views/sample_traffic.hpp"
#include "projections/kpi/kpi_projection.hpp"
#include "tests/projections/event_builder.hpp"

using namespace hotline;

namespace {

std::vector<events::recorded_event> traffic(std::uint64_t n) {
  std::vector<events::recorded_event> out;
  drivers::traffic_options o;
  o.agents = 60;
  o.calls_per_hour = 6000;
  o.customers = 3000;
  drivers::generate_traffic(o, n, [&](const std::string& stream, events::proposed_event&& p) {
    out.push_back({stream, 0, out.size() + 1, std::move(p.meta), std::move(p.type), p.version,
                   std::move(p.payload)});
    return true;
  });
  return out;
}

} // namespace

TEST_CASE(
    "kpi: over busy traffic with expiring FCR candidates, rows restored in pieces equal one fold") {
  const auto events = traffic(120'000);
  projections::kpi::kpi_options o;
  o.fcr_window_ms = 20 * 60 * 1000; // candidates expire within the run
  std::map<std::string, std::string> whole, pieces;
  {
    projections::kpi::kpi_projection p{o};
    for (const auto& e : events)
      REQUIRE(p.apply(e).is_ok());
    projections::view_changes ch;
    p.collect(ch);
    testing::apply_changes(whole, ch);
  }
  for (std::size_t from = 0; from < events.size(); from += 9'999) {
    projections::kpi::kpi_projection p{o};
    for (const auto& [k, v] : pieces)
      REQUIRE(p.restore(k, v).is_ok());
    REQUIRE(p.finish_restore().is_ok());
    for (std::size_t i = from; i < std::min(events.size(), from + 9'999); ++i)
      REQUIRE(p.apply(events[i]).is_ok());
    projections::view_changes ch;
    p.collect(ch);
    testing::apply_changes(pieces, ch);
  }
  CHECK(pieces.size() == whole.size());
  CHECK(pieces == whole);
  std::size_t candidates = 0, repeats_counted = 0;
  for (const auto& [k, v] : whole)
    candidates += k.starts_with("kpi/cust/");
  projections::kpi::kpi_projection p{o};
  for (const auto& e : events)
    REQUIRE(p.apply(e).is_ok());
  for (const auto& c : p.cells())
    if (c.dim == projections::kpi::dimension::total)
      repeats_counted += c.counters->v[projections::kpi::repeat_contacts];
  // some candidates remain (the last 20 minutes), many were repeats or expired
  CHECK(candidates > 0);
  CHECK(candidates < 3000);
  CHECK(repeats_counted > 0);
}
