// What only the durable store promises: reopening, the process lock,
// corruption detection, sync policies.
#include <doctest/doctest.h>

#include "tests/drivers/store_fixtures.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;
using hotline::testing::make_events;
using hotline::testing::temp_dir;

TEST_CASE("events and checkpoints survive closing and reopening the store") {
  temp_dir dir;
  {
    auto s = rocksdb_event_store::open(dir.path());
    REQUIRE(s.has_value());
    REQUIRE((*s)->append("call-1", expected_revision::no_stream(), make_events("p", 4)));
    REQUIRE((*s)->put_checkpoint("relay.kafka", 3));
  }
  auto s = rocksdb_event_store::open(dir.path());
  REQUIRE(s.has_value());
  CHECK((*s)->head_position() == 4);
  CHECK(**(*s)->get_checkpoint("relay.kafka") == 3);
  auto next = (*s)->append("call-1", expected_revision::exact(3), make_events("q", 1));
  REQUIRE(next.has_value());
  CHECK(next->first_position == 5);
}

TEST_CASE("a second opener of the same store gets a clear 'in use' error") {
  temp_dir dir;
  auto first = rocksdb_event_store::open(dir.path());
  REQUIRE(first.has_value());
  auto second = rocksdb_event_store::open(dir.path());
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().code() == errc::store_in_use);
  CHECK(second.error().detail().find("in use") != std::string::npos);
  CHECK(second.error().detail().find(dir.path()) != std::string::npos);

  // From another process: a writer (simulate --store) is refused; a reader
  // (store info) opens it read-only beside the writer (issue 19.13; this
  // test expected store info to fail before).
  std::string out;
  int rc = testing::run_capture({"/bin/sh", "-c",
                                 std::string{HOTLINE_BIN} +
                                     " simulate --quiet --agents 2 --rate-per-hour 10 "
                                     "--aht-s 60 --hours 0.1 --store " +
                                     dir.path() + " 2>&1"},
                                out);
  CHECK(rc != 0);
  CHECK(out.find("in use") != std::string::npos);
  rc = testing::run_capture({HOTLINE_BIN, "store", "info", "--store", dir.path()}, out);
  CHECK(rc == 0);
}

TEST_CASE("opening a directory that holds no store, without create, says so") {
  temp_dir dir;
  rocksdb_store_options o;
  o.create_if_missing = false;
  auto s = rocksdb_event_store::open(dir.path() + "/nothing", o);
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().code() == errc::not_found);
}

TEST_CASE("a corrupted record stops a read with its position") {
  temp_dir dir;
  auto s = rocksdb_event_store::open(dir.path());
  REQUIRE(s.has_value());
  auto& store = **s;
  REQUIRE(store.append("call-1", expected_revision::no_stream(), make_events("k", 5)));
  auto raw = store.raw_record(3);
  REQUIRE(raw.has_value());
  std::string bad = *raw;
  bad[bad.size() - 2] ^= 0x5a;
  REQUIRE(store.overwrite_raw_record_for_testing(3, bad));

  auto all = store.read_all(1, 100);
  REQUIRE_FALSE(all.has_value());
  CHECK(all.error().code() == errc::corrupt_record);
  CHECK(all.error().detail().find("position 3") != std::string::npos);
  CHECK(all.error().detail().find("checksum") != std::string::npos);
  // Reading around it still works.
  CHECK(store.read_all(4, 100)->size() == 2);
  CHECK(store.read_all(1, 2)->size() == 2);
  auto stream = store.read_stream("call-1", 0, SIZE_MAX);
  REQUIRE_FALSE(stream.has_value());
  CHECK(stream.error().detail().find("position 3") != std::string::npos);
}

TEST_CASE("every sync policy appends durably") {
  for (auto policy : {sync_policy::none, sync_policy::batch, sync_policy::always}) {
    CAPTURE(to_string(policy));
    temp_dir dir;
    {
      rocksdb_store_options o;
      o.sync = policy;
      auto s = rocksdb_event_store::open(dir.path(), o);
      REQUIRE(s.has_value());
      for (int i = 0; i < 10; ++i)
        REQUIRE((*s)->append("call-" + std::to_string(i), expected_revision::no_stream(),
                             make_events("e" + std::to_string(i), 2)));
    }
    auto s = rocksdb_event_store::open(dir.path());
    REQUIRE(s.has_value());
    CHECK((*s)->head_position() == 20);
  }
  sync_policy p;
  CHECK(parse_sync_policy("batch", p));
  CHECK(p == sync_policy::batch);
  CHECK_FALSE(parse_sync_policy("sometimes", p));
}
