// hotline bench store: appends through the group-commit path from many
// concurrent streams, against a raw RocksDB WriteBatch loop in the same run.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>

#include <sys/resource.h>

#include <nlohmann/json.hpp>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "bench/bench_util.hpp"
#include "bench/benches.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "drivers/store/stream_index.hpp"
#include "events/codec.hpp"

namespace hotline::bench {

namespace {

struct store_bench_args {
  std::uint64_t events = 1'000'000;
  int streams = 1000;
  int clients = 2;
  std::string sync = "batch";
  std::string dir;
};

/// CPU seconds used by this process so far (all threads, RocksDB's too).
double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

events::proposed_event bench_event(const std::string& stream, std::uint64_t n) {
  events::call_arrived body;
  body.call_id = stream;
  body.caller = "+86138" + std::to_string(10000000 + n % 90000000);
  body.dialed = "10086";
  body.customer_id = "cust-" + std::to_string(n % 100000);
  body.trunk_group = "pstn";
  return events::event_codec::standard().propose(
      events::event{body}, {events::event_id::from_name(stream + "#" + std::to_string(n)),
                            "site-1",
                            "tenant-1",
                            static_cast<std::int64_t>(n) * 1000,
                            {},
                            {},
                            events::principal::system("bench")});
}

/// Keeps one append in flight per stream (expected revision = exact), which
/// is how call/agent actors use the store.
double run_store(drivers::rocksdb_event_store& store, const store_bench_args& a,
                 std::size_t& sample_bytes, double& cpu_s) {
  std::vector<std::string> names;
  for (int s = 0; s < a.streams; ++s)
    names.push_back("call-bench" + std::to_string(s));
  sample_bytes = events::event_codec::standard()
                     .encode_record({names[0], 0, 1, bench_event(names[0], 0).meta, "call.arrived",
                                     1, bench_event(names[0], 0).payload})
                     .size();
  std::uint64_t per_stream = a.events / static_cast<std::uint64_t>(a.streams);
  // The events are built before the clock starts, as the baselines' values
  // are: the bench measures the store, not the event factory (building them
  // in the client threads took a core's worth of the 2-core machine's CPU
  // away from the writer).
  std::vector<std::vector<events::proposed_event>> prepared(static_cast<std::size_t>(a.streams));
  for (int s = 0; s < a.streams; ++s) {
    prepared[static_cast<std::size_t>(s)].reserve(per_stream);
    for (std::uint64_t n = 0; n < per_stream; ++n)
      prepared[static_cast<std::size_t>(s)].push_back(
          bench_event(names[static_cast<std::size_t>(s)], n));
  }
  std::atomic<std::uint64_t> failed{0};
  const double cpu0 = process_cpu_s();
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < a.clients; ++c)
    clients.emplace_back([&, c] {
      std::mutex mu;
      std::condition_variable cv;
      std::deque<int> ready;
      std::vector<std::uint64_t> next(a.streams, 0);
      int mine = 0;
      for (int s = c; s < a.streams; s += a.clients) {
        ready.push_back(s);
        ++mine;
      }
      // Completions arrive on the store's writer thread; they are handed over
      // in bulk so the client wakes once per commit, not once per append.
      int finished = 0;
      std::vector<int> local;
      std::unique_lock lock{mu};
      while (finished < mine) {
        cv.wait(lock, [&] { return !ready.empty(); });
        local.assign(ready.begin(), ready.end());
        ready.clear();
        lock.unlock();
        for (int s : local) {
          if (next[s] == per_stream) {
            ++finished;
            continue;
          }
          auto n = next[s]++;
          std::vector<events::proposed_event> batch;
          batch.push_back(std::move(prepared[static_cast<std::size_t>(s)][n]));
          auto expected = n == 0 ? ports::expected_revision::no_stream()
                                 : ports::expected_revision::exact(n - 1);
          store.append_async(names[s], expected, std::move(batch),
                             [&, s](events::result<ports::append_result> r) {
                               if (!r) ++failed;
                               std::lock_guard l{mu};
                               ready.push_back(s);
                               if (ready.size() == 1) cv.notify_one();
                             });
        }
        lock.lock();
      }
    });
  for (auto& t : clients)
    t.join();
  double secs = seconds_since(t0);
  cpu_s = process_cpu_s() - cpu0;
  if (failed > 0) throw std::runtime_error(std::to_string(failed.load()) + " appends failed");
  return secs;
}

double run_raw(const std::string& dir, std::uint64_t events, std::size_t value_bytes, bool sync,
               double& cpu_s) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.IncreaseParallelism(2);
  o.OptimizeLevelStyleCompaction(64 << 20);
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(o, dir, &raw);
  if (!s.ok()) throw std::runtime_error(s.ToString());
  std::unique_ptr<rocksdb::DB> db{raw};
  std::string value(value_bytes, 'v');
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  const double cpu0 = process_cpu_s();
  auto t0 = std::chrono::steady_clock::now();
  rocksdb::WriteBatch wb;
  char key[8];
  for (std::uint64_t i = 1; i <= events; ++i) {
    for (int b = 0; b < 8; ++b)
      key[b] = static_cast<char>((i >> (56 - 8 * b)) & 0xff);
    value[0] = static_cast<char>(i);
    wb.Put(rocksdb::Slice{key, 8}, value);
    if (i % 1000 == 0 || i == events) {
      s = db->Write(wo, &wb);
      if (!s.ok()) throw std::runtime_error(s.ToString());
      wb.Clear();
    }
  }
  cpu_s = process_cpu_s() - cpu0;
  return seconds_since(t0);
}

/// The same records the store writes (event records, and the stream index
/// as one run per stream every `index_window` events), in plain
/// WriteBatches of 1000 events from one thread: RocksDB's own cost for
/// hotline's data layout, without the group-commit path (queueing,
/// expected-revision checks, encoding, completions).
double run_raw_layout(const std::string& dir, std::uint64_t events, int streams, bool sync,
                      std::size_t index_window) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  o.IncreaseParallelism(2);
  o.OptimizeLevelStyleCompaction(64 << 20);
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs{
      {rocksdb::kDefaultColumnFamilyName, o}, {"events", o}, {"streams", o}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(rocksdb::DBOptions{o}, dir, cfs, &handles, &raw);
  if (!s.ok()) throw std::runtime_error(s.ToString());
  std::unique_ptr<rocksdb::DB> db{raw};
  const auto& codec = events::event_codec::standard();
  std::vector<std::string> names;
  for (int i = 0; i < streams; ++i)
    names.push_back("call-bench" + std::to_string(i));
  // Pre-encoded records: this baseline measures RocksDB, not the encoder.
  std::vector<std::string> records;
  records.reserve(1000);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    auto e = bench_event(names[i % names.size()], i);
    records.push_back(codec.encode_record(
        {names[i % names.size()], i, i + 1, e.meta, e.type, e.version, e.payload}));
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  auto t0 = std::chrono::steady_clock::now();
  rocksdb::WriteBatch wb, index_wb;
  std::string key, value;
  std::vector<std::vector<std::uint64_t>> recent(names.size());
  std::vector<std::uint64_t> revisions(names.size()); ///< per stream: events so far
  for (std::uint64_t i = 1; i <= events; ++i) {
    key.clear();
    for (int b = 7; b >= 0; --b)
      key.push_back(static_cast<char>((i >> (8 * b)) & 0xff));
    wb.Put(handles[1], key, records[i % records.size()]);
    recent[i % names.size()].push_back(i);
    ++revisions[i % names.size()];
    if (i % 1000 == 0 || i == events) {
      s = db->Write(wo, &wb);
      if (!s.ok()) throw std::runtime_error(s.ToString());
      wb.Clear();
    }
    if (i % index_window == 0 || i == events) {
      for (std::size_t n = 0; n < names.size(); ++n) {
        if (recent[n].empty()) continue;
        value.clear();
        drivers::stream_index::encode_run(value, recent[n].data(), recent[n].size());
        index_wb.Put(handles[2],
                     drivers::stream_index::run_key(names[n], revisions[n] - recent[n].size()),
                     value);
        recent[n].clear();
      }
      s = db->Write(rocksdb::WriteOptions{}, &index_wb);
      if (!s.ok()) throw std::runtime_error(s.ToString());
      index_wb.Clear();
    }
  }
  double secs = seconds_since(t0);
  for (auto* h : handles)
    db->DestroyColumnFamilyHandle(h);
  return secs;
}

double read_raw(const std::string& dir, std::uint64_t& count) {
  rocksdb::Options o;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(o, dir, &raw);
  if (!s.ok()) throw std::runtime_error(s.ToString());
  std::unique_ptr<rocksdb::DB> db{raw};
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<rocksdb::Iterator> it{db->NewIterator(rocksdb::ReadOptions{})};
  std::uint64_t bytes = 0;
  count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    bytes += it->value().size();
    ++count;
  }
  double secs = seconds_since(t0);
  if (bytes == 0) count = 0;
  return secs;
}

void run(const store_bench_args& a) {
  drivers::rocksdb_store_options opts;
  if (!drivers::parse_sync_policy(a.sync, opts.sync))
    throw CLI::ValidationError("--sync", "expected none|batch|always");
  scratch_dir dir{a.dir};
  std::size_t record_bytes = 0;
  double store_secs = 0, read_secs = 0, store_cpu = 0;
  std::uint64_t appended = 0;
  double appends_per_commit = 0;
  {
    auto store = drivers::rocksdb_event_store::open(dir.path() + "/store", opts);
    if (!store) throw std::runtime_error(store.error().message());
    store_secs = run_store(**store, a, record_bytes, store_cpu);
    appended = (*store)->head_position();
    auto st = (*store)->stats();
    appends_per_commit = st.commits ? static_cast<double>(st.appends) / st.commits : 0.0;
    auto t0 = std::chrono::steady_clock::now();
    std::uint64_t read = 0;
    for (std::uint64_t pos = 1;;) {
      auto batch = (*store)->read_all(pos, 4096);
      if (!batch) throw std::runtime_error(batch.error().message());
      if (batch->empty()) break;
      read += batch->size();
      pos = batch->back().position + 1;
    }
    read_secs = seconds_since(t0);
    if (read != appended)
      throw std::runtime_error("read back " + std::to_string(read) + " of " +
                               std::to_string(appended));
  }
  double raw_cpu = 0;
  double raw_secs = run_raw(dir.path() + "/raw", appended, record_bytes,
                            opts.sync != drivers::sync_policy::none, raw_cpu);
  double layout_secs = run_raw_layout(dir.path() + "/layout", appended, a.streams,
                                      opts.sync != drivers::sync_policy::none, opts.index_window);
  std::uint64_t raw_read = 0;
  double raw_read_secs = read_raw(dir.path() + "/raw", raw_read);

  nlohmann::json out;
  out["bench"] = "store";
  out["events"] = appended;
  out["streams"] = a.streams;
  out["record_bytes"] = record_bytes;
  out["sync"] = a.sync;
  out["seconds"] = store_secs;
  out["events_built_before_the_clock"] = true;
  out["appends_per_commit"] = appends_per_commit;
  out["events_per_s"] = appended / store_secs;
  out["baseline"] = "raw RocksDB WriteBatch of 1000 puts (8-byte key, same value size, same sync)";
  out["raw_events_per_s"] = appended / raw_secs;
  out["ratio"] = raw_secs / store_secs;
  // CPU of the whole process (RocksDB's background threads included) per
  // event in each phase: less distorted than wall time when other work
  // shares the machine.
  out["cpu_us_per_event"] = store_cpu * 1e6 / double(appended);
  out["raw_cpu_us_per_event"] = raw_cpu * 1e6 / double(appended);
  out["cpu_ratio"] = store_cpu > 0 ? raw_cpu / store_cpu : 0.0;
  out["raw_layout_baseline"] = "raw RocksDB WriteBatches of 1000 events writing the store's own "
                               "records (events, and a stream-index run "
                               "per stream every index window), one thread";
  out["raw_layout_events_per_s"] = appended / layout_secs;
  out["layout_ratio"] = layout_secs / store_secs;
  out["read_events_per_s"] = appended / read_secs;
  out["raw_read_events_per_s"] = raw_read / raw_read_secs;
  out["read_ratio"] = raw_read_secs / read_secs;
  std::cout << out.dump(2) << std::endl;
}

} // namespace

void add_store_bench(CLI::App& bench) {
  auto a = std::make_shared<store_bench_args>();
  auto* cmd = bench.add_subcommand(
      "store", "Group-commit appends from many streams, vs a raw RocksDB WriteBatch loop");
  cmd->footer("Append N events from many concurrent streams through the group-commit path; compare "
              "with a raw RocksDB WriteBatch loop in the same run\n\nExample:\n  hotline bench "
              "store --events 1000000");
  cmd->add_option("--events", a->events, "Events to append")->capture_default_str();
  cmd->add_option("--streams", a->streams, "Concurrent streams (one append in flight each)")
      ->capture_default_str();
  cmd->add_option("--clients", a->clients, "Client threads submitting appends")
      ->capture_default_str();
  cmd->add_option("--sync", a->sync, "Sync policy: none | batch | always")->capture_default_str();
  cmd->add_option("--dir", a->dir, "Where to create the scratch stores (default: temp dir)");
  cmd->callback([a] { run(*a); });
}

} // namespace hotline::bench
