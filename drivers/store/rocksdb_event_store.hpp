#pragma once
/// The RocksDB event store: durable, one per node, in a directory.
///
/// Layout (column families): `events` (8-byte big-endian position -> record
/// in the codec's storage form), `streams` (the stream index as runs:
/// stream name, NUL, 8-byte big-endian first revision -> the run's
/// positions; see stream_index.hpp), `checkpoints` (name -> position),
/// `default` (store metadata: format version, and the last position the
/// persisted runs cover).
///
/// The stream index: positions of committed events are kept in memory and
/// persisted as one run per stream every `index_window` events (and when
/// the store closes); readers see both. After a crash, an open rebuilds the
/// part not persisted from the records, which name their stream and
/// revision.
///
/// Group commit: appends from any number of threads are queued; one thread
/// takes everything queued, checks each append's expected revision and
/// encodes their records into one WriteBatch while a second thread writes
/// (and syncs) the previous group and adds it to the in-memory stream
/// index, and a third completes callbacks in commit order. While a
/// write is under way the next group is formed as late as it can be without
/// keeping the writer waiting (about half-way through the write), so that
/// appends resubmitted meanwhile share its sync. A group's revisions and positions assume the
/// groups before it commit; if a write fails, every group prepared on top of it fails too and
/// nothing of it is written. The sync policy says when the WAL is fsynced (always before the
/// group's callbacks run):
///  - `none`:   never by us (survives a process crash, not a power loss);
///  - `batch`:  once per group-commit batch (Default);
///  - `always`: every append is its own batch and its own fsync.
///
/// Opening a store another process (or this one) has open for writing fails
/// with `store_in_use`. A record that fails its checksum or does not decode
/// is reported as `corrupt_record` naming its position.
///
/// Damage is never silent (docs/store.md, "Corruption and recovery").
/// Recovery replays the WAL with RocksDB's `kTolerateCorruptedTailRecords`:
/// an incomplete last record (the append a kill -9 or power loss
/// interrupted, never acknowledged: its callback had not run) is dropped;
/// anything else that fails its checksum refuses the open with
/// `corrupt_record` naming the WAL file, the offset and the record, and how
/// many records follow it. (RocksDB's default, point-in-time recovery,
/// silently dropped every record after a flipped bit.) Every WAL is read
/// whole before RocksDB opens the store (drivers/store/wal_scan.hpp), so
/// damage refuses the open before any file is touched, and a last record
/// whose length field is damaged (RocksDB would take it for a torn write
/// and drop an acknowledged append) is damage too. `hotline store repair` is the only way to open
/// past damage, and says what it drops first. What survives which crash depends on the sync policy
/// below: with `none` a power loss may lose acknowledged appends (the WAL tail was never synced);
/// with `batch` and `always` it may not.
///
/// Read-only opens (`read_only`) write nothing in the directory, not even a
/// LOG or LOCK file, and work while a node has the store open for writing:
/// they are RocksDB secondary instances (their scratch directory is a
/// private temporary one, removed on close) and see the committed prefix
/// of the store as of the open.
///
/// Files and permissions: see drivers/rocksdb/store_directory.hpp (created
/// 0700/0600, parents created, a warning for a store others can read).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/ports/event_store.hpp"

namespace hotline::drivers {

enum class sync_policy { none, batch, always };
const char* to_string(sync_policy p) noexcept;
/// "none" | "batch" | "always"; false otherwise.
bool parse_sync_policy(std::string_view text, sync_policy& out) noexcept;

struct rocksdb_store_options {
  sync_policy sync = sync_policy::batch; ///< Default: batch
  bool create_if_missing = true;         ///< Default: true
  std::size_t max_batch_appends = 4096;  ///< appends per group commit. Default: 4096
  /// Committed events kept in the in-memory stream index before it is
  /// persisted as runs (bounds that memory and the rebuild after a crash).
  /// Default: 65536
  std::size_t index_window = 65536;
  /// Open for reading only: create nothing, write nothing, work beside a
  /// writer (see above). Appends and put_checkpoint fail with
  /// `invalid_argument`. Default: false
  bool read_only = false;
  /// Where warnings go (a store others can read, an incomplete WAL tail a
  /// read-only open ignores). Default (empty): hotline's log, component
  /// `store` (drivers/log/log.hpp).
  std::function<void(const std::string&)> warn;
  /// RocksDB's own info log (LOG files, info level) goes to this directory.
  /// Default (empty): no LOG file; RocksDB's warnings and errors go to
  /// hotline's log (drivers/rocksdb/rocksdb_log.hpp). Ignored when read_only.
  std::string info_log_dir;
  /// Recover up to the first damaged WAL record and drop everything after
  /// it. Only for `hotline store repair` (store_repair.hpp). Default: false
  bool drop_after_damage = false;
};

class rocksdb_event_store final : public ports::event_store {
public:
  /// Opens (or creates) the store in `directory`.
  static events::result<std::unique_ptr<rocksdb_event_store>>
  open(const std::string& directory, rocksdb_store_options options = {});
  ~rocksdb_event_store() override; ///< drains queued appends, then closes

  void append_async(std::string stream, ports::expected_revision expected,
                    std::vector<events::proposed_event> events,
                    ports::append_callback done) override;
  events::result<std::vector<events::recorded_event>>
  read_stream(std::string_view stream, std::uint64_t from_revision,
              std::size_t max_count) const override;
  events::result<std::vector<events::recorded_event>>
  read_all(std::uint64_t from_position, std::size_t max_count) const override;
  events::result<std::uint64_t> visit_all(std::uint64_t from_position, std::size_t max_count,
                                          const ports::event_visitor& visit) const override;
  events::result<std::optional<std::uint64_t>>
  stream_revision(std::string_view stream) const override;
  std::uint64_t head_position() const override;
  std::uint64_t wait_for_append(std::uint64_t after,
                                std::chrono::milliseconds timeout) const override;
  events::status put_checkpoint(std::string_view name, std::uint64_t position) override;
  events::result<std::optional<std::uint64_t>> get_checkpoint(std::string_view name) const override;

  /// Reads the raw stored bytes at a position (for tools and tests).
  events::result<std::string> raw_record(std::uint64_t position) const;
  /// Overwrites the raw bytes at a position, bypassing every check. Only for
  /// tests that prove corruption is detected.
  events::status overwrite_raw_record_for_testing(std::uint64_t position, std::string_view bytes);

  const std::string& directory() const;
  bool read_only() const;

  /// Repairs recorded in this store by `hotline store repair --yes`, oldest
  /// first: each says when, and what was dropped.
  events::result<std::vector<std::string>> repairs() const;
  /// Records a repair report (durably, in the store's metadata).
  events::status record_repair(const std::string& report);

  /// What `check_stream_index` found.
  struct index_report {
    std::uint64_t streams = 0; ///< streams indexed
    std::uint64_t events = 0;  ///< events the index reaches (persisted runs and recent ones)
    std::vector<std::string> problems; ///< each naming the stream, revision or position
  };
  /// Walks the whole stream index (for `hotline store check`): every
  /// stream's revisions are contiguous from 0, each points to a record of
  /// that stream and revision, and every event is indexed once. Stops
  /// listing after `max_problems`. An I/O error is an error, a problem
  /// found is a report.
  events::result<index_report> check_stream_index(std::size_t max_problems = 20) const;

  /// Counters since open (for benchmarks and operators).
  struct statistics {
    std::uint64_t commits = 0; ///< group-commit batches written
    std::uint64_t appends = 0; ///< appends completed (written, retried or refused)
    std::uint64_t events = 0;  ///< events written
  };
  statistics stats() const;

  struct impl;

private:
  explicit rocksdb_event_store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace hotline::drivers
