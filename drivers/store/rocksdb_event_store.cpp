#include "drivers/store/rocksdb_event_store.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iterator>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include <pthread.h>
#include <stdlib.h>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "actors/ports/append_check.hpp"
#include "drivers/log/log.hpp"
#include "drivers/rocksdb/rocksdb_log.hpp"
#include "drivers/rocksdb/store_directory.hpp"
#include "drivers/store/stored_record.hpp"
#include "drivers/store/stream_head_cache.hpp"
#include "drivers/store/stream_index.hpp"
#include "drivers/store/wal_scan.hpp"
#include "events/codec.hpp"

namespace hotline::drivers {

using events::errc;
using events::proposed_event;
using events::recorded_event;
using events::result;
using events::status;

const char* to_string(sync_policy p) noexcept {
  switch (p) {
  case sync_policy::none:
    return "none";
  case sync_policy::batch:
    return "batch";
  case sync_policy::always:
    return "always";
  }
  return "?";
}

bool parse_sync_policy(std::string_view text, sync_policy& out) noexcept {
  if (text == "none")
    out = sync_policy::none;
  else if (text == "batch")
    out = sync_policy::batch;
  else if (text == "always")
    out = sync_policy::always;
  else
    return false;
  return true;
}

namespace {

constexpr const char* format_key = "hotline.store.format";
/// Format 2: the stream index holds runs (drivers/store/stream_index.hpp)
/// and `indexed_key` says how far it reaches. Format 1 (one index entry per
/// event, every event indexed) is upgraded in place when opened.
constexpr const char* format_value = "2";
constexpr const char* indexed_key = "hotline.store.indexed_through";
/// `hotline store repair --yes` records what it did under this prefix + a number.
constexpr const char* repair_prefix = "hotline.store.repair.";
/// Streams the writer's revision cache keeps per generation (stream_head_cache.hpp).
constexpr std::size_t stream_cache_generation = 65'536;

void put_be64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void write_be64(char* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i)
    out[7 - i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint64_t get_be64(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

std::string position_key(std::uint64_t pos) {
  std::string k;
  k.reserve(8);
  put_be64(k, pos);
  return k;
}

status io(const rocksdb::Status& s, const std::string& what) {
  return {errc::io_error, what + ": " + s.ToString()};
}

/// The stream part of a `streams` key (everything but the 8-byte revision):
/// the prefix its bloom filters are built on.
class stream_prefix final : public rocksdb::SliceTransform {
public:
  const char* Name() const override { return "hotline.stream_prefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return {key.data(), key.size() - 8};
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > 8; }
};

/// Reading one stream's runs: the iterator stays within the stream's prefix
/// (and may use its bloom filters).
rocksdb::ReadOptions within_stream() {
  rocksdb::ReadOptions ro;
  ro.prefix_same_as_start = true;
  return ro;
}

} // namespace

namespace detail {
struct pending_append {
  std::string stream;
  ports::expected_revision expected;
  std::vector<proposed_event> events;
  ports::append_callback done;
};
} // namespace detail
using detail::pending_append;

struct rocksdb_event_store::impl {
  std::string dir;
  std::string scratch_dir; ///< a read-only (secondary) instance's own directory, removed on close
  rocksdb_store_options opts;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::ColumnFamilyHandle* events_cf = nullptr;
  rocksdb::ColumnFamilyHandle* streams_cf = nullptr;
  rocksdb::ColumnFamilyHandle* checkpoints_cf = nullptr;
  const events::event_codec& codec = events::event_codec::standard();

  // Writer queue (group commit). A vector, taken whole by the writer (a
  // swap, not a move per append) and replaced by a recycled one.
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::vector<pending_append> queue;
  bool stopping = false;
  std::thread writer;

  // Committed state (the head: written by store-commit only).
  mutable std::mutex head_mu;
  mutable std::condition_variable head_cv;
  std::atomic<std::uint64_t> head{0};
  /// store-writer's cache: each stream's last revision, committed or prepared
  stream_head_cache stream_heads{stream_cache_generation};
  /// The number of the last group store-commit finished (written or
  /// failed): the writer numbers groups as it prepares them.
  std::atomic<std::uint64_t> committed_groups{0};
  std::string record; ///< the writer thread's encoding buffer, reused
  std::atomic<std::uint64_t> commits{0}, appends{0}, events_written{0};

  // The stream index's recent part (stream_index.hpp): committed events the
  // persisted runs do not cover yet. store-commit adds to it and persists
  // it; readers look at it before the persisted runs, under a shared lock.
  // Persisting writes the runs first and clears them from here after, so a
  // reader that copied what it needs from here before reading RocksDB
  // misses nothing.
  mutable std::shared_mutex recent_mu;
  stream_index::recent_index recent;
  std::uint64_t indexed_through = 0; ///< the last position the persisted runs cover
  std::string run_value;             ///< store-commit's buffer for run values

  ~impl() {
    {
      std::lock_guard lock{queue_mu};
      stopping = true;
    }
    queue_cv.notify_all();
    if (writer.joinable()) writer.join(); // drains the queue, then closes to_commit
    if (committer.joinable()) committer.join();
    if (completer.joinable()) completer.join();
    if (db) {
      // Persist the recent index so the next open need not rebuild it (if
      // this fails, the next open rebuilds it from the records).
      if (!recent.empty() && !opts.read_only) (void)persist_index(head.load(), true);
      for (auto* h : handles)
        db->DestroyColumnFamilyHandle(h);
      db->Close();
      db.reset();
    }
    if (!scratch_dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir, ec);
    }
  }

  status index_error(std::string_view stream, const std::string& what) const {
    return {errc::corrupt_record,
            "store " + dir + ": stream index of '" + std::string{stream} + "': " + what};
  }

  /// The persisted run of `stream` holding `revision` (the last run when
  /// `revision` is past the stream's end): its first revision, and its
  /// positions in `positions`. nullopt if the stream has no persisted run.
  result<std::optional<std::uint64_t>> persisted_run(std::string_view stream,
                                                     std::uint64_t revision,
                                                     std::vector<std::uint64_t>& positions) const {
    std::unique_ptr<rocksdb::Iterator> it{db->NewIterator(within_stream(), streams_cf)};
    it->SeekForPrev(stream_index::run_key(stream, revision));
    if (!it->status().ok())
      return io(it->status(), "reading stream index of '" + std::string{stream} + "'");
    if (!it->Valid()) return std::optional<std::uint64_t>{};
    auto first = stream_index::run_first_revision(it->key().ToStringView(), stream);
    if (!first) return std::optional<std::uint64_t>{};
    if (auto st = stream_index::decode_run(it->value().ToStringView(), positions); !st)
      return index_error(stream, "run at revision " + std::to_string(*first) + ": " + st.detail());
    return first;
  }

  /// The stream's last revision: its recent run's, or its last persisted
  /// run's.
  result<std::optional<std::uint64_t>> load_stream_revision(std::string_view stream) const {
    {
      std::shared_lock lock{recent_mu};
      if (const auto* r = recent.find(stream))
        return std::optional<std::uint64_t>{r->last_revision()};
    }
    std::vector<std::uint64_t> positions;
    auto first = persisted_run(stream, ~std::uint64_t{0}, positions);
    if (!first || !*first) return first;
    return std::optional<std::uint64_t>{**first + positions.size() - 1};
  }

  /// The position of the stream's event at `revision`; nullopt if none.
  result<std::optional<std::uint64_t>> position_of(std::string_view stream,
                                                   std::uint64_t revision) const {
    {
      std::shared_lock lock{recent_mu};
      const auto* r = recent.find(stream);
      if (r && revision >= r->first_revision)
        return revision <= r->last_revision()
                   ? std::optional<std::uint64_t>{r->positions[revision - r->first_revision]}
                   : std::nullopt;
    }
    std::vector<std::uint64_t> positions;
    auto first = persisted_run(stream, revision, positions);
    if (!first || !*first) return first;
    if (revision - **first >= positions.size()) return std::optional<std::uint64_t>{};
    return std::optional<std::uint64_t>{positions[revision - **first]};
  }

  /// Writes every recent run and the position they reach (`through`) in one
  /// batch, then forgets them. Run by store-commit, or when closing.
  status persist_index(std::uint64_t through, bool sync) {
    rocksdb::WriteBatch wb;
    std::string key; // reused: no allocation per run
    recent.for_each([&](std::string_view stream, const stream_index::recent_index::run& r) {
      run_value.clear();
      stream_index::encode_run(run_value, r.positions.data(), r.positions.size());
      key.clear();
      stream_index::append_run_key(key, stream, r.first_revision);
      wb.Put(streams_cf, key, run_value);
    });
    std::string marker = position_key(through);
    wb.Put(indexed_key, marker);
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    if (auto s = db->Write(wo, &wb); !s.ok())
      return io(s, "store " + dir + ": writing the stream index");
    std::unique_lock lock{recent_mu};
    recent.clear();
    indexed_through = through;
    return {};
  }

  /// Rebuilds the recent index from the records after `indexed_through`
  /// (those a crash kept from being persisted as runs). Runs at open.
  status rebuild_recent_index() {
    std::uint64_t last = head.load();
    if (indexed_through > last)
      return {errc::corrupt_record, "store " + dir + ": its stream index reaches position " +
                                        std::to_string(indexed_through) + ", past the last event " +
                                        std::to_string(last)};
    if (indexed_through == last) return {};
    events::recorded_event e;
    auto n = scan(indexed_through + 1, last, ~std::size_t{0},
                  [&](std::uint64_t pos, std::string_view bytes) {
                    if (auto st = decode_into(pos, bytes, e); !st) return st;
                    if (auto st = recent.add(e.stream, e.revision, pos, 1); !st)
                      return status{st.code(), "store " + dir + ", position " +
                                                   std::to_string(pos) + ": " + st.detail()};
                    return status{};
                  });
    if (!n) return n.error();
    if (*n != last - indexed_through)
      return {errc::corrupt_record, "store " + dir + ": position " +
                                        std::to_string(indexed_through + 1 + *n) + " is missing"};
    return {};
  }

  result<recorded_event> read_position(std::uint64_t pos) const {
    std::string value;
    auto s = db->Get(rocksdb::ReadOptions{}, events_cf, position_key(pos), &value);
    if (s.IsNotFound())
      return status{errc::not_found, "no event at position " + std::to_string(pos)};
    if (!s.ok()) return io(s, "reading position " + std::to_string(pos));
    return decode_at(pos, value);
  }

  result<recorded_event> decode_at(std::uint64_t pos, std::string_view bytes) const {
    auto rec = codec.decode_record(bytes);
    if (!rec)
      return status{rec.error().code(), "store " + dir + ", position " + std::to_string(pos) +
                                            ": " + rec.error().detail()};
    if (rec->position != pos)
      return status{errc::corrupt_record, "store " + dir + ", position " + std::to_string(pos) +
                                              ": record claims position " +
                                              std::to_string(rec->position)};
    return rec;
  }

  /// Decodes the record stored at `pos` into `e` (reusing its buffers).
  status decode_into(std::uint64_t pos, std::string_view bytes, recorded_event& e) const {
    if (auto st = decode_record_into(bytes, e); !st)
      return {st.code(), "store " + dir + ", position " + std::to_string(pos) + ": " + st.detail()};
    if (e.position != pos)
      return {errc::corrupt_record, "store " + dir + ", position " + std::to_string(pos) +
                                        ": record claims position " + std::to_string(e.position)};
    return {};
  }

  /// Feeds the stored bytes of positions `from`.. (at most `max_count`, none
  /// after `head`) to `sink(position, bytes)` in order; the bytes are valid
  /// during the call only. Stops at the first error of `sink`, a missing
  /// position or a malformed key. Returns how many records `sink` accepted.
  template <class Sink>
  result<std::uint64_t> scan(std::uint64_t from, std::uint64_t head, std::size_t max_count,
                             Sink&& sink) const {
    rocksdb::ReadOptions ro;
    // A large read is a sequential scan (the Kafka relay, a rebuild): read
    // the files ahead in big chunks instead of block by block (~20% faster).
    // (fill_cache=false made the scan cheaper in CPU but read_all batches
    // over freshly written files 3-4x slower in wall time: not used.)
    if (max_count >= 1024) ro.readahead_size = 1 << 20;
    std::string upper = position_key(head + 1);
    rocksdb::Slice upper_slice{upper};
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it{db->NewIterator(ro, events_cf)};
    std::uint64_t expect = from;
    std::uint64_t count = 0;
    for (it->Seek(position_key(from)); it->Valid() && count < max_count; it->Next()) {
      const auto key = it->key();
      if (key.size() != 8)
        return status{errc::corrupt_record, "store " + dir +
                                                ": malformed event key after position " +
                                                std::to_string(expect - 1)};
      const auto pos = get_be64(key.ToStringView());
      if (pos != expect)
        return status{errc::corrupt_record,
                      "store " + dir + ": position " + std::to_string(expect) + " is missing"};
      if (auto st = sink(pos, it->value().ToStringView()); !st) return st;
      ++expect;
      ++count;
    }
    if (!it->status().ok())
      return io(it->status(), "reading from position " + std::to_string(from));
    return count;
  }

  // -- the write pipeline ------------------------------------------------------
  //
  // Three threads, each stage in commit order (FIFO hand-overs):
  //  - store-writer takes what is queued, checks expected revisions and
  //    encodes the group into a WriteBatch, assigning revisions and positions
  //    as if every earlier group will commit;
  //  - store-commit writes one group (WAL, sync per the policy, memtables),
  //    then publishes the new head;
  //  - store-done runs the group's callbacks and frees its appends.
  // So the next group is checked and encoded while the previous one is being
  // written and synced, and callbacks never delay a write. If a write fails,
  // every group prepared on top of it fails too (nothing of them is written)
  // until the writer has re-read the committed state (`failures`).

  /// One group on its way through the pipeline.
  struct group {
    std::vector<pending_append> batch;
    std::vector<result<ports::append_result>> outcomes;
    std::vector<std::size_t> written; ///< indices of outcomes this group writes
    std::unique_ptr<rocksdb::WriteBatch> wb;
    std::uint64_t last_position = 0; ///< the head once this group is written
    std::uint64_t resync = 0;        ///< a marker, not a group: failures seen by the writer
    std::uint64_t seq = 0;           ///< the writer's number for it (1, 2, ...)
  };

  /// A bounded FIFO between two pipeline threads.
  struct hand_over {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<group> items;
    std::size_t capacity = 1;
    bool closed = false;
    bool consumer_busy = false; ///< between pop() and consumer_idle()
    std::chrono::steady_clock::time_point busy_since;

    void push(group g) {
      std::unique_lock lock{mu};
      cv.wait(lock, [&] { return items.size() < capacity; });
      items.push_back(std::move(g));
      cv.notify_all();
    }
    /// Blocks until there is room for one more item; then, if the consumer
    /// is busy with an item, until it is done or `linger` has passed since
    /// it took it.
    void wait_for_room(std::chrono::nanoseconds linger) {
      std::unique_lock lock{mu};
      cv.wait(lock, [&] { return items.size() < capacity; });
      if (consumer_busy && linger.count() > 0)
        cv.wait_until(lock, busy_since + linger, [&] { return !consumer_busy; });
    }
    /// The consumer is done with the item it popped last.
    void consumer_idle() {
      std::lock_guard lock{mu};
      consumer_busy = false;
      cv.notify_all();
    }
    /// false once closed and empty.
    bool pop(group& out) {
      std::unique_lock lock{mu};
      cv.wait(lock, [&] { return closed || !items.empty(); });
      if (items.empty()) return false;
      out = std::move(items.front());
      items.pop_front();
      consumer_busy = true;
      busy_since = std::chrono::steady_clock::now();
      cv.notify_all();
      return true;
    }
    void close() {
      std::lock_guard lock{mu};
      closed = true;
      cv.notify_all();
    }
  };

  hand_over to_commit, to_complete;
  std::thread committer, completer;

  /// Buffers a finished group gives back to the writer. A group's
  /// WriteBatch holds ~300 bytes per event; allocated afresh it came from
  /// new pages every time, and the page faults of filling it cost the
  /// writer thread more than encoding the events.
  struct spare_buffers {
    static constexpr std::size_t keep = 4;
    static constexpr std::size_t max_batch_bytes = 64 << 20; ///< larger ones are freed
    std::mutex mu;
    std::vector<std::vector<pending_append>> appends;
    std::vector<std::unique_ptr<rocksdb::WriteBatch>> batches;
  } spares;

  std::vector<pending_append> spare_appends() {
    std::lock_guard lock{spares.mu};
    if (spares.appends.empty()) return {};
    auto v = std::move(spares.appends.back());
    spares.appends.pop_back();
    return v;
  }
  std::unique_ptr<rocksdb::WriteBatch> spare_batch() {
    {
      std::lock_guard lock{spares.mu};
      if (!spares.batches.empty()) {
        auto wb = std::move(spares.batches.back());
        spares.batches.pop_back();
        return wb;
      }
    }
    return std::make_unique<rocksdb::WriteBatch>(last_batch_bytes + last_batch_bytes / 8);
  }
  /// REQUIRES: `appends` is empty (its capacity is what is kept).
  void give_back(std::vector<pending_append> appends, std::unique_ptr<rocksdb::WriteBatch> wb) {
    std::lock_guard lock{spares.mu};
    if (appends.capacity() > 0 && spares.appends.size() < spare_buffers::keep)
      spares.appends.push_back(std::move(appends));
    if (wb && wb->GetDataSize() <= spare_buffers::max_batch_bytes &&
        spares.batches.size() < spare_buffers::keep) {
      wb->Clear();
      spares.batches.push_back(std::move(wb));
    }
  }
  std::atomic<std::uint64_t> failures{0}; ///< failed writes so far (store-commit)
  /// How long a write takes, as a moving average (store-commit writes it).
  std::atomic<std::int64_t> write_ns_average{0};
  std::chrono::nanoseconds last_prepare{0}; ///< store-writer's last prepare()
  std::size_t last_batch_bytes = 0;         ///< to size the next WriteBatch's buffer

  void run_writer() {
    pthread_setname_np(pthread_self(), "store-writer"); // for top, perf and the benches
    std::uint64_t pos = head.load(); ///< the last position assigned (committed or prepared)
    std::uint64_t seen_failures = 0;
    std::uint64_t seq = 0; ///< the last group's number
    for (;;) {
      std::vector<pending_append> batch = spare_appends();
      // Form the next group as late as the committer allows: once there is
      // room for it, and, while a write is under way, not before half of the
      // write's usual time (leaving at least twice the last preparation's
      // time). Appends completed by the previous write are resubmitted
      // meanwhile and join this group instead of the one after: groups are
      // larger and the store syncs less often for the same appends. An
      // append waiting here could not be written any sooner.
      std::chrono::nanoseconds linger{0};
      if (opts.sync != sync_policy::always) {
        const std::chrono::nanoseconds write{write_ns_average.load(std::memory_order_relaxed)};
        linger = std::min(write / 2, write - 2 * last_prepare);
      }
      to_commit.wait_for_room(linger);
      {
        std::unique_lock lock{queue_mu};
        queue_cv.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty() && stopping) break;
        const std::size_t take = opts.sync == sync_policy::always ? 1 : opts.max_batch_appends;
        if (queue.size() <= take) {
          batch.swap(queue); // the appenders go on filling the recycled vector
        } else {
          const auto end = queue.begin() + static_cast<std::ptrdiff_t>(take);
          batch.assign(std::make_move_iterator(queue.begin()), std::make_move_iterator(end));
          queue.erase(queue.begin(), end);
        }
      }
      if (auto f = failures.load(); f != seen_failures) {
        // A write failed: what this thread assumed about later groups is
        // void. Start again from what is committed (the head cannot move
        // until the committer has seen the marker).
        seen_failures = f;
        stream_heads.clear();
        pos = head.load();
        group marker;
        marker.resync = f;
        to_commit.push(std::move(marker));
      }
      stream_heads.maybe_rotate(committed_groups.load(std::memory_order_acquire));
      const auto started = std::chrono::steady_clock::now();
      auto prepared = prepare(std::move(batch), pos, ++seq);
      last_prepare = std::chrono::steady_clock::now() - started;
      to_commit.push(std::move(prepared));
    }
    to_commit.close();
  }

  /// Where the ids of `proposed` are stored in `stream` (append_check.hpp),
  /// from the ids its cache entry keeps; built on first need from the
  /// committed records (once every earlier group has committed) and the
  /// appends to it already in group `g`. The rare path: only appends that
  /// the expected revision does not settle come here.
  std::vector<ports::stored_event>
  find_stored_ids(const std::string& stream, stream_head_cache::entry*& cached,
                  std::uint64_t current, const group& g, std::uint64_t seq,
                  const std::vector<proposed_event>& proposed, status& error) {
    if (!cached || !cached->ids) {
      if (cached)
        while (committed_groups.load(std::memory_order_acquire) + 1 < seq)
          std::this_thread::sleep_for(std::chrono::microseconds(50));
      auto ids = std::make_unique<ports::id_index>();
      auto committed = load_stream_revision(stream);
      if (!committed) {
        error = committed.error();
        return std::vector<ports::stored_event>(proposed.size());
      }
      for (std::uint64_t rev = 0; *committed && rev <= **committed; ++rev) {
        auto p = position_of(stream, rev);
        if (!p || !*p) {
          error = p ? status{errc::corrupt_record, "store " + dir + ": stream '" + stream +
                                                       "' revision " + std::to_string(rev) +
                                                       " is not indexed"}
                    : p.error();
          return std::vector<ports::stored_event>(proposed.size());
        }
        auto rec = read_position(**p);
        if (!rec) {
          error = rec.error();
          return std::vector<ports::stored_event>(proposed.size());
        }
        ids->try_emplace(rec->meta.id, rev, **p);
      }
      for (auto i : g.written) {
        const auto& req = (*pending_batch)[i];
        if (req.stream != stream) continue;
        const auto& r = *g.outcomes[i];
        for (std::size_t k = 0; k < req.events.size(); ++k)
          ids->try_emplace(req.events[k].meta.id, *r.last_revision + 1 - req.events.size() + k,
                           r.first_position + k);
      }
      if (!cached) cached = stream_heads.set_entry(stream, nullptr, current, seq);
      cached->ids = std::move(ids);
    }
    std::vector<ports::stored_event> out;
    out.reserve(proposed.size());
    for (const auto& e : proposed) {
      auto it = cached->ids->find(e.meta.id);
      out.push_back(it == cached->ids->end() ? ports::stored_event{}
                                             : ports::stored_event{it->second});
    }
    return out;
  }
  /// The appends of the group being prepared (g.batch is filled at its end).
  const std::vector<pending_append>* pending_batch = nullptr;
  status lookup_error; ///< store-writer's: an id lookup that could not read the stream

  /// Checks and encodes one group on top of everything prepared before it.
  group prepare(std::vector<pending_append> batch, std::uint64_t& pos, std::uint64_t seq) {
    pending_batch = &batch;
    group g;
    g.seq = seq;
    g.wb = spare_batch();
    auto& wb = *g.wb;
    auto& outcomes = g.outcomes;
    outcomes.reserve(batch.size());
    for (auto& req : batch) {
      if (!events::is_valid_stream_name(req.stream)) {
        outcomes.emplace_back(
            status{errc::invalid_argument, "invalid stream name '" + req.stream + "'"});
        continue;
      }
      auto* cached = stream_heads.find_entry(req.stream);
      std::optional<std::uint64_t> current;
      if (cached) {
        current = cached->revision;
      } else {
        // Not cached: no group in flight wrote to it (stream_head_cache.hpp), so the store knows.
        auto loaded = load_stream_revision(req.stream);
        if (!loaded) {
          outcomes.emplace_back(loaded.error());
          continue;
        }
        current = *loaded;
      }
      auto check = ports::check_append(
          req.stream, req.expected, current, req.events,
          [&](std::uint64_t rev) -> std::optional<std::pair<events::event_id, std::uint64_t>> {
            auto p = position_of(req.stream, rev);
            if (!p || !*p) return std::nullopt;
            auto rec = read_position(**p);
            if (!rec) return std::nullopt;
            return std::pair{rec->meta.id, **p};
          },
          // Built only when needed: its captures would not fit std::function's
          // small buffer, and the hot path should not allocate for it.
          ports::needs_id_lookup(req.expected, current, req.events)
              ? ports::id_lookup{[&](const std::vector<proposed_event>& proposed) {
                  return find_stored_ids(req.stream, cached, *current, g, seq, proposed,
                                         lookup_error);
                }}
              : ports::id_lookup{});
      if (!lookup_error.is_ok()) {
        outcomes.emplace_back(std::exchange(lookup_error, status{}));
        continue;
      }
      if (check.outcome == ports::append_check::verdict::refuse) {
        outcomes.emplace_back(check.error);
        continue;
      }
      if (check.outcome == ports::append_check::verdict::already_written || req.events.empty()) {
        if (req.events.empty()) check.previous.last_revision = current;
        outcomes.emplace_back(check.previous);
        continue;
      }
      ports::append_result r;
      std::uint64_t rev = current ? *current + 1 : 0;
      for (const auto& e : req.events) {
        ++pos;
        // Reused buffers: WriteBatch::Put copies them, so nothing is
        // allocated per event.
        encode_record_into(record, req.stream, rev, pos, e);
        char pos_key[8];
        write_be64(pos_key, pos);
        wb.Put(events_cf, rocksdb::Slice{pos_key, 8}, record);
        if (r.first_position == 0) r.first_position = pos;
        r.last_position = pos;
        r.last_revision = rev;
        ++rev;
      }
      auto* entry = stream_heads.set_entry(req.stream, cached, *r.last_revision, seq);
      if (entry->ids) // kept up to date once built (only streams that needed an id lookup)
        for (std::size_t i = 0; i < req.events.size(); ++i)
          entry->ids->try_emplace(req.events[i].meta.id,
                                  *r.last_revision + 1 - req.events.size() + i,
                                  r.first_position + i);
      g.written.push_back(outcomes.size());
      outcomes.emplace_back(r);
    }
    last_batch_bytes = wb.GetDataSize();
    g.last_position = pos;
    g.batch = std::move(batch);
    return g;
  }

  void run_committer() {
    pthread_setname_np(pthread_self(), "store-commit");
    std::uint64_t failing_since = 0; ///< failures count that made us fail groups (0: none)
    group g;
    while (to_commit.pop(g)) {
      if (g.resync != 0) {
        if (g.resync == failures.load()) failing_since = 0; // the writer starts afresh after this
        to_commit.consumer_idle();
        continue;
      }
      appends += g.batch.size();
      const auto count = g.wb->Count();
      if (failing_since != 0 && !g.written.empty()) {
        status err{errc::io_error, "store " + dir + ": not written: an earlier commit failed"};
        for (auto i : g.written)
          g.outcomes[i] = err;
      } else if (count > 0) {
        rocksdb::WriteOptions wo;
        wo.sync = opts.sync != sync_policy::none;
        const auto started = std::chrono::steady_clock::now();
        auto s = db->Write(wo, g.wb.get());
        const auto took = (std::chrono::steady_clock::now() - started).count();
        const auto average = write_ns_average.load(std::memory_order_relaxed);
        write_ns_average.store(average == 0 ? took : average + (took - average) / 8,
                               std::memory_order_relaxed);
        if (s.ok()) {
          ++commits;
          events_written += count;
          // Indexed before the head moves and before any callback runs: a
          // reader told of the append finds it by its stream.
          if (auto st = index_recent(g); !st) {
            // Only a broken invariant gets here (revisions are checked
            // before writing); fail like a failed write.
            for (auto i : g.written)
              g.outcomes[i] = st;
            failing_since = ++failures;
          } else {
            {
              std::lock_guard lock{head_mu};
              head = g.last_position;
            }
            head_cv.notify_all();
            // A failure to persist keeps the runs in memory; the next
            // group tries again, and an open rebuilds them from the records.
            if (recent.events() >= opts.index_window) (void)persist_index(g.last_position, false);
          }
        } else {
          auto err = io(s, "store " + dir + ": committing a batch of " + std::to_string(count) +
                               " writes");
          for (auto i : g.written)
            g.outcomes[i] = err;
          failing_since = ++failures;
        }
      }
      // Written and indexed (or failed, which makes the writer start afresh):
      // the writer's cache may forget what this group wrote.
      committed_groups.store(g.seq, std::memory_order_release);
      to_commit.consumer_idle();
      to_complete.push(std::move(g));
    }
    to_complete.close();
  }

  /// Adds a written group's events to the recent index.
  status index_recent(const group& g) {
    std::unique_lock lock{recent_mu};
    for (auto i : g.written) {
      const auto& r = *g.outcomes[i];
      const std::size_t count = r.last_position - r.first_position + 1;
      if (auto st =
              recent.add(g.batch[i].stream, *r.last_revision + 1 - count, r.first_position, count);
          !st)
        return {st.code(), "store " + dir + ": " + st.detail()};
    }
    return {};
  }

  void run_completer() {
    pthread_setname_np(pthread_self(), "store-done");
    group g;
    while (to_complete.pop(g)) {
      for (std::size_t i = 0; i < g.batch.size(); ++i)
        g.batch[i].done(std::move(g.outcomes[i]));
      g.batch.clear(); // frees the appends here, off the write path
      give_back(std::move(g.batch), std::move(g.wb));
      g = group{};
    }
  }
};

rocksdb_event_store::rocksdb_event_store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
rocksdb_event_store::~rocksdb_event_store() = default;

const std::string& rocksdb_event_store::directory() const {
  return impl_->dir;
}
bool rocksdb_event_store::read_only() const {
  return impl_->opts.read_only;
}

result<std::vector<std::string>> rocksdb_event_store::repairs() const {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it{impl_->db->NewIterator(rocksdb::ReadOptions{})};
  for (it->Seek(repair_prefix); it->Valid() && it->key().starts_with(repair_prefix); it->Next())
    out.push_back(it->value().ToString());
  if (!it->status().ok()) return io(it->status(), "reading the repair records of " + impl_->dir);
  return out;
}

status rocksdb_event_store::record_repair(const std::string& report) {
  if (impl_->opts.read_only)
    return {errc::invalid_argument, "store " + impl_->dir + " is open read-only"};
  const auto n = repairs();
  if (!n) return n.error();
  char key[64];
  std::snprintf(key, sizeof key, "%s%08zu", repair_prefix, n->size() + 1);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (auto s = impl_->db->Put(wo, key, report); !s.ok())
    return io(s, "recording a repair in " + impl_->dir);
  return {};
}

rocksdb_event_store::statistics rocksdb_event_store::stats() const {
  return {impl_->commits.load(), impl_->appends.load(), impl_->events_written.load()};
}

namespace {

void default_warning(const std::string& text) {
  log::warning("store", text);
}

/// "store DIR: WAL file 000012.log is damaged at offset 4242 (record 17 of
/// the file: checksum mismatch ...); 3 more records follow it in that file
/// and 2 later WAL files exist" or an empty string when no WAL damage is
/// found.
std::string describe_wal_damage(const std::string& directory) {
  auto files = wal::wal_files(directory);
  if (!files) return {};
  for (std::size_t i = 0; i < files->size(); ++i) {
    auto r = wal::scan_file((*files)[i]);
    if (!r || !r->damaged) continue;
    std::string text = "WAL file " + r->name + " is damaged at offset " +
                       std::to_string(r->damaged->offset) + " of " + std::to_string(r->size) +
                       " (in write batch " + std::to_string(r->damaged->record_index + 1) +
                       " of the file: " + r->damaged->what + ")";
    const auto later = files->size() - i - 1;
    if (later > 0)
      text +=
          "; " + std::to_string(later) + " later WAL file" + (later == 1 ? "" : "s") + " follow it";
    return text;
  }
  return {};
}

std::string with_repair_hint(const std::string& directory, const std::string& what) {
  return "store " + directory + " is damaged: " + what +
         ". It was not opened and nothing was changed; `hotline store repair --store " + directory +
         "` says what a repair would drop";
}

} // namespace

result<std::unique_ptr<rocksdb_event_store>>
rocksdb_event_store::open(const std::string& directory, rocksdb_store_options options) {
  auto p = std::make_unique<impl>();
  p->dir = directory;
  p->opts = options;
  const auto warn =
      options.warn ? options.warn : std::function<void(const std::string&)>{default_warning};
  if (options.read_only || !options.create_if_missing) {
    if (auto st = is_store(directory); !st) return st; // nothing is created for a reader
  } else if (auto st = create_store_directory(directory); !st) {
    return status{st.code(), "opening store " + directory + ": " + st.detail()};
  }
  if (auto w = permission_warning(directory)) warn(*w);

  // Every WAL, read whole before RocksDB sees it: damage refuses the open
  // before anything in the directory is touched, and a damaged length field
  // in a last record (which RocksDB takes for a torn write) is caught.
  if (auto files = wal::wal_files(directory); files && !options.drop_after_damage) {
    for (const auto& f : *files) {
      auto r = wal::scan_file(f);
      if (!r && !std::filesystem::exists(f)) continue; // retired meanwhile by a running writer
      if (!r) return r.error();
      if (r->damaged)
        return status{errc::corrupt_record,
                      with_repair_hint(directory, describe_wal_damage(directory))};
      if (r->incomplete_tail && f != files->back())
        warn("store " + directory + ": WAL file " + r->name +
             " ends with an incomplete write batch (" + std::to_string(r->incomplete_tail->second) +
             " bytes at offset " + std::to_string(r->incomplete_tail->first) +
             ": a write interrupted by a crash, never acknowledged); "
             "it is ignored");
    }
  }

  rocksdb::DBOptions db_opts;
  db_opts.env = private_env();
  db_opts.create_if_missing = options.create_if_missing && !options.read_only;
  db_opts.create_missing_column_families = options.create_if_missing && !options.read_only;
  db_opts.keep_log_file_num = 3;
  db_opts.paranoid_checks = true;
  if (!options.info_log_dir.empty() && !options.read_only) {
    db_opts.info_log_level = rocksdb::InfoLogLevel::INFO_LEVEL;
    db_opts.db_log_dir = options.info_log_dir;
  } else {
    db_opts.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
    db_opts.info_log = forwarding_logger("store " + directory); // no LOG file in the store
  }
  // See the header: refuse damage, drop only an unacknowledged torn tail.
  db_opts.wal_recovery_mode = options.drop_after_damage
                                  ? rocksdb::WALRecoveryMode::kPointInTimeRecovery
                                  : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  if (options.read_only) {
    db_opts.info_log = silent_logger(); // no LOG file in the store, nor in the scratch directory
    db_opts.max_open_files = -1;        // required of a secondary instance
  }
  db_opts.IncreaseParallelism(2);
  rocksdb::ColumnFamilyOptions cf_opts;
  cf_opts.OptimizeLevelStyleCompaction(64 << 20);
  rocksdb::ColumnFamilyOptions stream_opts = cf_opts;
  // Each stream is a prefix: most appends start a new stream (a call), and
  // proving it absent is then a bloom-filter probe of the memtable and of
  // each table instead of a skip-list and index search through each.
  auto prefix = std::make_shared<stream_prefix>();
  stream_opts.prefix_extractor = prefix;
  stream_opts.memtable_prefix_bloom_size_ratio = 0.05;
  rocksdb::BlockBasedTableOptions stream_tables;
  stream_tables.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  stream_tables.whole_key_filtering = false; // keys are looked up by stream, not whole
  stream_opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(stream_tables));
  // Events are keyed by position, which only grows: a flushed table never
  // overlaps the tables below it, so compaction can move it down a level
  // without rewriting it (a "trivial move"). RocksDB moves a table only if
  // both levels compress alike; the level-style defaults compress from L2
  // on, so every event was rewritten into L1 and again, LZ4-compressed,
  // into L2 (7 % of `bench route`'s CPU). One codec for every level: each
  // event is compressed once, at flush, and never rewritten.
  rocksdb::ColumnFamilyOptions event_opts = cf_opts;
  event_opts.compression_per_level.clear();
  event_opts.compression = rocksdb::kLZ4Compression;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs{{rocksdb::kDefaultColumnFamilyName, cf_opts},
                                                   {"events", event_opts},
                                                   {"streams", stream_opts},
                                                   {"checkpoints", cf_opts}};
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    // The secondary instance's own files go to a scratch directory under
    // $TMPDIR (default /tmp), never into the store.
    const char* tmp = std::getenv("TMPDIR");
    std::string scratch = std::string(tmp && *tmp ? tmp : "/tmp") + "/hotline-reader-XXXXXX";
    if (!::mkdtemp(scratch.data()))
      return status{errc::io_error,
                    "creating a scratch directory " + scratch + ": " + std::strerror(errno)};
    p->scratch_dir = scratch;
    // A running writer may retire a WAL or table file while the instance
    // reads the file list: try again on such a passing I/O error.
    for (int attempt = 0; attempt < 5; ++attempt) {
      s = rocksdb::DB::OpenAsSecondary(db_opts, directory, p->scratch_dir, cfs, &p->handles, &raw);
      if (s.ok() || !(s.IsIOError() || s.IsPathNotFound())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20 << attempt));
    }
  } else {
    s = rocksdb::DB::Open(db_opts, directory, cfs, &p->handles, &raw);
  }
  if (!s.ok()) {
    auto text = s.ToString();
    if (s.IsIOError() &&
        (text.find("lock") != std::string::npos || text.find("LOCK") != std::string::npos))
      return status{errc::store_in_use,
                    "store " + directory +
                        " is in use by another process (its LOCK file is held): " + text +
                        " (reading commands open it read-only and work beside it)"};
    if (s.IsInvalidArgument() && text.find("does not exist") != std::string::npos)
      return status{errc::not_found, "no store at " + directory + ": " + text};
    if (s.IsCorruption()) {
      auto where = describe_wal_damage(directory);
      return status{errc::corrupt_record,
                    with_repair_hint(directory, where.empty() ? text : where + " (" + text + ")")};
    }
    return io(s, "opening store " + directory);
  }
  p->db.reset(raw);
  p->events_cf = p->handles[1];
  p->streams_cf = p->handles[2];
  p->checkpoints_cf = p->handles[3];

  std::unique_ptr<rocksdb::Iterator> it{p->db->NewIterator(rocksdb::ReadOptions{}, p->events_cf)};
  it->SeekToLast();
  if (!it->status().ok()) return io(it->status(), "finding the head of " + directory);
  if (it->Valid()) {
    if (it->key().size() != 8)
      return status{errc::corrupt_record, "store " + directory + ": malformed event key"};
    p->head = get_be64(it->key().ToStringView());
  }
  it.reset();

  std::string format;
  s = p->db->Get(rocksdb::ReadOptions{}, format_key, &format);
  if (!s.ok() && !s.IsNotFound()) return io(s, "reading the format marker of " + directory);
  if (s.IsNotFound() || format == "1") {
    // A new store indexes nothing yet; a format-1 store indexed every event
    // (its entries are runs of one).
    if (s.IsNotFound() && p->head.load() != 0)
      return status{errc::corrupt_record,
                    "store " + directory + " holds events but no format marker"};
    if (options.read_only) {
      p->indexed_through = p->head.load(); // upgraded by the next writer; read as it is
      return std::unique_ptr<rocksdb_event_store>(new rocksdb_event_store(std::move(p)));
    }
    rocksdb::WriteBatch wb;
    wb.Put(indexed_key, position_key(p->head.load()));
    wb.Put(format_key, format_value);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = p->db->Write(wo, &wb);
    if (!s.ok()) return io(s, "writing the format marker of " + directory);
    p->indexed_through = p->head.load();
  } else if (format != format_value) {
    return status{errc::corrupt_record, "store " + directory + " has format '" + format +
                                            "', this hotline reads formats 1 and " + format_value};
  } else {
    std::string indexed;
    s = p->db->Get(rocksdb::ReadOptions{}, indexed_key, &indexed);
    if (!s.ok() && !s.IsNotFound()) return io(s, "reading the stream index marker of " + directory);
    if (!s.ok() || indexed.size() != 8)
      return status{errc::corrupt_record, "store " + directory + ": the stream index marker (" +
                                              indexed_key + ") is missing or malformed"};
    p->indexed_through = get_be64(indexed);
    if (auto st = p->rebuild_recent_index(); !st) return st;
  }
  if (options.read_only)
    return std::unique_ptr<rocksdb_event_store>(new rocksdb_event_store(std::move(p)));
  auto* self = p.get();
  p->to_complete.capacity = 4;
  p->completer = std::thread([self] { self->run_completer(); });
  p->committer = std::thread([self] { self->run_committer(); });
  p->writer = std::thread([self] { self->run_writer(); });
  return std::unique_ptr<rocksdb_event_store>(new rocksdb_event_store(std::move(p)));
}

void rocksdb_event_store::append_async(std::string stream, ports::expected_revision expected,
                                       std::vector<proposed_event> events,
                                       ports::append_callback done) {
  if (impl_->opts.read_only) {
    done(status{errc::invalid_argument, "store " + impl_->dir + " is open read-only"});
    return;
  }
  {
    std::lock_guard lock{impl_->queue_mu};
    if (!impl_->stopping) {
      impl_->queue.push_back({std::move(stream), expected, std::move(events), std::move(done)});
      impl_->queue_cv.notify_one();
      return;
    }
  }
  done(status{errc::unavailable, "store " + impl_->dir + " is closing"});
}

result<std::vector<recorded_event>> rocksdb_event_store::read_stream(std::string_view stream,
                                                                     std::uint64_t from_revision,
                                                                     std::size_t max_count) const {
  std::vector<recorded_event> out;
  if (max_count == 0) return out;
  // The recent run first, then the persisted runs (see recent_mu).
  std::uint64_t recent_first = 0;
  std::vector<std::uint64_t> recent;
  {
    std::shared_lock lock{impl_->recent_mu};
    if (const auto* r = impl_->recent.find(stream); r && r->last_revision() >= from_revision) {
      recent_first = std::max(r->first_revision, from_revision);
      const auto from =
          r->positions.begin() + static_cast<std::ptrdiff_t>(recent_first - r->first_revision);
      const auto n =
          std::min<std::size_t>(max_count, static_cast<std::size_t>(r->positions.end() - from));
      recent.assign(from, from + static_cast<std::ptrdiff_t>(n));
    }
  }
  std::uint64_t next = from_revision; ///< the revision to find next
  auto add = [&](std::uint64_t revision, std::uint64_t position) -> status {
    auto rec = impl_->read_position(position);
    if (!rec) return rec.error();
    if (rec->stream != stream || rec->revision != revision)
      return impl_->index_error(stream, "revision " + std::to_string(revision) +
                                            " points to position " + std::to_string(position) +
                                            ", which holds '" + rec->stream + "' revision " +
                                            std::to_string(rec->revision));
    out.push_back(std::move(*rec));
    ++next;
    return {};
  };
  // Persisted runs, from the one holding `from_revision` (or the first).
  if (recent.empty() || recent_first > from_revision) {
    std::unique_ptr<rocksdb::Iterator> it{
        impl_->db->NewIterator(within_stream(), impl_->streams_cf)};
    it->SeekForPrev(stream_index::run_key(stream, from_revision));
    if (it->Valid() && !stream_index::run_first_revision(it->key().ToStringView(), stream))
      it->Seek(stream_index::run_key(stream, from_revision));
    else if (!it->Valid() && it->status().ok())
      it->Seek(stream_index::run_key(stream, from_revision));
    std::vector<std::uint64_t> positions;
    for (; it->Valid() && out.size() < max_count && (recent.empty() || next < recent_first);
         it->Next()) {
      auto first = stream_index::run_first_revision(it->key().ToStringView(), stream);
      if (!first) break;
      if (auto st = stream_index::decode_run(it->value().ToStringView(), positions); !st)
        return impl_->index_error(stream,
                                  "run at revision " + std::to_string(*first) + ": " + st.detail());
      if (*first > next)
        return impl_->index_error(stream, "revisions " + std::to_string(next) + " to " +
                                              std::to_string(*first - 1) + " are missing");
      for (std::uint64_t r = next; r < *first + positions.size() && out.size() < max_count; ++r)
        if (recent.empty() || r < recent_first)
          if (auto st = add(r, positions[r - *first]); !st) return st;
    }
    if (!it->status().ok()) return io(it->status(), "reading stream '" + std::string{stream} + "'");
  }
  if (!recent.empty() && out.size() < max_count) {
    if (next != recent_first)
      return impl_->index_error(stream, "revisions " + std::to_string(next) + " to " +
                                            std::to_string(recent_first - 1) + " are missing");
    for (std::size_t i = 0; i < recent.size() && out.size() < max_count; ++i)
      if (auto st = add(recent_first + i, recent[i]); !st) return st;
  }
  return out;
}

result<std::vector<recorded_event>> rocksdb_event_store::read_all(std::uint64_t from_position,
                                                                  std::size_t max_count) const {
  std::vector<recorded_event> out;
  const std::uint64_t head = impl_->head.load();
  if (from_position == 0) from_position = 1;
  if (from_position > head) return out;
  out.reserve(std::min<std::uint64_t>(max_count, head - from_position + 1));
  auto n =
      impl_->scan(from_position, head, max_count, [&](std::uint64_t pos, std::string_view bytes) {
        auto& e = out.emplace_back();
        return impl_->decode_into(pos, bytes, e);
      });
  if (!n) return n.error();
  return out;
}

result<std::uint64_t> rocksdb_event_store::visit_all(std::uint64_t from_position,
                                                     std::size_t max_count,
                                                     const ports::event_visitor& visit) const {
  const std::uint64_t head = impl_->head.load();
  if (from_position == 0) from_position = 1;
  if (from_position > head) return std::uint64_t{0};
  // One event, decoded over and over: its strings keep their capacity, so
  // a scan allocates nothing per event.
  recorded_event e;
  status stopped;
  auto n =
      impl_->scan(from_position, head, max_count, [&](std::uint64_t pos, std::string_view bytes) {
        if (auto st = impl_->decode_into(pos, bytes, e); !st) return st;
        stopped = visit(e);
        return stopped;
      });
  if (!stopped) return stopped;
  return n;
}

result<std::optional<std::uint64_t>>
rocksdb_event_store::stream_revision(std::string_view stream) const {
  return impl_->load_stream_revision(stream);
}

std::uint64_t rocksdb_event_store::head_position() const {
  return impl_->head.load();
}

std::uint64_t rocksdb_event_store::wait_for_append(std::uint64_t after,
                                                   std::chrono::milliseconds timeout) const {
  std::unique_lock lock{impl_->head_mu};
  impl_->head_cv.wait_for(lock, timeout, [&] { return impl_->head.load() > after; });
  return impl_->head.load();
}

status rocksdb_event_store::put_checkpoint(std::string_view name, std::uint64_t position) {
  if (impl_->opts.read_only)
    return {errc::invalid_argument, "store " + impl_->dir + " is open read-only"};
  rocksdb::WriteOptions wo;
  wo.sync = impl_->opts.sync != sync_policy::none;
  auto s = impl_->db->Put(wo, impl_->checkpoints_cf, rocksdb::Slice{name.data(), name.size()},
                          position_key(position));
  if (!s.ok()) return io(s, "writing checkpoint '" + std::string{name} + "'");
  return {};
}

result<std::optional<std::uint64_t>>
rocksdb_event_store::get_checkpoint(std::string_view name) const {
  std::string v;
  auto s = impl_->db->Get(rocksdb::ReadOptions{}, impl_->checkpoints_cf,
                          rocksdb::Slice{name.data(), name.size()}, &v);
  if (s.IsNotFound()) return std::optional<std::uint64_t>{};
  if (!s.ok()) return io(s, "reading checkpoint '" + std::string{name} + "'");
  if (v.size() != 8)
    return status{errc::corrupt_record, "checkpoint '" + std::string{name} + "' is malformed"};
  return std::optional<std::uint64_t>{get_be64(v)};
}

result<rocksdb_event_store::index_report>
rocksdb_event_store::check_stream_index(std::size_t max_problems) const {
  index_report out;
  auto problem = [&](std::string text) {
    if (out.problems.size() < max_problems) out.problems.push_back(std::move(text));
  };
  std::shared_lock lock{impl_->recent_mu}; // the recent runs stay put meanwhile
  const auto& recent = impl_->recent;
  std::unordered_map<std::string, std::uint64_t>
      next_of; ///< persisted streams: the revision after their runs
  constexpr auto unknown =
      std::numeric_limits<std::uint64_t>::max(); ///< after a run that does not decode
  events::recorded_event e;
  std::vector<std::uint64_t> positions;
  // A (stream, revision) -> position pair: the record there must be that event.
  auto check_points_to = [&](std::string_view stream, std::uint64_t revision,
                             std::uint64_t position) {
    ++out.events;
    const auto where = "stream '" + std::string{stream} + "' revision " + std::to_string(revision);
    std::string bytes;
    auto st =
        impl_->db->Get(rocksdb::ReadOptions{}, impl_->events_cf, position_key(position), &bytes);
    if (!st.ok()) {
      problem(where + ": position " + std::to_string(position) + " " +
              (st.IsNotFound() ? "holds no event" : st.ToString()));
      return;
    }
    if (auto d = impl_->decode_into(position, bytes, e); !d) {
      problem(where + ": " + d.detail());
      return;
    }
    if (e.stream != stream || e.revision != revision)
      problem(where + ": position " + std::to_string(position) + " holds '" + e.stream +
              "' revision " + std::to_string(e.revision));
  };
  rocksdb::ReadOptions whole_index;
  whole_index.total_order_seek = true; // across streams (the prefixes)
  std::unique_ptr<rocksdb::Iterator> it{impl_->db->NewIterator(whole_index, impl_->streams_cf)};
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto key = it->key().ToStringView();
    if (key.size() < 10 || key[key.size() - 9] != '\0') {
      problem("stream index: malformed key of " + std::to_string(key.size()) + " bytes");
      continue;
    }
    const auto stream = key.substr(0, key.size() - 9);
    const auto first = *stream_index::run_first_revision(key, stream);
    auto [next, added] = next_of.try_emplace(std::string{stream}, 0);
    if (next->second != unknown && first != next->second)
      problem("stream '" + std::string{stream} + "': a run starts at revision " +
              std::to_string(first) + " where revision " + std::to_string(next->second) +
              " was due");
    if (auto st = stream_index::decode_run(it->value().ToStringView(), positions); !st) {
      problem("stream '" + std::string{stream} + "' run at revision " + std::to_string(first) +
              ": " + st.detail());
      next->second = unknown; // its length is lost: the next run is not checked against it
      continue;
    }
    for (std::size_t i = 0; i < positions.size(); ++i)
      check_points_to(stream, first + i, positions[i]);
    next->second = first + positions.size();
  }
  if (!it->status().ok()) return io(it->status(), "reading the stream index of " + impl_->dir);
  recent.for_each([&](std::string_view stream, const stream_index::recent_index::run& r) {
    auto persisted = next_of.find(std::string{stream});
    const std::uint64_t due = persisted == next_of.end() ? 0 : persisted->second;
    if (due != unknown && r.first_revision != due)
      problem("stream '" + std::string{stream} + "': its recent events start at revision " +
              std::to_string(r.first_revision) + " where revision " + std::to_string(due) +
              " was due");
    if (persisted == next_of.end()) next_of.emplace(std::string{stream}, 0);
    for (std::size_t i = 0; i < r.positions.size(); ++i)
      check_points_to(stream, r.first_revision + i, r.positions[i]);
  });
  out.streams = next_of.size();
  if (out.events != impl_->head.load())
    problem("the stream index reaches " + std::to_string(out.events) + " events; the store holds " +
            std::to_string(impl_->head.load()));
  return out;
}

result<std::string> rocksdb_event_store::raw_record(std::uint64_t position) const {
  std::string v;
  auto s = impl_->db->Get(rocksdb::ReadOptions{}, impl_->events_cf, position_key(position), &v);
  if (s.IsNotFound())
    return status{errc::not_found, "no event at position " + std::to_string(position)};
  if (!s.ok()) return io(s, "reading position " + std::to_string(position));
  return v;
}

status rocksdb_event_store::overwrite_raw_record_for_testing(std::uint64_t position,
                                                             std::string_view bytes) {
  auto s = impl_->db->Put(rocksdb::WriteOptions{}, impl_->events_cf, position_key(position),
                          rocksdb::Slice{bytes.data(), bytes.size()});
  if (!s.ok()) return io(s, "overwriting position " + std::to_string(position));
  return {};
}

} // namespace hotline::drivers
