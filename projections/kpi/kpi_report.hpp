#pragma once
/// KPI reports: the JSON form (docs/projections.md, "KPI JSON") built from a
/// kpi_projection's cells, and its table, CSV and HTML renderings. Every
/// rendering names the service-level definition it used.
///
/// The JSON is the single source: table, CSV and HTML are rendered from it.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "projections/kpi/kpi_projection.hpp"

namespace hotline::projections::kpi {

struct report_request {
  /// Only this grouping under "groups" (nullopt: every dimension).
  std::optional<dimension> by;
  /// Include the per-interval breakdown ("intervals"). Default: true
  bool intervals = true;
};

/// Derived metrics of one set of counters: the fields `offered`, `answered`,
/// `abandoned`, `short_abandoned`, `blocked`, `service_level` (null when its
/// denominator is 0), `service_level_definition`, `asa_s`, `aht_s`, `acw_s`,
/// `longest_wait_s`, `occupancy`, `abandon_rate` and the extras listed in
/// docs/projections.md.
nlohmann::json metrics_json(const kpi_counters& c, const kpi_options& o);

/// The whole report: options, totals, groups, intervals, gauges.
nlohmann::json build_report(const kpi_projection& p, const report_request& r = {});

std::string render_table(const nlohmann::json& report);
/// One line per (interval or "all", dimension, key); the first line is a header.
std::string render_csv(const nlohmann::json& report);
/// One self-contained HTML page (inline CSS and SVG charts, no script, no
/// network).
std::string render_html(const nlohmann::json& report);

} // namespace hotline::projections::kpi
