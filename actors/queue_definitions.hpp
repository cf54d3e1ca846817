#pragma once
/// The newest definition of every queue of a node, shared by the actors
/// that read a queue's business parameters (calls: wrap-up, overflow,
/// timers at joining; agents: wrap-up; queues: their own), while an
/// administrator changes them at runtime (queue.settings_changed, issue 21).
///
/// A change publishes a new version; versions are never freed while the
/// node runs, so a pointer a reader took stays valid (it reads the
/// parameters as they were: a call that joined keeps the timers it joined
/// with). A changed definition costs one copy, and changes are rare
/// administrative acts.
///
/// Thread safety: `add` only before any actor runs (start_acd); `find` and
/// `publish` from any thread.
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "events/center.hpp"

namespace hotline::actors {

class queue_definitions {
public:
  /// Queue `def.id` starts at `def` (which must outlive this and not move:
  /// the center's own).
  /// A second `add` of an id is ignored (the first definition wins, as in
  /// center_definition::find_queue).
  void add(const events::queue_definition& def);
  bool empty() const noexcept { return slots_.empty(); }
  /// The newest definition of queue `id`, or null when the node has none.
  const events::queue_definition* find(std::string_view id) const;
  /// `def` becomes the newest definition of queue `def.id` (added before);
  /// returns it, or null for an unknown queue.
  const events::queue_definition* publish(events::queue_definition def) const;

private:
  /// Keys view the ids of the definitions given to `add` (the center's own).
  /// The map's shape never changes after start_acd; its slots do.
  mutable std::unordered_map<std::string_view, std::atomic<const events::queue_definition*>> slots_;
  mutable std::mutex m_;
  mutable std::deque<events::queue_definition> versions_; ///< every published one, kept
};

} // namespace hotline::actors
