#include "events/acd/queue.hpp"

#include <algorithm>

namespace hotline::events::acd::queue {

namespace {

using result = outcome<event>;

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
  return event{queue_call_joined{s.definition.id, c.call_id, c.priority, s.next_sequence,
                                 c.customer_id, c.preferred_agent, c.preferred_until_ns}};
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

} // namespace

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
                                 ev.preferred_agent, ev.preferred_until_ns, at_ns});
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
