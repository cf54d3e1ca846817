#pragma once
/// Folds every event of a store through the KPI projection: the report of
/// a simulation run (the same fold `hotline kpi` uses).
#include "actors/ports/event_store.hpp"
#include "projections/kpi/kpi_projection.hpp"

namespace hotline::drivers::sim {

events::result<projections::kpi::kpi_projection>
kpi_of_store(const ports::event_store& store, const projections::kpi::kpi_options& options);

} // namespace hotline::drivers::sim
