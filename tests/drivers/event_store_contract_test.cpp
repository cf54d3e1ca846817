// The event store contract (actors/ports/event_store.hpp), run against the
// in-memory fake and the RocksDB store alike.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "tests/drivers/store_fixtures.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;
using hotline::testing::make_event;
using hotline::testing::make_events;

TEST_CASE_TEMPLATE("append assigns revisions per stream and positions across the store", F,
                   testing::memory_store_fixture, testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  CHECK(s.head_position() == 0);
  auto a = s.append("call-1", expected_revision::no_stream(), make_events("a", 3));
  REQUIRE(a.has_value());
  CHECK(a->first_position == 1);
  CHECK(a->last_position == 3);
  CHECK(a->last_revision == 2u);
  auto b = s.append("call-2", expected_revision::no_stream(), make_events("b", 2));
  REQUIRE(b.has_value());
  CHECK(b->first_position == 4);
  CHECK(b->last_revision == 1u);
  auto c = s.append("call-1", expected_revision::exact(2), make_events("c", 1));
  REQUIRE(c.has_value());
  CHECK(c->first_position == 6);
  CHECK(c->last_revision == 3u);
  CHECK(s.head_position() == 6);

  auto stream = s.read_stream("call-1", 0, SIZE_MAX);
  REQUIRE(stream.has_value());
  REQUIRE(stream->size() == 4);
  for (std::uint64_t i = 0; i < 4; ++i)
    CHECK((*stream)[i].revision == i);
  CHECK((*stream)[3].position == 6);
  CHECK((*stream)[3].meta.id == events::event_id::from_name("c#0"));
  CHECK((*stream)[0].meta.site == "site-a");

  auto from2 = s.read_stream("call-1", 2, 1);
  REQUIRE(from2.has_value());
  REQUIRE(from2->size() == 1);
  CHECK((*from2)[0].revision == 2);

  auto all = s.read_all(2, 3);
  REQUIRE(all.has_value());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].position == 2);
  CHECK((*all)[2].position == 4);
  CHECK((*all)[2].stream == "call-2");

  CHECK(s.read_all(7, 10)->empty());
  CHECK(s.read_stream("call-404", 0, SIZE_MAX)->empty());
  CHECK(*s.stream_revision("call-1") == 3u);
  CHECK_FALSE(s.stream_revision("call-404")->has_value());
}

TEST_CASE_TEMPLATE("a wrong expected revision is refused and writes nothing", F,
                   testing::memory_store_fixture, testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  REQUIRE(s.append("agent-7", expected_revision::no_stream(), make_events("x", 2)));
  auto r1 = s.append("agent-7", expected_revision::no_stream(), make_events("y", 1));
  REQUIRE_FALSE(r1.has_value());
  CHECK(r1.error().code() == errc::wrong_expected_revision);
  CHECK(r1.error().detail().find("agent-7") != std::string::npos);
  auto r2 = s.append("agent-7", expected_revision::exact(0), make_events("y", 1));
  CHECK(r2.error().code() == errc::wrong_expected_revision);
  auto r3 = s.append("agent-8", expected_revision::stream_exists(), make_events("y", 1));
  CHECK(r3.error().code() == errc::wrong_expected_revision);
  auto r4 = s.append("agent-8", expected_revision::exact(0), make_events("y", 1));
  CHECK(r4.error().code() == errc::wrong_expected_revision);
  CHECK(s.head_position() == 2);
  CHECK(s.append("agent-7", expected_revision::any(), make_events("z", 1)));
  CHECK(s.append("agent-7", expected_revision::stream_exists(), make_events("w", 1)));
  CHECK(s.head_position() == 4);
}

TEST_CASE_TEMPLATE("a retried append with the same event ids is not written twice", F,
                   testing::memory_store_fixture, testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  auto first = s.append("call-9", expected_revision::no_stream(), make_events("r", 3));
  REQUIRE(first.has_value());
  REQUIRE(s.append("call-9", expected_revision::exact(2), make_events("s", 1)));
  auto retry = s.append("call-9", expected_revision::no_stream(), make_events("r", 3));
  REQUIRE(retry.has_value());
  CHECK(retry->first_position == first->first_position);
  CHECK(retry->last_position == first->last_position);
  auto retry2 = s.append("call-9", expected_revision::exact(2), make_events("s", 1));
  REQUIRE(retry2.has_value());
  CHECK(retry2->first_position == 4);
  CHECK(s.head_position() == 4);
  // Same revisions, different ids: a real conflict.
  auto clash = s.append("call-9", expected_revision::exact(2), make_events("t", 1));
  CHECK(clash.error().code() == errc::wrong_expected_revision);
}

TEST_CASE_TEMPLATE(
    "an event id already stored in the stream is not stored again, whatever the expected revision",
    F, testing::memory_store_fixture, testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  auto first = s.append("call-5", expected_revision::any(), make_events("u", 3));
  REQUIRE(first.has_value());
  REQUIRE(s.append("call-6", expected_revision::any(), make_events("v", 2)));
  // The same append again, with each kind of expectation: nothing written,
  // the original positions reported.
  for (auto expected : {expected_revision::any(), expected_revision::stream_exists(),
                        expected_revision::no_stream(), expected_revision::exact(7)}) {
    CAPTURE(expected.to_string());
    auto again = s.append("call-5", expected, make_events("u", 3));
    REQUIRE(again.has_value());
    CHECK(again->first_position == first->first_position);
    CHECK(again->last_position == first->last_position);
    CHECK(again->last_revision == 2u);
  }
  // A later part of the stream repeated (an import re-run after the stream grew).
  REQUIRE(s.append("call-5", expected_revision::any(), make_events("w", 2)));
  auto tail = s.append("call-5", expected_revision::stream_exists(), make_events("w", 2));
  REQUIRE(tail.has_value());
  CHECK(tail->first_position == 6);
  CHECK(tail->last_revision == 4u);
  CHECK(s.head_position() == 7);
  auto stream = s.read_stream("call-5", 0, SIZE_MAX);
  REQUIRE(stream.has_value());
  CHECK(stream->size() == 5);
  // The same ids in another stream are another stream's events.
  CHECK(s.append("call-7", expected_revision::any(), make_events("u", 3)));
  CHECK(s.head_position() == 10);
}

TEST_CASE_TEMPLATE(
    "an append partly stored already is refused whole, naming a stored and a new event", F,
    testing::memory_store_fixture, testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  REQUIRE(s.append("call-8", expected_revision::any(), make_events("p", 2)));
  auto mixed = make_events("p", 2);
  mixed.push_back(make_event("q#0"));
  auto r = s.append("call-8", expected_revision::any(), std::move(mixed));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == errc::invalid_argument);
  CHECK(r.error().detail().find(events::event_id::from_name("p#0").to_string()) !=
        std::string::npos);
  CHECK(r.error().detail().find(events::event_id::from_name("q#0").to_string()) !=
        std::string::npos);
  CHECK(s.head_position() == 2);
  // Written whole once the writer sends only what is new.
  std::vector<events::proposed_event> fresh;
  fresh.push_back(make_event("q#0"));
  CHECK(s.append("call-8", expected_revision::any(), std::move(fresh)));
  CHECK(s.head_position() == 3);
}

TEST_CASE_TEMPLATE("the same append queued twice at once is stored once", F,
                   testing::memory_store_fixture, testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  REQUIRE(s.append("call-3", expected_revision::any(), make_events("base", 1)));
  std::atomic<int> done{0};
  std::vector<result<append_result>> results(2, status{errc::unavailable, "pending"});
  for (int i = 0; i < 2; ++i)
    s.append_async("call-3", expected_revision::any(), make_events("twice", 3),
                   [&, i](result<append_result> r) {
                     results[static_cast<std::size_t>(i)] = std::move(r);
                     ++done;
                   });
  while (done.load() < 2)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(results[0].has_value());
  REQUIRE(results[1].has_value());
  CHECK(results[0]->first_position == 2);
  CHECK(results[1]->first_position == 2);
  CHECK(results[1]->last_position == 4);
  CHECK(s.head_position() == 4);
}

TEST_CASE_TEMPLATE("bad stream names and empty appends", F, testing::memory_store_fixture,
                   testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  auto bad = s.append("no dash", expected_revision::any(), make_events("q", 1));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code() == errc::invalid_argument);
  auto empty = s.append("call-1", expected_revision::any(), {});
  REQUIRE(empty.has_value());
  CHECK(empty->first_position == 0);
  CHECK(s.head_position() == 0);
}

TEST_CASE_TEMPLATE("concurrent appenders get gap-free positions and revisions", F,
                   testing::memory_store_fixture, testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  constexpr int threads = 8, streams_per_thread = 10, appends = 30;
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::map<std::string, std::optional<std::uint64_t>> last;
      for (int i = 0; i < appends; ++i) {
        std::string stream =
            "call-t" + std::to_string(t) + "s" + std::to_string(i % streams_per_thread);
        int n = 1 + i % 3;
        auto r = s.append(stream, expected_revision::after(last[stream]),
                          make_events(stream + "@" + std::to_string(i), n));
        if (!r)
          ++failures;
        else
          last[stream] = r->last_revision;
      }
    });
  for (auto& th : pool)
    th.join();
  CHECK(failures == 0);
  auto all = s.read_all(1, SIZE_MAX);
  REQUIRE(all.has_value());
  std::uint64_t expected_total = threads * (10 * 1 + 10 * 2 + 10 * 3);
  REQUIRE(all->size() == expected_total);
  std::map<std::string, std::uint64_t> next_rev;
  std::set<events::event_id> ids;
  for (std::size_t i = 0; i < all->size(); ++i) {
    const auto& e = (*all)[i];
    CHECK(e.position == i + 1);
    CHECK(e.revision == next_rev[e.stream]++);
    CHECK(ids.insert(e.meta.id).second);
  }
}

TEST_CASE_TEMPLATE("a subscription delivers history, reports caught-up, then live appends", F,
                   testing::memory_store_fixture, testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  REQUIRE(s.append("call-1", expected_revision::any(), make_events("h", 5)));
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::uint64_t> seen;
  std::vector<subscription_state> states;
  auto sub = s.subscribe_all(3, {[&](const events::recorded_event& e) {
                                   std::lock_guard l{mu};
                                   seen.push_back(e.position);
                                   cv.notify_all();
                                 },
                                 [&](subscription_state st, const status&) {
                                   std::lock_guard l{mu};
                                   states.push_back(st);
                                   cv.notify_all();
                                 }});
  {
    std::unique_lock l{mu};
    REQUIRE(cv.wait_for(l, std::chrono::seconds(10), [&] {
      return std::find(states.begin(), states.end(), subscription_state::caught_up) != states.end();
    }));
    CHECK(seen == std::vector<std::uint64_t>{3, 4, 5});
  }
  REQUIRE(s.append("call-2", expected_revision::any(), make_events("l", 2)));
  {
    std::unique_lock l{mu};
    REQUIRE(cv.wait_for(l, std::chrono::seconds(10), [&] { return seen.size() == 5; }));
    CHECK(seen.back() == 7);
  }
  sub->stop();
  CHECK(sub->position() == 7);
  CHECK(states.front() == subscription_state::catching_up);
  CHECK(states.back() == subscription_state::dropped);
}

TEST_CASE_TEMPLATE("checkpoints are kept by name", F, testing::memory_store_fixture,
                   testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  CHECK_FALSE(s.get_checkpoint("relay.kafka")->has_value());
  REQUIRE(s.put_checkpoint("relay.kafka", 42));
  REQUIRE(s.put_checkpoint("projection.kpi", 7));
  CHECK(**s.get_checkpoint("relay.kafka") == 42);
  CHECK(**s.get_checkpoint("projection.kpi") == 7);
}

TEST_CASE_TEMPLATE("visit_all sees what read_all returns, and a visitor's error stops it", F,
                   testing::memory_store_fixture, testing::rocksdb_store_fixture) {
  F f;
  auto& s = f.store();
  REQUIRE(s.append("call-1", ports::expected_revision::no_stream(), testing::make_events("a", 3)));
  REQUIRE(s.append("call-2", ports::expected_revision::no_stream(), testing::make_events("b", 4)));
  auto all = s.read_all(2, 100);
  REQUIRE(all);
  REQUIRE(all->size() == 6);
  std::vector<events::recorded_event> seen;
  auto n = s.visit_all(2, 100, [&](const events::recorded_event& e) {
    seen.push_back(e);
    return events::status{};
  });
  REQUIRE(n);
  CHECK(*n == 6);
  CHECK(seen == *all);

  seen.clear();
  n = s.visit_all(3, 2, [&](const events::recorded_event& e) {
    seen.push_back(e);
    return events::status{};
  });
  REQUIRE(n);
  CHECK(*n == 2);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].position == 3);
  CHECK(seen[1].position == 4);

  int calls = 0;
  n = s.visit_all(1, 100, [&](const events::recorded_event& e) {
    ++calls;
    if (e.position == 4) return events::status{events::errc::invalid_argument, "stop here"};
    return events::status{};
  });
  REQUIRE_FALSE(n);
  CHECK(n.error().detail() == "stop here");
  CHECK(calls == 4);
  n = s.visit_all(8, 100, [&](const events::recorded_event&) { return events::status{}; });
  REQUIRE(n);
  CHECK(*n == 0);
}
