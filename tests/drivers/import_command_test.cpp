// `hotline import` as a process: killed with SIGKILL mid-run and run again,
// every call is stored exactly once; importing the same file twice stores
// nothing twice; a malformed row stores nothing of its call (issue 18.3).
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <set>

#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "projections/kpi/kpi_projection.hpp"
#include "projections/kpi/kpi_report.hpp"
#include "tests/support/process.hpp"

using namespace hotline;

namespace {

constexpr const char* header = "vru+line,call_id,customer_id,priority,type,date,vru_entry,vru_exit,"
                               "vru_time,q_start,q_exit,q_time,"
                               "outcome,ser_start,ser_exit,ser_time,server\n";

/// `calls` rows over one day; every 7th answered by NO_SERVER, every 3rd
/// abandoned, and call ids reused every 1000 rows (as a real month does).
std::string month(int calls) {
  std::string csv = header;
  char row[256];
  for (int i = 0; i < calls; ++i) {
    const int s = 3600 + i * 3; // one every 3 s from 01:00
    auto hms = [](int t) {
      char b[16];
      std::snprintf(b, sizeof b, "%d:%02d:%02d", t / 3600 % 24, t / 60 % 60, t % 60);
      return std::string{b};
    };
    const bool hang = i % 3 == 0;
    std::snprintf(row, sizeof row, "AA01,%d,0,0,PS,990901,%s,%s,5,%s,%s,10,%s,%s,%s,%d,%s\n",
                  10000 + i % 1000, hms(s).c_str(), hms(s + 5).c_str(), hms(s + 5).c_str(),
                  hms(s + 15).c_str(), hang ? "HANG" : "AGENT",
                  hang ? "0:00:00" : hms(s + 15).c_str(), hang ? "0:00:00" : hms(s + 75).c_str(),
                  hang ? 0 : 60,
                  hang         ? "NO_SERVER"
                  : i % 7 == 0 ? "NO_SERVER"
                               : ("A" + std::to_string(i % 40)).c_str());
    csv += row;
  }
  return csv;
}

struct store_view {
  std::map<std::string, std::size_t> per_stream; ///< events per stream
  std::size_t arrivals = 0, head = 0;
  bool unique_ids = true;
  nlohmann::json totals;
};

store_view look(const std::string& dir) {
  store_view v;
  auto opened = drivers::rocksdb_event_store::open(dir);
  REQUIRE(opened.has_value());
  auto all = (*opened)->read_all(1, SIZE_MAX);
  REQUIRE(all.has_value());
  v.head = all->size();
  projections::kpi::kpi_options o;
  o.interval_ms = 24 * 3600 * 1000;
  projections::kpi::kpi_projection kpi{o};
  std::set<std::string> ids;
  for (const auto& e : *all) {
    ++v.per_stream[e.stream];
    v.arrivals += e.type == "call.arrived";
    v.unique_ids = ids.insert(e.meta.id.to_string()).second && v.unique_ids;
    REQUIRE(kpi.apply(e).is_ok());
  }
  v.totals = projections::kpi::build_report(kpi)["totals"];
  return v;
}

void write(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

} // namespace

TEST_CASE("import: killed with SIGKILL mid-run, a re-run completes with every call stored once") {
  testing::temp_dir dir;
  const int calls = 20000;
  const std::string file = dir.path() + "/month.csv", store = dir.path() + "/store";
  write(file, month(calls));
  {
    testing::child_process child{
        {HOTLINE_BIN, "import", "--store", store, "--preset", "technion", "--progress", file}};
    auto line = child.read_line(std::chrono::seconds(120));
    REQUIRE(line.has_value());
    CHECK(line->rfind("progress:", 0) == 0);
    child.signal(SIGKILL);
    CHECK(child.wait() == 128 + SIGKILL);
  }
  const auto partial = look(store);
  CAPTURE(partial.arrivals);
  CHECK(partial.arrivals < static_cast<std::size_t>(calls)); // it was killed before the end
  for (const auto& [stream, n] : partial.per_stream) {       // and no call was stored in part
    CAPTURE(stream);
    CHECK(n >= 3);
  }
  std::string out;
  REQUIRE(testing::run_capture(
              {HOTLINE_BIN, "import", "--store", store, "--preset", "technion", file}, out) == 0);
  CHECK(out.find(std::to_string(partial.arrivals) + " already in the store") != std::string::npos);
  const auto full = look(store);
  CHECK(full.arrivals == static_cast<std::size_t>(calls));
  CHECK(full.per_stream.size() == static_cast<std::size_t>(calls));
  CHECK(full.unique_ids);
  CHECK(full.totals["arrived"] == calls);
  const int hang = (calls + 2) / 3;
  CHECK(full.totals["answered"] == calls - hang);
  CHECK(full.totals["abandoned"] == hang);

  // the same file once more: nothing new
  REQUIRE(testing::run_capture(
              {HOTLINE_BIN, "import", "--store", store, "--preset", "technion", file}, out) == 0);
  CHECK(out.find(std::to_string(calls) + " already in the store") != std::string::npos);
  CHECK(look(store).head == full.head);
}

TEST_CASE("import: a malformed row stores nothing of its call, and the rest is imported") {
  testing::temp_dir dir;
  const std::string file = dir.path() + "/bad.csv", store = dir.path() + "/store";
  write(file, std::string{header} + "AA01,1,0,0,PS,990901,10:00:00,10:00:05,5,10:00:05,10:00:20,15,"
                                    "AGENT,10:00:20,10:02:00,100,ANAT\n"
                                    "AA01,2,0,0,PS,990901,10:01:00,10:01:05,5,10:01:05,10:01:20,15,"
                                    "AGENT,10:01:20,10:0x:00,100,ANAT\n"
                                    "AA01,3,0,0,PS,990901,10:05:00,10:05:05,5,10:05:05,10:05:20,15,"
                                    "AGENT,10:05:20,10:07:00,100,ANAT\n");
  std::string out;
  REQUIRE(testing::run_capture(
              {HOTLINE_BIN, "import", "--store", store, "--preset", "technion", file}, out) == 0);
  auto v = look(store);
  CHECK(v.per_stream.size() == 2);
  CHECK(v.per_stream.count("call-1@bad.csv:2") == 1);
  CHECK(v.per_stream.count("call-3@bad.csv:4") == 1);
  CHECK(out.find("time 1") != std::string::npos); // counted under its skip reason
}

TEST_CASE("import --timezone: local times are stored as UTC instants, an unknown zone is refused") {
  testing::temp_dir dir;
  const std::string file = dir.path() + "/tz.csv", store = dir.path() + "/store";
  write(file, std::string{header} + "AA01,1,0,0,PS,990901,11:45:33,11:45:39,6,11:45:39,11:46:58,79,"
                                    "AGENT,11:46:58,11:51:00,242,M\n");
  std::string out;
  CHECK(testing::run_capture({"/bin/sh", "-c",
                              std::string{HOTLINE_BIN} + " import --store " + store +
                                  " --preset technion --timezone Asia/Jerusalm " + file + " 2>&1"},
                             out) == 2);
  CHECK(out.find("did you mean 'Asia/Jerusalem'") != std::string::npos);
  REQUIRE(testing::run_capture({HOTLINE_BIN, "import", "--store", store, "--preset", "technion",
                                "--timezone", "Asia/Jerusalem", file},
                               out) == 0);
  CHECK(out.find("times read as Asia/Jerusalem") != std::string::npos);
  auto opened = drivers::rocksdb_event_store::open(store);
  REQUIRE(opened.has_value());
  auto all = (*opened)->read_all(1, 1);
  REQUIRE(all.has_value());
  REQUIRE(all->size() == 1);
  CHECK(events::format_timestamp(all->front().meta.timestamp_ns) ==
        "1999-09-01T08:45:33.000000000Z"); // IDT, +03:00
}
