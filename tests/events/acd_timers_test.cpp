// Deadlines of a waiting call (events/acd/timers.hpp).
#include "acd_support.hpp"

#include "events/acd/timers.hpp"

using namespace acd_test;
namespace cl = hotline::events::acd::call;
namespace qu = hotline::events::acd::queue;

namespace {

struct waiting_setup {
  queue_definition q = make_queue("sales");
  subject<call_ops> c{cl::initial_state("c1")};
  qu::entry entry;

  waiting_setup() {
    q.widening = {{30'000, 1, {}}, {60'000, 1, {}}};
    q.max_wait_ms = 120'000;
    q.announce_every_ms = 45'000;
    cl::arrive a;
    a.call_id = "c1";
    a.now_ns = t0;
    c.after({a, cl::enqueue{"sales", 0, 1, 0, "", t0}});
    entry.call_id = "c1";
    entry.joined_at_ns = t0;
  }

  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const auto& t : acd::call_timers(c.s, entry, q))
      out.push_back(acd::to_string(t.kind));
    return out;
  }
};

} // namespace

TEST_CASE("timers: a waiting call's deadlines, earliest first") {
  waiting_setup w;
  auto timers = acd::call_timers(w.c.s, w.entry, w.q);
  REQUIRE(timers.size() == 3);
  CHECK(timers[0].kind == acd::timer_kind::widen);
  CHECK(timers[0].step == 0);
  CHECK(timers[0].at_ns == t0 + 30 * sec);
  CHECK(timers[1].kind == acd::timer_kind::announce);
  CHECK(timers[1].at_ns == t0 + 45 * sec);
  CHECK(timers[2].kind == acd::timer_kind::max_wait);
  CHECK(timers[2].at_ns == t0 + 120 * sec);
}

TEST_CASE("timers: an offer in flight rings until its timeout") {
  waiting_setup w;
  w.c.after({cl::offer{"a1", 15'000, "", t0 + 2 * sec}});
  auto timers = acd::call_timers(w.c.s, w.entry, w.q);
  REQUIRE_FALSE(timers.empty());
  CHECK(timers[0].kind == acd::timer_kind::ring_timeout);
  CHECK(timers[0].agent_id == "a1");
  CHECK(timers[0].at_ns == t0 + 17 * sec);
}

TEST_CASE("timers: the next widening step and announcement move on once done") {
  waiting_setup w;
  w.c.after({cl::widen{0, 1, {}, t0 + 30 * sec}, cl::announce{1, 0, t0 + 45 * sec}});
  auto timers = acd::call_timers(w.c.s, w.entry, w.q);
  REQUIRE(timers.size() == 3);
  CHECK(timers[0].kind == acd::timer_kind::widen);
  CHECK(timers[0].step == 1);
  CHECK(timers[0].at_ns == t0 + 60 * sec);
  CHECK(timers[1].kind == acd::timer_kind::announce);
  CHECK(timers[1].at_ns == t0 + 90 * sec);
  w.c.after({cl::widen{1, 1, {}, t0 + 60 * sec}});
  CHECK(w.kinds() == std::vector<std::string>{"announce", "max_wait"});
}

TEST_CASE("timers: none once the call is connected, ended or waiting for a call back") {
  waiting_setup w;
  w.c.after({cl::schedule_callback{"", t0 + sec}});
  CHECK(w.kinds().empty());
  waiting_setup k;
  k.c.after({cl::offer{"a1", 15'000, "", t0}, cl::connect{"a1", t0 + sec}});
  CHECK(k.kinds().empty());
}
