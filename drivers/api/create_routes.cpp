// Creating agents and queues at runtime (docs/api.md, "Creating agents and
// queues"; issue 21): POST /api/agents and POST /api/queues. The route
// reads the body's shapes (400 naming the field), checks the user may
// configure the tenant (403/404), and sends the definition to the node's
// configuration actor (actors/configuration_actor.hpp), whose decider
// (events/acd/configuration.hpp) checks it against the center and records
// it on `config-<site>`, authored by the user; the object's actor runs
// before the answer comes.
#include <algorithm>
#include <cmath>

#include "actors/configuration_actor.hpp"
#include "drivers/api/api_exchange.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;
namespace conf = events::acd::configuration;
using namespace hotline::actors;

namespace {

/// The tenant the object goes to (the body's, else the user's) once the
/// user may configure it; nullopt after answering.
std::optional<std::string> target_tenant(node_api::impl& api, const exchange_ptr& ex) {
  auto tenant = string_field(ex, "tenant", false, 64);
  if (!tenant) return std::nullopt;
  if (tenant->empty()) *tenant = ex->who.tenant;
  if (tenant->empty()) {
    ex->fail(400, "missing_field",
             "field 'tenant' is required for a platform user (an agent or a queue belongs to one "
             "tenant)");
    return std::nullopt;
  }
  identity::resource r;
  r.tenant = *tenant;
  if (!api.allowed(ex, identity::action::configure, r)) return std::nullopt;
  return tenant;
}

/// An object of name -> integer level `name` (absent: empty); the levels' range is the decider's.
std::optional<std::map<std::string, int>> levels_field(const exchange_ptr& ex, const char* name) {
  std::map<std::string, int> out;
  auto it = ex->body.find(name);
  if (it == ex->body.end() || it->is_null()) return out;
  if (!it->is_object() || it->size() > 256) {
    ex->fail(400, "invalid_field",
             std::string{"field '"} + name + "' must be an object of skill -> level (1..100)");
    return std::nullopt;
  }
  for (const auto& [skill, level] : it->items()) {
    if (!level.is_number_integer()) {
      ex->fail(400, "invalid_field",
               std::string{"field '"} + name + "." + skill + "' must be an integer level 1..100");
      return std::nullopt;
    }
    const auto n = level.get<std::int64_t>();
    out[skill] = n < 0 ? -1 : n > 1000 ? 1000 : static_cast<int>(n);
  }
  return out;
}

/// A duration in seconds `name` as milliseconds (absent: `fallback_ms`); its range is the
/// decider's.
std::optional<std::int64_t> seconds_field(const exchange_ptr& ex, const char* name,
                                          std::int64_t fallback_ms) {
  auto it = ex->body.find(name);
  if (it == ex->body.end() || it->is_null()) return fallback_ms;
  if (!it->is_number() || !std::isfinite(it->get<double>()) || std::abs(it->get<double>()) > 1e9) {
    ex->fail(400, "invalid_field", std::string{"field '"} + name + "' must be a number of seconds");
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(it->get<double>() * 1000.0));
}

std::optional<std::int64_t> integer_field(const exchange_ptr& ex, const char* name,
                                          std::int64_t fallback) {
  auto it = ex->body.find(name);
  if (it == ex->body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) {
    ex->fail(400, "invalid_field", std::string{"field '"} + name + "' must be an integer");
    return std::nullopt;
  }
  const auto n = it->get<std::int64_t>();
  return std::clamp<std::int64_t>(n, -1, 1'000'000'000);
}

std::optional<bool> bool_field(const exchange_ptr& ex, const char* name) {
  auto it = ex->body.find(name);
  if (it == ex->body.end() || it->is_null()) return false;
  if (!it->is_boolean()) {
    ex->fail(400, "invalid_field", std::string{"field '"} + name + "' must be true or false");
    return std::nullopt;
  }
  return it->get<bool>();
}

/// The id, checked before anything is sent (it becomes a stream name and a path segment).
std::optional<std::string> id_field(const exchange_ptr& ex) {
  auto id = string_field(ex, "id", true, 256);
  if (!id) return std::nullopt;
  if (auto why = conf::check_id(*id)) {
    ex->fail(400, "invalid_field", "field 'id': " + *why);
    return std::nullopt;
  }
  return id;
}

/// Sends the definition to the configuration actor; 201 once the object runs.
void create(node_api::impl& api, const exchange_ptr& ex, conf::command cmd, std::string kind,
            std::string id) {
  api.ask_acd(api.ctx->configuration, ex, caf::make_message(define_atom::value, std::move(cmd)),
              [ex, kind, id](std::string code, std::string detail) {
                if (code == "invalid_field") return ex->fail(400, code, detail);
                if (!code.empty()) return answer_refusal(ex, code, detail);
                ex->reply(201, {{"status", "created"}, {kind, id}});
              });
}

/// POST /api/agents {id, name, tenant, skills, queues, supervisor, wrap_up_s}
void create_agent(node_api::impl& api, const exchange_ptr& ex) {
  auto tenant = target_tenant(api, ex);
  if (!tenant) return;
  auto id = id_field(ex);
  if (!id) return;
  if (ex->body.contains("team"))
    return ex->fail(400, "invalid_field",
                    "field 'team': teams are not part of a center yet (leave it out)");
  auto name = string_field(ex, "name", false, 128);
  if (!name) return;
  auto skills = levels_field(ex, "skills");
  if (!skills) return;
  auto queues = strings_field(ex, "queues", false);
  if (!queues) return;
  auto supervisor = bool_field(ex, "supervisor");
  if (!supervisor) return;
  auto wrap_up = seconds_field(ex, "wrap_up_s", -1);
  if (!wrap_up) return;
  events::agent_definition a;
  a.id = *id;
  a.tenant = *tenant;
  a.name = *name;
  a.skills = std::move(*skills);
  a.queues = std::move(*queues);
  a.supervisor = *supervisor;
  a.wrap_up_ms = *wrap_up;
  create(api, ex, conf::define_agent{std::move(a)}, "agent", *id);
}

/// POST /api/queues {id, tenant, name, skills_required, strategy, ring_timeout_s,
/// wrap_up_s, service_level_s, max_wait_s, max_length, overflow, overflow_queue,
/// entry_points, trunk_group}
void create_queue(node_api::impl& api, const exchange_ptr& ex) {
  auto tenant = target_tenant(api, ex);
  if (!tenant) return;
  auto id = id_field(ex);
  if (!id) return;
  auto name = string_field(ex, "name", false, 128);
  if (!name) return;
  auto skills = levels_field(ex, "skills_required");
  if (!skills) return;
  events::queue_definition q;
  q.id = *id;
  q.tenant = *tenant;
  q.name = *name;
  for (const auto& [skill, level] : *skills)
    q.skills.push_back({skill, level});
  auto strategy = string_field(ex, "strategy", false, 32);
  if (!strategy) return;
  if (!strategy->empty() && !events::parse_routing_strategy(*strategy, q.strategy))
    return ex->fail(400, "invalid_field",
                    "field 'strategy' must be one of longest_idle, round_robin, fewest_calls, "
                    "least_talk_time, top_down, random, ring_all");
  auto ring = seconds_field(ex, "ring_timeout_s", q.ring_timeout_ms);
  if (!ring) return;
  auto wrap = seconds_field(ex, "wrap_up_s", q.wrap_up_ms);
  if (!wrap) return;
  auto sl = seconds_field(ex, "service_level_s", 20'000);
  if (!sl) return;
  auto max_wait = seconds_field(ex, "max_wait_s", 0);
  if (!max_wait) return;
  auto max_length = integer_field(ex, "max_length", 0);
  if (!max_length) return;
  auto overflow = string_field(ex, "overflow", false, 32);
  if (!overflow) return;
  if (!overflow->empty() && !events::parse_overflow_action(*overflow, q.overflow))
    return ex->fail(400, "invalid_field",
                    "field 'overflow' must be one of none, queue, voicemail, callback");
  auto overflow_queue = string_field(ex, "overflow_queue", false, 64);
  if (!overflow_queue) return;
  auto entries = strings_field(ex, "entry_points", false);
  if (!entries) return;
  auto trunk_group = string_field(ex, "trunk_group", false, 64);
  if (!trunk_group) return;
  q.ring_timeout_ms = *ring;
  q.wrap_up_ms = *wrap;
  q.sl_threshold_s = static_cast<double>(*sl) / 1000.0;
  q.max_wait_ms = *max_wait;
  q.max_length = static_cast<int>(*max_length);
  q.overflow_queue = *overflow_queue;
  create(api, ex, conf::define_queue{std::move(q), std::move(*entries), *trunk_group}, "queue",
         *id);
}

} // namespace

void add_create_routes(node_api::impl& api) {
  api.add("POST", "/api/agents",
          "Create an agent at runtime {id, name, tenant (operator), skills: {name: level}, "
          "queues, supervisor, wrap_up_s}",
          "admin; operator", create_agent);
  api.add("POST", "/api/queues",
          "Create a queue at runtime {id, name, tenant (operator), skills_required, strategy, "
          "ring_timeout_s, wrap_up_s, service_level_s, max_wait_s, max_length, overflow, "
          "overflow_queue, entry_points, trunk_group}",
          "admin; operator", create_queue);
}

} // namespace hotline::drivers::api
