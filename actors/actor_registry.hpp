#pragma once
/// The live call and agent actors of a node, so that stopping the ACD stops
/// them too.
///
/// Why not a link to the root actor, like queues and trunks: CAF keeps an
/// actor's links in a singly linked list that it scans on every link and
/// unlink. With every call actor linked to the root, each arrival and each end
/// cost time proportional to the calls alive at that moment: a node with
/// 100,000 calls waiting spent its time walking that list. Agents the
/// same: 10,000 of them linking at start took O(n^2) (1.7 s of `bench
/// route`'s start), and a passivated agent's recovery O(agents). Here an
/// actor registers under its actor id (a hash map, O(1)) and deregisters
/// from an attachable on its own exit.
///
/// The link's two effects are kept: an actor that fails (exits with an
/// error) takes the root down with it, and when the root goes down, for
/// whatever reason, every registered actor is sent the same exit reason.
///
/// An actor initialises (and so registers) on its first scheduling, which
/// can come after the root went down: a node stopped during its start-up has
/// thousands of agents spawned but not yet run. Such a late actor is sent the
/// root's exit reason as it registers, so no actor outlives a stopped ACD.
///
/// Thread safety: every member may be called from any thread.
#include <mutex>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

namespace hotline::actors {

class actor_registry {
public:
  /// Registers `self` and arranges its deregistration when it exits.
  /// A failing actor sends its exit reason to `root` (if valid).
  /// REQUIRES: called once per actor, from inside it.
  void track(caf::local_actor* self, const caf::actor& root,
             const std::shared_ptr<actor_registry>& me) {
    auto id = self->id();
    bool late = false;
    caf::error stopped;
    {
      std::lock_guard lock{mu_};
      late = stopped_;
      if (late)
        stopped = stop_reason_;
      else
        live_.emplace(id, self->address());
    }
    if (late) {
      send_exit(caf::actor_cast<caf::actor>(self->address()), stopped);
      return;
    }
    self->attach_functor(
        [reg = std::weak_ptr<actor_registry>{me}, id, root](const caf::error& reason) {
          if (auto r = reg.lock()) r->forget(id);
          if (reason) send_exit(root, reason);
        });
  }

  /// Sends `reason` to every registered actor, and to every actor that
  /// registers from now on (as a link would: a normal exit stops nobody).
  void stop_all(const caf::error& reason) {
    std::vector<caf::actor_addr> calls;
    {
      std::lock_guard lock{mu_};
      stopped_ = true;
      stop_reason_ = reason;
      calls.reserve(live_.size());
      for (const auto& [id, addr] : live_)
        calls.push_back(addr);
    }
    for (const auto& addr : calls)
      send_exit(caf::actor_cast<caf::actor>(addr), reason);
  }

  std::size_t size() const {
    std::lock_guard lock{mu_};
    return live_.size();
  }

private:
  /// caf::anon_send_exit with any error as the reason, as a link passes it on.
  static void send_exit(const caf::actor& dest, const caf::error& reason) {
    if (dest)
      dest->enqueue(nullptr, caf::make_message_id(),
                    caf::make_message(caf::exit_msg{dest->address(), reason}), nullptr);
  }

  void forget(caf::actor_id id) {
    std::lock_guard lock{mu_};
    live_.erase(id);
  }

  mutable std::mutex mu_;
  std::unordered_map<caf::actor_id, caf::actor_addr> live_;
  bool stopped_ = false;
  caf::error stop_reason_;
};

} // namespace hotline::actors
