#include "projections/kpi/kpi_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "events/envelope.hpp"
#include "projections/csv.hpp"
#include "projections/kpi/kpi_projection.hpp"

namespace hotline::projections::kpi {

using nlohmann::json;

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

json ratio(double num, double den, int digits = 4) {
  if (den <= 0) return nullptr;
  double scale = std::pow(10.0, digits);
  return std::round(num / den * scale) / scale;
}

json seconds(double ms, double count = 1) {
  if (count <= 0) return nullptr;
  return std::round(ms / count) / 1000.0;
}

double sl_value_num(const kpi_counters& c, sl_definition d) {
  return d == sl_definition::offered ? double(c[answered_within_t] + c[abandoned_within_t])
                                     : double(c[answered_within_t]);
}

double sl_value_den(const kpi_counters& c, sl_definition d) {
  switch (d) {
  case sl_definition::answered:
    return double(c[answered]);
  case sl_definition::offered_net:
    return double(c[offered] - c[short_abandoned]);
  case sl_definition::offered:
    return double(c[offered]);
  }
  return 0;
}

std::string iso(std::int64_t ns) {
  auto s = events::format_timestamp(ns);
  // whole seconds are enough for interval starts
  return s.substr(0, 19) + "Z";
}

/// The IVR's figures of one set of counters (docs/ivr.md "KPIs").
void add_ivr_metrics(json& m, const kpi_counters& c) {
  m["ivr_entered"] = c[ivr_entered];
  m["ivr_to_queue"] = c[ivr_to_queue];
  m["ivr_to_other"] = c[ivr_to_other];
  m["ivr_failed"] = c[ivr_failed];
  m["ivr_exited"] = c[ivr_exited];
  m["ivr_abandon_rate"] = ratio(double(c[ivr_abandoned]), double(c[ivr_entered]));
  m["ivr_avg_time_s"] = seconds(double(c[ivr_time_ms]), double(c[ivr_exited]));
  m["ivr_lookups"] = c[ivr_lookups];
  m["ivr_lookups_found"] = c[ivr_lookups_found];
  m["ivr_lookups_failed"] = c[ivr_lookups_failed];
  m["lookup_success_rate"] = ratio(double(c[ivr_lookups_found]), double(c[ivr_lookups]));
  m["lookup_avg_ms"] =
      c[ivr_lookups] > 0 ? json(double(c[ivr_lookup_ms]) / c[ivr_lookups]) : json(nullptr);
  m["voicemails_left"] = c[voicemails_left];
  m["voicemails_handled"] = c[voicemails_handled];
}

/// An IVR grouping's row (flow, ivr_node, ivr_choice): its own figures only.
json ivr_metrics_json(const kpi_counters& c, dimension d) {
  json m;
  if (d == dimension::ivr_choice) {
    m["chosen"] = c[ivr_chosen];
    return m;
  }
  if (d == dimension::ivr_node) m["visits"] = c[ivr_visits];
  m["ivr_contained"] = c[ivr_contained];
  m["ivr_abandoned"] = c[ivr_abandoned];
  if (d == dimension::flow)
    m["ivr_containment"] = ratio(double(c[ivr_contained]), double(c[ivr_entered]));
  add_ivr_metrics(m, c);
  if (d == dimension::ivr_node) {
    for (const char* k : {"ivr_entered", "ivr_exited", "ivr_avg_time_s", "ivr_abandon_rate"})
      m.erase(k);
  }
  return m;
}

/// Each choice's share of the choices made at its node ("flow/node/key"
/// rows of one "flow/node").
void add_choice_shares(json& choices) {
  std::map<std::string, std::int64_t> per_node;
  auto node_of = [](const std::string& key) { return key.substr(0, key.rfind('/')); };
  for (const auto& [key, m] : choices.items())
    per_node[node_of(key)] += m.value("chosen", std::int64_t{0});
  for (auto& [key, m] : choices.items())
    m["share"] = ratio(double(m.value("chosen", std::int64_t{0})), double(per_node[node_of(key)]));
}

} // namespace

json metrics_json(const kpi_counters& c, const kpi_options& o, std::int64_t fcr_censored) {
  json m;
  m["offered"] = c[offered];
  m["answered"] = c[answered];
  m["abandoned"] = c[abandoned];
  m["short_abandoned"] = c[short_abandoned];
  m["blocked"] = c[blocked];
  m["service_level"] = ratio(sl_value_num(c, o.sl), sl_value_den(c, o.sl));
  m["service_level_definition"] = to_string(o.sl);
  m["asa_s"] = seconds(double(c[wait_answered_ms]), double(c[answered]));
  const double handle = double(c[talk_ms] + c[hold_ms] + c[acw_ms]);
  m["aht_s"] = seconds(handle, double(c[handled]));
  m["acw_s"] = seconds(double(c[acw_ms]), double(c[handled]));
  m["longest_wait_s"] = c[longest_wait_ms] / 1000.0;
  // observed agents only: an agent known from call legs alone has no known idle time
  const double busy =
      double(c[ringing_ms] + c[on_call_ms] + c[on_hold_ms] + c[wrap_up_ms] - c[unobserved_busy_ms]);
  m["occupancy"] = ratio(busy, busy + double(c[ready_ms]));
  m["unobserved_busy_s"] = c[unobserved_busy_ms] / 1000.0;
  m["abandon_rate"] = ratio(double(c[abandoned]), double(c[offered] - c[short_abandoned]));
  // extras
  m["arrived"] = c[arrived];
  m["answered_within_t"] = c[answered_within_t];
  m["abandoned_within_t"] = c[abandoned_within_t];
  m["overflowed"] = c[overflowed];
  m["callbacks"] = c[callbacks];
  m["callbacks_completed"] = c[callbacks_completed];
  m["callbacks_failed"] = c[callbacks_failed];
  m["callback_retries"] = c[callback_retries];
  m["callback_success_rate"] =
      ratio(double(c[callbacks_completed]), double(c[callbacks_completed] + c[callbacks_failed]));
  m["voicemail"] = c[voicemail];
  m["refused"] = c[refused];
  m["ivr_contained"] = c[ivr_contained];
  m["ivr_abandoned"] = c[ivr_abandoned];
  // Calls that ended their business in the IVR over calls that entered a
  // flow; without flows (an imported log) over calls that arrived.
  m["ivr_containment"] = c[ivr_entered] > 0
                             ? ratio(double(c[ivr_contained]), double(c[ivr_entered]))
                             : ratio(double(c[ivr_contained]), double(c[arrived]));
  add_ivr_metrics(m, c);
  m["transferred"] = c[transferred];
  m["interflowed"] = c[interflowed];
  m["outbound"] = c[outbound];
  m["transfer_rate"] = ratio(double(c[transferred]), double(c[answered]));
  m["repeat_contacts"] = c[repeat_contacts];
  // settled calls only: censored ones and calls without a customer are unknown
  m["first_contact_resolution"] =
      ratio(double(c[fcr_resolved]), double(c[fcr_resolved] + c[fcr_repeated]));
  m["fcr_resolved"] = c[fcr_resolved];
  m["fcr_repeated"] = c[fcr_repeated];
  m["fcr_censored"] = fcr_censored;
  m["fcr_no_customer"] = c[fcr_no_customer];
  m["handled"] = c[handled];
  m["talk_s"] = seconds(double(c[talk_ms]), double(c[handled]));
  m["hold_s"] = seconds(double(c[hold_ms]), double(c[handled]));
  m["avg_abandon_wait_s"] =
      seconds(double(c[abandon_wait_ms]), double(c[abandoned] + c[short_abandoned]));
  json states = json::object();
  for (auto k : {ready_ms, not_ready_ms, ringing_ms, on_call_ms, on_hold_ms, wrap_up_ms}) {
    auto name = std::string{to_string(k)};
    states[name.substr(0, name.size() - 3)] = c[k] / 1000.0;
  }
  m["agent_time_s"] = std::move(states);
  json reasons = json::object();
  for (const auto& [r, ms] : c.not_ready_by_reason_ms)
    reasons[r] = ms / 1000.0;
  m["not_ready_by_reason_s"] = std::move(reasons);
  return m;
}

namespace {

/// Counters of one report row and its censored FCR calls.
struct row_acc {
  kpi_counters c;
  std::int64_t censored = 0;
  void add(const kpi_cell_view& v) {
    c.merge(*v.counters);
    censored += v.fcr_censored;
  }
};

using group_map = std::map<dimension, std::map<std::string, row_acc, std::less<>>>;

} // namespace

std::string zoned_label(std::int64_t utc_ns, const report_request& r) {
  const std::int64_t off = r.utc_offset_s ? r.utc_offset_s(utc_ns) : 0;
  std::string out = events::format_timestamp(utc_ns + off * ns_per_s).substr(0, 19);
  if (off == 0 && (r.time_zone == "UTC" || r.time_zone.empty())) {
    out += "Z";
  } else {
    const std::int64_t a = off < 0 ? -off : off;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", off < 0 ? '-' : '+',
                  static_cast<long long>(a / 3600), static_cast<long long>(a / 60 % 60));
    out += buf;
  }
  out += "[" + (r.time_zone.empty() ? std::string{"UTC"} : r.time_zone) + "]";
  return out;
}

namespace {

/// The coarse interval (ns) for a request, given the span of the data.
std::int64_t choose_interval(std::int64_t fold_ns, std::int64_t first, std::int64_t last,
                             std::size_t max_points) {
  if (max_points == 0) return fold_ns;
  const std::int64_t span = last + fold_ns - first;
  auto fits = [&](std::int64_t step) {
    return (span + step - 1) / step <= std::int64_t(max_points);
  };
  constexpr std::int64_t minute = 60 * ns_per_s, day = 1440 * minute;
  for (std::int64_t step : {fold_ns, 15 * minute, 60 * minute, day})
    if (step >= fold_ns && step % fold_ns == 0 && fits(step)) return step;
  const std::int64_t unit = day % fold_ns == 0 ? day : fold_ns;
  const std::int64_t per_point = (span + std::int64_t(max_points) - 1) / std::int64_t(max_points);
  return (per_point + unit - 1) / unit * unit;
}

/// The start of the coarse interval holding `utc_ns`: a multiple of `step`
/// in local time.
std::int64_t coarse_start(std::int64_t utc_ns, std::int64_t step, const report_request& r) {
  auto off = [&](std::int64_t t) { return r.utc_offset_s ? r.utc_offset_s(t) * ns_per_s : 0; };
  const std::int64_t local = utc_ns + off(utc_ns);
  const std::int64_t local_start = local - ((local % step) + step) % step;
  std::int64_t start = local_start - off(utc_ns);
  start = local_start - off(start); // the offset at the start (a DST change inside)
  return start <= utc_ns ? start : start - step;
}

} // namespace

json build_report(const kpi_projection& p, const report_request& r) {
  const auto& o = p.options();
  auto cells = p.cells();
  const std::int64_t fold_ns = o.interval_ms * 1'000'000;
  std::int64_t step = fold_ns;
  if (!cells.empty() && r.max_intervals > 0)
    step = choose_interval(fold_ns, cells.front().interval_start_ns, cells.back().interval_start_ns,
                           r.max_intervals);
  auto start_of = [&](std::int64_t t) { return step == fold_ns ? t : coarse_start(t, step, r); };

  row_acc totals;
  group_map groups;
  std::map<std::int64_t, std::pair<row_acc, group_map>> intervals;
  for (const auto& c : cells) {
    const std::int64_t start = start_of(c.interval_start_ns);
    if (c.dim == dimension::total) {
      totals.add(c);
      intervals[start].first.add(c);
      continue;
    }
    if (r.by && *r.by != c.dim) continue;
    groups[c.dim][std::string{c.key}].add(c);
    if (r.intervals) intervals[start].second[c.dim][std::string{c.key}].add(c);
  }

  auto groups_json = [&](const group_map& g) {
    json out = json::object();
    for (const auto& [dim, members] : g) {
      json d = json::object();
      for (const auto& [key, acc] : members)
        d[key] = is_ivr(dim) ? ivr_metrics_json(acc.c, dim) : metrics_json(acc.c, o, acc.censored);
      if (dim == dimension::ivr_choice) add_choice_shares(d);
      out[std::string{to_string(dim)}] = std::move(d);
    }
    return out;
  };

  json rep;
  rep["service_level_definition"] = to_string(o.sl);
  rep["service_level_formula"] = formula(o.sl);
  rep["sl_threshold_s"] = o.sl_threshold_ms / 1000.0;
  rep["short_abandon_s"] = o.short_abandon_ms / 1000.0;
  rep["interval_s"] = step / ns_per_s;
  if (step != fold_ns) rep["folded_interval_s"] = o.interval_ms / 1000;
  rep["fcr_window_s"] = o.fcr_window_ms / 1000;
  rep["time_zone"] = r.time_zone.empty() ? std::string{"UTC"} : r.time_zone;
  if (!intervals.empty()) {
    const std::int64_t from = intervals.begin()->first;
    const std::int64_t to =
        step == fold_ns ? intervals.rbegin()->first + step
                        : coarse_start(intervals.rbegin()->first + step + step / 2, step, r);
    rep["from"] = iso(from);
    rep["to"] = iso(to);
    rep["from_label"] = zoned_label(from, r);
    rep["to_label"] = zoned_label(to, r);
  } else {
    rep["from"] = nullptr;
    rep["to"] = nullptr;
  }
  if (r.by) rep["by"] = to_string(*r.by);
  rep["totals"] = metrics_json(totals.c, o, totals.censored);
  rep["groups"] = groups_json(groups);
  if (r.intervals) {
    json list = json::array();
    for (const auto& [start, pair] : intervals) {
      json iv;
      iv["start"] = iso(start);
      iv["label"] = zoned_label(start, r);
      iv["totals"] = metrics_json(pair.first.c, o, pair.first.censored);
      iv["groups"] = groups_json(pair.second);
      list.push_back(std::move(iv));
    }
    rep["intervals"] = std::move(list);
  }
  auto g = p.gauges();
  json gauges;
  gauges["as_of"] = g.as_of_ns ? json(events::format_timestamp(g.as_of_ns)) : json(nullptr);
  gauges["calls_waiting"] = g.calls_waiting;
  gauges["oldest_wait_s"] = g.oldest_wait_ms / 1000.0;
  gauges["agents_by_state"] = g.agents_by_state;
  rep["gauges"] = std::move(gauges);
  return rep;
}

// -- renderings -------------------------------------------------------------------

namespace {

std::string fmt_num(const json& v, const char* format = "%.1f") {
  if (v.is_null()) return "-";
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v.get<double>());
  return buf;
}

std::string fmt_pct(const json& v) {
  if (v.is_null()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v.get<double>() * 100);
  return buf;
}

/// Dimensions in the order a reader looks for them: queues first, agents
/// (usually the longest list) last.
constexpr const char* group_order[] = {"queue", "site", "tenant", "agent"};

struct column {
  const char* title;
  const char* field;
  bool percent;
};

const column table_columns[] = {
    {"offered", "offered", false},
    {"answered", "answered", false},
    {"abandoned", "abandoned", false},
    {"short_ab", "short_abandoned", false},
    {"blocked", "blocked", false},
    {"outbound", "outbound", false},
    {"SL", "service_level", true},
    {"ASA s", "asa_s", false},
    {"AHT s", "aht_s", false},
    {"ACW s", "acw_s", false},
    {"longest s", "longest_wait_s", false},
    {"occupancy", "occupancy", true},
    {"abandon", "abandon_rate", true},
    {"FCR", "first_contact_resolution", true},
    {"transfer", "transfer_rate", true},
};

/// True for a metric that is null because the events cannot tell it
/// (not because there was nothing to measure): occupancy with agent time of
/// unobserved agents only, FCR with answered calls none of which is settled.
bool unknown(const json& m, std::string_view field) {
  if (!m[std::string{field}].is_null()) return false;
  if (field == "occupancy") return m.value("unobserved_busy_s", 0.0) > 0;
  if (field == "first_contact_resolution") return m.value("answered", 0) > 0;
  return false;
}

std::string cell_text(const json& m, const column& c) {
  if (unknown(m, c.field)) return "unknown";
  return c.percent ? fmt_pct(m[c.field]) : fmt_num(m[c.field]);
}

/// What FCR and occupancy leave out, in words ("" when nothing).
std::string unknowns_note(const json& t) {
  std::string out;
  const auto censored = t.value("fcr_censored", std::int64_t{0});
  const auto no_customer = t.value("fcr_no_customer", std::int64_t{0});
  if (censored > 0 || no_customer > 0) {
    out += "FCR counts only answered calls whose repeat window ended inside the data: ";
    out += std::to_string(censored) + " censored (window runs past the newest event), ";
    out += std::to_string(no_customer) + " without a customer id or calling number.";
  }
  if (t.value("unobserved_busy_s", 0.0) > 0) {
    if (!out.empty()) out += "\n";
    out += "occupancy counts only agents whose availability events were recorded (";
    out += fmt_num(t["unobserved_busy_s"], "%.0f") +
           " s of busy time of agents known from calls alone left out).";
  }
  return out;
}

/// Labels are never cut: the label column is as wide as the longest.
void table_row(std::ostringstream& out, const std::string& label, const json& m,
               std::size_t width) {
  char buf[64];
  out << label << std::string(width > label.size() ? width - label.size() : 0, ' ');
  for (const auto& c : table_columns) {
    std::snprintf(buf, sizeof buf, " %10s", cell_text(m, c).c_str());
    out << buf;
  }
  out << "\n";
}

void table_header(std::ostringstream& out, const std::string& label, std::size_t width) {
  char buf[64];
  out << label << std::string(width > label.size() ? width - label.size() : 0, ' ');
  for (const auto& c : table_columns) {
    std::snprintf(buf, sizeof buf, " %10s", c.title);
    out << buf;
  }
  out << "\n";
}

std::string describe(const json& rep) {
  std::ostringstream out;
  out << "service level: " << rep["service_level_definition"].get<std::string>() << " = "
      << rep["service_level_formula"].get<std::string>()
      << ", T = " << fmt_num(rep["sl_threshold_s"], "%g") << " s; short abandon < "
      << fmt_num(rep["short_abandon_s"], "%g") << " s; interval "
      << rep["interval_s"].get<std::int64_t>() << " s";
  return out.str();
}

/// The IVR's part of the table: containment and the ways out by flow, the
/// path through the menus (callers who reached each node, and how many left
/// there which way), and the menu choices. Empty when no session entered.
std::string ivr_section(const json& rep) {
  const auto& t = rep["totals"];
  if (t.value("ivr_entered", std::int64_t{0}) == 0) return {};
  std::ostringstream out;
  auto n = [](const json& m, const char* k) { return m.value(k, std::int64_t{0}); };
  out << "\nIVR: " << n(t, "ivr_entered") << " entered, containment "
      << fmt_pct(t["ivr_containment"]) << " (" << n(t, "ivr_contained") << " contained), "
      << n(t, "ivr_abandoned") << " abandoned (" << fmt_pct(t["ivr_abandon_rate"]) << "), "
      << n(t, "ivr_to_queue") << " to a queue, " << n(t, "ivr_to_other")
      << " to voicemail, call back or transfer, " << n(t, "ivr_failed") << " failed; "
      << fmt_num(t["ivr_avg_time_s"]) << " s in the IVR on average; lookups " << n(t, "ivr_lookups")
      << " (found " << fmt_pct(t["lookup_success_rate"]) << ", failed "
      << n(t, "ivr_lookups_failed") << ")\n";
  const auto& g = rep["groups"];
  if (g.contains("flow"))
    for (const auto& [flow, m] : g["flow"].items())
      out << "  flow " << flow << ": " << n(m, "ivr_entered") << " entered, containment "
          << fmt_pct(m["ivr_containment"]) << ", abandoned " << fmt_pct(m["ivr_abandon_rate"])
          << ", to queue " << n(m, "ivr_to_queue") << "\n";
  if (g.contains("ivr_node")) {
    out << "  path (flow/node: callers who reached it; ways out there)\n";
    for (const auto& [node, m] : g["ivr_node"].items()) {
      out << "    " << node << ": " << n(m, "visits");
      for (auto [k, label] : {std::pair{"ivr_contained", "contained"},
                              {"ivr_abandoned", "abandoned"},
                              {"ivr_to_queue", "to queue"},
                              {"ivr_to_other", "other exit"},
                              {"ivr_failed", "failed"},
                              {"ivr_lookups_found", "found"},
                              {"ivr_lookups", "lookups"}})
        if (n(m, k) > 0) out << "; " << label << " " << n(m, k);
      out << "\n";
    }
  }
  if (g.contains("ivr_choice")) {
    out << "  choices (flow/node/key: times chosen, share at the node)\n";
    for (const auto& [key, m] : g["ivr_choice"].items())
      out << "    " << key << ": " << n(m, "chosen") << " (" << fmt_pct(m["share"]) << ")\n";
  }
  return out.str();
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

} // namespace

std::string render_table(const json& rep) {
  std::ostringstream out;
  out << "KPIs "
      << (rep["from"].is_null() ? "(no data)"
                                : rep.value("from_label", rep["from"].get<std::string>()) + " .. " +
                                      rep.value("to_label", rep["to"].get<std::string>()))
      << "\n"
      << describe(rep) << "\n\n";
  if (auto note = unknowns_note(rep["totals"]); !note.empty()) out << note << "\n\n";
  std::vector<std::pair<std::string, const json*>> rows{{"totals", &rep["totals"]}};
  for (const char* dim : group_order)
    if (rep["groups"].contains(dim))
      for (const auto& [key, m] : rep["groups"][dim].items())
        rows.emplace_back(std::string{dim} + " " + key, &m);
  std::size_t width = 24;
  for (const auto& [label, m] : rows)
    width = std::max(width, label.size());
  table_header(out, "group", width);
  for (const auto& [label, m] : rows)
    table_row(out, label, *m, width);
  out << ivr_section(rep);
  if (rep.contains("intervals") && !rep["intervals"].empty()) {
    out << "\n";
    width = 24;
    for (const auto& iv : rep["intervals"])
      width = std::max(width, iv.value("label", std::string{}).size());
    table_header(out, "interval (totals)", width);
    for (const auto& iv : rep["intervals"])
      table_row(out, iv.value("label", iv["start"].get<std::string>()), iv["totals"], width);
  }
  const auto& g = rep["gauges"];
  out << "\nnow: " << g["calls_waiting"].get<std::int64_t>() << " calls waiting, oldest "
      << fmt_num(g["oldest_wait_s"]) << " s; agents:";
  for (const auto& [state, n] : g["agents_by_state"].items())
    out << " " << state << "=" << n.get<std::int64_t>();
  out << "\n";
  return out.str();
}

std::string render_csv(const json& rep) {
  static const char* fields[] = {"offered",
                                 "answered",
                                 "abandoned",
                                 "short_abandoned",
                                 "blocked",
                                 "service_level",
                                 "service_level_definition",
                                 "asa_s",
                                 "aht_s",
                                 "acw_s",
                                 "longest_wait_s",
                                 "occupancy",
                                 "abandon_rate",
                                 "arrived",
                                 "answered_within_t",
                                 "abandoned_within_t",
                                 "overflowed",
                                 "callbacks",
                                 "voicemail",
                                 "refused",
                                 "ivr_contained",
                                 "transferred",
                                 "transfer_rate",
                                 "repeat_contacts",
                                 "first_contact_resolution",
                                 "handled",
                                 "talk_s",
                                 "hold_s",
                                 "interflowed",
                                 "outbound",
                                 "callbacks_completed",
                                 "callbacks_failed",
                                 "callback_retries",
                                 "callback_success_rate",
                                 "fcr_resolved",
                                 "fcr_repeated",
                                 "fcr_censored",
                                 "fcr_no_customer",
                                 "unobserved_busy_s"};
  std::ostringstream out;
  out << "interval,dimension,key";
  for (auto* f : fields)
    out << "," << f;
  out << ",interval_label\n";
  auto line = [&](const std::string& iv, const std::string& dim, const std::string& key,
                  const json& m, const std::string& label) {
    out << csv_field(iv) << "," << dim << "," << csv_field(key);
    static const json none;
    for (auto* f : fields) {
      const auto& v = m.contains(f) ? m[f] : none; // IVR rows hold their own fields only
      out << ",";
      if (v.is_string())
        out << csv_field(v.get<std::string>());
      else if (!v.is_null())
        out << v.dump();
    }
    out << "," << csv_field(label) << "\n";
  };
  line("all", "total", "*", rep["totals"], "all");
  for (const auto& [dim, members] : rep["groups"].items())
    for (const auto& [key, m] : members.items())
      line("all", dim, key, m, "all");
  if (rep.contains("intervals"))
    for (const auto& iv : rep["intervals"]) {
      auto start = iv["start"].get<std::string>();
      auto label = iv.value("label", start);
      line(start, "total", "*", iv["totals"], label);
      for (const auto& [dim, members] : iv["groups"].items())
        for (const auto& [key, m] : members.items())
          line(start, dim, key, m, label);
    }
  return out.str();
}

namespace {

/// One chart series: a value per interval (NaN: no value).
struct series {
  std::string name;
  std::string color;
  std::vector<double> values;
  bool bars = false;
};

/// An interval of the report on the time axis.
struct slot_t {
  std::int64_t start_ns; ///< UTC
  std::int64_t offset_s; ///< the zone's offset at start (from "label" - "start")
  std::string label;
};

std::int64_t parse_ns(const json& v) {
  std::int64_t ns = 0;
  if (v.is_string()) events::parse_timestamp(v.get<std::string>(), ns);
  return ns;
}

/// The offset a zoned label carries ("...+02:00[...]", "...Z[...]").
std::int64_t label_offset_s(const std::string& label) {
  if (label.size() < 20 || label[19] == 'Z') return 0;
  const int sign = label[19] == '-' ? -1 : 1;
  const int h = std::atoi(label.substr(20, 2).c_str()), m = std::atoi(label.substr(23, 2).c_str());
  return sign * (h * 3600 + m * 60);
}

std::string zone_of(const json& rep) {
  return rep.contains("time_zone") && rep["time_zone"].is_string()
             ? rep["time_zone"].get<std::string>()
             : "UTC";
}

/// "2024-01-01" and "10:00" of a UTC instant shown at `offset_s`.
std::pair<std::string, std::string> local_date_time(std::int64_t utc_ns, std::int64_t offset_s) {
  auto s = events::format_timestamp(utc_ns + offset_s * ns_per_s);
  return {s.substr(0, 10), s.substr(11, 5)};
}

std::string duration_words(std::int64_t s) {
  if (s % 86400 == 0) return s == 86400 ? "1 day" : std::to_string(s / 86400) + " days";
  if (s % 3600 == 0) return std::to_string(s / 3600) + " h";
  if (s % 60 == 0) return std::to_string(s / 60) + " min";
  return std::to_string(s) + " s";
}

/// The time axis shared by every chart of a report: from .. to in UTC.
struct time_axis {
  std::int64_t from_ns = 0, to_ns = 1, step_ns = 1;
  std::string zone;
  std::vector<slot_t> slots;
  double left = 60, width = 1020;

  double x(std::int64_t t) const {
    return left + width * double(t - from_ns) / double(std::max<std::int64_t>(to_ns - from_ns, 1));
  }
  /// True when slot i+1 does not follow slot i directly (no data between).
  bool gap_after(std::size_t i) const {
    return i + 1 < slots.size() && slots[i + 1].start_ns > slots[i].start_ns + step_ns;
  }
  std::int64_t offset_at(std::int64_t t) const {
    std::int64_t off = slots.empty() ? 0 : slots.front().offset_s;
    for (const auto& s : slots) {
      if (s.start_ns > t) break;
      off = s.offset_s;
    }
    return off;
  }
};

time_axis axis_of(const json& rep) {
  time_axis a;
  a.zone = zone_of(rep);
  a.step_ns = rep["interval_s"].get<std::int64_t>() * ns_per_s;
  if (rep.contains("intervals"))
    for (const auto& iv : rep["intervals"]) {
      slot_t s;
      s.start_ns = parse_ns(iv["start"]);
      s.label =
          iv.contains("label") ? iv["label"].get<std::string>() : iv["start"].get<std::string>();
      s.offset_s = label_offset_s(s.label);
      a.slots.push_back(std::move(s));
    }
  a.from_ns = rep["from"].is_null() ? 0 : parse_ns(rep["from"]);
  a.to_ns = rep["to"].is_null() ? a.from_ns + a.step_ns : parse_ns(rep["to"]);
  return a;
}

/// A chart on the report's time axis as an inline SVG: bars for series
/// marked so (side by side), lines for the others; a line breaks where data
/// is missing, and every stretch without data is shaded ("no data").
std::string svg_chart(const std::string& title, const time_axis& ax,
                      const std::vector<series>& data, double fixed_max = 0, const char* unit = "",
                      double target = -1, double h = 300) {
  const double w = ax.left + ax.width + 20, top = 40, bottom = 74;
  const double ph = h - top - bottom;
  double maxv = fixed_max;
  if (maxv <= 0) {
    for (const auto& s : data)
      for (double v : s.values)
        if (!std::isnan(v)) maxv = std::max(maxv, v);
    if (maxv <= 0) maxv = 1;
    double mag = std::pow(10.0, std::floor(std::log10(maxv)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0})
      if (step * mag >= maxv) {
        maxv = step * mag;
        break;
      }
  }
  auto y = [&](double v) { return top + ph - ph * std::min(v / maxv, 1.0); };
  std::ostringstream s;
  char buf[512];
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
    << "\" viewBox=\"0 0 " << w << " " << h << "\" role=\"img\">\n";
  s << "<text x=\"" << ax.left << "\" y=\"22\" class=\"title\">" << html_escape(title)
    << "</text>\n";
  // stretches without data
  auto shade = [&](std::int64_t from, std::int64_t to) {
    auto [d1, t1] = local_date_time(from, ax.offset_at(from));
    auto [d2, t2] = local_date_time(to, ax.offset_at(to));
    std::snprintf(buf, sizeof buf,
                  "<rect class=\"gap\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                  "height=\"%.1f\"><title>no data %s %s .. %s %s %s</title></rect>\n",
                  ax.x(from), top, std::max(ax.x(to) - ax.x(from), 1.0), ph, d1.c_str(), t1.c_str(),
                  d2.c_str(), t2.c_str(), html_escape(ax.zone).c_str());
    s << buf;
  };
  for (std::size_t i = 0; i < ax.slots.size(); ++i)
    if (ax.gap_after(i)) shade(ax.slots[i].start_ns + ax.step_ns, ax.slots[i + 1].start_ns);
  for (int i = 0; i <= 4; ++i) {
    double v = maxv * i / 4.0;
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%g%s</text>\n",
                  ax.left, y(v), ax.left + ax.width, y(v), ax.left - 6, y(v) + 4,
                  std::round(v * 100) / 100, unit);
    s << buf;
  }
  if (target >= 0) {
    std::snprintf(
        buf, sizeof buf,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"target\"/>"
        "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">target %g%s</text>\n",
        ax.left, y(target), ax.left + ax.width, y(target), ax.left + ax.width, y(target) - 4,
        target, unit);
    s << buf;
  }
  // ticks at whole local hours / days, at most about 8, each with date, time and zone
  {
    const std::int64_t span_s = (ax.to_ns - ax.from_ns) / ns_per_s;
    std::int64_t tick = 86400 * 7;
    for (std::int64_t t :
         {900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400})
      if (span_s / t <= 8) {
        tick = t;
        break;
      }
    const std::int64_t off0 = ax.offset_at(ax.from_ns);
    std::int64_t local = ax.from_ns / ns_per_s + off0;
    local = (local + tick - 1) / tick * tick;
    for (; local - off0 <= ax.to_ns / ns_per_s; local += tick) {
      std::int64_t t = (local - ax.offset_at((local - off0) * ns_per_s)) * ns_per_s;
      if (t < ax.from_ns || t > ax.to_ns) continue;
      auto [d, hm] = local_date_time(t, ax.offset_at(t));
      const double x = ax.x(t);
      std::snprintf(
          buf, sizeof buf,
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"tick\"/>"
          "<text x=\"%.1f\" y=\"%.1f\" class=\"axis tick-label\" text-anchor=\"middle\">"
          "<tspan x=\"%.1f\">%s</tspan><tspan x=\"%.1f\" dy=\"12\">%s %s</tspan></text>\n",
          x, top + ph, x, top + ph + 4, x, top + ph + 16, x, d.c_str(), x, hm.c_str(),
          html_escape(ax.zone).c_str());
      s << buf;
    }
  }
  std::size_t bar_series = 0;
  for (const auto& ser : data)
    bar_series += ser.bars;
  std::size_t bar_k = 0;
  const bool dots = ax.slots.size() <= 120;
  for (std::size_t k = 0; k < data.size(); ++k) {
    const auto& ser = data[k];
    s << "<g class=\"series\" data-series=\"" << html_escape(ser.name) << "\">";
    if (ser.bars) {
      for (std::size_t i = 0; i < ser.values.size() && i < ax.slots.size(); ++i) {
        double v = ser.values[i];
        if (std::isnan(v) || v <= 0) continue;
        const double x0 = ax.x(ax.slots[i].start_ns), x1 = ax.x(ax.slots[i].start_ns + ax.step_ns);
        const double bw = (x1 - x0) * 0.85 / double(bar_series);
        std::snprintf(buf, sizeof buf,
                      "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
                      "fill=\"%s\"><title>%s %s: %g</title></rect>",
                      x0 + (x1 - x0) * 0.075 + bw * double(bar_k), y(v), std::max(bw, 0.5),
                      top + ph - y(v), ser.color.c_str(), html_escape(ax.slots[i].label).c_str(),
                      html_escape(ser.name).c_str(), v);
        s << buf;
      }
      ++bar_k;
    } else {
      std::string path;
      bool open = false;
      for (std::size_t i = 0; i < ser.values.size() && i < ax.slots.size(); ++i) {
        double v = ser.values[i];
        if (std::isnan(v)) {
          open = false;
          continue;
        }
        const double x = ax.x(ax.slots[i].start_ns + ax.step_ns / 2);
        std::snprintf(buf, sizeof buf, "%s%.1f,%.1f", open ? " L" : (path.empty() ? "M" : " M"), x,
                      y(v));
        path += buf;
        open = !ax.gap_after(i);
        if (dots) {
          std::snprintf(buf, sizeof buf,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s %s: "
                        "%g</title></circle>",
                        x, y(v), ser.color.c_str(), html_escape(ax.slots[i].label).c_str(),
                        html_escape(ser.name).c_str(), v);
          s << buf;
        }
      }
      if (!path.empty())
        s << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << ser.color
          << "\" stroke-width=\"2\"/>";
    }
    s << "</g>\n";
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">%s</text>\n",
                  ax.left + 170.0 * double(k), h - 20, ser.color.c_str(),
                  ax.left + 170.0 * double(k) + 16, h - 10, html_escape(ser.name).c_str());
    s << buf;
  }
  s << "</svg>\n";
  return s.str();
}

double num(const json& v) {
  return v.is_null() ? std::nan("") : v.get<double>();
}

} // namespace

std::string render_html(const json& rep) {
  const auto ax = axis_of(rep);
  const auto& ivs = rep.contains("intervals") ? rep["intervals"] : json::array();
  auto totals_series = [&](const char* name, const char* field, const char* color, double scale = 1,
                           bool bars = false) {
    series out{name, color, {}, bars};
    for (const auto& iv : ivs)
      out.values.push_back(num(iv["totals"][field]) * scale);
    return out;
  };

  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    << "<title>hotline KPI report</title>\n<style>\n"
    << "body{font-family:sans-serif;margin:24px;color:#222;background:#fff}"
    << "h1{font-size:22px}h2{font-size:17px;margin-top:28px}"
    << "table{border-collapse:collapse;font-size:12px}"
    << "th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}"
    << "th:first-child,td:first-child{text-align:left;white-space:nowrap}th{background:#f0f0f0}"
    << ".title{font-size:14px;font-weight:bold}.axis{font-size:10px;fill:#555}"
    << ".legend{font-size:11px}.grid{stroke:#e4e4e4}.tick{stroke:#999}.target{stroke:#e15759;"
       "stroke-dasharray:6 4}"
    << ".gap{fill:#f3f3f3;stroke:none}"
    << ".kpi{display:inline-block;border:1px solid #ddd;border-radius:6px;padding:8px "
       "14px;margin:4px;min-width:110px}"
    << ".kpi "
       "b{display:block;font-size:20px}.note{color:#555;font-size:13px}\n</style></head><body>\n";
  h << "<h1>hotline KPI report</h1>\n<p>";
  if (!rep["from"].is_null())
    h << html_escape(rep.value("from_label", rep["from"].get<std::string>())) << " .. "
      << html_escape(rep.value("to_label", rep["to"].get<std::string>())) << "<br>";
  h << html_escape(describe(rep)) << "<br>times in " << html_escape(ax.zone) << "</p>\n";
  if (rep.contains("folded_interval_s"))
    h << "<p class=\"note coarsened\">Intervals of "
      << duration_words(rep["interval_s"].get<std::int64_t>()) << ": the data was folded at "
      << duration_words(rep["folded_interval_s"].get<std::int64_t>())
      << " intervals, coarsened so that a chart has at most " << chart_max_intervals
      << " points (<code>hotline kpi --format json</code> keeps the folded intervals).</p>\n";

  const auto& t = rep["totals"];
  auto tile = [&](const char* label, const std::string& value) {
    h << "<div class=\"kpi\">" << label << "<b>" << html_escape(value) << "</b></div>";
  };
  auto pct_or_unknown = [&](const char* field) {
    return unknown(t, field) ? std::string{"unknown"} : fmt_pct(t[field]);
  };
  tile("offered", fmt_num(t["offered"]));
  tile("answered", fmt_num(t["answered"]));
  tile("abandoned", fmt_num(t["abandoned"]));
  tile("short abandoned", fmt_num(t["short_abandoned"]));
  tile("blocked", fmt_num(t["blocked"]));
  tile("call backs", fmt_num(t["callbacks"]));
  tile(("service level (" + rep["service_level_definition"].get<std::string>() + ")").c_str(),
       fmt_pct(t["service_level"]));
  tile("ASA", fmt_num(t["asa_s"]) + " s");
  tile("AHT", fmt_num(t["aht_s"]) + " s");
  tile("occupancy", pct_or_unknown("occupancy"));
  tile("abandon rate", fmt_pct(t["abandon_rate"]));
  tile("FCR", pct_or_unknown("first_contact_resolution"));
  h << "\n";
  if (auto note = unknowns_note(t); !note.empty()) {
    std::string html = html_escape(note);
    for (std::size_t at; (at = html.find('\n')) != std::string::npos;)
      html.replace(at, 1, "<br>");
    h << "<p class=\"note unknowns\">" << html << "</p>\n";
  }

  if (!ax.slots.empty()) {
    h << "<h2>Volume per interval</h2>\n"
      << svg_chart("calls per " + duration_words(ax.step_ns / ns_per_s), ax,
                   {totals_series("offered", "offered", "#4e79a7", 1, true),
                    totals_series("answered", "answered", "#59a14f"),
                    totals_series("abandoned", "abandoned", "#e15759"),
                    totals_series("short abandoned", "short_abandoned", "#f28e2b")});
    h << "<h2>Service level per interval</h2>\n"
      << svg_chart("service level % (" + rep["service_level_formula"].get<std::string>() + ")", ax,
                   {totals_series("service level", "service_level", "#4e79a7", 100),
                    totals_series("occupancy", "occupancy", "#edc948", 100)},
                   100, "%", 80);
    h << "<h2>Speed and handle time</h2>\n"
      << svg_chart("seconds", ax,
                   {totals_series("ASA (s)", "asa_s", "#b07aa1"),
                    totals_series("AHT (s)", "aht_s", "#76b7b2")});
    h << "<h2>Blocked calls and call backs</h2>\n"
      << svg_chart("calls per " + duration_words(ax.step_ns / ns_per_s), ax,
                   {totals_series("blocked", "blocked", "#e15759"),
                    totals_series("call backs scheduled", "callbacks", "#4e79a7"),
                    totals_series("call backs completed", "callbacks_completed", "#59a14f"),
                    totals_series("call backs failed", "callbacks_failed", "#f28e2b")});

    // per queue
    std::vector<std::string> queues;
    if (rep["groups"].contains("queue"))
      for (const auto& [key, m] : rep["groups"]["queue"].items())
        queues.push_back(key);
    if (!queues.empty()) {
      auto queue_series = [&](const std::string& q, const std::string& name, const char* field,
                              const char* color, double scale = 1, bool bars = false) {
        series out{name, color, {}, bars};
        for (const auto& iv : ivs) {
          const auto& g = iv["groups"];
          bool has = g.contains("queue") && g["queue"].contains(q);
          out.values.push_back(has ? num(g["queue"][q][field]) * scale
                                   : (bars ? 0.0 : std::nan("")));
        }
        return out;
      };
      h << "<h2>Per queue</h2>\n";
      for (const auto& q : queues)
        h << "<div class=\"queue\" data-queue=\"" << html_escape(q) << "\">"
          << svg_chart("queue " + q + ": calls per " + duration_words(ax.step_ns / ns_per_s), ax,
                       {queue_series(q, "offered", "offered", "#4e79a7", 1, true),
                        queue_series(q, "answered", "answered", "#59a14f"),
                        queue_series(q, "abandoned", "abandoned", "#e15759"),
                        queue_series(q, "blocked", "blocked", "#9c755f"),
                        queue_series(q, "call backs", "callbacks", "#b07aa1")})
          << svg_chart("queue " + q + ": service level % (" +
                           rep["service_level_formula"].get<std::string>() + ")",
                       ax, {queue_series(q, "service level", "service_level", "#4e79a7", 100)}, 100,
                       "%", 80, 220)
          << "</div>\n";
    }
  }

  h << "<h2>By group</h2>\n<table><tr><th>group</th>";
  for (const auto& c : table_columns)
    h << "<th>" << c.title << "</th>";
  h << "</tr>\n";
  auto row = [&](const std::string& label, const json& m) {
    h << "<tr><td>" << html_escape(label) << "</td>";
    for (const auto& c : table_columns)
      h << "<td>" << html_escape(cell_text(m, c)) << "</td>";
    h << "</tr>\n";
  };
  row("totals", t);
  for (const char* dim : group_order)
    if (rep["groups"].contains(dim))
      for (const auto& [key, m] : rep["groups"][dim].items())
        row(std::string{dim} + " " + key, m);
  h << "</table>\n";
  if (auto ivr = ivr_section(rep); !ivr.empty())
    h << "<h2>IVR</h2>\n<pre>" << html_escape(ivr.substr(1)) << "</pre>\n";

  const auto& g = rep["gauges"];
  h << "<h2>Now</h2>\n<p>" << g["calls_waiting"].get<std::int64_t>() << " calls waiting, oldest "
    << fmt_num(g["oldest_wait_s"]) << " s. Agents:";
  for (const auto& [state, n] : g["agents_by_state"].items())
    h << " " << html_escape(state) << " " << n.get<std::int64_t>() << ";";
  h << "</p>\n</body></html>\n";
  return h.str();
}

} // namespace hotline::projections::kpi
