#include "drivers/lookup/csv_lookup.hpp"

#include <chrono>

namespace hotline::drivers::lookup {

std::unique_ptr<csv_lookup> csv_lookup::load(const events::ivr::node& n, std::string& why,
                                             ports::lookup_metrics* metrics) {
  std::uint32_t line = 0;
  auto t = config::lookup_table::load(n.table, n.key_column, why, line);
  if (!t) {
    why = n.table + (line ? ":" + std::to_string(line) : std::string{}) + ": " + why;
    return nullptr;
  }
  for (const auto& [column, var] : n.fields)
    if (!t->has_column(column)) {
      why = n.table + ": no column '" + column + "'";
      return nullptr;
    }
  return std::unique_ptr<csv_lookup>(new csv_lookup(std::move(*t), n.key, n.fields, metrics));
}

ports::lookup_answer csv_lookup::find(const ports::variables& vars) {
  const auto started = std::chrono::steady_clock::now();
  ports::lookup_answer a;
  a.tries = 1;
  const auto key = events::ivr::render(key_, vars);
  if (auto row = table_.find(key)) {
    a.status = ports::lookup_status::found;
    for (const auto& [column, var] : fields_)
      a.values[var] = row->at(column);
  } else {
    a.status = ports::lookup_status::not_found;
    a.reason = "no row with key '" + key + "'";
  }
  a.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (metrics_) metrics_->record(ports::lookup_metrics::source_kind::csv, a);
  return a;
}

} // namespace hotline::drivers::lookup
