#pragma once
/// Where a node's agent actors live: agent id -> actor, with passivation.
///
/// An agent who is logged out and has nothing on the desk for the site's
/// `passivate_idle_s` lets its actor go (the stream keeps everything); the
/// next `get` recovers it from its stream. A center of 10,000 agents with a
/// third of them off shift keeps only the others in memory.
///
/// The race that matters: a sender looked the agent up, the agent
/// passivated, the message lands in a dead mailbox. `try_passivate`
/// therefore succeeds only if nobody looked the agent up since it armed its
/// idle timer (`arm`), its mailbox is empty and all its appends are
/// committed; lookups and passivation are serialised by the entry's lock
/// stripe. Holding a handle across an idle period is not allowed: senders
/// look an agent up for each message (calls keep their agent's handle only
/// while the agent has the call on its desk, when it cannot passivate).
///
/// Thread safety: every member may be called from any thread.
#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

namespace hotline::actors {

class agent_directory {
public:
  /// Spawns (recovering from its stream) the actor of an agent that has none.
  using spawn_fn = std::function<caf::actor(const std::string& id)>;

  agent_directory() = default;
  agent_directory(const agent_directory&) = delete;
  agent_directory& operator=(const agent_directory&) = delete;

  /// Before any lookup: the agents there are, and how to bring one back.
  void set_spawner(spawn_fn f) { spawn_ = std::move(f); }
  void add(const std::string& id, caf::actor a) {
    auto& st = stripe(id);
    std::lock_guard lock{st.mu};
    auto& e = st.entries[id];
    if (!e.withdrawals) {
      std::lock_guard counters_lock{counters_mu_};
      e.withdrawals = &counters_.emplace_back(0);
    }
    e.actor = std::move(a);
    ++live_;
  }

  /// The agent's actor, recovered if it was passivated; invalid if there is
  /// no such agent.
  caf::actor get(std::string_view id) const {
    auto& st = stripe(id);
    std::lock_guard lock{st.mu};
    auto it = st.entries.find(id);
    if (it == st.entries.end()) return {};
    auto& e = it->second;
    ++e.lookups;
    if (!e.actor && spawn_) {
      e.actor = spawn_(it->first);
      ++live_;
      ++recovered_;
    }
    return e.actor;
  }

  /// Like get, for an agent that must exist.
  caf::actor at(std::string_view id) const {
    auto a = get(id);
    if (!a) throw std::out_of_range("no agent '" + std::string{id} + "'");
    return a;
  }

  bool contains(std::string_view id) const {
    auto& st = stripe(id);
    std::lock_guard lock{st.mu};
    return st.entries.count(id) > 0;
  }

  std::size_t size() const {
    std::size_t n = 0;
    for (auto& st : stripes_) {
      std::lock_guard lock{st.mu};
      n += st.entries.size();
    }
    return n;
  }

  /// Every agent id, in order.
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (auto& st : stripes_) {
      std::lock_guard lock{st.mu};
      for (const auto& [id, e] : st.entries)
        out.push_back(id);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  /// The live actors (not the passivated ones).
  std::vector<caf::actor> live() const {
    std::vector<caf::actor> out;
    for (auto& st : stripes_) {
      std::lock_guard lock{st.mu};
      for (const auto& [id, e] : st.entries)
        if (e.actor) out.push_back(e.actor);
    }
    return out;
  }

  /// Called by the agent's actor as it becomes idle: lookups from now on
  /// keep it alive.
  void arm(const std::string& id) const {
    auto& st = stripe(id);
    std::lock_guard lock{st.mu};
    if (auto it = st.entries.find(id); it != st.entries.end())
      it->second.armed_at = it->second.lookups;
  }

  /// Called by the agent's actor (`self`) when its idle time is up and its
  /// appends are committed: true if it may quit now, and its entry no
  /// longer names it. `mailbox_empty` is asked under the lock.
  bool try_passivate(const std::string& id, const caf::actor_addr& self,
                     const std::function<bool()>& mailbox_empty) const {
    auto& st = stripe(id);
    std::lock_guard lock{st.mu};
    auto it = st.entries.find(id);
    if (it == st.entries.end()) return false;
    auto& e = it->second;
    if (!e.actor || e.actor.address() != self || e.lookups != e.armed_at || !mailbox_empty())
      return false;
    e.actor = caf::actor{};
    --live_;
    ++passivated_;
    return true;
  }

  /// The agent's withdrawal count: how many times it became unavailable
  /// to its queues without telling them (agent_actor.cpp's push). A queue's
  /// routing snapshot of the agent is current while this count equals the
  /// one its last snapshot came with; otherwise the agent is unavailable
  /// until its next snapshot (queue_actor.cpp). Written by the agent's actor
  /// only, read by any queue. The address lasts as long as the directory
  /// (across passivation); nullptr if there is no such agent.
  std::atomic<std::uint64_t>* withdrawals(std::string_view id) const {
    auto& st = stripe(id);
    std::lock_guard lock{st.mu};
    auto it = st.entries.find(id);
    return it == st.entries.end() ? nullptr : it->second.withdrawals;
  }

  struct counts {
    std::size_t live = 0, passivated = 0, recovered = 0;
  };
  counts stats() const { return {live_.load(), passivated_.load(), recovered_.load()}; }

private:
  struct entry {
    caf::actor actor; ///< invalid: passivated
    std::uint64_t lookups = 0;
    std::uint64_t armed_at = ~std::uint64_t{0};
    std::atomic<std::uint64_t>* withdrawals = nullptr; ///< in counters_
  };
  struct id_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  /// Hashed, not ordered: every message to an agent looks it up (a map of
  /// 10,000 agents cost ~1 % of `bench route`'s CPU in string compares).
  struct stripe_t {
    mutable std::mutex mu;
    std::unordered_map<std::string, entry, id_hash, std::equal_to<>> entries;
  };
  stripe_t& stripe(std::string_view id) const {
    return stripes_[std::hash<std::string_view>{}(id) % stripes_.size()];
  }

  spawn_fn spawn_;
  mutable std::array<stripe_t, 64> stripes_;
  /// Every agent's withdrawal count, side by side in the order agents were
  /// added (a deque: growing never moves them). A queue checks the counts
  /// of all its free members before each match; packed eight to a cache
  /// line instead of one per scattered entry, that scan stays in cache.
  std::mutex counters_mu_;
  std::deque<std::atomic<std::uint64_t>> counters_;
  mutable std::atomic<std::size_t> live_{0}, passivated_{0}, recovered_{0};
};

} // namespace hotline::actors
