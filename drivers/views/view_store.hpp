#pragma once
/// The view store: where projections keep their rows, in a RocksDB directory
/// of its own (never inside the event store's column families).
///
/// Layout (default column family, keys in byte order):
///   `<projection>/...`        the projection's rows (e.g. `kpi/cell/...`)
///   `checkpoint/<projection>` 8-byte big-endian position of the last event
///                             folded into those rows
///   `meta/format`             "1"
///
/// Contract: `commit` writes the rows of one or more projections AND their
/// checkpoints in ONE WriteBatch, so after a crash the rows and the
/// checkpoint always agree — a restarted runner never folds an event twice
/// into the rows, nor skips one. `sync` only decides whether the last
/// commits survive a power loss (a view can always be rebuilt from events).
///
/// Opening a view store that another process has open fails with
/// `store_in_use`. Opening a missing one without `create_if_missing` fails
/// with `not_found` and creates nothing; creating one creates its parents,
/// and its directory and files are private (0700/0600, see
/// drivers/store/store_directory.hpp). Thread safety: every member may be
/// called concurrently.
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/status.hpp"
#include "projections/view_projection.hpp"

namespace hotline::drivers {

struct view_store_options {
  bool create_if_missing = true; ///< Default: true
  bool sync = false;             ///< fsync the WAL on every commit. Default: false
};

/// One projection's share of a commit.
struct view_commit {
  std::string_view projection;              ///< name, e.g. "kpi"
  const projections::view_changes* changes; ///< may be empty
  std::uint64_t position;                   ///< the new checkpoint
};

class view_store {
public:
  static events::result<std::unique_ptr<view_store>> open(const std::string& directory,
                                                          view_store_options options = {});
  ~view_store();

  /// Writes every part's rows and checkpoint atomically.
  events::status commit(std::span<const view_commit> parts);
  events::status commit(std::string_view projection, const projections::view_changes& changes,
                        std::uint64_t position) {
    view_commit part{projection, &changes, position};
    return commit(std::span<const view_commit>{&part, 1});
  }

  /// The checkpoint of a projection; nullopt when it never committed.
  events::result<std::optional<std::uint64_t>> checkpoint(std::string_view projection) const;

  /// A point read (O(log n)); nullopt when absent.
  events::result<std::optional<std::string>> get(std::string_view key) const;

  /// Calls `fn(key, value)` for every row whose key starts with `prefix`, in
  /// key order, until it returns false.
  events::status scan(std::string_view prefix,
                      const std::function<bool(std::string_view, std::string_view)>& fn) const;

  /// Every key and value, checkpoints included (to compare two stores).
  events::result<std::vector<std::pair<std::string, std::string>>> dump() const;

  /// Raw writes that bypass every rule: only for tests that prove tampering
  /// and corruption are detected.
  events::status put_raw_for_testing(std::string_view key, std::string_view value);
  events::status delete_raw_for_testing(std::string_view key);

  const std::string& directory() const;

  struct impl;

private:
  explicit view_store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

/// Key of a projection's checkpoint.
std::string checkpoint_key(std::string_view projection);

} // namespace hotline::drivers
