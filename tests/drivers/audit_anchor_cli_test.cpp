// `hotline audit verify` against the events and against signed anchors
// (`hotline audit anchor`), on copies of a store tampered with as an
// attacker with write access to the node's files would: each case passes
// before the tampering and fails after, naming the first bad position.
// The keys in tests/fixtures/audit_anchor*.key are test keys, for tests only.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <rocksdb/db.h>

#include "drivers/store/rocksdb_event_store.hpp"
#include "drivers/views/sample_traffic.hpp"
#include "events/codec.hpp"
#include "tests/drivers/store_fixtures.hpp"
#include "tests/support/hotline_cli.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;
namespace fs = std::filesystem;

namespace {

using hotline::testing::hotline_cli;

std::string fixture(const std::string& name) {
  return std::string{HOTLINE_TEST_FIXTURES} + "/" + name;
}

void fill(const std::string& dir, std::uint64_t n, std::uint64_t seed = 1) {
  auto s = rocksdb_event_store::open(dir);
  REQUIRE(s.has_value());
  traffic_options o;
  o.seed = seed;
  o.calls_per_hour = 3000;
  o.agents = 10;
  generate_traffic(o, n, [&](const std::string& stream, events::proposed_event&& e) {
    std::vector<events::proposed_event> one;
    one.push_back(std::move(e));
    REQUIRE((*s)->append(stream, expected_revision::any(), std::move(one)).has_value());
    return true;
  });
}

std::string copy_of(const std::string& store, const std::string& to) {
  fs::copy(store, to, fs::copy_options::recursive);
  return to;
}

events::recorded_event read_at(rocksdb_event_store& s, std::uint64_t pos) {
  auto r = s.read_all(pos, 1);
  REQUIRE(r.has_value());
  REQUIRE(r->size() == 1);
  return (*r)[0];
}

/// Edits the event at `pos` and stores it with a valid checksum.
void edit_event(const std::string& store, std::uint64_t pos) {
  auto s = rocksdb_event_store::open(store);
  REQUIRE(s.has_value());
  auto e = read_at(**s, pos);
  e.meta.caused_by.id = "mallory";
  REQUIRE(
      (*s)->overwrite_raw_record_for_testing(pos, events::event_codec::standard().encode_record(e))
          .is_ok());
}

/// Deletes events [from, to] from the store's files (below the store API).
void delete_events(const std::string& store, std::uint64_t from, std::uint64_t to) {
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions{}, store, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names)
    cfs.emplace_back(n, rocksdb::ColumnFamilyOptions{});
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions{}, store, cfs, &handles, &db).ok());
  rocksdb::ColumnFamilyHandle* events_cf = nullptr;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == "events") events_cf = handles[i];
  REQUIRE(events_cf != nullptr);
  for (auto pos = from; pos <= to; ++pos) {
    std::string key;
    for (int i = 7; i >= 0; --i)
      key.push_back(static_cast<char>((pos >> (8 * i)) & 0xff));
    REQUIRE(db->Delete(rocksdb::WriteOptions{}, events_cf, key).ok());
  }
  for (auto* h : handles)
    REQUIRE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
}

/// The store `src` without its events after `keep`, written through the
/// store API (a consistent store, as an attacker would leave it); with
/// `with_views`, the audit chain is copied as it was.
std::string truncated_copy(const std::string& src, const std::string& dst, std::uint64_t keep,
                           bool with_views) {
  {
    auto from = rocksdb_event_store::open(src);
    auto to = rocksdb_event_store::open(dst);
    REQUIRE(from.has_value());
    REQUIRE(to.has_value());
    auto evs = (*from)->read_all(1, keep);
    REQUIRE(evs.has_value());
    for (auto& e : *evs) {
      std::vector<events::proposed_event> one{{e.meta, e.type, e.version, e.payload}};
      auto r = (*to)->append(e.stream, expected_revision::any(), std::move(one));
      REQUIRE(r.has_value());
    }
    REQUIRE((*to)->head_position() == keep);
  }
  if (with_views) fs::copy(src + "/views", dst + "/views", fs::copy_options::recursive);
  return dst;
}

/// (The chain is kept in `<store>/views`, given explicitly: the copies
/// below take it along with the store.)
/// What an attacker does after editing events: throw the audit chain away
/// and fold a new, self-consistent one from the edited events.
void rebuild_chain(const std::string& store) {
  fs::remove_all(store + "/views");
  std::string out;
  REQUIRE_MESSAGE(
      hotline_cli("audit verify --store " + store + " --views " + store + "/views", out) == 0, out);
}

std::string verify(const std::string& store, const std::string& anchors = "") {
  return "audit verify --store " + store + " --views " + store + "/views" + anchors;
}

} // namespace

TEST_CASE("audit verify checks the chain against the events: a corrupt, missing, swapped or edited "
          "event is named") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  fill(store, 300);
  std::string out;
  REQUIRE_MESSAGE(hotline_cli(verify(store), out) == 0, out);
  CHECK(out.find("audit chain ok: 300 records") != std::string::npos);
  CHECK(out.find("matching the events up to position 300") != std::string::npos);

  SUBCASE("corrupt") {
    auto s = copy_of(store, dir.path() + "/corrupt");
    {
      auto st = rocksdb_event_store::open(s);
      REQUIRE((*st)->overwrite_raw_record_for_testing(120, "\x68\x01garbage").is_ok());
    }
    CHECK(hotline_cli(verify(s, "") + " --no-update", out) == 1);
    CHECK_MESSAGE(
        out.find("BROKEN at position 120: the event does not decode") != std::string::npos, out);
  }
  SUBCASE("missing") {
    auto s = copy_of(store, dir.path() + "/missing");
    delete_events(s, 120, 120);
    CHECK(hotline_cli(verify(s), out) == 1);
    CHECK_MESSAGE(out.find("BROKEN at position 120: ") != std::string::npos, out);
    CHECK(out.find("position 120 is missing") != std::string::npos);
  }
  SUBCASE("swapped") {
    auto s = copy_of(store, dir.path() + "/swapped");
    {
      auto st = rocksdb_event_store::open(s);
      auto a = read_at(**st, 120), b = read_at(**st, 121);
      std::swap(a.position, b.position); // as if the records had been written the other way round
      const auto& codec = events::event_codec::standard();
      REQUIRE((*st)->overwrite_raw_record_for_testing(120, codec.encode_record(b)).is_ok());
      REQUIRE((*st)->overwrite_raw_record_for_testing(121, codec.encode_record(a)).is_ok());
    }
    CHECK(hotline_cli(verify(s), out) == 1);
    CHECK_MESSAGE(
        out.find(
            "BROKEN at position 120: record 120 does not match the event stored at position 120") !=
            std::string::npos,
        out);
  }
  SUBCASE("edited, checksum recomputed, chain left as it was") {
    auto s = copy_of(store, dir.path() + "/edited");
    edit_event(s, 120);
    CHECK(hotline_cli(verify(s), out) == 1);
    CHECK_MESSAGE(
        out.find(
            "BROKEN at position 120: record 120 does not match the event stored at position 120: "
            "the event was changed") != std::string::npos,
        out);
  }
  SUBCASE("events deleted from the end, the chain left as it was") {
    auto s = truncated_copy(store, dir.path() + "/truncated", 280, true);
    CHECK(hotline_cli(verify(s), out) == 1);
    CHECK_MESSAGE(out.find("record 281 and later name events the store does not hold") !=
                      std::string::npos,
                  out);
  }
}

TEST_CASE(
    "audit anchor: a signed head kept elsewhere catches a rebuilt chain and removed history") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  const auto key = fixture("audit_anchor.key"), pub = fixture("audit_anchor.pub");
  fill(store, 150);
  std::string out;
  const auto early = dir.path() + "/anchor-150.json", late = dir.path() + "/anchor-300.json";
  REQUIRE_MESSAGE(hotline_cli("audit anchor --store " + store + " --views " + store +
                                  "/views --key " + key + " --out " + early,
                              out) == 0,
                  out);
  CHECK(out.find("anchored record 150 (position 150") != std::string::npos);
  fill(store, 150, 2);
  REQUIRE_MESSAGE(hotline_cli("audit anchor --store " + store + " --views " + store +
                                  "/views --key " + key + " --out " + late,
                              out) == 0,
                  out);
  const std::string both = " --public-key " + pub + " --anchor " + early + " --anchor " + late;
  REQUIRE_MESSAGE(hotline_cli(verify(store, both), out) == 0, out);
  CHECK(out.find("2 anchors matched (the last at record 300)") != std::string::npos);

  SUBCASE("an event edited, its checksum recomputed and the chain rebuilt") {
    auto s = copy_of(store, dir.path() + "/rebuilt");
    edit_event(s, 200);
    rebuild_chain(s); // consistent with itself and with the (edited) events: only the anchor tells
    CHECK(hotline_cli(verify(s, both), out) == 1);
    CHECK_MESSAGE(
        out.find("BROKEN at position 300: the chain's record 300 differs from its anchor") !=
            std::string::npos,
        out);
    CHECK(out.find("the history up to record 150 (position 150) still matches its anchor") !=
          std::string::npos);
  }
  SUBCASE("the last records deleted and the head rewritten") {
    auto s = truncated_copy(store, dir.path() + "/cut", 250, false);
    rebuild_chain(
        s); // a shorter chain with its head rewritten: consistent by itself and with the events
    CHECK(hotline_cli(verify(s, both), out) == 1);
    CHECK_MESSAGE(
        out.find(
            "BROKEN at position 251: record 251 is missing: the anchored chain had 300 records") !=
            std::string::npos,
        out);
  }
  SUBCASE("an anchor edited, or checked with another key") {
    std::string text;
    {
      std::ifstream in{late};
      text.assign(std::istreambuf_iterator<char>{in}, {});
    }
    auto at = text.find("\"seq\": 300");
    REQUIRE(at != std::string::npos);
    text.replace(at, 10, "\"seq\": 299");
    const auto forged = dir.path() + "/forged.json";
    std::ofstream{forged} << text;
    CHECK(hotline_cli(verify(store, " --public-key " + pub + " --anchor " + forged), out) == 1);
    CHECK_MESSAGE(out.find("signature does not verify") != std::string::npos, out);
    CHECK(hotline_cli(verify(store, " --public-key " + fixture("audit_anchor_other.pub") +
                                        " --anchor " + late),
                      out) == 1);
    CHECK(out.find("signature does not verify") != std::string::npos);
    CHECK(hotline_cli(verify(store, " --anchor " + late), out) == 2); // no key to check it with
  }
}
