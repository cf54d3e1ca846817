// The discrete-event loop: timers fire in virtual-time order, the clock
// jumps, and nothing runs past the horizon.
#include <doctest/doctest.h>

#include <caf/all.hpp>

#include "actors/simulation_runtime.hpp"

using namespace hotline;

namespace {
using tick_atom = caf::atom_constant<caf::atom("tick")>;
}

TEST_CASE("timers fire in virtual time order and stop at the horizon") {
  const std::int64_t epoch = 1'795'392'000'000'000'000;
  actors::simulation_runtime rt{epoch};
  std::vector<std::pair<int, std::int64_t>> fired;
  auto ticker = rt.system().spawn([&](caf::event_based_actor* self) -> caf::behavior {
    for (int s : {30, 10, 20, 7200})
      self->delayed_send(self, std::chrono::seconds(s), tick_atom::value, s);
    return {[&](tick_atom, int s) { fired.emplace_back(s, rt.now_ns()); }};
  });
  rt.run_until(epoch + std::int64_t{3600} * 1'000'000'000);
  REQUIRE(fired.size() == 3);
  CHECK(fired[0].first == 10);
  CHECK(fired[1].first == 20);
  CHECK(fired[2].first == 30);
  CHECK(fired[2].second == epoch + std::int64_t{30} * 1'000'000'000);
  CHECK(rt.now_ns() == epoch + std::int64_t{3600} * 1'000'000'000);
  rt.run_until(epoch + std::int64_t{86400} * 1'000'000'000);
  REQUIRE(fired.size() == 4);
  CHECK(fired[3].second == epoch + std::int64_t{7200} * 1'000'000'000);
  caf::anon_send_exit(ticker, caf::exit_reason::user_shutdown);
}
