#pragma once
/// Widening (F7, F9): the longer a call waits, the less picky the queue
/// becomes about who answers it — like Asterisk's penalty rules, FreeSWITCH
/// tier rules or "bullseye" routing. queue_definition::widening lists steps
/// in order of `after_ms`; every step whose `after_ms` has passed applies,
/// cumulatively: min levels drop by the sum of the applied deltas (never
/// below 1) and the added queues are the union of the applied steps'.
/// Widening relaxes the queue's own requirements only: the skills a call
/// brought of its own (an IVR flow's queue node; routing.hpp:
/// with_call_skills) are added afterwards at their full levels, however
/// long the call waits.
#include <cstdint>
#include <string>
#include <vector>

#include "events/center.hpp"

namespace hotline::events::acd {

/// Who may answer a waiting call: every skill at its (effective) min level,
/// and membership of one of `queues`.
struct requirements {
  std::vector<skill_requirement> skills;
  std::vector<std::string> queues; ///< the queue itself first, then added queues
  int step = -1;                   ///< index of the last widening step applied (-1: none)
};

/// The queue's own requirements, before any widening.
requirements base_requirements(const queue_definition& q);

/// The requirements for a call that has waited `waited_ms` in `q`.
requirements effective_requirements(const queue_definition& q, std::int64_t waited_ms);

/// When each step is due: the call's wait timers (call_rules.hpp:
/// wait_timers); each due step becomes a call::widen command (and a
/// call.widened event) so the history shows when a call was widened.

} // namespace hotline::events::acd
