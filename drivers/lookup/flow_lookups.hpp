#pragma once
/// The lookup sources of a node's flows, built once at start: one per
/// lookup node (`csv_lookup` with its table loaded, or `http_lookup` with
/// its own circuit breaker), found by flow and node id. What the IVR
/// session actor asks when a session waits for a lookup.
///
/// Thread safety: `build` once; `find` from any thread afterwards (the
/// sources are themselves thread-safe).
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "actors/ports/lookup.hpp"
#include "drivers/lookup/circuit_breaker.hpp"
#include "events/ivr/flow.hpp"
#include "events/ivr/session.hpp"

namespace hotline::drivers::lookup {

class flow_lookups {
public:
  /// Every lookup node of `flows`. A table that cannot be loaded is left
  /// out (its sessions take the failure branch) and named in `errors`
  /// ("flow F node N: why"). `metrics` may be null.
  static flow_lookups build(const std::vector<events::ivr::flow>& flows, breaker_options breaker,
                            ports::lookup_metrics* metrics, std::vector<std::string>& errors);

  /// The source of lookup node `node` of flow `flow`, or null.
  ports::lookup_source* find(const std::string& flow, const std::string& node) const;
  std::size_t size() const noexcept { return sources_.size(); }

private:
  std::map<std::pair<std::string, std::string>, std::unique_ptr<ports::lookup_source>> sources_;
};

/// The session's `lookup_result` from a source's answer (ports/lookup.hpp).
using ports::to_session_result;

} // namespace hotline::drivers::lookup
