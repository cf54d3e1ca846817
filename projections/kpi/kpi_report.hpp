#pragma once
/// KPI reports: the JSON form (docs/projections.md, "KPI JSON") built from a
/// kpi_projection's cells, and its table, CSV and HTML renderings. Every
/// rendering names the service-level definition it used.
///
/// The JSON is the single source: table, CSV and HTML are rendered from it.
/// The report reads a projection's cells, gauges and options; it speaks the
/// KPI vocabulary (kpi_vocabulary.hpp) and knows nothing of how the fold
/// counts or stores them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "projections/kpi/kpi_vocabulary.hpp"

namespace hotline::projections::kpi {

class kpi_projection;

struct report_request {
  /// Only this grouping under "groups" (nullopt: every dimension).
  std::optional<dimension> by;
  /// Include the per-interval breakdown ("intervals"). Default: true
  bool intervals = true;
  /// When > 0, the fold's intervals are merged into the first of 15 min,
  /// 1 h, 1 day (a multiple of the fold's interval; else whole days) of
  /// which at most this many span the data; the report then says
  /// "interval_s" (the chosen one) and "folded_interval_s". Coarse
  /// intervals start at local midnight / whole local hours of `time_zone`.
  /// Default: 0 (the fold's own intervals). See chart_max_intervals.
  std::size_t max_intervals = 0;
  /// The zone labels are given in (an IANA name, or "UTC"): named in the
  /// report ("time_zone") and in every label. Default: "UTC"
  std::string time_zone = "UTC";
  /// The zone's offset from UTC in seconds at a UTC instant (ns). Empty: 0.
  std::function<std::int64_t(std::int64_t utc_ns)> utc_offset_s{};
};

/// The number of points the HTML report aims at, at most, per chart.
inline constexpr std::size_t chart_max_intervals = 400;

/// `utc_ns` as a label in the request's zone, RFC 9557 style:
/// "2024-01-01T10:00:00+02:00[Asia/Jerusalem]", "2024-01-01T08:00:00Z[UTC]".
std::string zoned_label(std::int64_t utc_ns, const report_request& r);

/// Derived metrics of one set of counters: the fields `offered`, `answered`,
/// `abandoned`, `short_abandoned`, `blocked`, `service_level` (null when its
/// denominator is 0), `service_level_definition`, `asa_s`, `aht_s`, `acw_s`,
/// `longest_wait_s`, `occupancy`, `abandon_rate` and the extras listed in
/// docs/projections.md. `fcr_censored`: kpi_cell_view::fcr_censored summed
/// over the cells of `c`. A metric the events cannot tell (occupancy without
/// availability events, FCR with no settled call) is null.
nlohmann::json metrics_json(const kpi_counters& c, const kpi_options& o,
                            std::int64_t fcr_censored = 0);

/// The whole report: options, totals, groups, intervals, gauges. Interval
/// and range instants are in UTC ("start", "from", "to", as before) and in
/// the request's zone ("label", "from_label", "to_label").
nlohmann::json build_report(const kpi_projection& p, const report_request& r = {});

std::string render_table(const nlohmann::json& report);
/// One line per (interval or "all", dimension, key); the first line is a header.
std::string render_csv(const nlohmann::json& report);
/// One self-contained HTML page (inline CSS and SVG charts, no script, no
/// network).
std::string render_html(const nlohmann::json& report);

} // namespace hotline::projections::kpi
