#include "drivers/sim/kpi_of_store.hpp"

namespace hotline::drivers::sim {

events::result<projections::kpi::kpi_projection>
kpi_of_store(const ports::event_store& store, const projections::kpi::kpi_options& options) {
  projections::kpi::kpi_projection kpi{options};
  for (std::uint64_t pos = 1;;) {
    auto batch = store.read_all(pos, 8192);
    if (!batch) return batch.error();
    if (batch->empty()) break;
    for (const auto& e : *batch)
      if (auto st = kpi.apply(e); !st) return st;
    pos = batch->back().position + 1;
  }
  return kpi;
}

} // namespace hotline::drivers::sim
