#include "events/acd/queue.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <string_view>

namespace hotline::events::acd::queue {

namespace {

using result = outcome<event>;

constexpr std::int64_t s_ms = 1000;

std::optional<settings_problem> out_of(const char* field, std::int64_t v, std::int64_t lo,
                                       std::int64_t hi, const char* unit) {
  if (v >= lo && v <= hi) return std::nullopt;
  return settings_problem{field, "must be from " + std::to_string(lo) + " to " +
                                     std::to_string(hi) + unit + " (got " + std::to_string(v) +
                                     ")"};
}

bool skill_name_ok(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (unsigned char ch : n)
    if (!(std::isalnum(ch) || ch == '_' || ch == '-' || ch == '.')) return false;
  return true;
}

std::map<std::string, int> skill_map(const std::vector<skill_requirement>& v) {
  std::map<std::string, int> m;
  for (const auto& r : v)
    m[r.skill] = r.min_level;
  return m;
}

std::int64_t sl_ms(const queue_definition& d) {
  return static_cast<std::int64_t>(std::llround(d.sl_threshold_s * 1000.0));
}

bool before(const entry& a, const entry& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  return a.sequence < b.sequence;
}

void place(std::vector<entry>& waiting, entry e) {
  waiting.insert(std::upper_bound(waiting.begin(), waiting.end(), e, before), std::move(e));
}

std::string name(const state& s) {
  return "queue " + s.definition.id;
}

result decide_one(const join& c, const state& s) {
  if (c.call_id.empty()) return rejection{"invalid_argument", "join needs a call"};
  if (find(s, c.call_id))
    return rejection{"already_queued", "call " + c.call_id + " already waits in " + name(s)};
  if (s.closed)
    return rejection{"queue_closed",
                     name(s) + " is closed" +
                         (s.closed_reason.empty() ? std::string{} : ": " + s.closed_reason)};
  if (s.definition.max_length > 0 && static_cast<int>(s.waiting.size()) >= s.definition.max_length)
    return rejection{"queue_full", name(s) + " holds its maximum of " +
                                       std::to_string(s.definition.max_length) + " calls"};
  if (is_empty(s.definition.join_empty, c.members))
    return rejection{"queue_empty", name(s) + " has no " +
                                        (s.definition.join_empty == empty_rule::no_members
                                             ? "agent logged in"
                                             : "agent logged in and not paused")};
  if (c.skills.size() > 32)
    return rejection{"invalid_argument", "join of call " + c.call_id + " asks for " +
                                             std::to_string(c.skills.size()) +
                                             " skills: at most 32"};
  for (const auto& [skill, level] : c.skills) {
    if (!skill_name_ok(skill))
      return rejection{"invalid_argument",
                       "join of call " + c.call_id + ": skill '" + skill +
                           "' must be 1 to 64 letters, digits, '_', '-' or '.'"};
    if (level < 1 || level > 100)
      return rejection{"invalid_argument", "join of call " + c.call_id + ": skill " + skill +
                                               " level must be from 1 to 100 (got " +
                                               std::to_string(level) + ")"};
  }
  return event{queue_call_joined{s.definition.id, c.call_id, c.priority, s.next_sequence,
                                 c.customer_id, c.preferred_agent, c.preferred_until_ns, c.skills}};
}

result decide_one(const leave& c, const state& s) {
  if (!find(s, c.call_id))
    return rejection{"not_queued", "call " + c.call_id + " is not waiting in " + name(s)};
  return event{queue_call_left{s.definition.id, c.call_id, c.reason}};
}

result decide_one(const change_priority& c, const state& s) {
  const auto* e = find(s, c.call_id);
  if (!e) return rejection{"not_queued", "call " + c.call_id + " is not waiting in " + name(s)};
  if (e->priority == c.priority) return result::nothing();
  return event{queue_call_priority_changed{s.definition.id, c.call_id, c.priority}};
}

result decide_one(const close& c, const state& s) {
  if (s.closed) return result::nothing();
  return event{queue_closed{s.definition.id, c.reason}};
}

result decide_one(const open& c, const state& s) {
  if (!s.closed) return result::nothing();
  return event{queue_opened{s.definition.id, c.reason}};
}

result decide_one(const change_settings& c, const state& s) {
  if (auto bad = check_settings(c.patch))
    return rejection{"invalid_argument", bad->field + " " + bad->detail};
  const auto& d = s.definition;
  const auto& p = c.patch;
  const auto overflow = p.overflow.value_or(d.overflow);
  const auto overflow_queue = p.overflow_queue.value_or(d.overflow_queue);
  if (overflow == overflow_action::queue && overflow_queue.empty())
    return rejection{"invalid_argument",
                     "overflow_queue must name the queue that takes the calls (overflow = queue)"};
  if (overflow == overflow_action::queue && overflow_queue == d.id)
    return rejection{"invalid_argument", "overflow_queue must be another queue than " + name(s)};
  queue_settings_changed ev{d.id, {}, {}, {}, {}, false, {}, {}, c.reason};
  auto number = [&](const char* key, std::int64_t before, const auto& after) {
    if (after && static_cast<std::int64_t>(*after) != before) {
      ev.old_values[key] = static_cast<int>(before);
      ev.new_values[key] = static_cast<int>(*after);
    }
  };
  number("ring_timeout_ms", d.ring_timeout_ms, p.ring_timeout_ms);
  number("wrap_up_ms", d.wrap_up_ms, p.wrap_up_ms);
  number("max_wait_ms", d.max_wait_ms, p.max_wait_ms);
  number("sl_threshold_ms", sl_ms(d), p.sl_threshold_ms);
  number("max_length", d.max_length, p.max_length);
  number("max_no_answer", d.max_no_answer, p.max_no_answer);
  number("vip_priority", d.vip_priority, p.vip_priority);
  if (p.overflow && *p.overflow != d.overflow) {
    ev.old_texts["overflow"] = to_string(d.overflow);
    ev.new_texts["overflow"] = to_string(*p.overflow);
  }
  if (p.overflow_queue && *p.overflow_queue != d.overflow_queue) {
    ev.old_texts["overflow_queue"] = d.overflow_queue;
    ev.new_texts["overflow_queue"] = *p.overflow_queue;
  }
  if (p.skills && skill_map(*p.skills) != skill_map(d.skills)) {
    ev.skills_changed = true;
    ev.old_skills = skill_map(d.skills);
    ev.new_skills = skill_map(*p.skills);
  }
  if (ev.new_values.empty() && ev.new_texts.empty() && !ev.skills_changed) return result::nothing();
  return event{std::move(ev)};
}

} // namespace

queue_definition apply_settings(queue_definition d, const queue_settings_changed& e) {
  for (const auto& [key, v] : e.new_values) {
    if (key == "ring_timeout_ms")
      d.ring_timeout_ms = v;
    else if (key == "wrap_up_ms")
      d.wrap_up_ms = v;
    else if (key == "max_wait_ms")
      d.max_wait_ms = v;
    else if (key == "sl_threshold_ms")
      d.sl_threshold_s = v / 1000.0;
    else if (key == "max_length")
      d.max_length = v;
    else if (key == "max_no_answer")
      d.max_no_answer = v;
    else if (key == "vip_priority")
      d.vip_priority = v;
    // an unknown key (a newer node's parameter) is left to that node
  }
  for (const auto& [key, v] : e.new_texts) {
    if (key == "overflow") {
      overflow_action a;
      if (parse_overflow_action(v, a)) d.overflow = a;
    } else if (key == "overflow_queue") {
      d.overflow_queue = v;
    }
  }
  if (e.skills_changed) {
    d.skills.clear();
    for (const auto& [skill, level] : e.new_skills)
      d.skills.push_back({skill, level});
  }
  return d;
}

std::optional<settings_problem> check_settings(const settings_patch& p) {
  // Durations arrive in whole seconds through the API; bounds are in seconds.
  auto secs = [](const char* f, const std::optional<std::int64_t>& ms, std::int64_t lo,
                 std::int64_t hi) -> std::optional<settings_problem> {
    if (!ms) return std::nullopt;
    if (*ms % s_ms != 0 || !(*ms >= lo * s_ms && *ms <= hi * s_ms))
      return out_of(f, *ms / s_ms, lo, hi, " s");
    return std::nullopt;
  };
  if (auto bad = secs("ring_timeout_s", p.ring_timeout_ms, 1, 600)) return bad;
  if (auto bad = secs("wrap_up_s", p.wrap_up_ms, 0, 3600)) return bad;
  if (auto bad = secs("max_wait_s", p.max_wait_ms, 0, 86400)) return bad;
  if (auto bad = secs("service_level_s", p.sl_threshold_ms, 1, 86400)) return bad;
  if (p.max_length)
    if (auto bad = out_of("max_length", *p.max_length, 0, 1'000'000, "")) return bad;
  if (p.max_no_answer)
    if (auto bad = out_of("max_no_answer", *p.max_no_answer, 0, 100, "")) return bad;
  if (p.vip_priority)
    if (auto bad = out_of("vip_priority", *p.vip_priority, -1'000'000, 1'000'000, "")) return bad;
  if (p.overflow && std::string_view{to_string(*p.overflow)} == "?")
    return settings_problem{"overflow", "must be one of: none, queue, voicemail, callback"};
  if (p.overflow_queue && p.overflow_queue->size() > 64)
    return settings_problem{"overflow_queue", "must be a queue id of at most 64 characters"};
  if (p.skills) {
    if (p.skills->size() > 32)
      return settings_problem{"skills",
                              "at most 32 skills (got " + std::to_string(p.skills->size()) + ")"};
    std::vector<std::string> seen;
    for (const auto& r : *p.skills) {
      if (!skill_name_ok(r.skill))
        return settings_problem{
            "skills", "skill '" + r.skill + "': names are 1..64 letters, digits, '_', '-' or '.'"};
      if (r.min_level < 1 || r.min_level > 100)
        return settings_problem{"skills", "skill '" + r.skill + "': minimum level " +
                                              std::to_string(r.min_level) +
                                              " is not within 1..100"};
      if (std::find(seen.begin(), seen.end(), r.skill) != seen.end())
        return settings_problem{"skills", "skill '" + r.skill + "' is listed twice"};
      seen.push_back(r.skill);
    }
  }
  return std::nullopt;
}

std::string stream_name(const std::string& queue_id) {
  return "queue-" + queue_id;
}

state initial_state(queue_definition definition) {
  state s;
  s.definition = std::move(definition);
  return s;
}

outcome<event> decide(const command& cmd, const state& s) {
  // One decide_one overload per command type: a new command without one does not compile.
  return std::visit([&](const auto& c) -> result { return decide_one(c, s); }, cmd);
}

state evolve(state s, const event& e, std::int64_t at_ns) {
  std::visit(
      [&](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<E, queue_call_joined>) {
          std::erase_if(s.waiting, [&](const entry& w) { return w.call_id == ev.call_id; });
          place(s.waiting, entry{ev.call_id, ev.priority, ev.sequence, ev.customer_id,
                                 ev.preferred_agent, ev.preferred_until_ns, at_ns, ev.skills});
          s.next_sequence = std::max(s.next_sequence, ev.sequence + 1);
        } else if constexpr (std::is_same_v<E, queue_call_priority_changed>) {
          auto it = std::find_if(s.waiting.begin(), s.waiting.end(),
                                 [&](const entry& w) { return w.call_id == ev.call_id; });
          if (it == s.waiting.end()) return;
          entry moved = std::move(*it);
          s.waiting.erase(it);
          moved.priority = ev.priority; // the sequence stays: the call keeps its place
          place(s.waiting, std::move(moved));
        } else if constexpr (std::is_same_v<E, queue_closed>) {
          s.closed = true;
          s.closed_reason = ev.reason;
        } else if constexpr (std::is_same_v<E, queue_opened>) {
          s.closed = false;
          s.closed_reason.clear();
        } else if constexpr (std::is_same_v<E, queue_settings_changed>) {
          s.definition = apply_settings(std::move(s.definition), ev);
        } else {
          std::erase_if(s.waiting, [&](const entry& w) { return w.call_id == ev.call_id; });
        }
      },
      e);
  return s;
}

int position(const state& s, const std::string& call_id) noexcept {
  for (std::size_t i = 0; i < s.waiting.size(); ++i)
    if (s.waiting[i].call_id == call_id) return static_cast<int>(i) + 1;
  return 0;
}

const entry* find(const state& s, const std::string& call_id) noexcept {
  auto it = std::find_if(s.waiting.begin(), s.waiting.end(),
                         [&](const entry& w) { return w.call_id == call_id; });
  return it == s.waiting.end() ? nullptr : &*it;
}

bool is_empty(empty_rule rule, const availability& members) noexcept {
  switch (rule) {
  case empty_rule::never:
    return false;
  case empty_rule::no_members:
    return members.logged_in == 0;
  case empty_rule::no_available:
    return members.unpaused == 0;
  }
  return false;
}

std::vector<std::string> calls_to_eject(const state& s, const availability& members) {
  std::vector<std::string> out;
  if (!is_empty(s.definition.leave_empty, members)) return out;
  for (const auto& w : s.waiting)
    out.push_back(w.call_id);
  return out;
}

std::vector<std::string> calls_past_max_wait(const state& s, std::int64_t now_ns) {
  std::vector<std::string> out;
  if (s.definition.max_wait_ms <= 0) return out;
  for (const auto& w : s.waiting)
    if ((now_ns - w.joined_at_ns) / 1'000'000 >= s.definition.max_wait_ms) out.push_back(w.call_id);
  return out;
}

} // namespace hotline::events::acd::queue
