// The store under faults and in users' hands (issues 18 and 19): a flipped
// bit in a copy of a store's WAL refuses every open naming the file and
// offset, and `hotline store repair` says what it drops before dropping it;
// a damaged length field of the last WAL record is not taken for a torn
// write; reading commands change no file, create nothing for a missing
// store, and read a store a running process holds open; stores are private
// (0700/0600) whatever the umask; outputs get their parent directories.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "drivers/store/wal_scan.hpp"
#include "drivers/views/rocksdb_view_store.hpp"
#include "drivers/views/sample_traffic.hpp"
#include "tests/drivers/sample_store.hpp"
#include "tests/drivers/store_fixtures.hpp"
#include "tests/support/hotline_cli.hpp"

using namespace hotline;
using namespace hotline::drivers;
using namespace hotline::ports;
namespace fs = std::filesystem;

namespace {

using hotline::testing::write_sample_store;

using hotline::testing::hotline_cli;

/// Every file under `dir` (recursively) -> its mode and content.
std::map<std::string, std::pair<unsigned, std::string>> snapshot(const std::string& dir) {
  std::map<std::string, std::pair<unsigned, std::string>> out;
  for (const auto& e : fs::recursive_directory_iterator{dir}) {
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    std::string content;
    if (e.is_regular_file()) {
      std::ifstream in{e.path(), std::ios::binary};
      content.assign(std::istreambuf_iterator<char>{in}, {});
    }
    out[fs::relative(e.path(), dir).string()] = {static_cast<unsigned>(st.st_mode),
                                                 std::move(content)};
  }
  return out;
}

std::string only_wal(const std::string& dir) {
  auto files = wal::wal_files(dir);
  REQUIRE(files.has_value());
  REQUIRE(files->size() == 1);
  return files->front();
}

void flip_bit(const std::string& path, std::uint64_t offset, unsigned char mask) {
  std::fstream f{path, std::ios::in | std::ios::out | std::ios::binary};
  REQUIRE(f);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ mask);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

} // namespace

TEST_CASE("a flipped bit in a store's WAL refuses every open naming file and offset, store repair "
          "says, then does") {
  testing::temp_dir dir;
  const auto original = dir.path() + "/node";
  write_sample_store(original, 3'000);
  const auto copy = dir.path() + "/copy";
  fs::copy(original, copy, fs::copy_options::recursive);
  const auto wal = only_wal(copy);
  const auto size = fs::file_size(wal);
  REQUIRE(size > 4 * 32768);
  const std::uint64_t offset = size / 32768 / 2 * 32768 + 1000; // inside a block, half-way
  flip_bit(wal, offset, 0x10);
  const auto wal_name = fs::path{wal}.filename().string();
  const auto before = snapshot(copy);

  std::string out;
  // Reading commands: exit 1, naming the WAL file and where it is damaged.
  for (const std::string cmd : {"store check --store ", "store info --store ",
                                "kpi --quiet --store ", "audit verify --store "}) {
    CAPTURE(cmd);
    CHECK(hotline_cli(cmd + copy, out) == 1);
    CAPTURE(out);
    CHECK(out.find("is damaged") != std::string::npos);
    CHECK(out.find("WAL file " + wal_name + " is damaged at offset") != std::string::npos);
    CHECK(out.find("store repair --store " + copy) != std::string::npos);
  }
  CHECK(snapshot(copy) == before); // nothing rewritten, nothing made permanent
  CHECK_FALSE(fs::exists(copy + ".views"));

  // A writer refuses too, and changes nothing.
  auto opened = rocksdb_event_store::open(copy);
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error().code() == errc::corrupt_record);
  CHECK(snapshot(copy) == before);

  // The plan: what would be dropped; nothing changed; exit 1 (still damaged).
  CHECK(hotline_cli("store repair --store " + copy, out) == 1);
  CAPTURE(out);
  CHECK(out.find(wal_name + " from offset") != std::string::npos);
  CHECK(out.find("A repair keeps every event up to position") != std::string::npos);
  // How many events are lost in all is known unless the damaged batch is
  // unreadable with nothing after it (its size depends on how the writes
  // were grouped into batches, which varies from run to run).
  if (out.find("its content cannot be read") == std::string::npos ||
      out.find("no event in the intact batches after it") == std::string::npos)
    CHECK(out.find("In all the store would go from 3000 events to") != std::string::npos);
  CHECK(out.find("Nothing was changed") != std::string::npos);
  CHECK(snapshot(copy) == before);

  // Done: the dropped WAL is saved, the repair recorded, the store opens.
  CHECK(hotline_cli("store repair --yes --store " + copy, out) == 0);
  CHECK(out.find("Repaired: the store holds") != std::string::npos);
  bool saved = false;
  for (const auto& e : fs::directory_iterator{copy})
    if (e.path().filename().string().rfind("repair-", 0) == 0)
      saved = fs::exists(e.path() / wal_name) && fs::file_size(e.path() / wal_name) == size;
  CHECK(saved);
  CHECK(hotline_cli("store check --store " + copy, out) == 0);
  CHECK(hotline_cli("store info --store " + copy, out) == 0);
  CHECK(out.find("repaired at") != std::string::npos);
  CHECK(out.find(wal_name + " from offset") != std::string::npos);
  // The original, untouched, still holds everything.
  CHECK(hotline_cli("store check --store " + original, out) == 0);
  CHECK(out.find("3000 records ok, 0 bad") != std::string::npos);
}

TEST_CASE("a damaged length field in the WAL's last record is damage, not a torn write") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  write_sample_store(store, 500);
  const auto wal = only_wal(store);
  std::uint64_t last = 0;
  auto scanned = wal::scan_file(wal, [&](const wal::record& r) { last = r.offset; });
  REQUIRE(scanned.has_value());
  REQUIRE_FALSE(scanned->damaged);
  // The length's high byte: the record now seems to run past the end of the file.
  flip_bit(wal, last + 5, 0x40);
  auto opened = rocksdb_event_store::open(store);
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error().code() == errc::corrupt_record);
  CHECK(opened.error().detail().find("length field") != std::string::npos);
  rocksdb_store_options ro;
  ro.read_only = true;
  CHECK(rocksdb_event_store::open(store, ro).error().code() == errc::corrupt_record);
}

TEST_CASE("an incomplete last WAL record (a write a crash interrupted) is dropped, everything "
          "before it kept") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  write_sample_store(store, 500);
  const auto wal = only_wal(store);
  fs::resize_file(wal, fs::file_size(wal) - 3); // torn inside the last record
  auto opened = rocksdb_event_store::open(store);
  REQUIRE(opened.has_value());
  CHECK((*opened)->head_position() == 500); // the last record was the index written at close
  auto all = (*opened)->read_all(1, SIZE_MAX);
  REQUIRE(all.has_value());
  CHECK(all->size() == 500);
}

TEST_CASE("reading commands change no file of the store and leave nothing in it") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  write_sample_store(store, 2'000);
  const auto before = snapshot(store);
  std::string out;
  const std::vector<std::string> commands{
      "store check --store " + store,
      "store info --store " + store,
      "store read --limit 5 --store " + store,
      "kpi --quiet --format json --no-intervals --store " + store,
      "audit query --quiet --format json --agent a3 --store " + store,
      "audit verify --store " + store,
      "crm show --quiet --customer cust-1 --store " + store,
      "replay --quiet --out " + dir.path() + "/replayed --store " + store,
      "whatif --quiet --config " + std::string{HOTLINE_TEST_FIXTURES} +
          "/../../config/demo.toml --store " + store,
  };
  for (const auto& cmd : commands) {
    CAPTURE(cmd);
    hotline_cli(cmd, out);
    CAPTURE(out);
    CHECK(out.find("store_in_use") == std::string::npos);
    CHECK(snapshot(store) ==
          before); // same files, same bytes, same modes: no LOG, no views/, no new WAL
  }
  CHECK(hotline_cli("store check --store " + store, out) == 0);
  CHECK(fs::exists(store + ".views")); // audit and crm keep their views beside the store
  CHECK_FALSE(fs::exists(store + "/views"));
}

TEST_CASE("a reading command on a missing store fails clearly and creates nothing") {
  testing::temp_dir dir;
  const auto missing = dir.path() + "/var/nowhere";
  std::string out;
  for (const std::string cmd :
       {"kpi --quiet --store ", "store info --store ", "store check --store ",
        "store read --store ", "audit query --quiet --store ", "store repair --store "}) {
    CAPTURE(cmd);
    CHECK(hotline_cli(cmd + missing, out) == 1);
    CAPTURE(out);
    CHECK(out.find("no store at " + missing) != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path() + "/var"));
  }
  CHECK(hotline_cli("replay --quiet --store " + missing + " --out " + dir.path() + "/out/views",
                    out) == 1);
  CHECK_FALSE(fs::exists(dir.path() + "/out"));
  CHECK_FALSE(fs::exists(missing + ".views"));
}

TEST_CASE("outputs get their parent directories: a store at var/north when var/ is missing") {
  testing::temp_dir dir;
  std::string out;
  const auto store = dir.path() + "/var/north";
  CHECK(hotline_cli("simulate --quiet --agents 3 --rate-per-hour 60 --aht-s 60 --hours 0.5 --seed "
                    "7 --store " +
                        store,
                    out) == 0);
  CAPTURE(out);
  CHECK(fs::exists(store + "/CURRENT"));
  CHECK(hotline_cli("replay --quiet --store " + store + " --out " + dir.path() +
                        "/reports/june/views",
                    out) == 0);
  CHECK(fs::exists(dir.path() + "/reports/june/views/CURRENT"));
  auto deep = rocksdb_event_store::open(dir.path() + "/a/b/c/store");
  CHECK(deep.has_value());
}

TEST_CASE("stores are created 0700/0600 whatever the umask, a store others can read opens with a "
          "warning") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  const auto old_mask = ::umask(0);
  {
    auto s = rocksdb_event_store::open(store);
    REQUIRE(s.has_value());
    REQUIRE((*s)->append("call-1", expected_revision::no_stream(), testing::make_events("p", 3)));
  }
  {
    auto views = rocksdb_view_store::open(dir.path() + "/views");
    REQUIRE(views.has_value());
  }
  ::umask(old_mask);
  for (const auto& root : {store, dir.path() + "/views"}) {
    struct stat st {};
    REQUIRE(::stat(root.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    for (const auto& e : fs::directory_iterator{root}) {
      CAPTURE(e.path().string());
      REQUIRE(::stat(e.path().c_str(), &st) == 0);
      CHECK((st.st_mode & 077) == 0);
    }
  }
  std::vector<std::string> warnings;
  rocksdb_store_options o;
  o.warn = [&](const std::string& w) { warnings.push_back(w); };
  {
    auto s = rocksdb_event_store::open(store, o);
    REQUIRE(s.has_value());
  }
  CHECK(warnings.empty());
  ::chmod(store.c_str(), 0755);
  {
    auto s = rocksdb_event_store::open(store, o);
    REQUIRE(s.has_value()); // still opens: stores made before 0700 keep working
  }
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("mode 0755") != std::string::npos);
  CHECK(warnings[0].find("chmod -R go= " + store) != std::string::npos);
  std::string out;
  CHECK(hotline_cli("store info --store " + store, out) == 0);
  // A log line (drivers/log/log.hpp): level WARN, component store.
  CHECK(out.find(" WARN  store store " + store + " is accessible to other users") !=
        std::string::npos);
}

TEST_CASE(
    "kpi, store info|read and audit query read a store a running process holds open for writing") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/node";
  testing::child_process writer{{HOTLINE_CRASH_WRITER, store, "1", "2", "4"}};
  REQUIRE(writer.read_line(std::chrono::seconds(30)) == std::optional<std::string>{"READY"});
  for (int i = 0; i < 50; ++i)
    REQUIRE(writer.read_line(std::chrono::seconds(10)).has_value()); // some acks
  std::string out;
  CHECK(hotline_cli("store info --store " + store, out) == 0);
  CAPTURE(out);
  CHECK(out.find("events:") != std::string::npos);
  CHECK(out.find("events:   0") == std::string::npos);
  CHECK(hotline_cli("store read --limit 3 --store " + store, out) == 0);
  CHECK(out.find("call.arrived") != std::string::npos);
  CHECK(hotline_cli("kpi --quiet --format json --no-intervals --store " + store, out) == 0);
  CHECK(hotline_cli("audit query --quiet --format json --store " + store, out) == 0);
  CHECK(hotline_cli("store check --store " + store, out) ==
        0); // a consistent prefix: index and records agree
  writer.signal(SIGKILL);
  writer.wait();
}
