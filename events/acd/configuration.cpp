#include "events/acd/configuration.hpp"

#include <algorithm>
#include <cmath>

#include "events/acd/agent.hpp"

namespace hotline::events::acd::configuration {

std::string stream_name(const std::string& site) {
  return "config-" + site;
}

state initial_state(center_definition seed) {
  state s;
  s.center = std::move(seed);
  return s;
}

std::optional<std::string> check_id(const std::string& id) {
  if (id.empty() || id.size() > 64)
    return "must be 1 to 64 characters (got " + std::to_string(id.size()) + ")";
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return "'" + id + "' may hold only letters, digits, '_', '-' and '.'";
  }
  return std::nullopt;
}

namespace {

rejection bad(const std::string& field, const std::string& why) {
  return {"invalid_field", "field '" + field + "': " + why};
}

std::optional<rejection> check_name(const std::string& name) {
  if (name.size() > 128) return bad("name", "at most 128 characters");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return bad("name", "no control characters");
  return std::nullopt;
}

std::optional<rejection> check_tenant(const state& s, const std::string& tenant) {
  if (tenant.empty()) return bad("tenant", "required");
  if (!s.center.find_tenant(tenant)) return bad("tenant", "no tenant '" + tenant + "'");
  return std::nullopt;
}

/// A queue of `tenant` named by field `field`, or why not.
std::optional<rejection> check_queue_ref(const state& s, const std::string& field,
                                         const std::string& queue, const std::string& tenant) {
  const auto* q = s.center.find_queue(queue);
  // Another tenant's queue is as unknown as one that does not exist.
  if (!q || q->tenant != tenant) return bad(field, "no queue '" + queue + "'");
  return std::nullopt;
}

/// The skills a tenant knows: required by one of its queues or held by one of its agents.
std::set<std::string> vocabulary(const state& s, const std::string& tenant) {
  std::set<std::string> out;
  for (const auto& q : s.center.queues)
    if (q.tenant == tenant)
      for (const auto& r : q.skills)
        out.insert(r.skill);
  for (const auto& a : s.center.agents)
    if (a.tenant == tenant)
      for (const auto& [name, level] : a.skills)
        out.insert(name);
  return out;
}

std::string seconds_text(std::int64_t ms) {
  if (ms < 0) return "-" + seconds_text(-ms);
  auto t = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    auto frac = std::to_string(1000 + ms % 1000).substr(1);
    while (!frac.empty() && frac.back() == '0')
      frac.pop_back();
    t += "." + frac;
  }
  return t;
}

std::optional<rejection> check_duration(const std::string& field, std::int64_t ms,
                                        std::int64_t min_ms, std::int64_t max_ms) {
  if (ms < min_ms || ms > max_ms)
    return bad(field, seconds_text(ms) + " s is not within " + std::to_string(min_ms / 1000) +
                          ".." + std::to_string(max_ms / 1000) + " s");
  return std::nullopt;
}

outcome<event> decide_agent(const define_agent& c, const state& s) {
  const auto& a = c.agent;
  if (auto why = check_id(a.id)) return bad("id", *why);
  if (s.center.find_agent(a.id)) return rejection{"already_exists", "agent '" + a.id + "' exists"};
  if (auto r = check_tenant(s, a.tenant)) return *r;
  if (auto r = check_name(a.name)) return *r;
  if (auto r = agent::check_skills(a.skills)) return bad("skills", r->detail);
  const auto known = vocabulary(s, a.tenant);
  for (const auto& [name, level] : a.skills)
    if (!known.count(name))
      return bad("skills." + name, "no queue or agent of tenant '" + a.tenant + "' has skill '" +
                                       name + "' (a queue's skills_required introduces a skill)");
  for (std::size_t i = 0; i < a.queues.size(); ++i) {
    if (std::find(a.queues.begin(), a.queues.begin() + static_cast<std::ptrdiff_t>(i),
                  a.queues[i]) != a.queues.begin() + static_cast<std::ptrdiff_t>(i))
      return bad("queues", "queue '" + a.queues[i] + "' is listed twice");
    if (auto r = check_queue_ref(s, "queues", a.queues[i], a.tenant)) return *r;
  }
  if (a.wrap_up_ms != -1)
    if (auto r = check_duration("wrap_up_s", a.wrap_up_ms, 0, 3'600'000)) return *r;
  return event{to_event(a)};
}

bool number_ok(const std::string& n) {
  if (n.empty() || n.size() > 32) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '+' || c == '*' || c == '#';
  });
}

outcome<event> decide_queue(const define_queue& c, const state& s) {
  const auto& q = c.queue;
  if (auto why = check_id(q.id)) return bad("id", *why);
  if (s.center.find_queue(q.id)) return rejection{"already_exists", "queue '" + q.id + "' exists"};
  if (auto r = check_tenant(s, q.tenant)) return *r;
  if (auto r = check_name(q.name)) return *r;
  std::map<std::string, int> required;
  for (const auto& r : q.skills) {
    if (required.count(r.skill))
      return bad("skills_required", "skill '" + r.skill + "' is listed twice");
    required[r.skill] = r.min_level;
  }
  if (auto r = agent::check_skills(required)) return bad("skills_required", r->detail);
  if (auto r = check_duration("ring_timeout_s", q.ring_timeout_ms, 1'000, 600'000)) return *r;
  if (auto r = check_duration("wrap_up_s", q.wrap_up_ms, 0, 3'600'000)) return *r;
  if (!(q.sl_threshold_s >= 1 && q.sl_threshold_s <= 3600))
    return bad("service_level_s", "must be within 1..3600 s");
  if (auto r = check_duration("max_wait_s", q.max_wait_ms, 0, 86'400'000)) return *r;
  if (q.max_length < 0 || q.max_length > 100'000) return bad("max_length", "must be 0..100000");
  if (!q.widening.empty())
    return bad("widening", "not offered at runtime (define widening steps in the file)");
  if (q.overflow == overflow_action::queue) {
    if (q.overflow_queue.empty()) return bad("overflow_queue", "required when overflow is 'queue'");
    if (q.overflow_queue == q.id) return bad("overflow_queue", "a queue cannot overflow to itself");
    if (auto r = check_queue_ref(s, "overflow_queue", q.overflow_queue, q.tenant)) return *r;
  } else if (!q.overflow_queue.empty()) {
    return bad("overflow_queue", "only with overflow 'queue'");
  }
  if (!c.trunk_group.empty() && !s.center.find_trunk(c.trunk_group))
    return bad("trunk_group", "no trunk group '" + c.trunk_group + "'");
  for (std::size_t i = 0; i < c.entry_points.size(); ++i) {
    const auto& n = c.entry_points[i];
    if (!number_ok(n))
      return bad("entry_points", "'" + n + "' is not a number (1..32 digits, '+', '*', '#')");
    if (std::find(c.entry_points.begin(), c.entry_points.begin() + static_cast<std::ptrdiff_t>(i),
                  n) != c.entry_points.begin() + static_cast<std::ptrdiff_t>(i))
      return bad("entry_points", "'" + n + "' is listed twice");
    if (const auto* e = s.center.find_entry(n))
      return rejection{"already_exists", "number '" + n + "' already goes to queue '" + e->queue +
                                             "' (tenant '" + e->tenant + "')"};
  }
  return event{to_event(q, c.entry_points, c.trunk_group)};
}

template <class Def, class Id>
void put(std::vector<Def>& into, Def def, const Id& id, bool* replaced = nullptr) {
  auto it = std::find_if(into.begin(), into.end(), [&](const Def& d) { return d.id == id; });
  if (replaced) *replaced = it != into.end();
  if (it != into.end())
    *it = std::move(def);
  else
    into.push_back(std::move(def));
}

void put_entries(center_definition& c, const queue_defined& e, std::vector<std::string>* warnings) {
  for (auto& ep : entry_points_of(e)) {
    auto it = std::find_if(c.entry_points.begin(), c.entry_points.end(),
                           [&](const entry_point& x) { return x.dialed == ep.dialed; });
    if (it != c.entry_points.end()) {
      if (warnings && it->queue != ep.queue)
        warnings->push_back("number '" + ep.dialed + "' goes to queue '" + ep.queue +
                            "' as created at runtime, not to '" + it->queue + "' as the file says");
      *it = std::move(ep);
    } else {
      c.entry_points.push_back(std::move(ep));
    }
  }
}

} // namespace

outcome<event> decide(const command& cmd, const state& s) {
  if (const auto* a = std::get_if<define_agent>(&cmd)) return decide_agent(*a, s);
  return decide_queue(std::get<define_queue>(cmd), s);
}

state evolve(state s, const event& e) {
  if (const auto* a = std::get_if<agent_defined>(&e)) {
    put(s.center.agents, to_definition(*a), a->agent_id);
    s.created_agents.insert(a->agent_id);
  } else {
    const auto& q = std::get<queue_defined>(e);
    put(s.center.queues, to_definition(q), q.queue_id);
    put_entries(s.center, q, nullptr);
    s.created_queues.insert(q.queue_id);
  }
  return s;
}

agent_definition to_definition(const agent_defined& e) {
  agent_definition a;
  a.id = e.agent_id;
  a.tenant = e.tenant;
  a.name = e.name;
  a.skills = e.skills;
  a.queues = e.queues;
  a.supervisor = e.supervisor;
  a.wrap_up_ms = e.wrap_up_ms;
  return a;
}

queue_definition to_definition(const queue_defined& e) {
  queue_definition q;
  q.id = e.queue_id;
  q.tenant = e.tenant;
  q.name = e.name;
  for (const auto& [skill, level] : e.skills)
    q.skills.push_back({skill, level});
  if (!parse_routing_strategy(e.strategy, q.strategy)) q.strategy = routing_strategy::longest_idle;
  q.ring_timeout_ms = e.ring_timeout_ms;
  q.wrap_up_ms = e.wrap_up_ms;
  q.sl_threshold_s = static_cast<double>(e.service_level_ms) / 1000.0;
  q.max_wait_ms = e.max_wait_ms;
  q.max_length = e.max_length;
  if (!parse_overflow_action(e.overflow, q.overflow)) q.overflow = overflow_action::none;
  q.overflow_queue = e.overflow_queue;
  return q;
}

std::vector<entry_point> entry_points_of(const queue_defined& e) {
  std::vector<entry_point> out;
  for (const auto& n : e.entry_points)
    out.push_back({n, e.tenant, e.queue_id, e.trunk_group, 0});
  return out;
}

agent_defined to_event(const agent_definition& a) {
  return {a.id, a.tenant, a.name, a.skills, a.queues, a.supervisor, a.wrap_up_ms};
}

queue_defined to_event(const queue_definition& q, const std::vector<std::string>& entry_points,
                       const std::string& trunk_group) {
  queue_defined e;
  e.queue_id = q.id;
  e.tenant = q.tenant;
  e.name = q.name;
  for (const auto& r : q.skills)
    e.skills[r.skill] = r.min_level;
  e.strategy = to_string(q.strategy);
  e.ring_timeout_ms = q.ring_timeout_ms;
  e.wrap_up_ms = q.wrap_up_ms;
  e.service_level_ms = static_cast<std::int64_t>(std::llround(q.sl_threshold_s * 1000.0));
  e.max_wait_ms = q.max_wait_ms;
  e.max_length = q.max_length;
  e.overflow = to_string(q.overflow);
  e.overflow_queue = q.overflow_queue;
  e.entry_points = entry_points;
  e.trunk_group = trunk_group;
  return e;
}

std::vector<std::string> overlay(center_definition& center, const std::vector<event>& stream) {
  std::vector<std::string> warnings;
  for (const auto& e : stream) {
    bool replaced = false;
    if (const auto* a = std::get_if<agent_defined>(&e)) {
      put(center.agents, to_definition(*a), a->agent_id, &replaced);
      if (replaced)
        warnings.push_back("agent '" + a->agent_id +
                           "' is in the file and was created at runtime: the runtime "
                           "definition (the store's) wins; change it through the API");
    } else {
      const auto& q = std::get<queue_defined>(e);
      put(center.queues, to_definition(q), q.queue_id, &replaced);
      if (replaced)
        warnings.push_back("queue '" + q.queue_id +
                           "' is in the file and was created at runtime: the runtime "
                           "definition (the store's) wins; change it through the API");
      put_entries(center, q, &warnings);
    }
  }
  return warnings;
}

} // namespace hotline::events::acd::configuration
