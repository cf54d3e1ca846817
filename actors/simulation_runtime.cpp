#include "actors/simulation_runtime.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

namespace hotline::actors {

namespace {

using stop_atom = caf::atom_constant<caf::atom("simstop")>;

} // namespace

namespace detail {
struct sim_config : caf::actor_system_config {
  sim_config() {
    set("scheduler.policy", caf::atom("testing"));
    set("logger.file-verbosity", caf::atom("quiet"));
    set("logger.console-verbosity", caf::atom("quiet"));
  }
};
} // namespace detail

struct simulation_runtime::impl {
  std::int64_t epoch_ns;
  detail::sim_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched =
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::detail::test_actor_clock::time_point start = sched.clock().now();
  bool stop_reached = false;
  caf::actor sentinel;

  explicit impl(std::int64_t epoch) : epoch_ns(epoch) {
    sentinel = sys.spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {[this](stop_atom) { stop_reached = true; }};
    });
  }

  std::int64_t now() const {
    auto d = sched.clock().now() - start;
    return epoch_ns + std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  }
};

simulation_runtime::simulation_runtime(std::int64_t epoch_ns)
    : impl_(std::make_unique<impl>(epoch_ns)) {}

simulation_runtime::~simulation_runtime() {
  impl_->sched.run();
  caf::anon_send_exit(impl_->sentinel, caf::exit_reason::user_shutdown);
  impl_->sched.run();
}

caf::actor_system& simulation_runtime::system() {
  return impl_->sys;
}

std::int64_t simulation_runtime::now_ns() const {
  return impl_->now();
}

std::uint64_t simulation_runtime::run_pending() {
  return impl_->sched.run();
}

std::uint64_t simulation_runtime::run_until(std::int64_t until_ns) {
  auto& s = *impl_;
  std::uint64_t processed = s.sched.run();
  if (until_ns <= s.now()) return processed;
  // A sentinel timer at `until_ns` bounds the loop: timers fire in time
  // order, so once it has fired every earlier timer has too.
  s.stop_reached = false;
  caf::delayed_anon_send(s.sentinel, std::chrono::nanoseconds(until_ns - s.now()),
                         stop_atom::value);
  while (!s.stop_reached) {
    if (!s.sched.clock().trigger_timeout()) break;
    processed += s.sched.run();
  }
  return processed;
}

} // namespace hotline::actors
