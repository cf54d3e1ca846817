// The RocksDB store's stream index: runs, their persistence every window,
// the rebuild after a crash, stores written in format 1, and a corrupted
// run.
#include <doctest/doctest.h>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "drivers/store/stream_index.hpp"
#include "tests/drivers/store_fixtures.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;
using hotline::testing::make_events;
using hotline::testing::temp_dir;

namespace {

std::string be64(std::uint64_t v) {
  std::string out;
  for (int i = 7; i >= 0; --i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return out;
}

/// Raw access to a closed store's column families.
struct raw_store {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles; ///< default, events, streams, checkpoints
  explicit raw_store(const std::string& dir) {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs{{rocksdb::kDefaultColumnFamilyName, {}},
                                                     {"events", {}},
                                                     {"streams", {}},
                                                     {"checkpoints", {}}};
    rocksdb::DB* raw = nullptr;
    auto s = rocksdb::DB::Open(rocksdb::DBOptions{}, dir, cfs, &handles, &raw);
    REQUIRE(s.ok());
    db.reset(raw);
  }
  ~raw_store() {
    for (auto* h : handles)
      db->DestroyColumnFamilyHandle(h);
  }
  /// Every (key, value) of the `streams` column family.
  std::vector<std::pair<std::string, std::string>> index() {
    std::vector<std::pair<std::string, std::string>> out;
    std::unique_ptr<rocksdb::Iterator> it{db->NewIterator({}, handles[2])};
    for (it->SeekToFirst(); it->Valid(); it->Next())
      out.emplace_back(it->key().ToString(), it->value().ToString());
    return out;
  }
};

/// Appends `per_stream` events to each of `streams` streams, one event per
/// append, interleaved.
void fill(event_store& store, int streams, int per_stream) {
  for (int n = 0; n < per_stream; ++n)
    for (int s = 0; s < streams; ++s) {
      auto expected = n == 0 ? expected_revision::no_stream() : expected_revision::exact(n - 1);
      REQUIRE(store.append("call-" + std::to_string(s), expected,
                           make_events("s" + std::to_string(s) + "n" + std::to_string(n), 1)));
    }
}

/// Every stream reads back whole and from a middle revision, in order.
void check_streams(const event_store& store, int streams, int per_stream) {
  for (int s = 0; s < streams; ++s) {
    const std::string name = "call-" + std::to_string(s);
    auto all = store.read_stream(name, 0, SIZE_MAX);
    REQUIRE(all.has_value());
    REQUIRE(all->size() == static_cast<std::size_t>(per_stream));
    for (int n = 0; n < per_stream; ++n) {
      CHECK((*all)[n].revision == static_cast<std::uint64_t>(n));
      CHECK((*all)[n].position == static_cast<std::uint64_t>(n * streams + s + 1));
    }
    auto tail = store.read_stream(name, per_stream / 2, 3);
    REQUIRE(tail.has_value());
    REQUIRE(tail->size() == 3);
    CHECK(tail->front().revision == static_cast<std::uint64_t>(per_stream / 2));
    CHECK(store.read_stream(name, per_stream, 10)->empty());
    CHECK(**store.stream_revision(name) == static_cast<std::uint64_t>(per_stream - 1));
  }
  CHECK_FALSE(store.stream_revision("call-none")->has_value());
}

} // namespace

TEST_CASE("stream index: a run's positions round-trip, and a damaged run is an error") {
  std::vector<std::uint64_t> positions{7, 8, 200, 70'000, 1ull << 40};
  std::string value;
  stream_index::encode_run(value, positions.data(), positions.size());
  std::vector<std::uint64_t> back;
  REQUIRE(stream_index::decode_run(value, back));
  CHECK(back == positions);

  // A run of one is the format-1 entry: the 8-byte position.
  value.clear();
  stream_index::encode_run(value, positions.data(), 1);
  CHECK(value == be64(7));

  CHECK(stream_index::decode_run("short", back).code() == errc::corrupt_record);
  auto truncated = be64(1) + std::string(1, '\x80');
  CHECK(stream_index::decode_run(truncated, back).detail().find("truncated") != std::string::npos);
  auto repeated = be64(1) + std::string(1, '\0');
  CHECK(stream_index::decode_run(repeated, back).code() == errc::corrupt_record);

  auto key = stream_index::run_key("call-1", 5);
  CHECK(*stream_index::run_first_revision(key, "call-1") == 5);
  CHECK_FALSE(stream_index::run_first_revision(key, "call-10").has_value());
  CHECK_FALSE(
      stream_index::run_first_revision(stream_index::run_key("call-10", 5), "call-1").has_value());
}

TEST_CASE("stream index: the recent index refuses a revision that does not continue its stream") {
  stream_index::recent_index recent;
  REQUIRE(recent.add("call-1", 0, 1, 2));
  REQUIRE(recent.add("call-1", 2, 9, 1));
  CHECK(recent.find("call-1")->positions == std::vector<std::uint64_t>{1, 2, 9});
  CHECK(recent.events() == 3);
  auto st = recent.add("call-1", 5, 10, 1);
  CHECK(st.code() == errc::corrupt_record);
  CHECK(st.detail().find("call-1") != std::string::npos);
}

TEST_CASE(
    "stream index: runs persisted every window read like the recent index, across reopening") {
  temp_dir dir;
  rocksdb_store_options o;
  o.index_window = 7; // many windows, and runs that end mid-stream
  {
    auto s = rocksdb_event_store::open(dir.path(), o);
    REQUIRE(s.has_value());
    fill(**s, 5, 20);
    check_streams(**s, 5, 20);
    // A retried append (same event ids) at revisions now in persisted runs
    // is recognised, not written twice.
    auto again = (*s)->append("call-2", expected_revision::exact(3), make_events("s2n4", 1));
    REQUIRE(again.has_value());
    CHECK(again->first_position == 4 * 5 + 2 + 1);
    CHECK((*s)->head_position() == 100);
  }
  {
    raw_store raw{dir.path()};
    auto index = raw.index();
    // Runs, not an entry per event: at most one run per stream per window.
    CHECK(index.size() < 100);
    CHECK(index.size() >= 5);
  }
  auto s = rocksdb_event_store::open(dir.path(), o);
  REQUIRE(s.has_value());
  check_streams(**s, 5, 20);
  REQUIRE((*s)->append("call-0", expected_revision::exact(19), make_events("more", 1)));
  CHECK(**(*s)->stream_revision("call-0") == 20);
}

TEST_CASE("stream index: what a crash kept from being persisted is rebuilt from the records") {
  temp_dir dir;
  {
    auto s = rocksdb_event_store::open(dir.path());
    REQUIRE(s.has_value());
    fill(**s, 4, 10);
  }
  {
    // As a crash leaves it: the runs of the last 40 events never written.
    raw_store raw{dir.path()};
    rocksdb::WriteBatch wb;
    for (auto& [k, v] : raw.index())
      wb.Delete(raw.handles[2], k);
    wb.Put("hotline.store.indexed_through", be64(0));
    REQUIRE(raw.db->Write({}, &wb).ok());
  }
  auto s = rocksdb_event_store::open(dir.path());
  REQUIRE(s.has_value());
  check_streams(**s, 4, 10);
  auto wrong = (*s)->append("call-3", expected_revision::exact(8), make_events("late", 1));
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().code() == errc::wrong_expected_revision);
}

TEST_CASE(
    "stream index: a store written in format 1 (an entry per event) opens, reads and goes on") {
  temp_dir dir;
  {
    auto s = rocksdb_event_store::open(dir.path());
    REQUIRE(s.has_value());
    fill(**s, 3, 6);
  }
  {
    // Rewrite the index as format 1 had it: stream, NUL, revision -> position.
    raw_store raw{dir.path()};
    rocksdb::WriteBatch wb;
    for (auto& [k, v] : raw.index())
      wb.Delete(raw.handles[2], k);
    for (int n = 0; n < 6; ++n)
      for (int s = 0; s < 3; ++s)
        wb.Put(raw.handles[2], stream_index::run_key("call-" + std::to_string(s), n),
               be64(n * 3 + s + 1));
    wb.Delete("hotline.store.indexed_through");
    wb.Put("hotline.store.format", "1");
    REQUIRE(raw.db->Write({}, &wb).ok());
  }
  {
    auto s = rocksdb_event_store::open(dir.path());
    REQUIRE(s.has_value());
    check_streams(**s, 3, 6);
    REQUIRE((*s)->append("call-1", expected_revision::exact(5), make_events("s1n6", 1)));
    auto whole = (*s)->read_stream("call-1", 0, SIZE_MAX);
    REQUIRE(whole->size() == 7);
    CHECK(whole->back().position == 19);
  }
  raw_store raw{dir.path()};
  std::string format;
  REQUIRE(raw.db->Get({}, "hotline.store.format", &format).ok());
  CHECK(format == "2");
}

TEST_CASE("stream index: a damaged run or a run pointing at another stream's record is an error "
          "naming the stream") {
  temp_dir dir;
  {
    auto s = rocksdb_event_store::open(dir.path());
    REQUIRE(s.has_value());
    fill(**s, 2, 3);
  }
  {
    raw_store raw{dir.path()};
    REQUIRE(
        raw.db->Put({}, raw.handles[2], stream_index::run_key("call-0", 0), be64(1) + "\x80").ok());
    REQUIRE(raw.db->Put({}, raw.handles[2], stream_index::run_key("call-1", 0), be64(1)).ok());
  }
  auto s = rocksdb_event_store::open(dir.path());
  REQUIRE(s.has_value());
  auto damaged = (*s)->read_stream("call-0", 0, SIZE_MAX);
  REQUIRE_FALSE(damaged.has_value());
  CHECK(damaged.error().code() == errc::corrupt_record);
  CHECK(damaged.error().detail().find("'call-0'") != std::string::npos);
  CHECK(damaged.error().detail().find("truncated") != std::string::npos);
  auto crossed = (*s)->read_stream("call-1", 0, SIZE_MAX);
  REQUIRE_FALSE(crossed.has_value());
  CHECK(crossed.error().detail().find("'call-1'") != std::string::npos);
  CHECK(crossed.error().detail().find("position 1") != std::string::npos);
}

TEST_CASE("stream index check: a whole index is ok, a damaged or missing run is named by stream, "
          "also by `hotline store check`") {
  temp_dir dir;
  rocksdb_store_options o;
  o.index_window = 7; // persisted runs and, while open, recent ones
  {
    auto s = rocksdb_event_store::open(dir.path(), o);
    REQUIRE(s.has_value());
    fill(**s, 5, 20);
    auto report = (*s)->check_stream_index();
    REQUIRE(report.has_value());
    CHECK(report->streams == 5);
    CHECK(report->events == 100);
    CHECK(report->problems.empty());
  }
  std::string out;
  CHECK(testing::run_capture({HOTLINE_BIN, "store", "check", "--store", dir.path()}, out) == 0);
  CHECK(out.find("stream index: 5 streams, 100 events, ok") != std::string::npos);
  {
    raw_store raw{dir.path()};
    std::vector<std::string> call1;
    for (auto& [key, value] : raw.index())
      if (key.rfind(std::string{"call-1"} + '\0', 0) == 0) call1.push_back(key);
    REQUIRE(call1.size() >= 2);
    REQUIRE(raw.db->Delete({}, raw.handles[2], call1[1]).ok()); // a gap in call-1
    REQUIRE(
        raw.db->Put({}, raw.handles[2], stream_index::run_key("call-3", 0), be64(4) + "\x80").ok());
  }
  {
    auto s = rocksdb_event_store::open(dir.path(), o);
    REQUIRE(s.has_value());
    auto report = (*s)->check_stream_index();
    REQUIRE(report.has_value());
    std::string all;
    for (auto& p : report->problems)
      all += p + "\n";
    INFO(all);
    CHECK(all.find("stream 'call-1': a run starts at revision") != std::string::npos);
    CHECK(all.find("stream 'call-3' run at revision 0: ") != std::string::npos);
    CHECK(all.find("the stream index reaches") != std::string::npos);
    CHECK(all.find("call-0") == std::string::npos);
    CHECK(report->problems.size() == 3); // the run after the damaged one is not blamed too
  }
  CHECK(testing::run_capture({HOTLINE_BIN, "store", "check", "--store", dir.path()}, out) == 1);
  CHECK(out.find("stream index: 5 streams") != std::string::npos);
  CHECK(out.find("damaged") != std::string::npos);
}
