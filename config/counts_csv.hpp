#pragma once
/// Arrival counts per interval from a CSV file (e.g. an export of a real
/// center's 15-minute offered-call counts).
///
/// Format: one row per interval, in time order; the count is the LAST field
/// of the row (so `interval_start,count` and bare `count` both work). A first
/// row whose last field is not a number is a header and skipped, as are
/// blank lines and lines starting with '#'. Counts are non-negative numbers
/// (fractions allowed: averaged or scaled data).
#include <filesystem>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/source_map.hpp"

namespace hotline::config {

/// The counts of `file`. Problems inside the file are reported at the CSV's
/// own line and column; a file that cannot be read is reported at
/// `referenced_at` (where the configuration names it). Every diagnostic
/// carries `key` (e.g. `simulation.arrivals[0].counts_csv`).
std::vector<double> read_counts_csv(const std::filesystem::path& file, const std::string& key,
                                    const source_position& referenced_at, diagnostics& out);

} // namespace hotline::config
