#include "drivers/sim/whatif.hpp"

#include <cstdio>
#include <sstream>

#include "drivers/sim/kpi_of_store.hpp"
#include "drivers/store/memory_event_store.hpp"
#include "projections/kpi/kpi_report.hpp"

namespace hotline::drivers::sim {

namespace {

using nlohmann::json;

constexpr std::int64_t ns_per_ms = 1'000'000;
constexpr std::int64_t ns_per_day = 86'400'000'000'000;

/// The compared metrics: JSON field, table label, shown as a percentage.
struct metric {
  const char* field;
  const char* label;
  bool percent;
};
constexpr metric compared[] = {
    {"offered", "offered", false},       {"answered", "answered", false},
    {"abandoned", "abandoned", false},   {"blocked", "blocked", false},
    {"service_level", "SL", true},       {"asa_s", "ASA s", false},
    {"aht_s", "AHT s", false},           {"occupancy", "occupancy", true},
    {"abandon_rate", "abandon rate", true},
};

std::string cell(const json& v, bool percent, bool signed_) {
  if (v.is_null()) return "-";
  char buf[64];
  double x = v.get<double>() * (percent ? 100 : 1);
  bool integral = v.is_number_integer() || v.is_number_unsigned();
  if (integral) std::snprintf(buf, sizeof buf, signed_ ? "%+.0f" : "%.0f", x);
  else std::snprintf(buf, sizeof buf, signed_ ? "%+.1f%s" : "%.1f%s", x, percent ? "%" : "");
  return buf;
}

} // namespace

json whatif_delta(const json& recorded_totals, const json& whatif_totals) {
  json d = json::object();
  for (const auto& m : compared) {
    const auto& r = recorded_totals.contains(m.field) ? recorded_totals[m.field] : json{};
    const auto& w = whatif_totals.contains(m.field) ? whatif_totals[m.field] : json{};
    if (!r.is_number() || !w.is_number()) d[m.field] = nullptr;
    else if ((r.is_number_integer() || r.is_number_unsigned()) && (w.is_number_integer() || w.is_number_unsigned()))
      d[m.field] = w.get<std::int64_t>() - r.get<std::int64_t>();
    else d[m.field] = w.get<double>() - r.get<double>();
  }
  return d;
}

events::result<whatif_result> run_whatif(const event_store& recorded_store, const config::configuration& cfg,
                                         const whatif_options& opts) {
  auto rec = extract_recorded_arrivals(recorded_store);
  if (!rec) return rec.error();
  if (recorded_store.head_position() == 0)
    return events::status{events::errc::invalid_argument, "the recorded store has no events"};
  whatif_result out;
  out.recorded_calls = rec->arrivals.size();
  const std::uint64_t seed = opts.seed_given ? opts.seed : cfg.simulation.seed;
  out.unknown = remove_unknown_arrivals(rec->arrivals, cfg.center);
  fill_unknown_handle_times(rec->arrivals, seed);
  out.replayed = rec->arrivals.size();

  // The re-run covers the recording's span, on its calendar day, so KPI
  // intervals line up and the new configuration's shifts apply at the
  // recorded times of day.
  config::configuration run_cfg = cfg;
  simulation_options sopt;
  sopt.seed = seed;
  sopt.seed_given = true;
  sopt.answer_delay_s = opts.answer_delay_s;
  sopt.progress_every_s = 0;
  const std::int64_t start_ns = rec->first_event_ns;
  const std::int64_t end_ns = rec->last_event_ns + 1'000'000'000;
  sopt.day_epoch_ns = start_ns - ((start_ns % ns_per_day) + ns_per_day) % ns_per_day;
  run_cfg.simulation.start_ms = (start_ns - sopt.day_epoch_ns) / ns_per_ms;
  sopt.hours = static_cast<double>(end_ns - (sopt.day_epoch_ns + run_cfg.simulation.start_ms * ns_per_ms)) / 3600e9;
  sopt.recorded_arrivals = std::move(rec->arrivals);

  memory_event_store store;
  auto sum = run_simulation(run_cfg, store, sopt);
  if (!sum) return sum.error();
  out.summary = *sum;

  projections::kpi::kpi_options kopt;
  int sl = opts.sl_threshold_s > 0 ? opts.sl_threshold_s
                                   : (cfg.center.queues.empty() ? 20 : cfg.center.queues.front().sl_threshold_s);
  kopt.sl_threshold_ms = std::int64_t{sl} * 1000;
  auto before = kpi_of_store(recorded_store, kopt);
  if (!before) return before.error();
  auto after = kpi_of_store(store, kopt);
  if (!after) return after.error();
  projections::kpi::report_request req;
  req.intervals = false;
  out.recorded = projections::kpi::build_report(*before, req);
  out.whatif = projections::kpi::build_report(*after, req);
  out.delta = whatif_delta(out.recorded["totals"], out.whatif["totals"]);
  return out;
}

std::string render_whatif_table(const whatif_result& r) {
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "%-14s %12s %12s %12s\n", "", "recorded", "what-if", "delta");
  out << line;
  const auto& a = r.recorded["totals"];
  const auto& b = r.whatif["totals"];
  for (const auto& m : compared) {
    std::snprintf(line, sizeof line, "%-14s %12s %12s %12s\n", m.label, cell(a[m.field], m.percent, false).c_str(),
                  cell(b[m.field], m.percent, false).c_str(), cell(r.delta[m.field], m.percent, true).c_str());
    out << line;
  }
  out << "\n" << r.recorded_calls << " recorded calls, " << r.replayed << " replayed";
  if (r.unknown.count > 0) {
    out << "; " << r.unknown.count << " not replayed (entry point or queue unknown to the configuration:";
    for (const auto& [entry, n] : r.unknown.by_entry) out << " " << entry << "=" << n;
    out << ")";
  }
  out << "\n";
  return out.str();
}

} // namespace hotline::drivers::sim
