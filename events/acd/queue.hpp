#pragma once
/// The queue aggregate, stream `queue-<id>`: the waiting list itself (F8,
/// F9), so that a restarted node rebuilds every waiting call with its place.
///
/// Order: priority descending, then the join sequence ascending (FIFO
/// within a priority). The sequence is given once, on joining; changing a
/// call's priority keeps it, so a call raised to VIP goes ahead of every
/// lower-priority call and behind the VIP calls that joined before it did.
///
/// Joining is refused with "queue_closed" while an administrator has the
/// service closed (waiting calls stay), with "queue_full" when `max_length` calls wait (a
/// callback keeps its place and counts), and with "queue_empty" when the
/// queue's `join_empty` rule holds for the availability summary carried by
/// the command. The waiting list holds callers on the line and call backs
/// alike; whether an entry is a call back is the call aggregate's business.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "events/center.hpp"
#include "events/outcome.hpp"
#include "events/queue_events.hpp"

namespace hotline::events::acd::queue {

/// `queue-<id>`
std::string stream_name(const std::string& queue_id);

struct entry {
  std::string call_id;
  std::int32_t priority = 0;
  std::uint64_t sequence = 0; ///< join order; never changes while waiting
  std::string customer_id;
  std::string preferred_agent;         ///< wait for this agent only ...
  std::int64_t preferred_until_ns = 0; ///< ... until then (see routing.hpp)
  std::int64_t joined_at_ns = 0;
  /// Skills asked of the agent for this call only, besides the queue's
  /// (skill -> minimum level; routing.hpp: match_queue). Empty for most calls.
  std::map<std::string, int> skills;

  bool operator==(const entry&) const = default;
};

struct state {
  queue_definition definition; ///< configuration, not history: may be replaced on reload
  std::vector<entry> waiting;  ///< in service order (priority desc, sequence asc)
  std::uint64_t next_sequence = 1;
  bool closed = false;       ///< closed at runtime: joining is refused ("queue_closed")
  std::string closed_reason; ///< why, as the administrator said it

  bool operator==(const state&) const = default;
};

/// Members of the queue as routing sees them (candidate.hpp: summarize).
struct availability {
  int logged_in = 0; ///< eligible agents logged in
  int unpaused = 0;  ///< of those, not paused (ready, busy or in wrap-up)
};

struct join {
  std::string call_id;
  std::int32_t priority = 0;
  std::string customer_id;
  std::string preferred_agent;
  std::int64_t preferred_until_ns = 0; ///< typically now + definition.preferred_agent_ms
  availability members;                ///< for the join_empty rule
  std::int64_t now_ns = 0;
  /// Skills asked of the agent for this call only, besides the queue's:
  /// skill -> minimum level (names as agents' skills, levels 1..100, at
  /// most 32; else "invalid_argument"). Recorded in queue.call_joined, so
  /// the entry keeps them across a restart. Widening relaxes the queue's
  /// own requirements only, never these.
  std::map<std::string, int> skills;
};
struct leave {
  std::string call_id;
  std::string reason; ///< connected | abandoned | overflowed | transferred | callback_done | ended
  std::int64_t now_ns = 0;
};
struct change_priority {
  std::string call_id;
  std::int32_t priority = 0;
  std::int64_t now_ns = 0;
};

/// Runtime configuration (issue 21): an administrator closes or opens the
/// service. Closing again, or opening an open queue, changes nothing.
struct close {
  std::string reason;
  std::int64_t now_ns = 0;
};
struct open {
  std::string reason;
  std::int64_t now_ns = 0;
};

/// Runtime configuration (issue 21): the queue's business parameters an
/// administrator may change; each one present is changed, the others stay.
/// Bounds (check_settings names the field as the API spells it):
struct settings_patch {
  std::optional<std::int64_t> ring_timeout_ms; ///< `ring_timeout_s`: 1..600 s
  std::optional<std::int64_t> wrap_up_ms;      ///< `wrap_up_s`: 0..3,600 s
  std::optional<std::int64_t> max_wait_ms;     ///< `max_wait_s`: 0 (unlimited)..86,400 s
  std::optional<std::int64_t> sl_threshold_ms; ///< `service_level_s`: 1..86,400 s
  std::optional<int> max_length;               ///< `max_length`: 0 (unlimited)..1,000,000
  std::optional<int> max_no_answer;            ///< `max_no_answer`: 0 (never)..100
  std::optional<int> vip_priority;             ///< `vip_priority`: -1,000,000..1,000,000
  std::optional<overflow_action> overflow;     ///< `overflow`
  std::optional<std::string>
      overflow_queue; ///< `overflow_queue` ("" none; existence: the caller's)
  /// `skills` (all required): names as agents' skills, minimum levels
  /// 1..100, at most 32.
  std::optional<std::vector<skill_requirement>> skills;

  bool operator==(const settings_patch&) const = default;
};

/// `d` with the new values of `e` (what evolve does to the state's definition).
queue_definition apply_settings(queue_definition d, const queue_settings_changed& e);

/// One problem of a patch: the API's field name and what it must be.
struct settings_problem {
  std::string field;
  std::string detail;
};
/// The first out-of-bounds field of `p`, or nothing.
std::optional<settings_problem> check_settings(const settings_patch& p);

/// Changes the parameters present in `patch` (check_settings; overflow
/// "queue" also needs an overflow queue other than this one). Recorded as
/// one queue.settings_changed with the old and new value of each parameter
/// that changed; nothing when none did.
struct change_settings {
  settings_patch patch;
  std::string reason;
  std::int64_t now_ns = 0;
};

using command = std::variant<join, leave, change_priority, close, open, change_settings>;
using event = std::variant<queue_call_joined, queue_call_priority_changed, queue_call_left,
                           queue_closed, queue_opened, queue_settings_changed>;

state initial_state(queue_definition definition);

/// Rejection codes: "already_queued", "queue_closed", "queue_full", "queue_empty",
/// "not_queued", "invalid_argument" (also a settings field: the detail
/// starts with the field's API name).
outcome<event> decide(const command& cmd, const state& s);

/// `at_ns` is the event's envelope time (event_meta::timestamp_ns).
state evolve(state s, const event& e, std::int64_t at_ns);

/// A queue lives as long as its definition: never terminal.
inline bool is_terminal(const state&) noexcept {
  return false;
}

/// 1-based place of `call_id` in service order; 0 when it is not waiting.
int position(const state& s, const std::string& call_id) noexcept;
const entry* find(const state& s, const std::string& call_id) noexcept;
/// The waiting calls in service order.
inline const std::vector<entry>& in_order(const state& s) noexcept {
  return s.waiting;
}

/// Whether `rule` counts the queue as empty given `members`.
bool is_empty(empty_rule rule, const availability& members) noexcept;
/// The calls to overflow because the queue became empty under its
/// `leave_empty` rule (all of them, in order), or none.
std::vector<std::string> calls_to_eject(const state& s, const availability& members);
/// The waiting calls whose wait exceeds `max_wait_ms` at `now_ns`, in order.
std::vector<std::string> calls_past_max_wait(const state& s, std::int64_t now_ns);

} // namespace hotline::events::acd::queue
