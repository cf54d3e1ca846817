#include "events/acd/routing.hpp"

#include <algorithm>
#include <optional>

namespace hotline::events::acd {

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool serves_any(const candidate& c, const std::vector<std::string>& queues) {
  return std::any_of(queues.begin(), queues.end(), [&](const std::string& q) {
    return std::find(c.queues.begin(), c.queues.end(), q) != c.queues.end();
  });
}

/// `level_of(c, r)` if `c` has every required skill at its min level, else
/// -1: one lookup per skill (matching evaluates every free member for every
/// call, so `skilled` then `level_of` looked each skill up twice).
int skilled_level(const candidate& c, const requirements& r) {
  if (r.skills.empty()) return 0;
  int level = 1 << 30;
  for (const auto& s : r.skills) {
    auto it = c.skills.find(s.skill);
    if (it == c.skills.end() || it->second < s.min_level) return -1;
    level = std::min(level, it->second);
  }
  return level;
}

bool skilled(const candidate& c, const requirements& r) {
  return std::all_of(r.skills.begin(), r.skills.end(), [&](const skill_requirement& s) {
    auto it = c.skills.find(s.skill);
    return it != c.skills.end() && it->second >= s.min_level;
  });
}

bool free_now(const candidate& c, std::int64_t now_ns) {
  return c.available && c.blocked_until_ns <= now_ns;
}

std::string seconds(std::int64_t ns) {
  return std::to_string(std::max<std::int64_t>(0, ns) / 1'000'000'000) + " s";
}

bool idle_longer(const candidate& a, const candidate& b) {
  if (a.idle_since_ns != b.idle_since_ns) return a.idle_since_ns < b.idle_since_ns;
  return a.agent_id < b.agent_id;
}

} // namespace

int level_of(const candidate& c, const requirements& r) noexcept {
  if (r.skills.empty()) return 0;
  int level = 1 << 30;
  for (const auto& s : r.skills) {
    auto it = c.skills.find(s.skill);
    if (it == c.skills.end()) return -1;
    level = std::min(level, it->second);
  }
  return level;
}

bool is_eligible(const candidate& c, const requirements& r, std::int64_t now_ns) noexcept {
  return free_now(c, now_ns) && serves_any(c, r.queues) && skilled(c, r);
}

selection select_agents(const queue_definition& q, const requirements& r,
                        const std::vector<candidate>& agents, const strategy_memory& memory,
                        std::int64_t now_ns, std::uint64_t seed) {
  candidate_refs refs;
  refs.reserve(agents.size());
  for (const auto& c : agents)
    refs.push_back(&c);
  return select_agents(q, r, refs, memory, now_ns, seed);
}

namespace {

/// A free agent in a match, with its base level when the caller keeps it
/// (`unknown_level`: look its skills up).
struct pooled {
  const candidate* c;
  int level;
};
constexpr int unknown_level = -2;

/// select_agents over `pool`; `base`: the requirements are the queue's
/// base ones, so a known `level` may stand for the skill lookups. Also
/// says which pool entries it picked (`picked`).
selection select_from(const queue_definition& q, const requirements& r,
                      const std::vector<pooled>& pool, bool base, const strategy_memory& memory,
                      std::int64_t now_ns, std::uint64_t seed,
                      std::vector<const candidate*>* picked = nullptr);

} // namespace

selection select_agents(const queue_definition& q, const requirements& r,
                        const candidate_refs& agents, const strategy_memory& memory,
                        std::int64_t now_ns, std::uint64_t seed) {
  std::vector<pooled> pool;
  pool.reserve(agents.size());
  for (const candidate* c : agents)
    pool.push_back({c, unknown_level});
  return select_from(q, r, pool, false, memory, now_ns, seed);
}

namespace {

selection select_from(const queue_definition& q, const requirements& r,
                      const std::vector<pooled>& pool, bool base, const strategy_memory& memory,
                      std::int64_t now_ns, std::uint64_t seed,
                      std::vector<const candidate*>* picked) {
  selection out;
  std::vector<const candidate*> best;
  int best_level = -1;
  for (const auto& [c, known] : pool) {
    if (!free_now(*c, now_ns)) continue;
    if (base && known != unknown_level) {
      if (known < 0 || known < best_level) continue;
      if (known > best_level) {
        best_level = known;
        best.clear();
      }
      best.push_back(c);
      continue;
    }
    const int level = skilled_level(*c, r); // first: below the best so far needs no queue check
    if (level < 0 || level < best_level || !serves_any(*c, r.queues)) continue;
    if (level > best_level) {
      best_level = level;
      best.clear();
    }
    if (level == best_level) best.push_back(c);
  }
  if (best.empty()) return out;
  out.level = best_level;
  const std::string level_text = "level " + std::to_string(best_level) + ", ";
  auto by_id = [](const candidate* a, const candidate* b) { return a->agent_id < b->agent_id; };
  const candidate* pick = nullptr;
  switch (q.strategy) {
  case routing_strategy::longest_idle:
    pick = *std::min_element(best.begin(), best.end(), [](const candidate* a, const candidate* b) {
      return idle_longer(*a, *b);
    });
    out.reason = level_text + "longest idle " + seconds(now_ns - pick->idle_since_ns);
    break;
  case routing_strategy::round_robin: {
    std::sort(best.begin(), best.end(), by_id);
    auto it = std::find_if(best.begin(), best.end(),
                           [&](const candidate* c) { return c->agent_id > memory.last_agent; });
    pick = it == best.end() ? best.front() : *it;
    out.reason = level_text + "round robin after " +
                 (memory.last_agent.empty() ? std::string{"(start)"} : memory.last_agent);
    break;
  }
  case routing_strategy::fewest_calls:
    pick = *std::min_element(best.begin(), best.end(), [](const candidate* a, const candidate* b) {
      if (a->calls_handled != b->calls_handled) return a->calls_handled < b->calls_handled;
      return idle_longer(*a, *b);
    });
    out.reason = level_text + "fewest calls (" + std::to_string(pick->calls_handled) + ")";
    break;
  case routing_strategy::least_talk_time:
    pick = *std::min_element(best.begin(), best.end(), [](const candidate* a, const candidate* b) {
      if (a->talk_time_ms != b->talk_time_ms) return a->talk_time_ms < b->talk_time_ms;
      return idle_longer(*a, *b);
    });
    out.reason = level_text + "least talk time " + seconds(pick->talk_time_ms * 1'000'000);
    break;
  case routing_strategy::top_down:
    pick = *std::min_element(best.begin(), best.end(), [](const candidate* a, const candidate* b) {
      if (a->order != b->order) return a->order < b->order;
      return a->agent_id < b->agent_id;
    });
    out.reason = level_text + "top down, order " + std::to_string(pick->order);
    break;
  case routing_strategy::random:
    std::sort(best.begin(), best.end(), by_id);
    pick = best[splitmix64(seed) % best.size()];
    out.reason = level_text + "random of " + std::to_string(best.size()) + " (seed " +
                 std::to_string(seed) + ")";
    break;
  case routing_strategy::ring_all:
    std::sort(best.begin(), best.end(),
              [](const candidate* a, const candidate* b) { return idle_longer(*a, *b); });
    for (const auto* c : best)
      out.agents.push_back(c->agent_id);
    out.reason = level_text + "ring all (" + std::to_string(best.size()) + " agents)";
    if (picked) *picked = std::move(best);
    return out;
  }
  out.agents.push_back(pick->agent_id);
  if (picked) picked->assign(1, pick);
  return out;
}

} // namespace

requirements with_call_skills(requirements r, const std::vector<skill_requirement>& skills) {
  for (const auto& s : skills) {
    auto it = std::find_if(r.skills.begin(), r.skills.end(),
                           [&](const skill_requirement& q) { return q.skill == s.skill; });
    if (it == r.skills.end())
      r.skills.push_back(s);
    else
      it->min_level = std::max(it->min_level, s.min_level);
  }
  return r;
}

waiting_call make_waiting_call(const queue::entry& e, std::int64_t now_ns) {
  waiting_call w{e.call_id,
                 e.priority,
                 e.sequence,
                 std::max<std::int64_t>(0, (now_ns - e.joined_at_ns) / 1'000'000),
                 e.preferred_agent,
                 e.preferred_until_ns,
                 {}};
  w.skills.reserve(e.skills.size());
  for (const auto& [skill, level] : e.skills)
    w.skills.push_back({skill, level});
  return w;
}

match_result match_queue(const queue_definition& q, std::vector<waiting_call> calls,
                         const std::vector<candidate>& agents, strategy_memory memory,
                         std::int64_t now_ns, std::uint64_t seed) {
  candidate_refs refs;
  refs.reserve(agents.size());
  for (const auto& c : agents)
    refs.push_back(&c);
  return match_queue(q, std::move(calls), refs, std::move(memory), now_ns, seed);
}

namespace {

/// The widening steps that apply after `waited_ms`, as a bit set (steps past
/// the 64th are folded into the last bit: they only make the key coarser,
/// and a coarser key just means recomputing more often).
std::uint64_t applied_steps(const queue_definition& q, std::int64_t waited_ms) {
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < q.widening.size(); ++i)
    if (q.widening[i].after_ms <= waited_ms)
      mask |= std::uint64_t{1} << std::min<std::size_t>(i, 63);
  return mask;
}

} // namespace

namespace {

/// match_queue over `pool` (the free agents, with their base levels when
/// known).
match_result match_pool(const queue_definition& q, std::vector<waiting_call> calls,
                        std::vector<pooled> pool, strategy_memory memory, std::int64_t now_ns,
                        std::uint64_t seed) {
  std::stable_sort(calls.begin(), calls.end(), [](const waiting_call& a, const waiting_call& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    return a.sequence < b.sequence;
  });
  match_result out;
  // `pool` holds the agents not yet given to an earlier call. Only free
  // agents can be chosen (is_eligible and the preferred-agent rule both
  // require it, and it does not change during a match), so it starts with
  // them alone: a busy center then matches in time proportional to its
  // free agents, not its calls times its agents. Pointers, not copies.
  std::erase_if(pool, [&](const pooled& p) { return !free_now(*p.c, now_ns); });
  std::vector<const candidate*> picked;
  auto take = [&pool](const candidate* c) {
    std::erase_if(pool, [&](const pooled& p) { return p.c == c; });
  };
  // Calls that waited into the same widening steps share their requirements.
  std::optional<requirements> r;
  std::uint64_t r_steps = 0;
  // Calls that have not waited into a widening step have the base
  // requirements: the callers' base levels stand for their skill lookups.
  const std::uint64_t base_steps = applied_steps(q, 0);
  const int base_step = effective_requirements(q, 0).step;
  std::uint64_t n = 0;
  for (const auto& call : calls) {
    ++n;
    if (pool.empty()) break; // nobody left: the remaining calls get nothing either
    if (auto steps = applied_steps(q, call.waited_ms); !r || steps != r_steps) {
      r = effective_requirements(q, call.waited_ms);
      r_steps = steps;
    }
    // A call's own skills: its requirements alone, and no base levels
    // (those stand for the queue's requirements only).
    std::optional<requirements> own;
    if (!call.skills.empty()) own = with_call_skills(*r, call.skills);
    const requirements& need = own ? *own : *r;
    if (!call.preferred_agent.empty() && now_ns < call.preferred_until_ns) {
      auto it = std::find_if(pool.begin(), pool.end(), [&](const pooled& p) {
        return p.c->agent_id == call.preferred_agent;
      });
      if (it != pool.end() && free_now(*it->c, now_ns) && skilled(*it->c, need)) {
        const candidate& c = *it->c;
        int level = level_of(c, need);
        out.assignments.push_back(
            {call.call_id,
             {c.agent_id},
             level,
             "preferred agent " + c.agent_id + " (familiar), level " + std::to_string(level)});
        take(&c);
      }
      continue; // waits for its preferred agent until preferred_until_ns
    }
    auto sel = select_from(q, need, pool, !own && r_steps == base_steps && r->step == base_step,
                           memory, now_ns, splitmix64(seed ^ n), &picked);
    if (sel.agents.empty()) continue; // no starvation: later calls may still find agents
    for (const auto* c : picked)
      take(c);
    if (q.strategy == routing_strategy::round_robin) memory.last_agent = sel.agents.back();
    if (r->step >= 0) sel.reason += ", widened to step " + std::to_string(r->step);
    if (own) {
      sel.reason += ", with the call's skills";
      for (const auto& k : call.skills)
        sel.reason += " " + k.skill + ">=" + std::to_string(k.min_level);
    }
    out.assignments.push_back(
        {call.call_id, std::move(sel.agents), sel.level, std::move(sel.reason)});
  }
  out.memory = std::move(memory);
  return out;
}

} // namespace

match_result match_queue(const queue_definition& q, std::vector<waiting_call> calls,
                         const candidate_refs& agents, strategy_memory memory, std::int64_t now_ns,
                         std::uint64_t seed) {
  std::vector<pooled> pool;
  pool.reserve(agents.size());
  for (const candidate* c : agents)
    pool.push_back({c, unknown_level});
  return match_pool(q, std::move(calls), std::move(pool), std::move(memory), now_ns, seed);
}

match_result match_queue(const queue_definition& q, std::vector<waiting_call> calls,
                         const candidate_refs& agents, const std::vector<int>& base_levels,
                         strategy_memory memory, std::int64_t now_ns, std::uint64_t seed) {
  std::vector<pooled> pool;
  pool.reserve(agents.size());
  for (std::size_t i = 0; i < agents.size(); ++i)
    pool.push_back({agents[i], base_levels[i]});
  return match_pool(q, std::move(calls), std::move(pool), std::move(memory), now_ns, seed);
}

int base_level(const candidate& c, const queue_definition& q) {
  const auto r = effective_requirements(q, 0);
  const int level = skilled_level(c, r);
  return level >= 0 && serves_any(c, r.queues) ? level : -1;
}

} // namespace hotline::events::acd
