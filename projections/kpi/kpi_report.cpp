#include "projections/kpi/kpi_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "events/envelope.hpp"
#include "projections/csv.hpp"

namespace hotline::projections::kpi {

using nlohmann::json;

namespace {

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
    case sl_definition::answered: return double(c[answered]);
    case sl_definition::offered_net: return double(c[offered] - c[short_abandoned]);
    case sl_definition::offered: return double(c[offered]);
  }
  return 0;
}

std::string iso(std::int64_t ns) {
  auto s = events::format_timestamp(ns);
  // whole seconds are enough for interval starts
  return s.substr(0, 19) + "Z";
}

} // namespace

json metrics_json(const kpi_counters& c, const kpi_options& o) {
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
  const double busy = double(c[ringing_ms] + c[on_call_ms] + c[on_hold_ms] + c[wrap_up_ms]);
  m["occupancy"] = ratio(busy, busy + double(c[ready_ms]));
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
  m["callback_success_rate"] = ratio(double(c[callbacks_completed]), double(c[callbacks_completed] + c[callbacks_failed]));
  m["voicemail"] = c[voicemail];
  m["refused"] = c[refused];
  m["ivr_contained"] = c[ivr_contained];
  m["ivr_abandoned"] = c[ivr_abandoned];
  m["ivr_containment"] = ratio(double(c[ivr_contained]), double(c[arrived]));
  m["transferred"] = c[transferred];
  m["interflowed"] = c[interflowed];
  m["outbound"] = c[outbound];
  m["transfer_rate"] = ratio(double(c[transferred]), double(c[answered]));
  m["repeat_contacts"] = c[repeat_contacts];
  m["first_contact_resolution"] =
      ratio(double(c[answered] - c[repeat_contacts]), double(c[answered]));
  m["handled"] = c[handled];
  m["talk_s"] = seconds(double(c[talk_ms]), double(c[handled]));
  m["hold_s"] = seconds(double(c[hold_ms]), double(c[handled]));
  m["avg_abandon_wait_s"] = seconds(double(c[abandon_wait_ms]),
                                    double(c[abandoned] + c[short_abandoned]));
  json states = json::object();
  for (auto k : {ready_ms, not_ready_ms, ringing_ms, on_call_ms, on_hold_ms, wrap_up_ms}) {
    auto name = std::string{to_string(k)};
    states[name.substr(0, name.size() - 3)] = c[k] / 1000.0;
  }
  m["agent_time_s"] = std::move(states);
  json reasons = json::object();
  for (const auto& [r, ms] : c.not_ready_by_reason_ms) reasons[r] = ms / 1000.0;
  m["not_ready_by_reason_s"] = std::move(reasons);
  return m;
}

json build_report(const kpi_projection& p, const report_request& r) {
  const auto& o = p.options();
  auto cells = p.cells();

  kpi_counters totals;
  std::map<dimension, std::map<std::string, kpi_counters, std::less<>>> groups;
  std::map<std::int64_t, std::pair<kpi_counters,
                                   std::map<dimension, std::map<std::string, kpi_counters, std::less<>>>>>
      intervals;
  for (const auto& c : cells) {
    if (c.dim == dimension::total) {
      totals.merge(*c.counters);
      intervals[c.interval_start_ns].first.merge(*c.counters);
      continue;
    }
    if (r.by && *r.by != c.dim) continue;
    groups[c.dim][std::string{c.key}].merge(*c.counters);
    if (r.intervals) intervals[c.interval_start_ns].second[c.dim][std::string{c.key}].merge(*c.counters);
  }

  auto groups_json = [&](const auto& g) {
    json out = json::object();
    for (const auto& [dim, members] : g) {
      json d = json::object();
      for (const auto& [key, counters] : members) d[key] = metrics_json(counters, o);
      out[std::string{to_string(dim)}] = std::move(d);
    }
    return out;
  };

  json rep;
  rep["service_level_definition"] = to_string(o.sl);
  rep["service_level_formula"] = formula(o.sl);
  rep["sl_threshold_s"] = o.sl_threshold_ms / 1000.0;
  rep["short_abandon_s"] = o.short_abandon_ms / 1000.0;
  rep["interval_s"] = o.interval_ms / 1000;
  rep["fcr_window_s"] = o.fcr_window_ms / 1000;
  if (!intervals.empty()) {
    rep["from"] = iso(intervals.begin()->first);
    rep["to"] = iso(intervals.rbegin()->first + o.interval_ms * 1'000'000);
  } else {
    rep["from"] = nullptr;
    rep["to"] = nullptr;
  }
  if (r.by) rep["by"] = to_string(*r.by);
  rep["totals"] = metrics_json(totals, o);
  rep["groups"] = groups_json(groups);
  if (r.intervals) {
    json list = json::array();
    for (const auto& [start, pair] : intervals) {
      json iv;
      iv["start"] = iso(start);
      iv["totals"] = metrics_json(pair.first, o);
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

struct column {
  const char* title;
  const char* field;
  bool percent;
};

const column table_columns[] = {
    {"offered", "offered", false},   {"answered", "answered", false},
    {"abandoned", "abandoned", false}, {"short_ab", "short_abandoned", false},
    {"blocked", "blocked", false},   {"outbound", "outbound", false},
    {"SL", "service_level", true},
    {"ASA s", "asa_s", false},       {"AHT s", "aht_s", false},
    {"ACW s", "acw_s", false},       {"longest s", "longest_wait_s", false},
    {"occupancy", "occupancy", true}, {"abandon", "abandon_rate", true},
    {"FCR", "first_contact_resolution", true}, {"transfer", "transfer_rate", true},
};

std::string cell_text(const json& m, const column& c) {
  return c.percent ? fmt_pct(m[c.field]) : fmt_num(m[c.field]);
}

void table_row(std::ostringstream& out, const std::string& label, const json& m) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%-24.24s", label.c_str());
  out << buf;
  for (const auto& c : table_columns) {
    std::snprintf(buf, sizeof buf, " %10s", cell_text(m, c).c_str());
    out << buf;
  }
  out << "\n";
}

void table_header(std::ostringstream& out, const std::string& label) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%-24.24s", label.c_str());
  out << buf;
  for (const auto& c : table_columns) {
    std::snprintf(buf, sizeof buf, " %10s", c.title);
    out << buf;
  }
  out << "\n";
}

std::string describe(const json& rep) {
  std::ostringstream out;
  out << "service level: " << rep["service_level_definition"].get<std::string>() << " = "
      << rep["service_level_formula"].get<std::string>() << ", T = "
      << fmt_num(rep["sl_threshold_s"], "%g") << " s; short abandon < "
      << fmt_num(rep["short_abandon_s"], "%g") << " s; interval " << rep["interval_s"].get<std::int64_t>()
      << " s";
  return out.str();
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

} // namespace

std::string render_table(const json& rep) {
  std::ostringstream out;
  out << "KPIs " << (rep["from"].is_null() ? "(no data)" : rep["from"].get<std::string>() + " .. " + rep["to"].get<std::string>())
      << "\n" << describe(rep) << "\n\n";
  table_header(out, "group");
  table_row(out, "totals", rep["totals"]);
  for (const auto& [dim, members] : rep["groups"].items())
    for (const auto& [key, m] : members.items()) table_row(out, dim + " " + key, m);
  if (rep.contains("intervals") && !rep["intervals"].empty()) {
    out << "\n";
    table_header(out, "interval (totals)");
    for (const auto& iv : rep["intervals"]) table_row(out, iv["start"].get<std::string>(), iv["totals"]);
  }
  const auto& g = rep["gauges"];
  out << "\nnow: " << g["calls_waiting"].get<std::int64_t>() << " calls waiting, oldest "
      << fmt_num(g["oldest_wait_s"]) << " s; agents:";
  for (const auto& [state, n] : g["agents_by_state"].items()) out << " " << state << "=" << n.get<std::int64_t>();
  out << "\n";
  return out.str();
}

std::string render_csv(const json& rep) {
  static const char* fields[] = {
      "offered", "answered", "abandoned", "short_abandoned", "blocked", "service_level",
      "service_level_definition", "asa_s", "aht_s", "acw_s", "longest_wait_s", "occupancy",
      "abandon_rate", "arrived", "answered_within_t", "abandoned_within_t", "overflowed",
      "callbacks", "voicemail", "refused", "ivr_contained", "transferred", "transfer_rate",
      "repeat_contacts", "first_contact_resolution", "handled", "talk_s", "hold_s", "interflowed",
      "outbound", "callbacks_completed", "callbacks_failed", "callback_retries", "callback_success_rate"};
  std::ostringstream out;
  out << "interval,dimension,key";
  for (auto* f : fields) out << "," << f;
  out << "\n";
  auto line = [&](const std::string& iv, const std::string& dim, const std::string& key, const json& m) {
    out << csv_field(iv) << "," << dim << "," << csv_field(key);
    for (auto* f : fields) {
      const auto& v = m[f];
      out << ",";
      if (v.is_string()) out << csv_field(v.get<std::string>());
      else if (!v.is_null()) out << v.dump();
    }
    out << "\n";
  };
  line("all", "total", "*", rep["totals"]);
  for (const auto& [dim, members] : rep["groups"].items())
    for (const auto& [key, m] : members.items()) line("all", dim, key, m);
  if (rep.contains("intervals"))
    for (const auto& iv : rep["intervals"]) {
      auto start = iv["start"].get<std::string>();
      line(start, "total", "*", iv["totals"]);
      for (const auto& [dim, members] : iv["groups"].items())
        for (const auto& [key, m] : members.items()) line(start, dim, key, m);
    }
  return out.str();
}

namespace {

struct series {
  std::string name;
  std::string color;
  std::vector<double> values; ///< NaN: no value
};

/// A bar (grouped) or line chart as an inline SVG.
std::string svg_chart(const std::string& title, const std::vector<std::string>& labels,
                      const std::vector<series>& data, bool bars, double fixed_max = 0,
                      const char* unit = "", double target = -1) {
  const double w = 1100, h = 300, left = 60, right = 20, top = 40, bottom = 60;
  const double pw = w - left - right, ph = h - top - bottom;
  double maxv = fixed_max;
  if (maxv <= 0) {
    for (const auto& s : data)
      for (double v : s.values)
        if (!std::isnan(v)) maxv = std::max(maxv, v);
    if (maxv <= 0) maxv = 1;
    // a round axis maximum
    double mag = std::pow(10.0, std::floor(std::log10(maxv)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0})
      if (step * mag >= maxv) {
        maxv = step * mag;
        break;
      }
  }
  const std::size_t n = std::max<std::size_t>(labels.size(), 1);
  const double slot = pw / double(n);
  std::ostringstream s;
  char buf[256];
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
    << "\" viewBox=\"0 0 " << w << " " << h << "\" role=\"img\">\n";
  s << "<text x=\"" << left << "\" y=\"22\" class=\"title\">" << html_escape(title) << "</text>\n";
  for (int i = 0; i <= 4; ++i) {
    double y = top + ph - ph * i / 4.0;
    double v = maxv * i / 4.0;
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%g%s</text>\n",
                  left, y, left + pw, y, left - 6, y + 4, std::round(v * 100) / 100, unit);
    s << buf;
  }
  if (target >= 0) {
    double y = top + ph - ph * std::min(target / maxv, 1.0);
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"target\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">target %g%s</text>\n",
                  left, y, left + pw, y, left + pw, y - 4, target, unit);
    s << buf;
  }
  const std::size_t label_every = std::max<std::size_t>(1, n / 12);
  for (std::size_t i = 0; i < labels.size(); i += label_every) {
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">%s</text>\n",
                  left + slot * (double(i) + 0.5), top + ph + 16, html_escape(labels[i]).c_str());
    s << buf;
  }
  const double bw = data.empty() ? 0 : slot * 0.8 / double(data.size());
  for (std::size_t k = 0; k < data.size(); ++k) {
    const auto& ser = data[k];
    if (bars) {
      for (std::size_t i = 0; i < ser.values.size(); ++i) {
        double v = ser.values[i];
        if (std::isnan(v) || v <= 0) continue;
        double bh = ph * std::min(v / maxv, 1.0);
        std::snprintf(buf, sizeof buf,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %g</title></rect>\n",
                      left + slot * double(i) + slot * 0.1 + bw * double(k), top + ph - bh,
                      std::max(bw - 1, 1.0), bh, ser.color.c_str(), html_escape(labels[i]).c_str(),
                      html_escape(ser.name).c_str(), v);
        s << buf;
      }
    } else {
      std::string path;
      for (std::size_t i = 0; i < ser.values.size(); ++i) {
        double v = ser.values[i];
        if (std::isnan(v)) continue;
        std::snprintf(buf, sizeof buf, "%s%.1f,%.1f", path.empty() ? "M" : " L",
                      left + slot * (double(i) + 0.5), top + ph - ph * std::min(v / maxv, 1.0));
        path += buf;
        std::snprintf(buf, sizeof buf,
                      "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s %s: %g</title></circle>\n",
                      left + slot * (double(i) + 0.5), top + ph - ph * std::min(v / maxv, 1.0),
                      ser.color.c_str(), html_escape(labels[i]).c_str(), html_escape(ser.name).c_str(), v);
        s << buf;
      }
      if (!path.empty())
        s << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << ser.color
          << "\" stroke-width=\"2\"/>\n";
    }
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">%s</text>\n",
                  left + 160.0 * double(k), h - 22, ser.color.c_str(), left + 160.0 * double(k) + 16,
                  h - 12, html_escape(ser.name).c_str());
    s << buf;
  }
  s << "</svg>\n";
  return s.str();
}

double num(const json& v) { return v.is_null() ? std::nan("") : v.get<double>(); }

} // namespace

std::string render_html(const json& rep) {
  std::vector<std::string> labels;
  series offered_s{"offered", "#4e79a7", {}}, answered_s{"answered", "#59a14f", {}},
      abandoned_s{"abandoned", "#e15759", {}}, short_s{"short abandoned", "#f28e2b", {}};
  series sl_s{"service level", "#4e79a7", {}}, asa_s{"ASA (s)", "#b07aa1", {}},
      aht_s{"AHT (s)", "#76b7b2", {}}, occ_s{"occupancy", "#edc948", {}};
  if (rep.contains("intervals"))
    for (const auto& iv : rep["intervals"]) {
      auto start = iv["start"].get<std::string>();
      labels.push_back(start.substr(5, 11)); // MM-DDTHH:MM
      const auto& t = iv["totals"];
      offered_s.values.push_back(t["offered"].get<double>());
      answered_s.values.push_back(t["answered"].get<double>());
      abandoned_s.values.push_back(t["abandoned"].get<double>());
      short_s.values.push_back(t["short_abandoned"].get<double>());
      sl_s.values.push_back(num(t["service_level"]) * 100);
      occ_s.values.push_back(num(t["occupancy"]) * 100);
      asa_s.values.push_back(num(t["asa_s"]));
      aht_s.values.push_back(num(t["aht_s"]));
    }

  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    << "<title>hotline KPI report</title>\n<style>\n"
    << "body{font-family:sans-serif;margin:24px;color:#222;background:#fff}"
    << "h1{font-size:22px}h2{font-size:17px;margin-top:28px}"
    << "table{border-collapse:collapse;font-size:12px}"
    << "th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}"
    << "th:first-child,td:first-child{text-align:left}th{background:#f0f0f0}"
    << ".title{font-size:14px;font-weight:bold}.axis{font-size:10px;fill:#555}"
    << ".legend{font-size:11px}.grid{stroke:#e4e4e4}.target{stroke:#e15759;stroke-dasharray:6 4}"
    << ".kpi{display:inline-block;border:1px solid #ddd;border-radius:6px;padding:8px 14px;margin:4px;min-width:110px}"
    << ".kpi b{display:block;font-size:20px}\n</style></head><body>\n";
  h << "<h1>hotline KPI report</h1>\n<p>";
  if (!rep["from"].is_null())
    h << html_escape(rep["from"].get<std::string>()) << " .. " << html_escape(rep["to"].get<std::string>()) << "<br>";
  h << html_escape(describe(rep)) << "</p>\n";

  const auto& t = rep["totals"];
  auto tile = [&](const char* label, const std::string& value) {
    h << "<div class=\"kpi\">" << label << "<b>" << html_escape(value) << "</b></div>";
  };
  tile("offered", fmt_num(t["offered"]));
  tile("answered", fmt_num(t["answered"]));
  tile("abandoned", fmt_num(t["abandoned"]));
  tile("short abandoned", fmt_num(t["short_abandoned"]));
  tile("blocked", fmt_num(t["blocked"]));
  tile(("service level (" + rep["service_level_definition"].get<std::string>() + ")").c_str(),
       fmt_pct(t["service_level"]));
  tile("ASA", fmt_num(t["asa_s"]) + " s");
  tile("AHT", fmt_num(t["aht_s"]) + " s");
  tile("occupancy", fmt_pct(t["occupancy"]));
  tile("abandon rate", fmt_pct(t["abandon_rate"]));
  tile("FCR", fmt_pct(t["first_contact_resolution"]));
  h << "\n";

  if (!labels.empty()) {
    h << "<h2>Volume per interval</h2>\n"
      << svg_chart("calls per interval", labels, {offered_s, answered_s, abandoned_s, short_s}, true);
    h << "<h2>Service level per interval</h2>\n"
      << svg_chart("service level % (" + rep["service_level_formula"].get<std::string>() + ")",
                   labels, {sl_s, occ_s}, false, 100, "%", 80);
    h << "<h2>Speed and handle time</h2>\n"
      << svg_chart("seconds", labels, {asa_s, aht_s}, false);
  }

  h << "<h2>By group</h2>\n<table><tr><th>group</th>";
  for (const auto& c : table_columns) h << "<th>" << c.title << "</th>";
  h << "</tr>\n";
  auto row = [&](const std::string& label, const json& m) {
    h << "<tr><td>" << html_escape(label) << "</td>";
    for (const auto& c : table_columns) h << "<td>" << html_escape(cell_text(m, c)) << "</td>";
    h << "</tr>\n";
  };
  row("totals", t);
  for (const auto& [dim, members] : rep["groups"].items())
    for (const auto& [key, m] : members.items()) row(dim + " " + key, m);
  h << "</table>\n";

  const auto& g = rep["gauges"];
  h << "<h2>Now</h2>\n<p>" << g["calls_waiting"].get<std::int64_t>() << " calls waiting, oldest "
    << fmt_num(g["oldest_wait_s"]) << " s. Agents:";
  for (const auto& [state, n] : g["agents_by_state"].items())
    h << " " << html_escape(state) << " " << n.get<std::int64_t>() << ";";
  h << "</p>\n</body></html>\n";
  return h.str();
}

} // namespace hotline::projections::kpi
