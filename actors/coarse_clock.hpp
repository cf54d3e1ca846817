#pragma once
/// A CAF scheduler whose timer clock wakes its thread only when it must.
///
/// Why: CAF 0.17's clock (`thread_safe_actor_clock`) wakes its thread for
/// every timer set and every timer cancelled, and every actor that
/// terminates cancels its timers. On the wall clock each call of the ACD
/// arms two or three `delayed_send`s and ends an actor, so the clock thread
/// was woken ~15,000 times a second in `bench route`: futex wake-ups,
/// reschedule interrupts and context switches, about a tenth of the CPU.
///
/// The coarse clock keeps CAF's schedule (it is a `simple_actor_clock`
/// underneath, run by one thread of its own) and changes only when that
/// thread looks at it:
///  - a request (set a timer, send later, cancel) is queued; the thread is
///    woken only if the request is due before the thread would wake anyway,
///    or if many requests are queued;
///  - the thread wakes at due times rounded up to a `tick` (2 ms): timers
///    due in the same tick fire together, at most one tick late.
/// Requests are applied in the order they were queued, and always before
/// the timers due at the same wake-up fire, as in CAF's clock.
///
/// `install_coarse_clock(cfg)` makes an actor system built from `cfg` use
/// it, with the work-stealing or work-sharing scheduler that
/// `scheduler.policy` names. The deterministic test scheduler (`testing`)
/// is left alone: simulations keep their virtual clock.
///
/// Thread safety: the clock is called from any thread.
namespace caf {
class actor_system_config;
}

namespace hotline::actors {

/// Adds the coarse-clock scheduler to `cfg` (before the actor system is
/// made from it), unless `scheduler.policy` is `testing`.
void install_coarse_clock(caf::actor_system_config& cfg);

} // namespace hotline::actors
