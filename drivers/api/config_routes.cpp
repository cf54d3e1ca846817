// Runtime configuration (docs/api.md, "Runtime configuration"): an agent's
// skills and queues, a queue's service open or closed, changed without a
// restart. Each change is a command to the actor that owns the object; its
// decider records it as an event of the object's stream, authored by the
// user (api_request.hpp), and the change holds across restarts (the TOML
// file seeds a node; the streams' changes win).
#include <algorithm>
#include <mutex>

#include "drivers/api/api_exchange.hpp"
#include "events/acd/agent.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;
using namespace hotline::actors;

namespace {

/// The body's `skills` object (skill -> level); 400 naming the field and the skill.
std::optional<std::map<std::string, int>> skills_field(const exchange_ptr& ex) {
  auto it = ex->body.find("skills");
  if (it == ex->body.end() || it->is_null()) {
    ex->fail(400, "missing_field", "field 'skills' is required");
    return std::nullopt;
  }
  if (!it->is_object()) {
    ex->fail(400, "invalid_field", "field 'skills' must be an object of skill -> level (1..100)");
    return std::nullopt;
  }
  std::map<std::string, int> out;
  for (const auto& [name, level] : it->items()) {
    if (!level.is_number_integer()) {
      ex->fail(400, "invalid_field", "field 'skills." + name + "' must be an integer level 1..100");
      return std::nullopt;
    }
    const auto n = level.get<std::int64_t>();
    out[name] = n < 0 ? -1 : n > 1000 ? 1000 : static_cast<int>(n);
  }
  if (auto bad = events::acd::agent::check_skills(out)) {
    ex->fail(400, "invalid_field", "field 'skills': " + bad->detail);
    return std::nullopt;
  }
  return out;
}

/// Agent `{id}`'s definition once `move_agent` is allowed on it (before
/// the body is looked at: another tenant's agent is 404 whatever the body);
/// null after answering 403/404.
const events::agent_definition* movable_agent(node_api::impl& api, const exchange_ptr& ex) {
  const auto& id = ex->param("id");
  auto res = api.agent_resource(ex, id);
  if (!res || !api.allowed(ex, identity::action::move_agent, *res)) return nullptr;
  return api.ctx->find_agent(id);
}

/// Sends `inner` to agent `{id}` (checked by movable_agent).
void change_agent(node_api::impl& api, const exchange_ptr& ex, caf::message inner) {
  api.ask_acd(api.ctx->agents.get(ex->param("id")), ex, std::move(inner), done_or_refusal(ex));
}

/// POST /api/agents/{id}/skills {skills: {name: level}, reason}: the whole new set.
void agent_skills(node_api::impl& api, const exchange_ptr& ex) {
  if (!movable_agent(api, ex)) return;
  auto skills = skills_field(ex);
  if (!skills) return;
  auto reason = string_field(ex, "reason", false, 256);
  if (!reason) return;
  change_agent(api, ex, caf::make_message(skills_atom::value, std::move(*skills), *reason));
}

/// POST /api/agents/{id}/queues {queues: [...], reason}: move the agent. A
/// supervisor may move it only into queues in its own scope.
void agent_queues(node_api::impl& api, const exchange_ptr& ex) {
  const auto* agent = movable_agent(api, ex);
  if (!agent) return;
  auto queues = strings_field(ex, "queues", true);
  if (!queues) return;
  if (queues->empty())
    return ex->fail(400, "invalid_field",
                    "field 'queues' must name at least one queue (log the agent out instead)");
  auto reason = string_field(ex, "reason", false, 256);
  if (!reason) return;
  for (const auto& q : *queues) {
    const auto* def = api.ctx->find_queue(q);
    // Another tenant's queue is as unknown as one that does not exist.
    if (!def || def->tenant != agent->tenant)
      return ex->fail(400, "invalid_field", "field 'queues': no queue '" + q + "'");
    identity::resource r;
    r.tenant = def->tenant;
    r.queue = q;
    if (identity::authorize(ex->who, identity::action::move_agent, r) != identity::decision::allow)
      return ex->fail(403, "forbidden",
                      "user " + ex->who.username + " may not move agents into queue '" + q + "'");
  }
  change_agent(api, ex, caf::make_message(queues_atom::value, std::move(*queues), *reason));
}

/// POST /api/queues/{id}/close|open {reason}: the service closed or open again.
template <class Atom> void queue_switch(node_api::impl& api, const exchange_ptr& ex) {
  const auto& id = ex->param("id");
  const auto* def = api.ctx->find_queue(id);
  if (!def) return ex->fail(404, "not_found", "no queue '" + id + "'");
  identity::resource r;
  r.tenant = def->tenant;
  r.queue = id;
  if (!api.allowed(ex, identity::action::configure, r)) return;
  auto reason = string_field(ex, "reason", false, 256);
  if (!reason) return;
  const auto* target = api.ctx->queue_actor(id);
  if (!target) return answer_refusal(ex, "unavailable", "queue '" + id + "' runs on no actor here");
  api.ask_acd(*target, ex, caf::make_message(Atom::value, *reason), done_or_refusal(ex));
}

/// POST /api/tenants/{id}/close|open {reason}: the tenant's whole service
/// (every queue of the tenant, those of the file and those created since),
/// each queue's switch recorded on its own stream as queue_switch records
/// it. Switching a queue that is already so is a no-op, so a retry is
/// harmless. 200 with the queues switched; 409 naming the queues that
/// refused (the others are switched: each queue is its own aggregate).
template <class Atom> void tenant_switch(node_api::impl& api, const exchange_ptr& ex) {
  const auto& tenant = ex->param("id");
  if (!api.ctx->center.find_tenant(tenant))
    return ex->fail(404, "not_found", "no tenant '" + tenant + "'");
  identity::resource r;
  r.tenant = tenant;
  if (!api.allowed(ex, identity::action::configure, r)) return;
  auto reason = string_field(ex, "reason", false, 256);
  if (!reason) return;
  std::vector<std::pair<std::string, caf::actor>> targets;
  for (auto& [id, actor] : api.ctx->queue_actors())
    if (const auto* q = api.ctx->find_queue(id); q && q->tenant == tenant)
      targets.emplace_back(id, std::move(actor));
  std::sort(targets.begin(), targets.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  if (targets.empty())
    return ex->reply(200, {{"status", "done"}, {"queues", nlohmann::json::array()}});
  // The answers come from several actors' threads at once.
  struct tally {
    std::mutex m;
    std::size_t left;
    std::vector<std::string> done;
    std::vector<std::string> refused; ///< "queue: code detail"
  };
  auto t = std::make_shared<tally>();
  t->left = targets.size();
  for (const auto& [id, actor] : targets)
    api.ask_acd(actor, ex, caf::make_message(Atom::value, *reason),
                [ex, t, id = id](std::string code, std::string detail) {
                  std::lock_guard lock{t->m};
                  if (code.empty())
                    t->done.push_back(id);
                  else
                    t->refused.push_back(id + ": " + code + (detail.empty() ? "" : " " + detail));
                  if (--t->left > 0) return;
                  std::sort(t->done.begin(), t->done.end());
                  if (t->refused.empty())
                    return ex->reply(200, {{"status", "done"}, {"queues", t->done}});
                  std::sort(t->refused.begin(), t->refused.end());
                  std::string names;
                  for (const auto& x : t->refused)
                    names += (names.empty() ? "" : "; ") + x;
                  ex->fail(409, "queues_refused",
                           std::to_string(t->refused.size()) + " of " +
                               std::to_string(t->refused.size() + t->done.size()) +
                               " queues refused (the others are switched): " + names);
                });
}

} // namespace

void add_config_routes(node_api::impl& api) {
  api.add("POST", "/api/agents/{id}/skills",
          "Set the agent's skills at runtime {skills: {name: level 1..100}, reason}",
          "supervisor (its scope); admin", agent_skills);
  api.add("POST", "/api/agents/{id}/queues",
          "Move the agent between queues at runtime {queues, reason}",
          "supervisor (its scope); admin", agent_queues);
  api.add("POST", "/api/queues/{id}/close",
          "Close the service: new calls take the queue's overflow rule {reason}", "admin",
          queue_switch<close_atom>);
  api.add("POST", "/api/queues/{id}/open", "Open the service again {reason}", "admin",
          queue_switch<open_atom>);
  api.add("POST", "/api/tenants/{id}/close",
          "Close the tenant's whole service: every queue of the tenant {reason}",
          "admin (its tenant), operator", tenant_switch<close_atom>);
  api.add("POST", "/api/tenants/{id}/open", "Open every queue of the tenant again {reason}",
          "admin (its tenant), operator", tenant_switch<open_atom>);
}

} // namespace hotline::drivers::api
