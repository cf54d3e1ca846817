#include "drivers/sim/ivr_tables.hpp"

namespace hotline::drivers::sim {

events::result<std::shared_ptr<ivr_tables>>
ivr_tables::load(const events::center_definition& center) {
  auto out = std::make_shared<ivr_tables>();
  for (const auto& f : center.flows)
    for (const auto& n : f.nodes) {
      if (n.kind != events::ivr::node_kind::lookup || n.table.empty()) continue;
      const auto key = std::make_pair(n.table, n.key_column);
      if (out->tables_.count(key)) continue;
      std::string why;
      std::uint32_t line = 0;
      auto t = config::lookup_table::load(n.table, n.key_column, why, line);
      if (!t)
        return events::status{events::errc::invalid_argument,
                              "flow " + f.id + " node " + n.id + ": " + n.table + ": " +
                                  (line > 0 ? "line " + std::to_string(line) + ": " : "") + why};
      out->tables_.emplace(key, std::move(*t));
    }
  return out;
}

ports::ivr_lookup_answer ivr_tables::lookup(const ports::ivr_lookup_query& q) {
  auto t = tables_.find({q.table, q.key_column});
  if (t == tables_.end())
    return {false, false, {}, "no table " + q.table + " keyed by " + q.key_column};
  auto row = t->second.find(q.key);
  if (!row) return {true, false, {}, {}};
  return {true, true, std::move(*row), {}};
}

} // namespace hotline::drivers::sim
