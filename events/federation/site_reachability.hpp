#pragma once
/// How an operator sees another site (the federation view, docs/web.md):
/// from the age of its newest status (docs/federation.md, "Site status").
///
///   up     age <= max_status_age_ms: the site is routed to (interflow policy)
///   stale  older, but heard within `down_after_ms`: not routed to; it may be
///          slow, or its status topic lags
///   down   not heard for longer than `down_after_ms`
///
/// A negative age (a status measured "in the future", clocks apart) counts
/// as 0.
#include <cstdint>

namespace hotline::events::federation {

enum class site_reachability : std::uint8_t { up, stale, down };
const char* to_string(site_reachability r) noexcept;

struct reachability_limits {
  std::int64_t max_status_age_ms = 3'000; ///< the interflow policy's. Default: 3 s
  std::int64_t down_after_ms = 30'000;    ///< Default: 30 s
};

site_reachability reachability(std::int64_t age_ms, const reachability_limits& limits);

} // namespace hotline::events::federation
