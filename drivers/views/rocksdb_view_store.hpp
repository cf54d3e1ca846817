#pragma once
/// The view store in a RocksDB directory of its own (never inside the event
/// store's column families): the view_store contract (view_store.hpp) on
/// disk, every key in the default column family, and `meta/format` = "1".
///
/// A commit is ONE WriteBatch, so after a crash the rows and the checkpoint
/// always agree. `sync` only decides whether the last commits survive a
/// power loss (a view can always be rebuilt from events).
///
/// Opening a view store that another process has open fails with
/// `store_in_use`. Opening a missing one without `create_if_missing` fails
/// with `not_found` and creates nothing; creating one creates its parents,
/// and its directory and files are private (0700/0600, see
/// drivers/rocksdb/store_directory.hpp). A store of another format is
/// `corrupt_record`. Thread safety: every member may be called concurrently.
#include <memory>
#include <string>

#include "drivers/views/view_store.hpp"

namespace hotline::drivers {

struct rocksdb_view_store_options {
  bool create_if_missing = true; ///< Default: true
  bool sync = false;             ///< fsync the WAL on every commit. Default: false
};

class rocksdb_view_store final : public view_store {
public:
  static events::result<std::unique_ptr<rocksdb_view_store>>
  open(const std::string& directory, rocksdb_view_store_options options = {});
  ~rocksdb_view_store() override;

  using view_store::commit;
  events::status commit(std::span<const view_commit> parts) override;
  events::result<std::optional<std::uint64_t>>
  checkpoint(std::string_view projection) const override;
  events::result<std::optional<std::string>> get(std::string_view key) const override;
  events::status scan(std::string_view prefix, const row_visitor& fn) const override;

  /// Raw writes that bypass every rule: only for tests that prove tampering
  /// and corruption are detected.
  events::status put_raw_for_testing(std::string_view key, std::string_view value);
  events::status delete_raw_for_testing(std::string_view key);

  const std::string& directory() const;

  struct impl;

private:
  explicit rocksdb_view_store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace hotline::drivers
