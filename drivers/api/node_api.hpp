#pragma once
/// The node API (docs/api.md): REST commands and reads for agents,
/// supervisors, admins, auditors and operators, and their live feeds over
/// WebSocket. It is the transport's request handler (http_server.hpp) and
/// drives the node's actors: the ACD's agents and calls through their API
/// requests (actors/protocol.hpp, api_atom), the identity actor
/// (actors/identity_actor.hpp) for accounts and sessions; it reads the
/// live view and the CRM view of the feed hub (feed_hub.hpp).
///
/// A GET or HEAD of a path outside `/api/` that no route has is a web page
/// (static_site.hpp: the web/ folder built into the binary, docs/web.md).
///
/// Every request but login, the health probes, the pages and the OpenAPI document
/// needs a session cookie (`hotline_session`, from POST /api/login) or a
/// bearer token (POST /api/tokens); every object is scoped to the user's
/// tenant (another tenant's: 404) and role (another role's action: 403),
/// as events/identity/access_rules.hpp decides. Errors are JSON
/// `{"error": code, "detail": text}`; a malformed body names the field.
///
/// Threads: `on_request` and `on_upgrade` run on the transport's I/O
/// thread and never block on an actor except `on_upgrade`'s session check;
/// password hashing runs on a worker thread of its own.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/ports/lookup.hpp"
#include "drivers/api/feed_hub.hpp"
#include "drivers/api/http_server.hpp"
#include "drivers/api/webhook_dispatcher.hpp"

namespace hotline::actors {
struct acd_context;
class time_source;
} // namespace hotline::actors
namespace hotline::config {
struct load_outcome;
}

namespace hotline::drivers::api {

/// What one verification of the node's audit trail found
/// (`GET /api/audit/verify`; `hotline audit verify` without anchors).
struct audit_check {
  std::string error; ///< the check could not run (a store unreadable or held): 503
  bool ok = false;
  std::uint64_t records = 0;      ///< chain records that verify
  std::string head_hash;          ///< hex of the last good record's hash
  std::uint64_t checkpoint = 0;   ///< events up to this position are in the chain
  std::uint64_t unaudited = 0;    ///< later events, not in the chain yet
  bool events_checked = false;    ///< the chain was compared with the events
  std::uint64_t bad_record = 0;   ///< the first bad chain record (seq); 0: none
  std::uint64_t bad_position = 0; ///< the first bad event position; 0: none or not tied to one
  std::string problem;            ///< why it is not ok
};

/// Every field says its default.
struct api_options {
  std::int64_t session_ttl_s = 8 * 3600;    ///< a browser session's life. Default: 8 h
  std::int64_t token_max_ttl_s = 24 * 3600; ///< the longest bearer token. Default: 24 h
  bool secure_cookie = false;               ///< `Secure` on the cookie (set when TLS is on)
  double requests_per_s = 50;               ///< per user (token bucket). Default: 50
  double burst = 100;                       ///< Default: 100
  double logins_per_min_per_address = 30;   ///< login attempts per client address. Default: 30
  std::chrono::milliseconds actor_timeout{5'000}; ///< an actor that does not answer: 503
  /// The relay's published position, for /metrics (unset: no relay).
  std::function<std::uint64_t()> published_position;
  /// Brings the node's audit view up to date and verifies it against the
  /// store (set by the node: drivers/views/audit_verify.hpp). Runs on a
  /// worker thread, one at a time. Unset: `GET /api/audit/verify` is 503.
  std::function<audit_check()> verify_audit;
  /// The node's configuration file, read again by `GET /api/flows` for
  /// `hotline config check`'s diagnostics. Default: empty (the graph checks only).
  std::string config_file;
  /// Loads and checks `config_file` as `hotline config check` does (the
  /// composition root adds what config/ may not check itself, e.g. time
  /// zones). Unset: config::load_file alone.
  std::function<config::load_outcome(const std::string&)> check_config;
  /// Webhook delivery (webhook_dispatcher.hpp); `now_ns` unset: the API's clock.
  webhook_options webhooks;
  /// The IVR's lookups (actors/ports/lookup.hpp), shown in /metrics; unset: none.
  const ports::lookup_metrics* lookup_metrics = nullptr;
};

/// One route, as the OpenAPI document lists it.
struct route_info {
  std::string method, path, summary, roles;
  bool authenticated = true;
  /// What a 200 carries. Default: JSON.
  std::string content_type = "application/json";
};

class node_api final : public request_handler {
public:
  node_api(caf::actor_system& sys, std::shared_ptr<actors::acd_context> ctx,
           ports::event_store& store, caf::actor identity, const actors::time_source& clock,
           feed_hub& hub, api_options o = {});
  ~node_api() override;

  void on_request(http_request req, reply_fn reply) override;
  std::shared_ptr<ws_handler> on_upgrade(const http_request& req, http_response& refusal) override;

  /// `/readyz` answers 200 once the node says it is ready (the ACD is up)
  /// and the feeds have caught up with the store.
  void set_ready(bool ready);
  /// The transport's counters for /metrics (optional).
  void set_transport(const http_server* server);

  std::vector<route_info> routes() const;
  /// The voicemail box the routes read (the telephony side leaves messages
  /// in it: drivers/api/voicemail_box.hpp); null when the store could not
  /// be folded.
  class voicemail_box* voicemail();
  /// The OpenAPI 3 document of `routes()`.
  std::string openapi() const;

  struct impl;

private:
  std::unique_ptr<impl> d_;
};

} // namespace hotline::drivers::api
