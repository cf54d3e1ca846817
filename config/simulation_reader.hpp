#pragma once
/// Internal to hotline_config: the [simulation] section and agents' shifts
/// into simulation_definition (docs/config.md lists the keys).
#include "config/simulation.hpp"
#include "config/table_reader.hpp"

namespace hotline::config::detail {

/// Reads `[simulation]` of `root` when present; defaults otherwise. Arrival
/// count files are read here, relative to the file that names them.
void read_simulation(table_reader& root, simulation_definition& sim);

/// Reads a `shift = { start, length_min, breaks }` table. False (after
/// reporting) when it is not a usable shift.
bool read_shift(table_reader& r, shift& out);

} // namespace hotline::config::detail
