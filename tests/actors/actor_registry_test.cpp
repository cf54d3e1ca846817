// The registry of call and agent actors (actors/actor_registry.hpp): stopping
// the root stops every registered actor, and an actor that registers only
// after the root went down (spawned but not yet run: a node stopped during
// its start-up) is stopped as it registers instead of living on.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <thread>

#include <caf/all.hpp>

#include "actors/actor_registry.hpp"

namespace {

using namespace std::chrono_literals;

struct registry_config : caf::actor_system_config {
  registry_config() {
    set("scheduler.max-threads", 2);
    set("logger.console-verbosity", caf::atom("quiet"));
  }
};

/// An actor that registers as a call or agent actor does, on its first run.
caf::behavior tracked(caf::event_based_actor* self,
                      std::shared_ptr<hotline::actors::actor_registry> reg, caf::actor root) {
  reg->track(self, root, reg);
  return {[](caf::get_atom) {}};
}

caf::actor spawn_root(caf::actor_system& sys,
                      const std::shared_ptr<hotline::actors::actor_registry>& reg) {
  return sys.spawn([reg](caf::event_based_actor* self) -> caf::behavior {
    self->attach_functor([reg](const caf::error& reason) { reg->stop_all(reason); });
    return {[](caf::get_atom) {}};
  });
}

/// Waits until `who` is down; false if it still runs after `limit`.
bool down_within(caf::scoped_actor& self, const caf::actor& who, std::chrono::seconds limit) {
  self->monitor(who);
  bool down = false;
  self->receive([&](const caf::down_msg&) { down = true; }, caf::after(limit) >> [] {});
  return down;
}

/// Waits until the registry is empty (the actors' attachables run as they
/// terminate, not necessarily before their down messages).
bool empties_within(const hotline::actors::actor_registry& reg, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (reg.size() != 0 && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(1ms);
  return reg.size() == 0;
}

} // namespace

TEST_CASE("actor registry: stopping the root stops the actors registered before") {
  registry_config cfg;
  caf::actor_system sys{cfg};
  auto reg = std::make_shared<hotline::actors::actor_registry>();
  auto root = spawn_root(sys, reg);
  auto a = sys.spawn(tracked, reg, root);
  caf::scoped_actor self{sys};
  // It has run (and registered) once it answers.
  self->request(a, 10s, caf::get_atom::value)
      .receive([] {}, [](caf::error&) { FAIL("no answer"); });
  CHECK(reg->size() == 1);
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  CHECK(down_within(self, a, 10s));
  CHECK(empties_within(*reg, 10s));
}

TEST_CASE("actor registry: an actor that first runs after the root went down is stopped") {
  registry_config cfg;
  caf::actor_system sys{cfg};
  auto reg = std::make_shared<hotline::actors::actor_registry>();
  auto root = spawn_root(sys, reg);
  caf::scoped_actor self{sys};
  self->monitor(root);
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {}, caf::after(10s) >> [] { FAIL("root did not stop"); });
  // Spawned lazily: it runs (and registers) on its first message, after the stop.
  auto late = sys.spawn<caf::lazy_init>(tracked, reg, root);
  caf::anon_send(late, caf::get_atom::value);
  CHECK(down_within(self, late, 10s));
  CHECK(empties_within(*reg, 10s));
}

TEST_CASE("actor registry: a normal exit of the root stops nobody, as with a link") {
  registry_config cfg;
  caf::actor_system sys{cfg};
  auto reg = std::make_shared<hotline::actors::actor_registry>();
  reg->stop_all(caf::error{});
  auto root = spawn_root(sys, reg);
  auto a = sys.spawn<caf::lazy_init>(tracked, reg, root);
  caf::scoped_actor self{sys};
  bool answered = false;
  self->request(a, 10s, caf::get_atom::value).receive([&] { answered = true; }, [](caf::error&) {});
  CHECK(answered);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
}
