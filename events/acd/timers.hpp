#pragma once
/// When something must happen to a waiting call without anyone asking: the
/// deadlines an actor schedules (on its virtual or real clock) and, when
/// one fires, turns into the command named here. Recompute after every
/// event of the call or its queue entry; stale timers are harmless because
/// the commands they trigger are no-ops once overtaken (ring_timeout after
/// an answer, widen of an applied step...).
#include <cstdint>
#include <string>
#include <vector>

#include "events/acd/call.hpp"
#include "events/acd/queue.hpp"
#include "events/center.hpp"

namespace hotline::events::acd {

enum class timer_kind : std::uint8_t {
  ring_timeout, ///< -> agent::ring_timeout + call::end_offer{no_answer} for `agent_id`
  widen,        ///< -> call::widen for `step` (widening.hpp)
  max_wait,     ///< -> call::overflow{queue.overflow, reason "max_wait"}
  announce,     ///< -> call::announce with the position and EWT at that time
};
const char* to_string(timer_kind k) noexcept;

struct timer {
  timer_kind kind = timer_kind::ring_timeout;
  std::int64_t at_ns = 0;
  std::string agent_id; ///< ring_timeout
  int step = -1;        ///< widen
};

/// The deadlines of call `c` waiting as `entry` in queue `q`, earliest
/// first. Empty when the call is not waiting on the line (connected, ended,
/// call back pending...). Widening and max wait count from the queue join
/// (`entry.joined_at_ns`), like routing does.
std::vector<timer> call_timers(const call::state& c, const queue::entry& entry,
                               const queue_definition& q);

} // namespace hotline::events::acd
