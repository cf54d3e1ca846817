#pragma once
/// Calls moved between sites, by the other site (docs/federation.md,
/// "Interflow"): a fold of this node's own events, for the operators'
/// federation view (`GET /api/sites`, docs/web.md).
///
///   call.interflow_offered   offered[site]   (this node asked `site` to take a call)
///   call.interflow_denied    denied[site]    (`site` said no, or did not answer)
///   call.interflowed         sent[site]      (the call left for `site`)
///   call.interflow_returned  returned[site]  (it came back: the site was lost, the
///                                             landing timed out or was withdrawn)
///   call.arrived with attached `interflow.origin` = site   received[site]
///
/// Counts run from the store's first event (the node's life). Pure; not
/// thread-safe (the feed hub folds it under its lock).
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "events/catalog.hpp"

namespace hotline::projections::federation {

struct site_counts {
  std::uint64_t offered = 0, denied = 0, sent = 0, returned = 0, received = 0;
  bool operator==(const site_counts&) const = default;
};

class site_moves {
public:
  /// Folds one event (any type: the others change nothing).
  void apply(const events::event& e);
  /// By the other site's id.
  const std::map<std::string, site_counts>& by_site() const { return by_site_; }

private:
  std::map<std::string, site_counts> by_site_;
};

/// {"<site>": {"offered", "denied", "sent", "returned", "received"}, ...}
nlohmann::json to_json(const site_moves& m);

} // namespace hotline::projections::federation
