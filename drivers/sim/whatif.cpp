#include "drivers/sim/whatif.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/sim/kpi_of_store.hpp"
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
    {"offered", "offered", false},
    {"answered", "answered", false},
    {"abandoned", "abandoned", false},
    {"blocked", "blocked", false},
    {"service_level", "SL", true},
    {"asa_s", "ASA s", false},
    {"aht_s", "AHT s", false},
    {"occupancy", "occupancy", true},
    {"abandon_rate", "abandon rate", true},
};

/// A value (recorded, what-if: ratios as "%") or a difference of ratios
/// (delta, noise: percentage points, "pp").
enum class shown { value, delta, noise };

std::string cell(const json& v, bool percent, shown how) {
  if (v.is_null()) return "-";
  char buf[64];
  double x = v.get<double>() * (percent ? 100 : 1);
  const char* unit = !percent ? "" : how == shown::value ? "%" : " pp";
  const char* sign = how == shown::delta ? "+" : "";
  const char* pm = how == shown::noise ? "±" : "";
  bool integral = v.is_number_integer() || v.is_number_unsigned();
  std::string format = std::string{pm} + "%" + sign + (integral ? ".0f" : ".1f") + "%s";
  std::snprintf(buf, sizeof buf, format.c_str(), x, unit);
  return buf;
}

/// Student's t, two-sided 95 %, for 1..19 degrees of freedom.
double t95(int df) {
  static constexpr double t[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                 2.306,  2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
                                 2.131,  2.120, 2.110, 2.101, 2.093};
  return df >= 1 && df <= 19 ? t[df - 1] : 1.96;
}

} // namespace

json whatif_delta(const json& recorded_totals, const json& whatif_totals) {
  json d = json::object();
  for (const auto& m : compared) {
    const auto& r = recorded_totals.contains(m.field) ? recorded_totals[m.field] : json{};
    const auto& w = whatif_totals.contains(m.field) ? whatif_totals[m.field] : json{};
    if (!r.is_number() || !w.is_number())
      d[m.field] = nullptr;
    else if ((r.is_number_integer() || r.is_number_unsigned()) &&
             (w.is_number_integer() || w.is_number_unsigned()))
      d[m.field] = w.get<std::int64_t>() - r.get<std::int64_t>();
    else
      d[m.field] = w.get<double>() - r.get<double>();
  }
  return d;
}

json whatif_noise(const std::vector<json>& values) {
  if (values.size() < 2) return nullptr;
  double sum = 0;
  for (const auto& v : values) {
    if (!v.is_number()) return nullptr;
    sum += v.get<double>();
  }
  const double n = double(values.size()), mean = sum / n;
  double ss = 0;
  for (const auto& v : values)
    ss += (v.get<double>() - mean) * (v.get<double>() - mean);
  const double sd = std::sqrt(ss / (n - 1));
  // rounded like the report's ratios and seconds
  return std::round(t95(int(values.size()) - 1) * sd * std::sqrt(2.0) * 1e4) / 1e4;
}

bool beyond_noise(const json& delta, const json& noise) {
  if (!delta.is_number() || !noise.is_number()) return false;
  return std::abs(delta.get<double>()) > noise.get<double>() + 1e-9;
}

events::result<whatif_result> run_whatif(const ports::event_store& recorded_store,
                                         const config::configuration& cfg,
                                         const whatif_options& opts) {
  auto rec = extract_recorded_arrivals(recorded_store);
  if (!rec) return rec.error();
  if (recorded_store.head_position() == 0)
    return events::status{events::errc::invalid_argument, "the recorded store has no events"};
  whatif_result out;
  out.recorded_calls = rec->arrivals.size();
  const std::uint64_t seed = opts.seed_given ? opts.seed : cfg.simulation.seed;
  out.unknown = remove_unknown_arrivals(rec->arrivals, cfg.center);
  out.replayed = rec->arrivals.size();
  if (opts.noise_runs < 1 || opts.noise_runs > 20)
    return events::status{events::errc::invalid_argument,
                          "noise runs must be 1..20, got " + std::to_string(opts.noise_runs)};

  // The re-run covers the recording's span, on its calendar day, so KPI
  // intervals line up and the new configuration's shifts apply at the
  // recorded times of day.
  config::configuration run_cfg = cfg;
  simulation_options sopt;
  sopt.seed_given = true;
  sopt.answer_delay_s = opts.answer_delay_s;
  sopt.progress_every_s = 0;
  const std::int64_t start_ns = rec->first_event_ns;
  const std::int64_t end_ns = rec->last_event_ns + 1'000'000'000;
  sopt.day_epoch_ns = start_ns - ((start_ns % ns_per_day) + ns_per_day) % ns_per_day;
  run_cfg.simulation.start_ms = (start_ns - sopt.day_epoch_ns) / ns_per_ms;
  sopt.hours =
      static_cast<double>(end_ns - (sopt.day_epoch_ns + run_cfg.simulation.start_ms * ns_per_ms)) /
      3600e9;

  projections::kpi::kpi_options kopt;
  double sl = opts.sl_threshold_s > 0
                  ? opts.sl_threshold_s
                  : (cfg.center.queues.empty() ? 20 : cfg.center.queues.front().sl_threshold_s);
  kopt.sl_threshold_ms = std::llround(sl * 1000);
  projections::kpi::report_request req;
  req.intervals = false;

  // One re-run with a seed: its KPI report.
  auto rerun = [&](std::uint64_t run_seed, simulation_summary& summary) -> events::result<json> {
    auto arrivals = rec->arrivals;
    fill_unknown_handle_times(arrivals, run_seed);
    sopt.seed = run_seed;
    sopt.recorded_arrivals = std::move(arrivals);
    ports::memory_event_store store;
    auto sum = run_simulation(run_cfg, store, sopt);
    if (!sum) return sum.error();
    summary = *sum;
    auto after = kpi_of_store(store, kopt);
    if (!after) return after.error();
    return projections::kpi::build_report(*after, req);
  };

  auto first = rerun(seed, out.summary);
  if (!first) return first.error();
  out.whatif = std::move(*first);
  auto before = kpi_of_store(recorded_store, kopt);
  if (!before) return before.error();
  out.recorded = projections::kpi::build_report(*before, req);
  out.delta = whatif_delta(out.recorded["totals"], out.whatif["totals"]);

  // The noise: the same what-if with other seeds.
  std::vector<json> totals{out.whatif["totals"]};
  for (int i = 1; i < opts.noise_runs; ++i) {
    simulation_summary ignored;
    auto again = rerun(seed + std::uint64_t(i), ignored);
    if (!again) return again.error();
    totals.push_back((*again)["totals"]);
  }
  out.noise = json::object();
  out.runs = json::object();
  for (const auto& m : compared) {
    std::vector<json> values;
    json list = json::array();
    for (const auto& t : totals) {
      values.push_back(t.contains(m.field) ? t[m.field] : json{});
      list.push_back(values.back());
    }
    out.noise[m.field] = whatif_noise(values);
    out.runs[m.field] = std::move(list);
  }
  return out;
}

std::string render_whatif_table(const whatif_result& r) {
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "%-14s %12s %12s %12s %12s\n", "", "recorded", "what-if",
                "delta", "noise");
  out << line;
  const auto& a = r.recorded["totals"];
  const auto& b = r.whatif["totals"];
  const json none;
  for (const auto& m : compared) {
    const auto& noise = r.noise.is_object() && r.noise.contains(m.field) ? r.noise[m.field] : none;
    const char* verdict = noise.is_null() || r.delta[m.field].is_null() ? ""
                          : beyond_noise(r.delta[m.field], noise)       ? "change"
                                                                        : "within noise";
    // "±" is two bytes in UTF-8: one more column of padding
    std::string noise_text = cell(noise, m.percent, shown::noise);
    std::snprintf(line, sizeof line, "%-14s %12s %12s %12s %*s  %s", m.label,
                  cell(a[m.field], m.percent, shown::value).c_str(),
                  cell(b[m.field], m.percent, shown::value).c_str(),
                  cell(r.delta[m.field], m.percent, shown::delta).c_str(),
                  noise.is_null() ? 12 : 13, noise_text.c_str(), verdict);
    std::string text = line;
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    out << text << "\n";
  }
  out << "\n" << r.recorded_calls << " recorded calls, " << r.replayed << " replayed";
  if (r.unknown.count > 0) {
    out << "; " << r.unknown.count
        << " not replayed (entry point or queue unknown to the configuration:";
    for (const auto& [entry, n] : r.unknown.by_entry)
      out << " " << entry << "=" << n;
    out << ")";
  }
  out << "\n";
  if (r.noise.is_object() && r.runs.is_object() && !r.runs.empty()) {
    const auto n = r.runs.begin()->size();
    out << "delta: what-if minus recorded (ratios in percentage points, pp); noise: 95 % band of a "
           "delta\n"
        << "between two runs of the same configuration, from " << n
        << " what-if runs with different seeds\n"
        << "(docs/whatif.md); a delta within it is not a change\n";
  }
  return out.str();
}

} // namespace hotline::drivers::sim
