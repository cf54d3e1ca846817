// Reads: live agents and queues (supervisors, the wallboard), a customer's
// CRM profile (audited), the event history for auditors (docs/api.md).
#include <algorithm>

#include "drivers/api/api_exchange.hpp"
#include "events/codec.hpp"
#include "projections/live/live_view.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;
using projections::live::live_view;

namespace {

identity::resource queue_resource(const std::string& tenant, const std::string& queue) {
  identity::resource r;
  r.tenant = tenant;
  r.queue = queue;
  return r;
}

identity::resource agent_resource_of(const projections::live::agent_live& a) {
  identity::resource r;
  r.tenant = a.tenant;
  r.agent_id = a.id;
  r.agent_queues = a.queues;
  return r;
}

bool sees(const exchange_ptr& ex, identity::action what, const identity::resource& r) {
  return identity::authorize(ex->who, what, r) == identity::decision::allow;
}

void list_agents(node_api::impl& api, const exchange_ptr& ex) {
  auto out = nlohmann::json::array();
  const auto now = api.now_ns();
  api.hub.read([&](const live_view& v) {
    for (const auto& [id, a] : v.agents())
      if (sees(ex, identity::action::agent_read, agent_resource_of(a)))
        out.push_back(live_view::to_json(a, now));
  });
  ex->reply(200, {{"agents", out}});
}

void one_agent(node_api::impl& api, const exchange_ptr& ex) {
  auto res = api.agent_resource(ex, ex->param("id"));
  if (!res || !api.allowed(ex, identity::action::agent_read, *res)) return;
  nlohmann::json out;
  api.hub.read([&](const live_view& v) {
    if (const auto* a = v.find_agent(ex->param("id"))) out = live_view::to_json(*a, api.now_ns());
  });
  ex->reply(200, out);
}

void list_queues(node_api::impl& api, const exchange_ptr& ex) {
  auto out = nlohmann::json::array();
  const auto now = api.now_ns();
  api.hub.read([&](const live_view& v) {
    for (const auto& [id, q] : v.queues())
      if (sees(ex, identity::action::queue_read, queue_resource(q.tenant, id)))
        out.push_back(live_view::to_json(q, v, now));
  });
  ex->reply(200, {{"queues", out}});
}

void one_queue(node_api::impl& api, const exchange_ptr& ex) {
  const auto& id = ex->param("id");
  const auto* def = api.ctx->find_queue(id);
  if (!def) return ex->fail(404, "not_found", "no queue '" + id + "'");
  if (!api.allowed(ex, identity::action::queue_read, queue_resource(def->tenant, id))) return;
  nlohmann::json out;
  api.hub.read([&](const live_view& v) {
    if (const auto* q = v.find_queue(id)) out = live_view::to_json(*q, v, api.now_ns());
  });
  ex->reply(200, out);
}

/// GET /api/tenants: the tenants you belong to (an operator: all), each
/// with its queues you may see and whether their service is open.
void list_tenants(node_api::impl& api, const exchange_ptr& ex) {
  const bool everything =
      identity::authorize(ex->who, identity::action::platform, {}) == identity::decision::allow;
  auto out = nlohmann::json::array();
  std::vector<std::pair<std::string, std::string>> queues; // tenant, queue
  for (const auto& [id, actor] : api.ctx->queue_actors())
    if (const auto* q = api.ctx->find_queue(id)) queues.emplace_back(q->tenant, id);
  std::sort(queues.begin(), queues.end());
  api.hub.read([&](const live_view& v) {
    for (const auto& t : api.ctx->center.tenants) {
      if (!everything && t.id != ex->who.tenant) continue;
      auto qs = nlohmann::json::array();
      for (const auto& [tenant, id] : queues) {
        if (tenant != t.id || !sees(ex, identity::action::queue_read, queue_resource(tenant, id)))
          continue;
        const auto* q = v.find_queue(id);
        qs.push_back({{"id", id},
                      {"open", !(q && q->closed)},
                      {"closed_reason", q ? q->closed_reason : std::string{}}});
      }
      out.push_back({{"id", t.id}, {"name", t.name}, {"queues", qs}});
    }
  });
  ex->reply(200, {{"tenants", out}});
}

/// GET /api/customers/{id}?tenant=T: the CRM profile; the read is audited.
void customer(node_api::impl& api, const exchange_ptr& ex) {
  std::string tenant = ex->who.tenant;
  if (auto it = ex->req.query.find("tenant"); it != ex->req.query.end()) tenant = it->second;
  if (tenant.empty())
    return ex->fail(400, "missing_field", "query parameter 'tenant' is required for operators");
  identity::resource r;
  r.tenant = tenant;
  if (!api.allowed(ex, identity::action::crm_read, r)) return;
  const auto& id = ex->param("id");
  auto profile = api.hub.customer(tenant, id);
  api.audit_read(ex, "customer", id); // found or not: the look is the fact
  if (profile.is_null()) return ex->fail(404, "not_found", "no customer '" + id + "'");
  ex->reply(200, profile);
}

/// GET /api/audit?after=P&limit=N&stream=S&type=T: the history, oldest first.
void audit_events(node_api::impl& api, const exchange_ptr& ex) {
  identity::resource r;
  r.tenant = ex->who.tenant;
  if (!api.allowed(ex, identity::action::audit_read, r)) return;
  auto number = [&](const char* name, std::uint64_t fallback,
                    std::uint64_t max) -> std::optional<std::uint64_t> {
    auto it = ex->req.query.find(name);
    if (it == ex->req.query.end()) return fallback;
    try {
      std::size_t used = 0;
      auto v = std::stoull(it->second, &used);
      if (used == it->second.size() && v <= max) return v;
    } catch (const std::exception&) {
    }
    ex->fail(400, "invalid_field",
             std::string{"query parameter '"} + name + "' must be a whole number up to " +
                 std::to_string(max));
    return std::nullopt;
  };
  auto after = number("after", 0, UINT64_MAX / 2);
  if (!after) return;
  auto limit = number("limit", 100, 1000);
  if (!limit) return;
  const auto stream = ex->req.query.count("stream") ? ex->req.query.at("stream") : "";
  const auto type = ex->req.query.count("type") ? ex->req.query.at("type") : "";
  const bool everything =
      identity::authorize(ex->who, identity::action::platform, {}) == identity::decision::allow;
  auto out = nlohmann::json::array();
  std::uint64_t last = *after;
  const auto& codec = events::event_codec::standard();
  constexpr std::uint64_t max_scan = 200'000; // one page of the store at most
  auto st = api.store.visit_all(*after + 1, max_scan, [&](const events::recorded_event& e) {
    last = e.position;
    if ((everything || e.meta.tenant == ex->who.tenant) && (stream.empty() || e.stream == stream) &&
        (type.empty() || e.type == type)) {
      auto j = codec.to_json(e);
      if (j) out.push_back(std::move(*j));
    }
    if (out.size() >= *limit) return events::status{events::errc::rejected, "page full"};
    return events::status{};
  });
  if (!st && st.error().code() != events::errc::rejected)
    return ex->fail(500, "store_error", st.error().message());
  ex->reply(200, {{"events", out}, {"next_after", last}});
}

/// GET /api/audit/verify: the node's audit trail verified as `hotline audit
/// verify` does (off the I/O thread); the check is itself audited.
void audit_verify(node_api::impl& api, const exchange_ptr& ex) {
  const bool may = ex->who.roles.count(identity::role::auditor) ||
                   ex->who.roles.count(identity::role::operator_);
  if (!may)
    return ex->fail(403, "forbidden", "verifying the audit trail is for auditors and operators");
  if (!api.opt.verify_audit)
    return ex->fail(503, "unavailable", "this node has no audit view to verify");
  api.audit_read(ex, "audit_trail", "verify");
  api.checks.post([&api, ex] {
    const auto c = api.opt.verify_audit();
    if (!c.error.empty()) return ex->fail(503, "unavailable", c.error);
    nlohmann::json out{{"ok", c.ok},
                       {"records", c.records},
                       {"head_hash", c.head_hash},
                       {"checkpoint", c.checkpoint},
                       {"unaudited_events", c.unaudited},
                       {"events_checked", c.events_checked}};
    if (!c.ok) {
      nlohmann::json p{{"what", c.problem}};
      if (c.bad_record) p["record"] = c.bad_record;
      if (c.bad_position) p["position"] = c.bad_position;
      out["problem"] = p;
    }
    ex->reply(200, out);
  });
}

} // namespace

void add_read_routes(node_api::impl& api) {
  api.add("GET", "/api/agents", "Agents you may see, live",
          "agent (itself); supervisor; admin; "
          "auditor; operator",
          list_agents);
  api.add("GET", "/api/agents/{id}", "One agent, live", "the agent; supervisor; admin; auditor",
          one_agent);
  api.add("GET", "/api/queues", "Queues you may see, live (waiting, oldest wait, SL, ASA)",
          "any user of the tenant", list_queues);
  api.add("GET", "/api/queues/{id}", "One queue, live", "any user of the tenant", one_queue);
  api.add("GET", "/api/tenants",
          "Your tenants (an operator: all) with their queues' service open or closed",
          "any user (its tenant); operator", list_tenants);
  api.add("GET", "/api/customers/{id}",
          "A customer's CRM profile (?tenant= for operators); every read is audited",
          "auditor; supervisor; admin; operator", customer);
  api.add("GET", "/api/audit",
          "The event history, oldest first (?after=SEQ&limit=N&stream=S&type=T)",
          "auditor; admin; operator", audit_events);
  api.add("GET", "/api/audit/verify",
          "Verify the node's audit hash chain against its events (records, ok or the first "
          "problem); audited",
          "auditor; operator", audit_verify);
}

} // namespace hotline::drivers::api
