#include "events/acd/widening.hpp"

#include <algorithm>

namespace hotline::events::acd {

requirements base_requirements(const queue_definition& q) {
  requirements r;
  r.skills = q.skills;
  r.queues.push_back(q.id);
  return r;
}

requirements effective_requirements(const queue_definition& q, std::int64_t waited_ms) {
  requirements r = base_requirements(q);
  int delta = 0;
  for (std::size_t i = 0; i < q.widening.size(); ++i) {
    const auto& step = q.widening[i];
    if (step.after_ms > waited_ms) continue;
    delta += step.min_level_delta;
    for (const auto& added : step.add_queues)
      if (std::find(r.queues.begin(), r.queues.end(), added) == r.queues.end())
        r.queues.push_back(added);
    r.step = static_cast<int>(i);
  }
  for (auto& s : r.skills)
    s.min_level = std::max(1, s.min_level - delta);
  return r;
}

} // namespace hotline::events::acd
