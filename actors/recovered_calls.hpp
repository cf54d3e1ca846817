#pragma once
/// The calls of a previous run that have their actor back after a node
/// restart (actors/acd.hpp: start_acd). One call may be found by several
/// entities: the queue that lists it, the agent that has it on the desk,
/// the trunk channel it seized (the old process stopped between their
/// appends). It must get exactly one actor, or two actors would append to
/// one stream. start_acd sends the queues their `recover` first, so a call
/// in a queue normally comes back knowing that queue.
///
/// Thread safety: every member may be called from any thread. The map only
/// grows during a run; it holds the calls found at start, not the new ones.
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include <caf/all.hpp>

namespace hotline::actors {

class recovered_calls {
public:
  /// The actor of `call_id`: the one spawned before, or `spawn()`'s.
  caf::actor get_or_spawn(const std::string& call_id, const std::function<caf::actor()>& spawn) {
    std::lock_guard lock{mu_};
    auto [it, fresh] = actors_.try_emplace(call_id);
    if (fresh) it->second = spawn();
    return it->second;
  }

  /// Whether `call_id` got its actor back (tests).
  bool contains(const std::string& call_id) const {
    std::lock_guard lock{mu_};
    return actors_.count(call_id) > 0;
  }

private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, caf::actor> actors_;
};

} // namespace hotline::actors
