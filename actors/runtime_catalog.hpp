#pragma once
/// The agents and queues a node created while it runs (issue 21; the
/// configuration actor adds them: configuration_actor.hpp), beside those
/// the ACD started with.
///
/// Why a separate catalog: `acd_context`'s own indexes and handle maps are
/// read by every actor without a lock, which is safe only because nothing
/// changes them after `start_acd`. The definitions and queue actors added
/// later live here, behind a reader-writer lock; a lookup pays for that
/// lock only when something was added (`empty()` is one relaxed load), so
/// a node that creates nothing at runtime routes exactly as before.
///
/// Addresses: a definition, an entry point and a queue handle returned
/// here stay valid as long as the catalog (node-based and deque storage;
/// nothing is ever removed), so an actor may keep pointers to them as it
/// keeps pointers into `acd_context`'s maps.
///
/// Thread safety: every member may be called from any thread.
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "events/center.hpp"

namespace hotline::actors {

class runtime_catalog {
public:
  /// True while nothing was ever added.
  bool empty() const { return !any_.load(std::memory_order_acquire); }

  const events::queue_definition* find_queue(std::string_view id) const {
    if (empty()) return nullptr;
    std::shared_lock lock{mu_};
    auto it = queues_.find(id);
    return it == queues_.end() ? nullptr : it->second;
  }
  const events::agent_definition* find_agent(std::string_view id) const {
    if (empty()) return nullptr;
    std::shared_lock lock{mu_};
    auto it = agents_.find(id);
    return it == agents_.end() ? nullptr : it->second;
  }
  const events::entry_point* find_entry(std::string_view dialed) const {
    if (empty()) return nullptr;
    std::shared_lock lock{mu_};
    auto it = entries_.find(dialed);
    return it == entries_.end() ? nullptr : it->second;
  }
  /// The queue's actor; null until `set_queue_actor` (or no such queue).
  const caf::actor* queue_actor(std::string_view id) const {
    if (empty()) return nullptr;
    std::shared_lock lock{mu_};
    auto it = actors_.find(id);
    return it == actors_.end() ? nullptr : &it->second;
  }
  /// Every added queue with its actor, by id.
  std::vector<std::pair<std::string, caf::actor>> queue_actors() const {
    std::vector<std::pair<std::string, caf::actor>> out;
    if (empty()) return out;
    std::shared_lock lock{mu_};
    for (const auto& [id, a] : actors_)
      out.emplace_back(id, a);
    return out;
  }
  std::size_t queue_count() const {
    std::shared_lock lock{mu_};
    return queues_.size();
  }

  /// Keeps `q` and its entry points; the stored definition (stable address).
  /// REQUIRES: no queue `q.id` here (the configuration decider checked it).
  const events::queue_definition& add_queue(events::queue_definition q,
                                            std::vector<events::entry_point> entries) {
    std::unique_lock lock{mu_};
    auto& stored = queue_store_.emplace_back(std::move(q));
    queues_.emplace(stored.id, &stored);
    for (auto& e : entries) {
      auto& se = entry_store_.emplace_back(std::move(e));
      entries_[se.dialed] = &se;
    }
    any_.store(true, std::memory_order_release);
    return stored;
  }
  /// `def` becomes the newest definition of created queue `def.id` (its
  /// runtime settings: queue.settings_changed); returns it, or null when
  /// no queue of that id was created here. Earlier versions stay stored, so
  /// a pointer a reader took stays valid (as in queue_definitions).
  const events::queue_definition* publish_queue(events::queue_definition def) const {
    std::unique_lock lock{mu_};
    auto it = queues_.find(def.id);
    if (it == queues_.end()) return nullptr;
    auto& stored = queue_store_.emplace_back(std::move(def));
    it->second = &stored;
    return &stored;
  }
  /// The queue's actor, once spawned.
  void set_queue_actor(const std::string& id, caf::actor a) {
    std::unique_lock lock{mu_};
    actors_[id] = std::move(a);
  }
  /// Keeps `a`; the stored definition (stable address).
  const events::agent_definition& add_agent(events::agent_definition a) {
    std::unique_lock lock{mu_};
    auto& stored = agent_store_.emplace_back(std::move(a));
    agents_.emplace(stored.id, &stored);
    any_.store(true, std::memory_order_release);
    return stored;
  }

private:
  mutable std::shared_mutex mu_;
  // Mutable: publish_queue is a const member, as the queue actors hold the
  // context as const (queue_definitions does the same for the file's queues).
  mutable std::deque<events::queue_definition> queue_store_;
  std::deque<events::agent_definition> agent_store_;
  std::deque<events::entry_point> entry_store_;
  mutable std::map<std::string, const events::queue_definition*, std::less<>> queues_;
  std::map<std::string, const events::agent_definition*, std::less<>> agents_;
  std::map<std::string, const events::entry_point*, std::less<>> entries_;
  std::map<std::string, caf::actor, std::less<>> actors_;
  std::atomic<bool> any_{false};
};

} // namespace hotline::actors
