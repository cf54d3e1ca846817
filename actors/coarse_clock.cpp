#include "actors/coarse_clock.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <pthread.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/config_value.hpp>
#include <caf/detail/thread_safe_actor_clock.hpp>
#include <caf/policy/work_sharing.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/coordinator.hpp>

namespace hotline::actors {

namespace {

/// Derives from CAF's thread-safe clock only because the coordinator's
/// `clock()` returns that type; none of its own machinery is used.
class coarse_actor_clock final : public caf::detail::thread_safe_actor_clock {
public:
  using simple = caf::detail::simple_actor_clock;
  static constexpr std::chrono::milliseconds tick{2};
  /// Queued requests that wake the thread even when none is due.
  static constexpr std::size_t max_pending = 4096;

  void set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                            std::uint64_t id) override {
    push(t, [t, p = caf::strong_actor_ptr{self->ctrl()}, type, id](coarse_actor_clock& c) {
      c.simple::set_ordinary_timeout(t, caf::actor_cast<caf::abstract_actor*>(p), type, id);
    });
  }
  void set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                         std::uint64_t id) override {
    push(t, [t, p = caf::strong_actor_ptr{self->ctrl()}, type, id](coarse_actor_clock& c) {
      c.simple::set_multi_timeout(t, caf::actor_cast<caf::abstract_actor*>(p), type, id);
    });
  }
  void set_request_timeout(time_point t, caf::abstract_actor* self, caf::message_id id) override {
    push(t, [t, p = caf::strong_actor_ptr{self->ctrl()}, id](coarse_actor_clock& c) {
      c.simple::set_request_timeout(t, caf::actor_cast<caf::abstract_actor*>(p), id);
    });
  }
  void cancel_ordinary_timeout(caf::abstract_actor* self, caf::atom_value type) override {
    push(time_point::max(), [aid = self->id(), type](coarse_actor_clock& c) {
      c.handle(ordinary_timeout_cancellation{aid, type});
    });
  }
  void cancel_request_timeout(caf::abstract_actor* self, caf::message_id id) override {
    push(time_point::max(), [aid = self->id(), id](coarse_actor_clock& c) {
      c.handle(request_timeout_cancellation{aid, id});
    });
  }
  /// CAF calls this once, when `self` terminates: its timeouts go, and so
  /// do the delayed messages to it (a terminated actor drops its mail).
  void cancel_timeouts(caf::abstract_actor* self) override {
    push(time_point::max(), [aid = self->id()](coarse_actor_clock& c) {
      c.handle(timeouts_cancellation{aid});
      c.drop_delayed(aid);
    });
  }
  void schedule_message(time_point t, caf::strong_actor_ptr receiver,
                        caf::mailbox_element_ptr content) override {
    push(t, [t, r = std::move(receiver), m = std::move(content)](coarse_actor_clock& c) mutable {
      c.add_delayed(t, std::move(r), std::move(m));
    });
  }
  void schedule_message(time_point t, caf::group target, caf::strong_actor_ptr sender,
                        caf::message content) override {
    push(t, [t, g = std::move(target), s = std::move(sender),
             m = std::move(content)](coarse_actor_clock& c) mutable {
      c.simple::schedule_message(t, std::move(g), std::move(s), std::move(m));
    });
  }
  void cancel_all() override {
    push(time_point::max(), [](coarse_actor_clock& c) { c.simple::cancel_all(); });
  }

  /// The clock's thread: applies queued requests and fires due timers
  /// until stop().
  void run() {
    pthread_setname_np(pthread_self(), "hotline.clock");
    std::vector<std::unique_ptr<request>> batch;
    std::unique_lock lock{mu_};
    while (!stopping_) {
      if (!pending_.empty()) {
        batch.swap(pending_);
        wake_at_ = time_point::min(); // awake: pushers need not wake us
        lock.unlock();
        for (auto& r : batch)
          r->apply(*this);
        batch.clear(); // may end actors, which queue their cancellations
        fire_due();
        lock.lock();
        continue;
      }
      auto next = schedule_.empty() ? time_point::max() : on_tick(schedule_.begin()->first);
      if (!delayed_.empty()) next = std::min(next, on_tick(delayed_.begin()->first));
      if (next <= now()) {
        wake_at_ = time_point::min();
        lock.unlock();
        fire_due();
        lock.lock();
        continue;
      }
      wake_at_ = next;
      if (next == time_point::max())
        cv_.wait(lock);
      else
        cv_.wait_until(lock, next);
    }
  }

  /// Ends run() and drops every timer and delayed message (which may end
  /// actors; their requests are dropped too).
  void stop() {
    {
      std::lock_guard lock{mu_};
      stopping_ = true;
    }
    cv_.notify_all();
  }

  /// After run() returned: releases what is scheduled or queued.
  void drain() {
    for (;;) {
      std::vector<std::unique_ptr<request>> batch;
      {
        std::lock_guard lock{mu_};
        batch.swap(pending_);
      }
      schedule_map schedule;
      schedule.swap(schedule_);
      actor_lookup_.clear();
      delayed_map delayed;
      delayed.swap(delayed_);
      delayed_by_actor_.clear();
      if (batch.empty() && schedule.empty() && delayed.empty()) return;
    } // destroyed here, outside the lock: ending actors queue requests
  }

private:
  /// Delayed messages (`delayed_send`) are kept here rather than in CAF's
  /// schedule, indexed by receiver, so that a receiver that terminates
  /// drops them at once. In CAF's schedule each held its receiver until due:
  /// every call of `bench route` left a 600 s ring timer behind, and with
  /// it the ended call actor's memory.
  struct delayed_message {
    caf::strong_actor_ptr receiver;
    caf::mailbox_element_ptr content;
  };
  using delayed_map = std::multimap<time_point, delayed_message>;

  void add_delayed(time_point t, caf::strong_actor_ptr receiver, caf::mailbox_element_ptr content) {
    if (!receiver) return;
    const auto aid = receiver->id();
    auto it = delayed_.emplace(t, delayed_message{std::move(receiver), std::move(content)});
    delayed_by_actor_.emplace(aid, it);
  }

  void drop_delayed(caf::actor_id aid) {
    auto [first, last] = delayed_by_actor_.equal_range(aid);
    if (first == last) return;
    std::vector<delayed_message> dropped; // released after the maps are consistent: may end actors
    for (auto i = first; i != last; ++i) {
      dropped.push_back(std::move(i->second->second));
      delayed_.erase(i->second);
    }
    delayed_by_actor_.erase(first, last);
  }

  /// Fires CAF's due timeouts, then the due delayed messages, in time order.
  void fire_due() {
    trigger_expired_timeouts();
    const auto t = now();
    while (!delayed_.empty() && delayed_.begin()->first <= t) {
      auto it = delayed_.begin();
      auto [first, last] = delayed_by_actor_.equal_range(it->second.receiver->id());
      for (auto i = first; i != last; ++i)
        if (i->second == it) {
          delayed_by_actor_.erase(i);
          break;
        }
      auto msg = std::move(it->second);
      delayed_.erase(it);
      msg.receiver->enqueue(std::move(msg.content), nullptr);
    }
  }

  delayed_map delayed_; ///< clock thread only
  std::unordered_multimap<caf::actor_id, delayed_map::iterator>
      delayed_by_actor_; ///< clock thread only

  struct request {
    virtual ~request() = default;
    virtual void apply(coarse_actor_clock& c) = 0;
  };
  template <class F> struct request_of final : request {
    F f;
    explicit request_of(F x) : f(std::move(x)) {}
    void apply(coarse_actor_clock& c) override { f(c); }
  };

  static time_point on_tick(time_point t) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
    const std::chrono::nanoseconds step{tick};
    return time_point{std::chrono::duration_cast<time_point::duration>(
        (ns + step - std::chrono::nanoseconds{1}) / step * step)};
  }

  template <class F> void push(time_point due, F f) {
    auto r = std::make_unique<request_of<F>>(std::move(f));
    bool wake = false;
    {
      std::lock_guard lock{mu_};
      if (stopping_) return; // `r` is released after the lock
      pending_.push_back(std::move(r));
      const auto at = due == time_point::max() ? due : on_tick(due);
      if (at < wake_at_ || (pending_.size() >= max_pending && wake_at_ != time_point::min())) {
        wake_at_ = time_point::min();
        wake = true;
      }
    }
    if (wake) cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<request>> pending_; ///< guarded by mu_
  /// When the thread will look at `pending_` next (guarded by mu_): min()
  /// while it is awake.
  time_point wake_at_ = time_point::min();
  bool stopping_ = false;
};

template <class Policy>
class coarse_coordinator final : public caf::scheduler::coordinator<Policy> {
public:
  using super = caf::scheduler::coordinator<Policy>;
  explicit coarse_coordinator(caf::actor_system& sys) : super(sys) {}

  caf::detail::thread_safe_actor_clock& clock() noexcept override { return clock_; }

protected:
  void start() override {
    thread_ = std::thread{[this] { clock_.run(); }};
    super::start();
  }
  void stop() override {
    super::stop();
    clock_.stop();
    thread_.join();
    clock_.drain();
  }

private:
  coarse_actor_clock clock_;
  std::thread thread_;
};

} // namespace

void install_coarse_clock(caf::actor_system_config& cfg) {
  const auto policy = caf::get_or(cfg, "scheduler.policy", caf::atom("stealing"));
  if (policy == caf::atom("testing")) return;
  cfg.module_factories.push_back([](caf::actor_system& sys) -> caf::actor_system::module* {
    const auto p = caf::get_or(sys.config(), "scheduler.policy", caf::atom("stealing"));
    if (p == caf::atom("sharing")) return new coarse_coordinator<caf::policy::work_sharing>(sys);
    return new coarse_coordinator<caf::policy::work_stealing>(sys);
  });
}

} // namespace hotline::actors
