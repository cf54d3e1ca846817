// hotline bench replay: events/s through the KPI projection, read from a
// RocksDB event store, with the raw RocksDB iteration rate over the same
// records measured in the same run as the baseline (STYLE.md rule 10).
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include <time.h>

#include <nlohmann/json.hpp>
#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include "bench/benches.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "drivers/views/event_scan.hpp"
#include "drivers/views/projection_runner.hpp"
#include "drivers/views/rocksdb_view_store.hpp"
#include "drivers/views/sample_traffic.hpp"
#include "projections/kpi/kpi_projection.hpp"

namespace hotline::bench {

namespace {

using clock = std::chrono::steady_clock;

double seconds_since(clock::time_point t) {
  return std::chrono::duration<double>(clock::now() - t).count();
}

/// CPU seconds used by this thread: the per-core figure, which a busy
/// machine (other builds on the same 2 cores) does not distort the way it
/// distorts wall time.
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

/// Wall and CPU time of one measured pass.
struct pass_timer {
  clock::time_point wall = clock::now();
  double cpu = thread_cpu_s();
  std::pair<double, double> stop() const { return {seconds_since(wall), thread_cpu_s() - cpu}; }
};

struct replay_bench_args {
  std::uint64_t events = 10'000'000;
  std::string store;
  std::size_t read_batch = 4096;
  bool with_views = false;
};

/// Fills `dir` with synthetic traffic until it holds `n` events.
bool fill_store(const std::string& dir, std::uint64_t n) {
  drivers::rocksdb_store_options o;
  o.sync = drivers::sync_policy::none;
  auto opened = drivers::rocksdb_event_store::open(dir, o);
  if (!opened) {
    std::cerr << "hotline: " << opened.error().message() << "\n";
    return false;
  }
  auto& store = **opened;
  if (store.head_position() >= n) return true;
  if (store.head_position() > 0) {
    std::cerr << "hotline: " << dir << " holds " << store.head_position()
              << " events, fewer than --events\n";
    return false;
  }
  std::cerr << "writing " << n << " synthetic events to " << dir << " ...\n";
  std::atomic<std::uint64_t> pending{0}, failed{0};
  drivers::traffic_options t;
  t.agents = 200;
  t.calls_per_hour = 12'000;
  drivers::generate_traffic(t, n, [&](const std::string& stream, events::proposed_event&& e) {
    while (pending.load() > 200'000)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    std::vector<events::proposed_event> one;
    one.push_back(std::move(e));
    ++pending;
    store.append_async(stream, ports::expected_revision::any(), std::move(one),
                       [&](events::result<ports::append_result> r) {
                         if (!r) ++failed;
                         --pending;
                       });
    return true;
  });
  while (pending.load() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return failed.load() == 0;
}

/// Iterates the `events` column family with nothing but RocksDB.
struct raw_result {
  std::uint64_t n = 0;
  double wall = 0, cpu = 0;
};

/// `readahead`: the read options the store's own scan uses (1 MiB
/// readahead); otherwise RocksDB's defaults. The baseline is the faster.
raw_result raw_iteration(const std::string& dir, bool readahead) {
  std::vector<std::string> names;
  rocksdb::DBOptions dbo;
  if (!rocksdb::DB::ListColumnFamilies(dbo, dir, &names).ok()) return {};
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names)
    cfs.emplace_back(n, rocksdb::ColumnFamilyOptions{});
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(dbo, dir, cfs, &handles, &raw).ok()) return {};
  std::unique_ptr<rocksdb::DB> db{raw};
  rocksdb::ColumnFamilyHandle* events_cf = nullptr;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == "events") events_cf = handles[i];
  std::uint64_t n = 0, bytes = 0;
  pass_timer t;
  {
    rocksdb::ReadOptions ro;
    if (readahead) ro.readahead_size = 1 << 20;
    std::unique_ptr<rocksdb::Iterator> it{db->NewIterator(ro, events_cf)};
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes += it->value().size();
      ++n;
    }
  }
  auto [wall, cpu] = t.stop();
  for (auto* h : handles)
    db->DestroyColumnFamilyHandle(h);
  (void)bytes;
  return {n, wall, cpu};
}

void run(const replay_bench_args& a) {
  std::string dir = a.store;
  std::filesystem::path tmp;
  if (dir.empty()) {
    tmp = std::filesystem::temp_directory_path() /
          ("hotline-bench-replay-" + std::to_string(::getpid()));
    dir = tmp.string();
  }
  if (!fill_store(dir, a.events)) {
    cli::exit_code() = 1;
    return;
  }
  // 1. the baseline: raw RocksDB iteration over the same records, with
  // RocksDB's default read options and with the store's; the faster counts.
  const auto raw_default = raw_iteration(dir, false);
  const auto raw_readahead = raw_iteration(dir, true);
  const auto& raw =
      raw_readahead.n > 0 && raw_readahead.cpu < raw_default.cpu ? raw_readahead : raw_default;

  auto opened = drivers::rocksdb_event_store::open(dir);
  if (!opened) {
    std::cerr << "hotline: " << opened.error().message() << "\n";
    cli::exit_code() = 1;
    return;
  }
  auto& store = **opened;
  const std::uint64_t n = std::min<std::uint64_t>(a.events, store.head_position());
  drivers::scan_options so;
  so.to = n;
  so.read_batch = a.read_batch;

  // 2. the store's own scan (visit_all: RocksDB + checksum + record decode)
  std::uint64_t read = 0;
  pass_timer t;
  drivers::scan_callbacks count;
  count.on_event = [&](const events::recorded_event&) {
    ++read;
    return events::status{};
  };
  (void)drivers::scan_events(store, so, count);
  const auto [read_s, read_cpu] = t.stop();

  // 3. the measured figure: read + payload decode + KPI fold
  projections::kpi::kpi_projection kpi;
  std::uint64_t folded = 0;
  drivers::scan_callbacks fold;
  fold.on_event = [&](const events::recorded_event& e) {
    ++folded;
    return kpi.apply(e);
  };
  t = pass_timer{};
  auto st = drivers::scan_events(store, so, fold);
  const auto [fold_s, fold_cpu] = t.stop();
  if (!st) {
    std::cerr << "hotline: " << st.message() << "\n";
    cli::exit_code() = 1;
    return;
  }

  // 4. the fold alone over events already in memory (decode + fold)
  std::vector<events::recorded_event> sample;
  auto batch = store.read_all(1, std::min<std::uint64_t>(n, 1'000'000));
  if (batch) sample = std::move(*batch);
  projections::kpi::kpi_projection kpi2;
  t = pass_timer{};
  for (const auto& e : sample)
    (void)kpi2.apply(e);
  const auto [mem_s, mem_cpu] = t.stop();

  auto rate = [](double n, double s) { return s > 0 ? std::round(n / s) : 0.0; };
  nlohmann::json out;
  out["bench"] = "replay";
  out["events"] = folded;
  // wall-clock rates (one thread)
  out["events_per_s"] = rate(double(folded), fold_s);
  out["raw_rocksdb_iter_per_s"] = rate(double(raw.n), raw.wall);
  out["ratio"] =
      raw.wall > 0 && fold_s > 0
          ? std::round(double(folded) / fold_s / (double(raw.n) / raw.wall) * 1000) / 1000
          : 0.0;
  out["baseline"] = "raw RocksDB iteration of the events column family (the faster of default "
                    "read options and the store's scan options, by CPU time)";
  out["raw_rocksdb_iter_default_options_per_s"] = rate(double(raw_default.n), raw_default.wall);
  out["raw_rocksdb_iter_scan_options_per_s"] = rate(double(raw_readahead.n), raw_readahead.wall);
  out["store_scan_per_s"] = rate(double(read), read_s);
  out["fold_in_memory_per_s"] = rate(double(sample.size()), mem_s);
  out["fold_in_memory_events"] = sample.size();
  // per-core rates: events per CPU second of the measuring thread
  out["events_per_cpu_s"] = rate(double(folded), fold_cpu);
  out["raw_rocksdb_iter_per_cpu_s"] = rate(double(raw.n), raw.cpu);
  out["ratio_cpu"] =
      raw.cpu > 0 && fold_cpu > 0
          ? std::round(double(folded) / fold_cpu / (double(raw.n) / raw.cpu) * 1000) / 1000
          : 0.0;
  out["store_scan_per_cpu_s"] = rate(double(read), read_cpu);
  out["fold_in_memory_per_cpu_s"] = rate(double(sample.size()), mem_cpu);
  out["threads"] = 1;
  // The target is per core: events per CPU second of the one
  // thread that reads, decodes and folds (wall time also counts waiting
  // for the other processes on a shared machine).
  constexpr double target_per_core = 1'000'000;
  out["per_core_figure"] = "events_per_cpu_s";
  out["target_events_per_cpu_s"] = target_per_core;
  out["target_met"] = rate(double(folded), fold_cpu) >= target_per_core;
  out["kpi_cells"] = kpi.cells().size();

  // 5. optionally the whole runner: read + fold + view-store commits
  if (a.with_views) {
    auto vdir = dir + ".views-bench";
    std::filesystem::remove_all(vdir);
    auto views = drivers::rocksdb_view_store::open(vdir);
    if (views) {
      projections::kpi::kpi_projection k3;
      drivers::runner_options ro;
      ro.read_batch = a.read_batch;
      drivers::projection_runner r{store, **views, {&k3}, ro};
      (void)r.restore();
      t = pass_timer{};
      auto stats = r.catch_up();
      auto [s, cpu] = t.stop();
      if (stats) {
        out["runner_with_view_commits_per_s"] = rate(double(stats->read), s);
        out["runner_with_view_commits_per_cpu_s"] = rate(double(stats->read), cpu);
      }
    }
    std::filesystem::remove_all(vdir);
  }
  std::cout << out.dump() << "\n";
  opened->reset();
  if (!tmp.empty()) std::filesystem::remove_all(tmp);
}

} // namespace

void add_replay_bench(CLI::App& bench) {
  auto a = std::make_shared<replay_bench_args>();
  auto* cmd = bench.add_subcommand("replay",
                                   "Events/s through the KPI projection, vs raw RocksDB iteration");
  cmd->footer("Events/s through the KPI projection from a RocksDB store, vs raw RocksDB "
              "iteration\n\nExample:\n  hotline bench replay --events 1000000");
  cmd->add_option("--events", a->events, "Events to replay")->capture_default_str();
  cmd->add_option("--store", a->store,
                  "Use (or fill and keep) this store instead of a temporary one");
  cmd->add_option("--read-batch", a->read_batch, "Events per read_all")->capture_default_str();
  cmd->add_flag("--with-views", a->with_views, "Also time the runner committing to a view store");
  cmd->callback([a] { run(*a); });
}

} // namespace hotline::bench
