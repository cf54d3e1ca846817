#include "drivers/cli/api_runtime.hpp"

#include <variant>

#include <caf/all.hpp>

#include "actors/acd.hpp"
#include "actors/identity_actor.hpp"
#include "drivers/api/feed_hub.hpp"
#include "drivers/api/http_server.hpp"
#include "drivers/api/node_api.hpp"
#include "drivers/cli/config_check.hpp"
#include "drivers/views/audit_verify.hpp"
#include "drivers/views/projection_runner.hpp"
#include "drivers/views/rocksdb_view_store.hpp"
#include "projections/audit/audit_projection.hpp"

namespace hotline::cli {

namespace {

/// `hotline audit verify` (without anchors) on the node's own store: the
/// audit view brought up to date from the events, then verified.
drivers::api::audit_check verify_node_audit(ports::event_store& store, const std::string& dir) {
  drivers::api::audit_check out;
  auto views = drivers::rocksdb_view_store::open(dir);
  if (!views) {
    out.error = "cannot open the audit view " + dir + ": " + views.error().message();
    return out;
  }
  projections::audit::audit_projection audit;
  drivers::projection_runner runner{store, **views, {&audit}};
  if (auto st = runner.restore(); !st) {
    out.error = "the audit view " + dir + " cannot be resumed: " + st.message();
    return out;
  }
  if (auto stats = runner.catch_up(); !stats) {
    out.error = "updating the audit view stopped at " + stats.error().detail();
    return out;
  }
  auto v = drivers::verify_audit_trail(**views, &store);
  if (!v) {
    out.error = v.error().message();
    return out;
  }
  out.ok = v->ok;
  out.records = v->records;
  out.head_hash = v->head_hash;
  out.checkpoint = v->checkpoint;
  out.unaudited = v->unaudited;
  out.events_checked = v->events_checked;
  out.bad_record = v->bad_record.value_or(0);
  if (v->problem) {
    out.bad_position = v->problem->position;
    out.problem = v->problem->what;
  }
  return out;
}

} // namespace

struct api_runtime::impl {
  caf::actor identity;
  std::unique_ptr<drivers::api::feed_hub> hub;
  std::unique_ptr<drivers::api::node_api> api;
  std::unique_ptr<drivers::api::http_server> server;
};

api_runtime::api_runtime(std::unique_ptr<impl> d) : d_(std::move(d)) {}

api_runtime::~api_runtime() {
  if (d_->server) d_->server->stop();
  d_->server.reset();
  d_->api.reset();
  d_->hub.reset();
  if (d_->identity) caf::anon_send_exit(d_->identity, caf::exit_reason::user_shutdown);
}

std::string api_runtime::url() const {
  return d_->server->url();
}
const caf::actor& api_runtime::identity() const {
  return d_->identity;
}

drivers::api::voicemail_box* api_runtime::voicemail() const {
  return d_->api ? d_->api->voicemail() : nullptr;
}

std::variant<std::unique_ptr<api_runtime>, std::string>
api_runtime::start(caf::actor_system& sys, std::shared_ptr<actors::acd_context> ctx,
                   ports::event_store& store, const actors::time_source& clock,
                   const api_start& how) {
  auto d = std::make_unique<impl>();
  d->identity = actors::spawn_identity(sys, ctx->store);
  d->hub = std::make_unique<drivers::api::feed_hub>(store, ctx->center,
                                                    [&clock] { return clock.now_ns(); });
  d->hub->start();
  drivers::api::api_options ao;
  ao.session_ttl_s = how.settings.session_ttl_ms / 1000;
  ao.secure_cookie = !how.settings.tls_cert.empty();
  ao.published_position = how.published_position;
  if (!how.views_dir.empty())
    ao.verify_audit = [&store, dir = how.views_dir] { return verify_node_audit(store, dir); };
  ao.webhooks.allow_private = how.settings.webhook_allow_private;
  ao.config_file = how.config_file;
  ao.lookup_metrics = how.lookup_metrics;
  ao.check_config = check_config_file; // config check's own checks (time zones too)
  d->api =
      std::make_unique<drivers::api::node_api>(sys, ctx, store, d->identity, clock, *d->hub, ao);
  drivers::api::server_options so;
  so.listen = how.listen;
  so.tls_cert = how.settings.tls_cert;
  so.tls_key = how.settings.tls_key;
  so.allow_plain_remote = how.settings.allow_plain_remote;
  auto started = drivers::api::http_server::start(so, *d->api);
  if (auto* err = std::get_if<std::string>(&started)) {
    auto why = "api: " + *err;
    d->api.reset();
    d->hub.reset();
    caf::anon_send_exit(d->identity, caf::exit_reason::user_shutdown);
    return why;
  }
  d->server = std::move(std::get<0>(started));
  d->api->set_transport(d->server.get());
  d->api->set_ready(true);
  return std::unique_ptr<api_runtime>(new api_runtime(std::move(d)));
}

} // namespace hotline::cli
