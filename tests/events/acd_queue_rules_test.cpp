// The queue's rules outside its decider (events/acd/queue_rules.hpp).
#include "acd_support.hpp"

#include "events/acd/queue_rules.hpp"

using namespace acd_test;

TEST_CASE("no_answer_hold_until: an agent who let an offer ring out is passed over for one ring "
          "timeout") {
  auto q = make_queue("sales");
  q.ring_timeout_ms = 12'000;
  CHECK(acd::no_answer_hold_until(q, t0) == t0 + 12 * sec);
  q.ring_timeout_ms = 0; // no ring timeout: no hold-back
  CHECK(acd::no_answer_hold_until(q, t0) == t0);
}

TEST_CASE("may_hold_for_remote: an agent is held for another site's caller only when no caller "
          "here waits for one") {
  CHECK(acd::may_hold_for_remote(0, 0));       // nobody waits here
  CHECK(acd::may_hold_for_remote(2, 2));       // both callers here are being offered already
  CHECK_FALSE(acd::may_hold_for_remote(3, 2)); // one waits with no offer: it goes first
}

TEST_CASE(
    "exit_for_service_level: only connected counts as answered, only abandoned as abandoned") {
  auto e = acd::exit_for_service_level(7'000, "connected");
  CHECK(e.wait_ms == 7'000);
  CHECK(e.answered);
  CHECK_FALSE(e.abandoned);
  e = acd::exit_for_service_level(3'000, "abandoned");
  CHECK_FALSE(e.answered);
  CHECK(e.abandoned);
  for (const char* other : {"overflowed", "moved", "callback", "refused"}) {
    CAPTURE(other);
    e = acd::exit_for_service_level(1'000, other);
    CHECK_FALSE(e.answered); // offered, not answered here: counts against the SL
    CHECK_FALSE(e.abandoned);
  }
}
