#pragma once
/// Arrival counts per interval for the simulator, from a forecast CSV file
/// (e.g. an export of a real center's 15-minute offered-call counts).
///
/// One format for every forecast in hotline: the simulator reads the same
/// file `hotline staff --forecast` reads, parsed by
/// projections::staffing::parse_forecast (`interval_start,calls[,aht_s]`,
/// see projections/staffing/forecast.hpp and docs/staffing.md). The
/// simulator uses `interval_start` and `calls`; an `aht_s` column is
/// accepted (so one file serves both) and reported as unused with a warning.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/source_map.hpp"

namespace hotline::config {

/// What a counts file says.
struct counts_file {
  std::vector<double> counts;      ///< calls per interval, in time order
  std::int64_t interval_ms = 0;    ///< the rows' spacing (given or inferred)
  std::int64_t first_start_ms = 0; ///< time of day of the first row (ms after midnight)
};

/// The counts of `file`. `interval_min`, when given, is the spacing every row
/// must follow; otherwise it is inferred from the first two rows. Problems
/// inside the file are reported at the CSV's own line (the first problem
/// only: the forecast parser stops there); a file that cannot be read is
/// reported at `referenced_at` (where the configuration names it). Every
/// diagnostic carries `key` (e.g. `simulation.arrivals[0].counts_csv`).
/// Returns nullopt when an error was reported.
std::optional<counts_file> read_counts_csv(const std::filesystem::path& file,
                                           const std::string& key,
                                           const source_position& referenced_at,
                                           std::optional<int> interval_min, diagnostics& out);

} // namespace hotline::config
