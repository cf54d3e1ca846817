#pragma once
/// The node's health for operators and admins (docs/api.md, "Health"):
/// `GET /api/health` and the WebSocket `/api/feed/health`. A ticker thread
/// samples the node every period (a second) into one JSON document:
///
///   {"node": {site, store: {position, appended_per_s}, relay: {published,
///    lag} | null, sites: [...], api: {...}, trunks: [...]},
///    "tenants": {TENANT: {agents: {STATE: n}, queues: [...]}}}
///
/// An operator sees all of it; an admin only `tenants.<its tenant>` (the
/// node part is the platform's). A feed session gets
/// `{"type":"snapshot","seq":1,"health":{...}}` first, then, only when what
/// it may see changed, `{"type":"delta","seq":N,"patch":[...]}` where the
/// patch is an RFC 6902 JSON Patch from the previous message's document to
/// the new one. A session that falls behind (the transport's bound) gets a
/// fresh snapshot at the next tick.
///
/// Thread safety: every member may be called from any thread; `snapshot`
/// and `open_session` never wait for the sampler (they use its last sample).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <nlohmann/json_fwd.hpp>

#include "events/identity/access_rules.hpp"

namespace hotline::drivers::api {

class ws_handler;

/// What `who` may see of the health document `full`; null when nothing
/// (neither operator nor admin).
nlohmann::json health_view(const nlohmann::json& full, const events::identity::principal_view& who);

class health_feed {
public:
  /// `sample` builds the full document; it runs on the ticker thread only
  /// and may take a while (it asks actors), never on the caller's.
  health_feed(std::function<nlohmann::json()> sample,
              std::chrono::milliseconds period = std::chrono::seconds(1));
  ~health_feed(); ///< stops the ticker
  health_feed(const health_feed&) = delete;
  health_feed& operator=(const health_feed&) = delete;

  /// Takes the first sample now (blocking) and starts the ticker.
  void start();
  /// The last sample as `who` may see it (health_view).
  nlohmann::json snapshot(const events::identity::principal_view& who) const;
  /// A feed session for `who` (an operator or an admin).
  std::shared_ptr<ws_handler> open_session(events::identity::principal_view who);
  std::uint64_t sessions() const;

  struct impl;

private:
  std::shared_ptr<impl> d_;
};

} // namespace hotline::drivers::api
