#include "drivers/lookup/flow_lookups.hpp"

#include "drivers/lookup/csv_lookup.hpp"
#include "drivers/lookup/http_lookup.hpp"

namespace hotline::drivers::lookup {

flow_lookups flow_lookups::build(const std::vector<events::ivr::flow>& flows,
                                 breaker_options breaker, ports::lookup_metrics* metrics,
                                 std::vector<std::string>& errors) {
  flow_lookups out;
  for (const auto& f : flows)
    for (const auto& n : f.nodes) {
      if (n.kind != events::ivr::node_kind::lookup) continue;
      std::unique_ptr<ports::lookup_source> source;
      if (n.source == events::ivr::lookup_source::http) {
        auto o = http_lookup::options_of(n);
        o.breaker = breaker;
        o.metrics = metrics;
        source = std::make_unique<http_lookup>(std::move(o));
      } else {
        std::string why;
        source = csv_lookup::load(n, why, metrics);
        if (!source) {
          errors.push_back("flow " + f.id + " node " + n.id + ": " + why);
          continue;
        }
      }
      out.sources_[{f.id, n.id}] = std::move(source);
    }
  return out;
}

ports::lookup_source* flow_lookups::find(const std::string& flow, const std::string& node) const {
  auto it = sources_.find({flow, node});
  return it == sources_.end() ? nullptr : it->second.get();
}

} // namespace hotline::drivers::lookup
