// Webhook subscriptions of a tenant (F23, docs/api.md "Webhooks"): each
// change is an event of the subscription's stream, authored by the admin
// who made it; delivery is webhook_dispatcher.hpp's.
#include "drivers/api/api_exchange.hpp"
#include "drivers/api/webhook_dispatcher.hpp"
#include "drivers/api/webhook_registry.hpp"
#include "drivers/api/webhook_signer.hpp"
#include "events/envelope.hpp"
#include "events/webhooks/webhook_rules.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;
namespace wh = events::webhooks;

namespace {

nlohmann::json webhook_json(const node_api::impl& api, const webhook_entry& e) {
  return {{"id", e.s.webhook_id},
          {"tenant", e.s.tenant},
          {"url", e.s.url},
          {"types", e.s.types},
          {"status", wh::to_string(e.s.st)},
          {"pause_reason", e.s.pause_reason},
          {"last_error", e.s.last_error},
          {"created_at", events::format_timestamp(e.s.created_ns)},
          {"created_seq", e.created_position},
          {"cursor", api.deliveries ? api.deliveries->cursor(e.s.webhook_id) : 0}};
}

/// The field a rejection of the webhook decider is about (400), or "" (not a field's fault).
const char* field_of(const std::string& code) {
  if (code == "invalid_url" || code == "private_url") return "url";
  if (code == "invalid_types") return "types";
  if (code == "invalid_reason") return "reason";
  if (code == "invalid_tenant") return "tenant";
  return "";
}

void answer_rejection(const exchange_ptr& ex, const events::rejection& r) {
  if (const std::string field = field_of(r.code); !field.empty())
    return ex->fail(400, "invalid_field", "field '" + field + "': " + r.detail);
  if (r.code == "no_such_webhook") return ex->fail(404, "not_found", r.detail);
  if (r.code == "store_failed") return ex->fail(503, "unavailable", r.detail);
  ex->fail(409, r.code, r.detail);
}

/// 503 unless the webhook registry recovered; true when it did.
bool available(node_api::impl& api, const exchange_ptr& ex) {
  if (api.webhooks && api.deliveries) return true;
  ex->fail(503, "unavailable", "webhooks are not available: " + api.webhooks_failure);
  return false;
}

/// Webhook `{id}`, after checking `configure` on its tenant (another tenant's: 404).
std::optional<webhook_entry> find_webhook(node_api::impl& api, const exchange_ptr& ex) {
  if (!available(api, ex)) return std::nullopt;
  const auto& id = ex->param("id");
  auto e = api.webhooks->find(id);
  if (!e || !e->s.exists()) {
    ex->fail(404, "not_found", "no webhook '" + id + "'");
    return std::nullopt;
  }
  identity::resource r;
  r.tenant = e->s.tenant;
  if (!api.allowed(ex, identity::action::configure, r)) return std::nullopt;
  return e;
}

/// Runs `cmd` on webhook `id` on the webhook worker; answers with the
/// subscription (plus `extra`) or the refusal.
void run_command(node_api::impl& api, const exchange_ptr& ex, const std::string& id,
                 wh::command cmd, int status = 200, nlohmann::json extra = {}) {
  api.webhook_jobs.post([&api, ex, id, cmd = std::move(cmd), status, extra] {
    auto r = api.webhooks->execute(id, cmd, events::principal::user(ex->who.username));
    if (auto* refused = std::get_if<events::rejection>(&r)) return answer_rejection(ex, *refused);
    auto j = webhook_json(api, std::get<webhook_entry>(r));
    if (extra.is_object()) j.update(extra);
    ex->reply(status, j);
  });
}

void list_webhooks(node_api::impl& api, const exchange_ptr& ex) {
  if (!available(api, ex)) return;
  identity::resource r;
  r.tenant = ex->who.tenant;
  if (!api.allowed(ex, identity::action::configure, r)) return;
  auto out = nlohmann::json::array();
  for (const auto& e : api.webhooks->list(ex->who.tenant.empty() ? "*" : ex->who.tenant))
    out.push_back(webhook_json(api, e));
  ex->reply(200, {{"webhooks", out}});
}

/// POST /api/webhooks {url, types, tenant (operators)}
void create_webhook(node_api::impl& api, const exchange_ptr& ex) {
  if (!available(api, ex)) return;
  auto url = string_field(ex, "url", true, wh::max_url_bytes);
  if (!url) return;
  auto types = strings_field(ex, "types", true);
  if (!types) return;
  auto tenant = string_field(ex, "tenant", false, 64);
  if (!tenant) return;
  if (tenant->empty()) *tenant = ex->who.tenant;
  if (tenant->empty())
    return ex->fail(400, "missing_field",
                    "field 'tenant' is required for a platform user (a webhook belongs to one "
                    "tenant)");
  identity::resource r;
  r.tenant = *tenant;
  if (!api.allowed(ex, identity::action::configure, r)) return;
  const auto secret = new_webhook_secret();
  const auto id = new_webhook_id();
  wh::create_webhook cmd{*tenant,     *url, *types, secret, api.opt.webhooks.allow_private,
                         api.now_ns()};
  api.webhook_jobs.post([&api, ex, id, cmd, secret, tenant = *tenant] {
    if (api.webhooks->list(tenant).size() >= max_webhooks_per_tenant)
      return ex->fail(409, "too_many_webhooks",
                      "tenant " + tenant + " has " + std::to_string(max_webhooks_per_tenant) +
                          " webhooks already; delete one first");
    auto r = api.webhooks->execute(id, cmd, events::principal::user(ex->who.username));
    if (auto* refused = std::get_if<events::rejection>(&r)) return answer_rejection(ex, *refused);
    auto j = webhook_json(api, std::get<webhook_entry>(r));
    j["secret"] = secret; // shown this once
    ex->reply(201, j);
  });
}

void one_webhook(node_api::impl& api, const exchange_ptr& ex) {
  if (auto e = find_webhook(api, ex)) ex->reply(200, webhook_json(api, *e));
}

/// POST /api/webhooks/{id}/update {url, types}: each optional, at least one.
void update_webhook(node_api::impl& api, const exchange_ptr& ex) {
  auto e = find_webhook(api, ex);
  if (!e) return;
  wh::update_webhook cmd;
  cmd.allow_private = api.opt.webhooks.allow_private;
  cmd.at_ns = api.now_ns();
  if (ex->body.contains("url")) {
    auto url = string_field(ex, "url", true, wh::max_url_bytes);
    if (!url) return;
    cmd.url = *url;
  }
  if (ex->body.contains("types")) {
    auto types = strings_field(ex, "types", true);
    if (!types) return;
    cmd.types = *types;
  }
  if (!cmd.url && !cmd.types)
    return ex->fail(400, "missing_field", "give field 'url' or field 'types' (or both)");
  run_command(api, ex, e->s.webhook_id, std::move(cmd));
}

void pause_webhook(node_api::impl& api, const exchange_ptr& ex) {
  auto e = find_webhook(api, ex);
  if (!e) return;
  auto reason = string_field(ex, "reason", false, 256);
  if (!reason) return;
  run_command(api, ex, e->s.webhook_id, wh::pause_webhook{*reason, api.now_ns()});
}

void resume_webhook(node_api::impl& api, const exchange_ptr& ex) {
  auto e = find_webhook(api, ex);
  if (!e) return;
  run_command(api, ex, e->s.webhook_id, wh::resume_webhook{api.now_ns()});
}

void delete_webhook(node_api::impl& api, const exchange_ptr& ex) {
  auto e = find_webhook(api, ex);
  if (!e) return;
  run_command(api, ex, e->s.webhook_id, wh::delete_webhook{api.now_ns()});
}

/// GET /api/webhooks/{id}/deliveries?limit=N: the newest attempts first.
void webhook_deliveries(node_api::impl& api, const exchange_ptr& ex) {
  auto e = find_webhook(api, ex);
  if (!e) return;
  std::size_t limit = 50;
  if (auto it = ex->req.query.find("limit"); it != ex->req.query.end()) {
    std::size_t used = 0;
    unsigned long v = 0;
    try {
      v = std::stoul(it->second, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != it->second.size() || v < 1 || v > 100)
      return ex->fail(400, "invalid_field",
                      "query parameter 'limit' must be a whole number from 1 to 100");
    limit = v;
  }
  auto out = nlohmann::json::array();
  for (const auto& a : api.deliveries->deliveries(e->s.webhook_id, limit))
    out.push_back({{"delivery_id", a.delivery_id},
                   {"seq", a.seq},
                   {"type", a.type},
                   {"status", a.status},
                   {"error", a.error},
                   {"latency_ms", a.latency_ms},
                   {"attempt", a.attempt},
                   {"at", events::format_timestamp(a.at_ns)}});
  ex->reply(200, {{"deliveries", out}});
}

/// POST /api/webhooks/{id}/test: one ping, answered with its outcome.
void test_webhook(node_api::impl& api, const exchange_ptr& ex) {
  auto e = find_webhook(api, ex);
  if (!e) return;
  api.webhook_pings.post([&api, ex, e = *e] {
    const auto a = api.deliveries->ping(e);
    ex->reply(200, {{"delivery_id", a.delivery_id},
                    {"delivered", a.status >= 200 && a.status < 300},
                    {"status", a.status},
                    {"error", a.error},
                    {"latency_ms", a.latency_ms}});
  });
}

} // namespace

void add_webhook_routes(node_api::impl& api) {
  const char* who = "admin; operator";
  api.add("GET", "/api/webhooks", "The webhook subscriptions of your tenant", who, list_webhooks);
  api.add("POST", "/api/webhooks",
          "Subscribe a URL to event types {url, types, tenant (operators)}: its secret is shown "
          "once",
          who, create_webhook);
  api.add("GET", "/api/webhooks/{id}", "One webhook subscription", who, one_webhook);
  api.add("POST", "/api/webhooks/{id}/update", "Change a webhook's URL and/or types {url, types}",
          who, update_webhook);
  api.add("POST", "/api/webhooks/{id}/pause", "Pause deliveries {reason}", who, pause_webhook);
  api.add("POST", "/api/webhooks/{id}/resume", "Resume deliveries (also after a suspension)", who,
          resume_webhook);
  api.add("POST", "/api/webhooks/{id}/delete", "Delete a webhook subscription", who,
          delete_webhook);
  api.add("GET", "/api/webhooks/{id}/deliveries",
          "The delivery log, newest first (?limit=N, at most 100)", who, webhook_deliveries);
  api.add("POST", "/api/webhooks/{id}/test", "Send a webhook.ping now; answers its outcome", who,
          test_webhook);
}

} // namespace hotline::drivers::api
