// The traffic simulator's callers and agents do what their profiles say:
// agents of a queue dial out (`direction = "outbound"`), callers offered a
// call back take it with their `callback_accept` chance.
#include <doctest/doctest.h>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/sim/kpi_of_store.hpp"
#include "drivers/sim/quick_center.hpp"
#include "drivers/sim/simulator.hpp"
#include "events/codec.hpp"

using namespace hotline;

namespace {

config::duration_distribution exponential_s(double mean_s) {
  return {config::distribution_kind::exponential, static_cast<std::int64_t>(mean_s * 1000), 0, {}};
}

/// Every `call.ended` outcome of the run, counted.
std::map<std::string, int> outcomes(const ports::memory_event_store& store) {
  std::map<std::string, int> out;
  auto all = store.read_all(0, SIZE_MAX);
  REQUIRE(all.has_value());
  for (const auto& e : *all)
    if (e.type == "call.ended")
      ++out[std::string{events::to_wire(
          std::get<events::call_ended>(*events::event_codec::standard().decode(e)).outcome)}];
  return out;
}

projections::kpi::kpi_counters totals(const ports::memory_event_store& store) {
  projections::kpi::kpi_options o;
  o.interval_ms = 24 * 3'600'000;
  auto k = drivers::sim::kpi_of_store(store, o);
  REQUIRE(k.has_value());
  projections::kpi::kpi_counters sum;
  for (const auto& c : k->cells())
    if (c.dim == projections::kpi::dimension::total) sum.merge(*c.counters);
  return sum;
}

} // namespace

TEST_CASE(
    "simulator: an outbound profile has the queue's ready agents dial out on its outbound group") {
  drivers::sim::quick_center_options q;
  q.agents = 3;
  q.rate_per_hour = 0; // no callers: only the agents' own calls
  q.hours = 2;
  auto cfg = drivers::sim::quick_center(q);
  cfg.center.trunks.push_back({"out", 2, events::trunk_direction::outbound});
  cfg.center.queues[0].outbound_trunk_group = "out";
  config::arrival_profile dial;
  dial.queue = "main";
  dial.direction = events::call_direction::outbound;
  dial.rate_per_hour = 60;
  dial.handle_time = exponential_s(60);
  cfg.simulation.arrivals = {dial};
  ports::memory_event_store store;
  auto sum = drivers::sim::run_simulation(cfg, store, {});
  REQUIRE(sum.has_value());
  auto t = totals(store);
  using namespace projections::kpi;
  CHECK(t.v[outbound] > 60); // ~120 attempts; the agents are mostly ready
  CHECK(t.v[arrived] == 0);
  CHECK(t.v[answered] == 0);
  CHECK(t.v[handled] > 60);
  auto ends = outcomes(store);
  CHECK(ends["completed"] > 60);
  // Two lines for three agents: an attempt may find both taken (blocked).
  CHECK(ends["completed"] + ends["blocked"] <= static_cast<int>(t.v[outbound]));
  CHECK(ends["refused"] == 0); // only ready agents dial
  auto seized = store.read_stream("trunk-out.1", 0, SIZE_MAX);
  REQUIRE(seized.has_value());
  REQUIRE_FALSE(seized->empty());
  CHECK(std::get<events::trunk_seized>(*events::event_codec::standard().decode(seized->front()))
            .direction == events::call_direction::outbound);
}

TEST_CASE("simulator: callers offered a call back take it with their callback_accept chance, and "
          "are called back") {
  drivers::sim::quick_center_options q;
  q.agents = 2;
  q.rate_per_hour = 50; // ~1.4 erlangs of waiting work over 2 agents at 3 min: callers wait
  q.aht_s = 180;
  q.patience_s = 600;
  q.hours = 4;
  auto cfg = drivers::sim::quick_center(q);
  cfg.center.queues[0].callback_offer_after_ms = 30'000;
  SUBCASE("nobody accepts") {
    cfg.simulation.arrivals[0].callback_accept = 0;
    ports::memory_event_store store;
    REQUIRE(drivers::sim::run_simulation(cfg, store, {}).has_value());
    CHECK(totals(store).v[projections::kpi::callbacks] == 0);
  }
  SUBCASE("everybody accepts") {
    cfg.simulation.arrivals[0].callback_accept = 1;
    ports::memory_event_store store;
    REQUIRE(drivers::sim::run_simulation(cfg, store, {}).has_value());
    auto t = totals(store);
    CHECK(t.v[projections::kpi::callbacks] > 10);
    auto ends = outcomes(store);
    CHECK(ends["callback_completed"] > 10);
    // Off the line, their patience no longer runs: no refused abandon.
    auto audit = store.read_stream("audit-site-1", 0, SIZE_MAX);
    REQUIRE(audit.has_value());
    for (const auto& e : *audit) {
      auto r = events::event_codec::standard().decode(e);
      REQUIRE(r.has_value());
      if (const auto* rej = std::get_if<events::command_rejected>(&*r))
        CHECK(rej->code != "callback_pending");
    }
  }
  SUBCASE("customers pick up half the time, and the queue dials each twice") {
    cfg.simulation.arrivals[0].callback_accept = 1;
    cfg.simulation.arrivals[0].callback_reach = 0.5;
    cfg.center.queues[0].callback_attempts = 2;
    cfg.center.queues[0].callback_retry_ms = 120'000;
    ports::memory_event_store store;
    REQUIRE(drivers::sim::run_simulation(cfg, store, {}).has_value());
    auto ends = outcomes(store);
    int retried = 0;
    auto all = store.read_all(0, SIZE_MAX);
    REQUIRE(all.has_value());
    for (const auto& e : *all)
      if (e.type == "call.callback_retried") {
        ++retried;
        auto r =
            std::get<events::call_callback_retried>(*events::event_codec::standard().decode(e));
        CHECK(r.reason == "customer_no_answer");
        CHECK(r.attempt == 1);
      }
    // Missed once: dialed again; missed twice (a quarter of them): failed.
    CHECK(ends["callback_failed"] > 0);
    CHECK(ends["callback_completed"] > ends["callback_failed"]);
    CHECK(retried >= ends["callback_failed"]);
    CHECK(retried > ends["callback_failed"]); // some were reached at the second dial
  }
}
