// An agent's disposition of a call, and an administrator's runtime changes
// of a queue's business parameters and of a trunk group's channels
// (docs/api.md, "Dispositions" and "Runtime configuration"). Like
// config_routes.cpp: a route checks the user and the body (400 naming the
// field), then sends a command to the actor that owns the object; its
// decider records it as an event of the object's stream, authored by the user.
#include <algorithm>

#include "drivers/api/api_exchange.hpp"
#include "events/acd/agent.hpp"
#include "events/acd/queue.hpp"
#include "events/acd/trunk_group.hpp"
#include "projections/live/live_view.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;
using namespace hotline::actors;

namespace {

/// Answers the actor's verdict: 200, or its refusal; `as_field` maps a
/// refusal code to 400 naming a body field (a value the route could not
/// check itself, the actor could).
void answer(const exchange_ptr& ex, std::string code, const std::string& detail,
            const std::map<std::string, std::string>& as_field = {}) {
  if (code.empty()) return ex->reply(200, {{"status", "done"}});
  if (auto f = as_field.find(code); f != as_field.end())
    return ex->fail(400, "invalid_field", "field '" + f->second + "': " + detail);
  answer_refusal(ex, code, detail);
}

/// POST /api/agents/{id}/calls/{call}/disposition {code, notes}: the call
/// must be on the agent's desk (talking, held or in after-call work).
void call_disposition(node_api::impl& api, const exchange_ptr& ex) {
  const auto& id = ex->param("id");
  auto res = api.agent_resource(ex, id);
  if (!res || !api.allowed(ex, identity::action::agent_control, *res)) return;
  // Lengths are checked in characters below; the byte caps only bound the work.
  auto code = string_field(ex, "code", true, 4 * events::acd::agent::max_disposition_code);
  if (!code) return;
  if (auto why = events::acd::agent::check_disposition_code(*code))
    return ex->fail(400, "invalid_field", "field 'code' " + *why);
  auto notes = string_field(ex, "notes", false, 4 * events::acd::agent::max_disposition_notes);
  if (!notes) return;
  if (auto why = events::acd::agent::check_disposition_notes(*notes))
    return ex->fail(400, "invalid_field", "field 'notes' " + *why);
  api.ask_acd(api.ctx->agents.get(id), ex,
              caf::make_message(disposition_atom::value, ex->param("call"), std::move(*code),
                                std::move(*notes)),
              [ex](std::string c, std::string detail) {
                answer(ex, std::move(c), detail, {{"unknown_disposition", "code"}});
              });
}

/// An integer field, or nullopt after answering 400 (`present` false when absent).
std::optional<std::int64_t> integer_field(const exchange_ptr& ex, const char* name, bool& present) {
  present = false;
  auto it = ex->body.find(name);
  if (it == ex->body.end() || it->is_null()) return std::int64_t{0};
  if (!it->is_number_integer()) {
    ex->fail(400, "invalid_field", std::string{"field '"} + name + "' must be an integer");
    return std::nullopt;
  }
  present = true;
  return it->get<std::int64_t>();
}

/// Clamps a number from the body into int range; the bounds check then names it.
int clamp_int(std::int64_t v) {
  return static_cast<int>(std::clamp<std::int64_t>(v, INT32_MIN, INT32_MAX));
}

/// The fields a queue's settings take.
const std::vector<std::string> queue_setting_fields{
    "ring_timeout_s", "wrap_up_s",     "max_wait_s",   "service_level_s",
    "max_length",     "max_no_answer", "vip_priority", "overflow",
    "overflow_queue", "skills",        "reason"};

/// POST /api/queues/{id}/settings {ring_timeout_s, wrap_up_s, max_wait_s,
/// service_level_s, max_length, max_no_answer, vip_priority, overflow,
/// overflow_queue, skills, reason}: each field present is changed.
void queue_settings(node_api::impl& api, const exchange_ptr& ex) {
  const auto& id = ex->param("id");
  const auto* def = api.ctx->find_queue(id);
  if (!def) return ex->fail(404, "not_found", "no queue '" + id + "'");
  identity::resource r;
  r.tenant = def->tenant;
  r.queue = id;
  if (!api.allowed(ex, identity::action::configure, r)) return;
  for (const auto& [key, value] : ex->body.items())
    if (std::find(queue_setting_fields.begin(), queue_setting_fields.end(), key) ==
        queue_setting_fields.end()) {
      std::string names;
      for (const auto& f : queue_setting_fields)
        names += (names.empty() ? "" : ", ") + f;
      return ex->fail(400, "invalid_field",
                      "field '" + key + "' is not a queue setting (expected: " + names + ")");
    }
  events::acd::queue::settings_patch p;
  bool present = false;
  auto seconds = [&](const char* name, std::optional<std::int64_t>& out) {
    auto v = integer_field(ex, name, present);
    if (!v) return false;
    // Out of range values are kept out of range, so the bounds check names them.
    if (present) out = std::clamp<std::int64_t>(*v, -1'000'000'000, 1'000'000'000) * 1000;
    return true;
  };
  auto count = [&](const char* name, std::optional<int>& out) {
    auto v = integer_field(ex, name, present);
    if (!v) return false;
    if (present) out = clamp_int(*v);
    return true;
  };
  if (!seconds("ring_timeout_s", p.ring_timeout_ms) || !seconds("wrap_up_s", p.wrap_up_ms) ||
      !seconds("max_wait_s", p.max_wait_ms) || !seconds("service_level_s", p.sl_threshold_ms) ||
      !count("max_length", p.max_length) || !count("max_no_answer", p.max_no_answer) ||
      !count("vip_priority", p.vip_priority))
    return;
  if (ex->body.contains("overflow") && !ex->body["overflow"].is_null()) {
    auto text = string_field(ex, "overflow", true, 32);
    if (!text) return;
    events::overflow_action a;
    if (!events::parse_overflow_action(*text, a))
      return ex->fail(400, "invalid_field",
                      "field 'overflow' must be one of: none, queue, voicemail, callback");
    p.overflow = a;
  }
  if (ex->body.contains("overflow_queue") && !ex->body["overflow_queue"].is_null()) {
    auto text = string_field(ex, "overflow_queue", true, 64);
    if (!text) return;
    if (!text->empty()) {
      const auto* target = api.ctx->find_queue(*text);
      if (!target || target->tenant != def->tenant) // another tenant's is as unknown
        return ex->fail(400, "invalid_field", "field 'overflow_queue': no queue '" + *text + "'");
    }
    p.overflow_queue = *text;
  }
  if (auto it = ex->body.find("skills"); it != ex->body.end() && !it->is_null()) {
    if (!it->is_object())
      return ex->fail(400, "invalid_field",
                      "field 'skills' must be an object of skill -> minimum level (1..100)");
    std::vector<events::skill_requirement> skills;
    for (const auto& [name, level] : it->items()) {
      if (!level.is_number_integer())
        return ex->fail(400, "invalid_field",
                        "field 'skills." + name + "' must be an integer minimum level 1..100");
      skills.push_back({name, clamp_int(level.get<std::int64_t>())});
    }
    p.skills = std::move(skills);
  }
  if (p == events::acd::queue::settings_patch{})
    return ex->fail(400, "missing_field",
                    "at least one setting is required: ring_timeout_s, wrap_up_s, max_wait_s, "
                    "service_level_s, max_length, max_no_answer, vip_priority, overflow, "
                    "overflow_queue or skills");
  if (auto bad = events::acd::queue::check_settings(p))
    return ex->fail(400, "invalid_field", "field '" + bad->field + "' " + bad->detail);
  auto reason = string_field(ex, "reason", false, 256);
  if (!reason) return;
  auto target = api.ctx->queues.find(id);
  if (target == api.ctx->queues.end())
    return answer_refusal(ex, "unavailable", "queue '" + id + "' runs on no actor here");
  api.ask_acd(target->second, ex, caf::make_message(settings_atom::value, std::move(p), *reason),
              [ex](std::string code, std::string detail) {
                if (code == "invalid_argument") { // a rule of the whole: "FIELD must ..."
                  const auto sp = detail.find(' ');
                  return ex->fail(400, "invalid_field",
                                  "field '" + detail.substr(0, sp) + "'" +
                                      (sp == std::string::npos ? "" : detail.substr(sp)));
                }
                answer(ex, std::move(code), detail, {{"unknown_queue", "overflow_queue"}});
              });
}

/// GET /api/queues/{id}/settings: the parameters the queue runs with now
/// (the file's, then the runtime changes), in the POST's units.
void queue_settings_read(node_api::impl& api, const exchange_ptr& ex) {
  const auto& id = ex->param("id");
  const auto* def = api.ctx->find_queue(id);
  if (!def) return ex->fail(404, "not_found", "no queue '" + id + "'");
  identity::resource r;
  r.tenant = def->tenant;
  r.queue = id;
  if (!api.allowed(ex, identity::action::queue_read, r)) return;
  std::map<std::string, int> skills;
  for (const auto& s : def->skills)
    skills[s.skill] = s.min_level;
  ex->reply(200, {{"id", def->id},
                  {"tenant", def->tenant},
                  {"ring_timeout_s", def->ring_timeout_ms / 1000},
                  {"wrap_up_s", def->wrap_up_ms / 1000},
                  {"max_wait_s", def->max_wait_ms / 1000},
                  {"service_level_s", def->sl_threshold_s},
                  {"max_length", def->max_length},
                  {"max_no_answer", def->max_no_answer},
                  {"vip_priority", def->vip_priority},
                  {"overflow", events::to_string(def->overflow)},
                  {"overflow_queue", def->overflow_queue},
                  {"skills", skills},
                  {"dispositions", def->dispositions}});
}

/// A trunk group's resource and the action that changes it: a group of one
/// tenant's calls is that tenant's (configure); a shared one the platform's.
std::pair<identity::resource, identity::action> trunk_resource(node_api::impl& api,
                                                               const std::string& id) {
  identity::resource r;
  r.tenant = events::acd::trunk_group::tenant_of(api.ctx->center, id);
  return {r, r.tenant.empty() ? identity::action::platform : identity::action::configure};
}

/// GET /api/trunks/{id}/settings: the channels that may be seized at once, and those busy.
/// Asked of the group's actor, so a read right after a POST shows the change
/// (the live view follows the store a moment later).
void trunk_settings_read(node_api::impl& api, const exchange_ptr& ex) {
  const auto& id = ex->param("id");
  const auto* def = api.ctx->center.find_trunk(id);
  if (!def) return ex->fail(404, "not_found", "no trunk group '" + id + "'");
  auto [r, what] = trunk_resource(api, id);
  if (!api.allowed(ex, what, r)) return;
  auto target = api.ctx->trunks.find(id);
  if (target == api.ctx->trunks.end() || !target->second)
    return answer_refusal(ex, "unavailable", "trunk group '" + id + "' runs on no actor here");
  const auto timeout = api.opt.actor_timeout;
  api.sys.spawn(
      [ex, id, tenant = r.tenant, group = target->second, timeout](caf::event_based_actor* self) {
        auto unavailable = [ex, id](const caf::error& e) {
          answer_refusal(ex, "unavailable",
                         "no answer from trunk group '" + id + "': " + caf::to_string(e));
        };
        self->request(group, timeout, caf::get_atom::value, actors::channels_atom::value)
            .then(
                [=](int channels) {
                  self->request(group, timeout, actors::stats_atom::value)
                      .then(
                          [=](int busy) {
                            ex->reply(200, {{"id", id},
                                            {"tenant", tenant},
                                            {"channels", channels},
                                            {"busy", busy}});
                          },
                          unavailable);
                },
                unavailable);
      });
}

/// POST /api/trunks/{id}/settings {channels, reason}: how many of the
/// group's channels may be seized at once. A group one tenant's calls use
/// is that tenant's (its admins may change it); a shared one is the platform's.
void trunk_settings(node_api::impl& api, const exchange_ptr& ex) {
  const auto& id = ex->param("id");
  if (!api.ctx->center.find_trunk(id))
    return ex->fail(404, "not_found", "no trunk group '" + id + "'");
  auto [r, what] = trunk_resource(api, id);
  if (!api.allowed(ex, what, r)) return;
  bool present = false;
  auto channels = integer_field(ex, "channels", present);
  if (!channels) return;
  if (!present) return ex->fail(400, "missing_field", "field 'channels' is required");
  if (auto why = events::acd::trunk_group::check_channels(*channels))
    return ex->fail(400, "invalid_field", "field 'channels' " + *why);
  auto reason = string_field(ex, "reason", false, 256);
  if (!reason) return;
  auto target = api.ctx->trunks.find(id);
  if (target == api.ctx->trunks.end())
    return answer_refusal(ex, "unavailable", "trunk group '" + id + "' runs on no actor here");
  api.ask_acd(target->second, ex,
              caf::make_message(channels_atom::value, static_cast<int>(*channels), *reason),
              [ex](std::string code, std::string detail) { answer(ex, std::move(code), detail); });
}

} // namespace

void add_settings_routes(node_api::impl& api) {
  api.add("POST", "/api/agents/{id}/calls/{call}/disposition",
          "Set the call's disposition and notes {code, notes}, also in after-call work",
          "the agent; admin", call_disposition);
  api.add("POST", "/api/queues/{id}/settings",
          "Change the queue's parameters at runtime {ring_timeout_s, wrap_up_s, max_wait_s, "
          "service_level_s, max_length, max_no_answer, vip_priority, overflow, overflow_queue, "
          "skills, reason}: those present",
          "admin", queue_settings);
  api.add("GET", "/api/queues/{id}/settings", "The queue's parameters as it runs with them now",
          "any user of the tenant", queue_settings_read);
  api.add("GET", "/api/trunks/{id}/settings",
          "The trunk group's channels that may be seized at once, and those busy",
          "admin (a group of its tenant's calls only); operator", trunk_settings_read);
  api.add("POST", "/api/trunks/{id}/settings",
          "Change how many of the trunk group's channels may be seized at once {channels, reason}",
          "admin (a group of its tenant's calls only); operator", trunk_settings);
}

} // namespace hotline::drivers::api
