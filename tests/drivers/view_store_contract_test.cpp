// The view store contract (drivers/views/view_store.hpp), run against the
// in-memory fake and the RocksDB view store alike.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "tests/drivers/view_store_fixtures.hpp"

using namespace hotline;
using namespace hotline::drivers;
using projections::view_changes;

namespace {

using rows = std::vector<std::pair<std::string, std::string>>;

rows scan_all(const view_store& v, std::string_view prefix) {
  rows out;
  REQUIRE(v.scan(prefix, [&](std::string_view k, std::string_view val) {
             out.emplace_back(k, val);
             return true;
           }).is_ok());
  return out;
}

} // namespace

TEST_CASE_TEMPLATE("view store: a commit's rows and checkpoint read back together, absence is no "
                   "error",
                   F, testing::memory_view_store_fixture, testing::rocksdb_view_store_fixture) {
  F f;
  auto& v = f.views();
  CHECK_FALSE(v.checkpoint("kpi")->has_value());
  CHECK_FALSE(v.get("kpi/a")->has_value());
  view_changes ch;
  ch.puts = {{"kpi/a", "1"}, {"kpi/b", "2"}};
  REQUIRE(v.commit("kpi", ch, 42).is_ok());
  CHECK(v.checkpoint("kpi")->value_or(0) == 42);
  CHECK(v.get("kpi/b")->value_or("") == "2");
  ch.clear();
  ch.deletes = {"kpi/a", "kpi/never-written"};
  ch.puts = {{"kpi/c", "3"}};
  REQUIRE(v.commit("kpi", ch, 43).is_ok());
  CHECK(v.checkpoint("kpi")->value_or(0) == 43);
  CHECK_FALSE(v.get("kpi/a")->has_value());
  CHECK(v.get("kpi/b")->value_or("") == "2");
  CHECK(v.get("kpi/c")->value_or("") == "3");
  CHECK_FALSE(v.checkpoint("crm")->has_value());
}

TEST_CASE_TEMPLATE("view store: one commit carries several projections, a part without changes "
                   "still moves its checkpoint",
                   F, testing::memory_view_store_fixture, testing::rocksdb_view_store_fixture) {
  F f;
  auto& v = f.views();
  view_changes kpi, none;
  kpi.puts = {{"kpi/x", "k"}};
  const view_commit parts[] = {{"kpi", &kpi, 10}, {"crm", nullptr, 7}, {"audit", &none, 5}};
  REQUIRE(v.commit(parts).is_ok());
  CHECK(v.checkpoint("kpi")->value_or(0) == 10);
  CHECK(v.checkpoint("crm")->value_or(0) == 7);
  CHECK(v.checkpoint("audit")->value_or(0) == 5);
  CHECK(v.get("kpi/x")->value_or("") == "k");
  CHECK(scan_all(v, "crm/").empty());
}

TEST_CASE_TEMPLATE("view store: within a commit parts apply in order, deletes before puts", F,
                   testing::memory_view_store_fixture, testing::rocksdb_view_store_fixture) {
  F f;
  auto& v = f.views();
  view_changes seed;
  seed.puts = {{"kpi/gone", "old"}, {"kpi/kept", "old"}};
  REQUIRE(v.commit("kpi", seed, 1).is_ok());
  view_changes first, second;
  first.deletes = {"kpi/kept"};
  first.puts = {{"kpi/kept", "new"}, {"kpi/later", "1"}}; // the put after the delete wins
  second.deletes = {"kpi/later", "kpi/gone"};             // a later part wins over an earlier one
  const view_commit parts[] = {{"kpi", &first, 2}, {"kpi", &second, 3}};
  REQUIRE(v.commit(parts).is_ok());
  CHECK(v.get("kpi/kept")->value_or("") == "new");
  CHECK_FALSE(v.get("kpi/later")->has_value());
  CHECK_FALSE(v.get("kpi/gone")->has_value());
  CHECK(v.checkpoint("kpi")->value_or(0) == 3);
}

TEST_CASE_TEMPLATE("view store: scan visits a prefix in byte order, stops when asked, and sees the "
                   "store as it began",
                   F, testing::memory_view_store_fixture, testing::rocksdb_view_store_fixture) {
  F f;
  auto& v = f.views();
  view_changes ch;
  ch.puts = {{"kpi/b", "2"}, {std::string{"kpi/\xff"}, "ff"}, {std::string{"kpi/a\0b", 7}, "nul"},
             {"kpi/a", "1"}, {"kpia/x", "not under kpi/"},    {"crm/z", "z"}};
  REQUIRE(v.commit("kpi", ch, 9).is_ok());
  auto seen = scan_all(v, "kpi/");
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].first == "kpi/a");
  CHECK(seen[1].first == std::string{"kpi/a\0b", 7});
  CHECK(seen[1].second == "nul");
  CHECK(seen[2].first == "kpi/b");
  CHECK(seen[3].first == std::string{"kpi/\xff"}); // bytes compare unsigned

  int visited = 0;
  REQUIRE(
      v.scan("kpi/", [&](std::string_view, std::string_view) { return ++visited < 2; }).is_ok());
  CHECK(visited == 2);

  // A commit made during a scan is not seen by it (but is by the next read).
  rows during;
  REQUIRE(v.scan("kpi/", [&](std::string_view k, std::string_view val) {
             if (during.empty()) {
               view_changes more;
               more.puts = {{"kpi/c", "3"}};
               more.deletes = {"kpi/b"};
               REQUIRE(v.commit("kpi", more, 10).is_ok());
             }
             during.emplace_back(k, val);
             return true;
           }).is_ok());
  CHECK(during == seen);
  CHECK(v.get("kpi/c")->value_or("") == "3");
  CHECK_FALSE(v.get("kpi/b")->has_value());
  CHECK(scan_all(v, "nothing/").empty());
}

TEST_CASE_TEMPLATE("view store: dump lists every row and checkpoint in key order", F,
                   testing::memory_view_store_fixture, testing::rocksdb_view_store_fixture) {
  F f;
  auto& v = f.views();
  view_changes ch;
  ch.puts = {{"kpi/a", "1"}, {"audit/head", "h"}};
  REQUIRE(v.commit("kpi", ch, 0x0102030405060708ULL).is_ok());
  auto all = v.dump();
  REQUIRE(all.has_value());
  CHECK(std::is_sorted(all->begin(), all->end()));
  auto has = [&](const std::string& k, const std::string& val) {
    return std::find(all->begin(), all->end(), std::pair{k, val}) != all->end();
  };
  CHECK(has("kpi/a", "1"));
  CHECK(has("audit/head", "h"));
  CHECK(has("checkpoint/kpi", "\x01\x02\x03\x04\x05\x06\x07\x08"));
  CHECK(checkpoint_value(0x0102030405060708ULL) == "\x01\x02\x03\x04\x05\x06\x07\x08");
  for (const auto& [k, val] : *all) // nothing else but the implementation's own meta/ keys
    CHECK((k == "kpi/a" || k == "audit/head" || k == "checkpoint/kpi" || k.rfind("meta/", 0) == 0));
}

TEST_CASE_TEMPLATE("view store: a malformed checkpoint is corrupt_record naming the projection", F,
                   testing::memory_view_store_fixture, testing::rocksdb_view_store_fixture) {
  F f;
  f.put_raw(checkpoint_key("crm"), "1234567"); // 7 bytes
  auto cp = f.views().checkpoint("crm");
  REQUIRE_FALSE(cp.has_value());
  CHECK(cp.error().code() == events::errc::corrupt_record);
  CHECK(cp.error().detail().find("'crm'") != std::string::npos);
  CHECK_FALSE(f.views().checkpoint("kpi")->has_value()); // the others read as before
}

TEST_CASE_TEMPLATE("view store: a concurrent reader sees every commit whole", F,
                   testing::memory_view_store_fixture, testing::rocksdb_view_store_fixture) {
  F f;
  auto& v = f.views();
  std::atomic<bool> done{false};
  std::atomic<int> failed{0};
  std::thread writer([&] {
    for (std::uint64_t i = 1; i <= 300; ++i) {
      view_changes ch;
      ch.puts = {{"kpi/a", std::to_string(i)}, {"kpi/b", std::to_string(i)}};
      if (i % 2 == 0)
        ch.deletes = {"kpi/odd"};
      else
        ch.puts.emplace_back("kpi/odd", std::to_string(i));
      if (!v.commit("kpi", ch, i).is_ok()) ++failed;
    }
    done = true;
  });
  int torn = 0, reads = 0;
  while (!done || reads == 0) {
    auto all = v.dump();
    ++reads;
    if (!all) {
      ++torn;
      continue;
    }
    std::map<std::string, std::string> m(all->begin(), all->end());
    if (!m.count("checkpoint/kpi")) continue;
    const auto at = std::to_string(*parse_checkpoint_value(m["checkpoint/kpi"]));
    if (m["kpi/a"] != at || m["kpi/b"] != at) ++torn;
    if ((std::stoull(at) % 2 == 1) != (m.count("kpi/odd") == 1)) ++torn;
  }
  writer.join();
  CHECK(failed == 0);
  CHECK(torn == 0);
  MESSAGE(reads << " reads");
}
