#pragma once
/// The view store: where projections keep their rows and checkpoints. A
/// port with two implementations: drivers/views/rocksdb_view_store.hpp (a
/// RocksDB directory of its own, never inside the event store) and the
/// in-memory fake drivers/views/memory_view_store.hpp.
///
/// Key space (keys compared as bytes, scanned in byte order):
///   `<projection>/...`        the projection's rows (e.g. `kpi/cell/...`)
///   `checkpoint/<projection>` checkpoint_value(position): the 8-byte
///                             big-endian position of the last event folded
///                             into those rows
///   `meta/...`                the implementation's own (RocksDB: `meta/format`)
///
/// Contract (both implementations, checked by
/// tests/drivers/view_store_contract_test.cpp):
///  - `commit` writes the rows of one or more projections AND their
///    checkpoints atomically: a reader, and a store reopened after a crash,
///    sees all of a commit or none of it. So the rows and the checkpoint
///    always agree, and a restarted runner never folds an event twice into
///    the rows, nor skips one.
///  - Within a commit the parts apply in order, each part's deletes before
///    its puts, then its checkpoint: a later write of the same key wins.
///  - A part without changes (null or empty) still moves its checkpoint.
///  - Absence is not an error: `get` of a missing key and `checkpoint` of a
///    projection that never committed give nullopt.
///  - A checkpoint whose value is not 8 bytes is `corrupt_record` naming the
///    projection. A failed write of the medium is `io_error` and writes
///    nothing (the memory store has no medium).
///  - `scan` sees the store as it was when the scan began: a commit made
///    meanwhile (even from inside `fn`) is not seen by it.
///
/// Thread safety: every member may be called concurrently from any thread.
/// `fn` of `scan` runs on the calling thread and may call the store.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/status.hpp"
#include "projections/view_projection.hpp"

namespace hotline::drivers {

/// One projection's share of a commit.
struct view_commit {
  std::string_view projection;              ///< name, e.g. "kpi"
  const projections::view_changes* changes; ///< may be null or empty
  std::uint64_t position;                   ///< the new checkpoint
};

/// Sees one row of a scan; returning false ends the scan. The views are
/// valid only during the call.
using row_visitor = std::function<bool(std::string_view key, std::string_view value)>;

class view_store {
public:
  virtual ~view_store() = default;

  /// Writes every part's rows and checkpoint atomically.
  virtual events::status commit(std::span<const view_commit> parts) = 0;
  events::status commit(std::string_view projection, const projections::view_changes& changes,
                        std::uint64_t position) {
    view_commit part{projection, &changes, position};
    return commit(std::span<const view_commit>{&part, 1});
  }

  /// The checkpoint of a projection; nullopt when it never committed.
  virtual events::result<std::optional<std::uint64_t>>
  checkpoint(std::string_view projection) const = 0;

  /// A point read; nullopt when absent.
  virtual events::result<std::optional<std::string>> get(std::string_view key) const = 0;

  /// Calls `fn(key, value)` for every row whose key starts with `prefix`, in
  /// key order, until it returns false.
  virtual events::status scan(std::string_view prefix, const row_visitor& fn) const = 0;

  /// Every key and value, checkpoints and `meta/` keys included (to compare
  /// two stores of one implementation). Built on `scan("")`.
  events::result<std::vector<std::pair<std::string, std::string>>> dump() const;
};

/// Key of a projection's checkpoint: `checkpoint/<projection>`.
std::string checkpoint_key(std::string_view projection);
/// The stored form of a checkpoint: 8 bytes, big-endian.
std::string checkpoint_value(std::uint64_t position);
/// A stored checkpoint read back; nullopt when it is not 8 bytes.
std::optional<std::uint64_t> parse_checkpoint_value(std::string_view stored) noexcept;

} // namespace hotline::drivers
