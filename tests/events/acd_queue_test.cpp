// The queue decider (events/acd/queue.hpp): given/when/then.
#include "acd_support.hpp"
#include "events/acd/call_rules.hpp"
#include "events/codec.hpp"
#include "events/legacy_events.hpp"
#include "events/variant_cast.hpp"

using namespace acd_test;
namespace qu = hotline::events::acd::queue;

namespace {

using queue_subject = subject<queue_ops>;

const qu::availability staffed{2, 2};

qu::join joining(std::string call, std::int32_t priority = 0, std::int64_t at = t0) {
  qu::join j;
  j.call_id = std::move(call);
  j.priority = priority;
  j.members = staffed;
  j.now_ns = at;
  return j;
}

std::vector<std::string> order(const qu::state& s) {
  std::vector<std::string> out;
  for (const auto& e : qu::in_order(s))
    out.push_back(e.call_id);
  return out;
}

} // namespace

TEST_CASE("queue: joining gives the next sequence and a place at the back") {
  queue_subject q{qu::initial_state(make_queue("sales"))};
  then_events(q.step(joining("c1")), {queue_call_joined{"sales", "c1", 0, 1, "", "", 0, {}}});
  then_events(q.step(joining("c2", 0, t0 + sec)),
              {queue_call_joined{"sales", "c2", 0, 2, "", "", 0, {}}});
  CHECK(qu::position(q.s, "c1") == 1);
  CHECK(qu::position(q.s, "c2") == 2);
  CHECK(qu::position(q.s, "c9") == 0);
  then_rejected(q.when(joining("c1")), "already_queued");
  then_rejected(q.when(joining("")), "invalid_argument");
}

TEST_CASE("queue: a VIP goes ahead of normal calls, FIFO within a priority") {
  queue_subject q{qu::initial_state(make_queue("sales"))};
  q.after({joining("n1"), joining("n2"), joining("v1", 10), joining("n3"), joining("v2", 10)});
  CHECK(order(q.s) == std::vector<std::string>{"v1", "v2", "n1", "n2", "n3"});
}

TEST_CASE("queue: raising a priority keeps the place among its new peers") {
  queue_subject q{qu::initial_state(make_queue("sales"))};
  q.after({joining("n1"), joining("n2"), joining("n3"), joining("v1", 10)});
  then_events(q.step(qu::change_priority{"n2", 10, t0}),
              {queue_call_priority_changed{"sales", "n2", 10}});
  // n2 joined before v1, so it is served first among the VIPs.
  CHECK(order(q.s) == std::vector<std::string>{"n2", "v1", "n1", "n3"});
  CHECK(qu::find(q.s, "n2")->sequence == 2);
  then_nothing(q.when(qu::change_priority{"n2", 10, t0}));
  then_rejected(q.when(qu::change_priority{"zz", 10, t0}), "not_queued");
  q.after({qu::change_priority{"n2", 0, t0}});
  CHECK(order(q.s) == std::vector<std::string>{"v1", "n1", "n2", "n3"});
}

TEST_CASE("queue: leaving frees the place, leaving twice is refused") {
  queue_subject q{qu::initial_state(make_queue("sales"))};
  q.after({joining("c1"), joining("c2")});
  then_events(q.step(qu::leave{"c1", "connected", t0}),
              {queue_call_left{"sales", "c1", "connected"}});
  CHECK(qu::position(q.s, "c2") == 1);
  then_rejected(q.when(qu::leave{"c1", "connected", t0}), "not_queued");
}

TEST_CASE("queue: max_length refuses with queue_full, VIP or not") {
  auto def = make_queue("sales");
  def.max_length = 2;
  queue_subject q{qu::initial_state(def)};
  q.after({joining("c1"), joining("c2")});
  then_rejected(q.when(joining("c3")), "queue_full");
  then_rejected(q.when(joining("v1", 10)), "queue_full");
  q.after({qu::leave{"c1", "abandoned", t0}});
  then_types(q.when(joining("c3")), {"queue.call_joined"});
}

TEST_CASE("queue: join_empty rules refuse with queue_empty") {
  auto def = make_queue("sales");
  SUBCASE("never: joins even with nobody logged in") {
    queue_subject q{qu::initial_state(def)};
    auto j = joining("c1");
    j.members = {0, 0};
    then_types(q.when(j), {"queue.call_joined"});
  }
  SUBCASE("no_members: refuses only when nobody is logged in") {
    def.join_empty = empty_rule::no_members;
    queue_subject q{qu::initial_state(def)};
    auto j = joining("c1");
    j.members = {0, 0};
    then_rejected(q.when(j), "queue_empty");
    j.members = {1, 0};
    then_types(q.when(j), {"queue.call_joined"});
  }
  SUBCASE("no_available: refuses when every member is paused") {
    def.join_empty = empty_rule::no_available;
    queue_subject q{qu::initial_state(def)};
    auto j = joining("c1");
    j.members = {3, 0};
    then_rejected(q.when(j), "queue_empty");
    j.members = {3, 1};
    then_types(q.when(j), {"queue.call_joined"});
  }
}

TEST_CASE("queue: leave_empty ejects every waiting call, in order") {
  auto def = make_queue("sales");
  def.leave_empty = empty_rule::no_available;
  queue_subject q{qu::initial_state(def)};
  q.after({joining("c1"), joining("v", 5)});
  CHECK(qu::calls_to_eject(q.s, {2, 1}).empty());
  CHECK(qu::calls_to_eject(q.s, {2, 0}) == std::vector<std::string>{"v", "c1"});
}

TEST_CASE("queue: calls past max_wait") {
  auto def = make_queue("sales");
  def.max_wait_ms = 60'000;
  queue_subject q{qu::initial_state(def)};
  q.after({joining("c1", 0, t0), joining("c2", 0, t0 + 30 * sec)});
  CHECK(qu::calls_past_max_wait(q.s, t0 + 59 * sec).empty());
  CHECK(qu::calls_past_max_wait(q.s, t0 + 60 * sec) == std::vector<std::string>{"c1"});
  def.max_wait_ms = 0;
  q.s.definition = def;
  CHECK(qu::calls_past_max_wait(q.s, t0 + 600 * sec).empty());
}

TEST_CASE("queue: a rebuilt queue continues its sequence after the highest seen") {
  queue_subject q{qu::initial_state(make_queue("sales"))};
  q.given({queue_call_joined{"sales", "old", 0, 41, "", "", 0, {}}});
  then_events(q.step(joining("c1")), {queue_call_joined{"sales", "c1", 0, 42, "", "", 0, {}}});
}

TEST_CASE("queue: the preferred agent travels with the entry") {
  queue_subject q{qu::initial_state(make_queue("sales"))};
  auto j = joining("c1");
  j.customer_id = "cust-7";
  j.preferred_agent = "a3";
  j.preferred_until_ns = t0 + 30 * sec;
  then_events(q.step(j),
              {queue_call_joined{"sales", "c1", 0, 1, "cust-7", "a3", t0 + 30 * sec, {}}});
  CHECK(qu::find(q.s, "c1")->preferred_agent == "a3");
  CHECK(qu::find(q.s, "c1")->joined_at_ns == t0);
}

TEST_CASE("queue: a call's own skills travel with its join into the entry, and survive a rebuild") {
  queue_subject q{qu::initial_state(make_queue("sales", {{"billing", 1}}))};
  auto j = joining("c1");
  j.skills = {{"lang-yue", 1}, {"vip.care", 3}};
  then_events(q.step(j), {queue_call_joined{"sales", "c1", 0, 1, "", "", 0, j.skills}});
  CHECK(qu::find(q.s, "c1")->skills == j.skills);
  then_events(q.step(joining("c2")), {queue_call_joined{"sales", "c2", 0, 2, "", "", 0, {}}});
  CHECK(qu::find(q.s, "c2")->skills.empty());
  // Rebuilt from the stream (the events as recorded): the same entries.
  queue_subject rebuilt{qu::initial_state(make_queue("sales", {{"billing", 1}}))};
  for (const auto& [e, at] : q.log)
    rebuilt.given({std::get<queue_call_joined>(e)}, at);
  CHECK(rebuilt.s == q.s);
  CHECK(qu::find(rebuilt.s, "c1")->skills ==
        std::map<std::string, int>{{"lang-yue", 1}, {"vip.care", 3}});
}

TEST_CASE("queue: a queue.call_joined stored at version 1 (before skills) rebuilds an entry with "
          "none") {
  const auto& codec = hotline::events::event_codec::standard();
  const auto old = hotline::events::to_binary(
      hotline::events::legacy::queue_call_joined_v1{"sales", "c7", 10, 41, "cust-1", "a2", t0});
  auto wide = codec.decode(queue_call_joined::type_name, 1, old);
  REQUIRE(wide.has_value());
  auto ev = hotline::events::narrow<qu::event>(*wide);
  REQUIRE(ev.has_value());
  const auto s = qu::evolve(qu::initial_state(make_queue("sales")), *ev, t0);
  REQUIRE(qu::find(s, "c7") != nullptr);
  const auto& e = *qu::find(s, "c7");
  CHECK(e.priority == 10);
  CHECK(e.sequence == 41);
  CHECK(e.customer_id == "cust-1");
  CHECK(e.preferred_agent == "a2");
  CHECK(e.skills.empty());
  CHECK(s.next_sequence == 42);
  queue_call_joined reused{"x", "y", 0, 0, "", "", 0, {{"stale", 1}}};
  REQUIRE(codec.decode_into(1, old, reused).is_ok());
  CHECK(reused.call_id == "c7");
  CHECK(reused.skills.empty());
  CHECK(*codec.current_version("queue.call_joined") == 2);
}

TEST_CASE("queue: a join asking for a malformed skill is refused, naming the skill") {
  queue_subject q{qu::initial_state(make_queue("sales"))};
  auto j = joining("c1");
  j.skills = {{"lang yue", 1}};
  then_rejected(q.when(j), "invalid_argument");
  CHECK(q.when(j).error().detail.find("'lang yue'") != std::string::npos);
  j.skills = {{"lang-yue", 0}};
  then_rejected(q.when(j), "invalid_argument");
  CHECK(q.when(j).error().detail.find("lang-yue level must be from 1 to 100 (got 0)") !=
        std::string::npos);
  j.skills = {{"lang-yue", 101}};
  then_rejected(q.when(j), "invalid_argument");
  j.skills.clear();
  for (int i = 0; i < 33; ++i)
    j.skills["s" + std::to_string(i)] = 1;
  then_rejected(q.when(j), "invalid_argument");
  j.skills.erase("s0"); // 32: the limit
  then_types(q.when(j), {"queue.call_joined"});
}

TEST_CASE("queue: stream name") {
  CHECK(qu::stream_name("sales") == "queue-sales");
}

TEST_CASE("queue: a closed service refuses new calls and keeps those waiting, until opened") {
  queue_subject q{qu::initial_state(make_queue("sales"))};
  q.after({joining("c1")});
  then_events(q.step(qu::close{"typhoon", t0}), {queue_closed{"sales", "typhoon"}});
  CHECK(q.s.closed);
  CHECK(qu::position(q.s, "c1") == 1); // still waiting, still answered
  then_rejected(q.when(joining("c2")), "queue_closed");
  then_nothing(q.when(qu::close{"again", t0}));
  then_events(q.step(qu::open{"", t0}), {queue_opened{"sales", ""}});
  CHECK_FALSE(q.s.closed);
  then_nothing(q.when(qu::open{"", t0}));
  then_types(q.when(joining("c2")), {"queue.call_joined"});
  CHECK(hotline::events::acd::overflow_reason_of("queue_closed") == "closed");
}
