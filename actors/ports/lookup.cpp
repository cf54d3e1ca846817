#include "actors/ports/lookup.hpp"

#include <cstdio>

namespace hotline::ports {

const char* to_string(lookup_status s) noexcept {
  switch (s) {
  case lookup_status::found:
    return "found";
  case lookup_status::not_found:
    return "not_found";
  case lookup_status::failed:
    return "failed";
  }
  return "?";
}

void lookup_metrics::record(source_kind source, const lookup_answer& a) {
  auto& s = sources_[static_cast<std::size_t>(source)];
  s.by_status[static_cast<std::size_t>(a.status)].fetch_add(1, std::memory_order_relaxed);
  const double seconds = static_cast<double>(a.latency.count()) / 1000.0;
  for (std::size_t i = 0; i < bounds.size(); ++i)
    if (seconds <= bounds[i]) {
      s.buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_us.fetch_add(static_cast<std::uint64_t>(a.latency.count()) * 1000,
                     std::memory_order_relaxed);
}

std::uint64_t lookup_metrics::count(source_kind source, lookup_status status) const {
  return sources_[static_cast<std::size_t>(source)]
      .by_status[static_cast<std::size_t>(status)]
      .load(std::memory_order_relaxed);
}

void lookup_metrics::text(std::string& out) const {
  const char* names[] = {"csv", "http"};
  const lookup_status statuses[] = {lookup_status::found, lookup_status::not_found,
                                    lookup_status::failed};
  out += "# HELP hotline_ivr_lookups_total IVR lookups by source and answer.\n"
         "# TYPE hotline_ivr_lookups_total counter\n";
  for (std::size_t i = 0; i < sources_.size(); ++i)
    for (auto st : statuses)
      out += std::string("hotline_ivr_lookups_total{source=\"") + names[i] + "\",status=\"" +
             to_string(st) + "\"} " +
             std::to_string(sources_[i].by_status[static_cast<std::size_t>(st)].load()) + "\n";
  out += "# HELP hotline_ivr_lookup_seconds IVR lookup latency, every try included.\n"
         "# TYPE hotline_ivr_lookup_seconds histogram\n";
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const auto& s = sources_[i];
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < bounds.size(); ++b) {
      cumulative += s.buckets[b].load();
      char le[32];
      std::snprintf(le, sizeof le, "%g", bounds[b]);
      out += std::string("hotline_ivr_lookup_seconds_bucket{source=\"") + names[i] + "\",le=\"" +
             le + "\"} " + std::to_string(cumulative) + "\n";
    }
    const auto count = s.count.load();
    char sum[32];
    std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(s.sum_us.load()) / 1e6);
    out += std::string("hotline_ivr_lookup_seconds_bucket{source=\"") + names[i] +
           "\",le=\"+Inf\"} " + std::to_string(count) + "\n";
    out += std::string("hotline_ivr_lookup_seconds_sum{source=\"") + names[i] + "\"} " + sum + "\n";
    out += std::string("hotline_ivr_lookup_seconds_count{source=\"") + names[i] + "\"} " +
           std::to_string(count) + "\n";
  }
}

events::ivr::lookup_result to_session_result(const events::ivr::node& n, const lookup_answer& a,
                                             std::uint64_t step, std::int64_t now_ns) {
  events::ivr::lookup_result r;
  r.step = step;
  r.now_ns = now_ns;
  r.latency_ms = a.latency.count();
  r.ok = a.status != lookup_status::failed;
  r.found = a.status == lookup_status::found;
  r.error = r.ok ? std::string{} : a.reason;
  for (const auto& [source_key, variable] : n.fields)
    if (auto it = a.values.find(variable); it != a.values.end()) r.row[source_key] = it->second;
  return r;
}

} // namespace hotline::ports
