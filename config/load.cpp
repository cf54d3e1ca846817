#include "config/load.hpp"

#include <algorithm>
#include <tuple>

#include "config/center_reader.hpp"
#include "config/document.hpp"
#include "config/ivr_settings_reader.hpp"
#include "config/node_reader.hpp"
#include "config/simulation_reader.hpp"
#include "config/sip_reader.hpp"
#include "config/table_reader.hpp"
#include "config/validate.hpp"

namespace hotline::config {

namespace {

/// The id all `items` share when there is exactly one (a duplicated id is
/// still one: the duplicate is reported by validation, not here again).
template <class T> std::string the_only_id(const std::vector<T>& items) {
  if (items.empty()) return {};
  for (const auto& x : items)
    if (x.id != items.front().id) return {};
  return items.front().id;
}

void apply_defaults(events::center_definition& center) {
  const std::string only_tenant = the_only_id(center.tenants);
  const std::string only_trunk = the_only_id(center.trunks);
  for (auto& q : center.queues)
    if (q.tenant.empty()) q.tenant = only_tenant;
  for (auto& a : center.agents)
    if (a.tenant.empty()) a.tenant = only_tenant;
  for (auto& f : center.flows)
    if (f.tenant.empty()) f.tenant = only_tenant;
  for (auto& e : center.entry_points) {
    if (e.tenant.empty()) {
      // The queue's tenant, else (an entry point with a flow and no queue) the flow's.
      const auto* q = center.find_queue(e.queue);
      const auto* f = center.find_flow(e.flow);
      e.tenant = q && !q->tenant.empty()   ? q->tenant
                 : f && !f->tenant.empty() ? f->tenant
                                           : only_tenant;
    }
    if (e.trunk_group.empty()) e.trunk_group = only_trunk;
  }
}

/// gcc's order: by file (in the order they were read), then line and column.
void sort_by_position(diagnostics& problems, const std::vector<std::string>& files) {
  auto rank = [&](const std::string& file) {
    return static_cast<std::size_t>(std::find(files.begin(), files.end(), file) - files.begin());
  };
  std::stable_sort(problems.begin(), problems.end(), [&](const diagnostic& a, const diagnostic& b) {
    return std::tuple(rank(a.file), a.line, a.column) < std::tuple(rank(b.file), b.line, b.column);
  });
}

} // namespace

load_outcome load_file(const std::filesystem::path& file) {
  load_outcome result{{}, source_map(file.string()), {}};
  auto doc = detail::read_document(file, result.problems);
  result.config.files = std::move(doc.files);
  if (!result.ok()) return result;

  detail::read_context ctx{result.problems, result.sources};
  detail::table_reader root(doc.root, {}, ctx);
  detail::read_center(root, result.config.center, result.config.simulation.shifts);
  detail::read_simulation(root, result.config.simulation);
  detail::read_node(root, result.config.center.site.id, result.config.node);
  detail::read_sip(root, result.config.center, result.config.sip);
  detail::read_ivr_settings(root, result.config.ivr);
  root.finish();

  apply_defaults(result.config.center);
  validate(result.config, result.sources, result.problems);
  remove_repeats(result.problems);
  sort_by_position(result.problems, result.config.files);
  return result;
}

} // namespace hotline::config
