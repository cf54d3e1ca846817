// The coarse clock (actors/coarse_clock.hpp) on the wall clock: delayed
// messages, behaviour timeouts and request timeouts fire, never early and in
// due order; cancelled timeouts do not; an actor that terminates, or
// shutting down, releases what its pending timers held. Waits are bounded
// generously: these check what happens, not how fast.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "actors/coarse_clock.hpp"

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

struct clock_config : caf::actor_system_config {
  explicit clock_config(const char* policy = "stealing") {
    set("scheduler.max-threads", 2);
    set("scheduler.policy", caf::atom_from_string(policy));
    set("logger.console-verbosity", caf::atom("quiet"));
    hotline::actors::install_coarse_clock(*this);
  }
};

} // namespace

TEST_CASE("coarse clock: delayed messages arrive in due order, none early") {
  for (const char* policy : {"stealing", "sharing"}) {
    CAPTURE(policy);
    clock_config cfg{policy};
    caf::actor_system sys{cfg};
    caf::scoped_actor self{sys};
    const auto t0 = steady::now();
    // Sent out of order; due at 10, 40 and 80 ms.
    self->delayed_send(self, 80ms, 3);
    self->delayed_send(self, 10ms, 1);
    self->delayed_send(self, 40ms, 2);
    for (int expected = 1; expected <= 3; ++expected) {
      bool got = false;
      self->receive(
          [&](int n) {
            got = true;
            CHECK(n == expected);
            const auto due = expected == 1 ? 10ms : expected == 2 ? 40ms : 80ms;
            CHECK(steady::now() - t0 >= due);
          },
          caf::after(10s) >> [] {});
      REQUIRE(got);
    }
  }
}

TEST_CASE(
    "coarse clock: a behaviour's timeout fires after its time, and a message in time cancels it") {
  clock_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  const caf::actor reporter = self;
  auto waiter = sys.spawn([reporter](caf::event_based_actor* a) -> caf::behavior {
    return {
        [=](int n) { a->send(reporter, n); },
        caf::after(std::chrono::milliseconds(150)) >>
            [=] {
              a->send(reporter, caf::atom("timeout"));
              a->quit();
            },
    };
  });
  // Messages every 20 ms (well within the timeout) keep re-arming it: it
  // fires only 150 ms after the last one.
  auto last = steady::now();
  for (int i = 0; i < 5; ++i) {
    last = steady::now(); // the waiter re-arms its timeout after this
    self->send(waiter, i);
    bool echoed = false;
    self->receive([&](int n) { echoed = n == i; }, caf::after(10s) >> [] {});
    CHECK(echoed);
    std::this_thread::sleep_for(20ms);
  }
  bool timed_out = false;
  self->receive([&](caf::atom_value v) { timed_out = v == caf::atom("timeout"); },
                caf::after(10s) >> [] {});
  CHECK(timed_out);
  CHECK(steady::now() - last >= 150ms);
}

TEST_CASE("coarse clock: a request nobody answers ends with request_timeout") {
  clock_config cfg;
  caf::actor_system sys{cfg};
  auto silent = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](int) -> caf::result<int> { return caf::delegated<int>{}; }};
  });
  caf::scoped_actor self{sys};
  const auto t0 = steady::now();
  bool timed_out = false;
  self->request(silent, std::chrono::milliseconds(50), 1)
      .receive([&](int) {}, [&](caf::error& e) { timed_out = e == caf::sec::request_timeout; });
  CHECK(timed_out);
  CHECK(steady::now() - t0 >= 50ms);
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
}

TEST_CASE("coarse clock: an actor that terminates is released at once, not when its delayed "
          "messages are due") {
  clock_config cfg;
  caf::actor_system sys{cfg};
  std::vector<caf::actor_addr> spawned;
  for (int i = 0; i < 100; ++i) {
    auto a = sys.spawn([](caf::event_based_actor*) -> caf::behavior { return {[](int) {}}; });
    caf::delayed_anon_send(a, std::chrono::hours(1), i);
    spawned.push_back(a.address());
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
  // Without dropping them, the hour-long messages would hold their
  // receivers for an hour. The clock applies the terminations' cancellations
  // at its next wake-up: a short timer of a living actor makes one.
  caf::scoped_actor self{sys};
  auto released = [&] {
    return std::all_of(spawned.begin(), spawned.end(), [](const caf::actor_addr& a) {
      return caf::actor_cast<caf::actor>(a) == nullptr;
    });
  };
  const auto deadline = steady::now() + 10s;
  bool delivered = true;
  while (!released() && steady::now() < deadline) {
    self->delayed_send(self, 2ms, 7);
    bool got = false;
    self->receive([&](int n) { got = n == 7; }, caf::after(10s) >> [] {});
    delivered = delivered && got; // living actors still get theirs
  }
  CHECK(released());
  CHECK(delivered);
}

TEST_CASE("coarse clock: shutting down with timers pending releases the actors they hold") {
  std::vector<caf::actor_addr> spawned;
  {
    clock_config cfg;
    caf::actor_system sys{cfg};
    for (int i = 0; i < 100; ++i) {
      auto a = sys.spawn([](caf::event_based_actor*) -> caf::behavior { return {[](int) {}}; });
      caf::delayed_anon_send(a, std::chrono::hours(1), i);
      spawned.push_back(a.address());
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    }
  }
  for (auto& a : spawned)
    CHECK(caf::actor_cast<caf::actor>(a) == nullptr);
}
