#include "projections/federation/site_moves.hpp"

namespace hotline::projections::federation {

void site_moves::apply(const events::event& e) {
  if (const auto* o = std::get_if<events::call_interflow_offered>(&e))
    ++by_site_[o->site].offered;
  else if (const auto* d = std::get_if<events::call_interflow_denied>(&e))
    ++by_site_[d->site].denied;
  else if (const auto* s = std::get_if<events::call_interflowed>(&e))
    ++by_site_[s->site].sent;
  else if (const auto* r = std::get_if<events::call_interflow_returned>(&e))
    ++by_site_[r->site].returned;
  else if (const auto* a = std::get_if<events::call_arrived>(&e))
    if (auto it = a->attached.find("interflow.origin");
        it != a->attached.end() && !it->second.empty())
      ++by_site_[it->second].received;
}

nlohmann::json to_json(const site_moves& m) {
  auto out = nlohmann::json::object();
  for (const auto& [site, c] : m.by_site())
    out[site] = {{"offered", c.offered},
                 {"denied", c.denied},
                 {"sent", c.sent},
                 {"returned", c.returned},
                 {"received", c.received}};
  return out;
}

} // namespace hotline::projections::federation
