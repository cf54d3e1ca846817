#pragma once
/// The directory a RocksDB store (event store or view store) lives in: how
/// it is created, what permissions it gets, and how it is told apart from a
/// path that holds no store.
///
/// Permissions: a store holds callers' numbers. Directories a store creates
/// are 0700 and its files 0600 whatever the process umask: RocksDB is given
/// an Env (`private_env()`) that sets those modes on every directory and
/// file it creates. Opening a store whose directory or files are accessible
/// to group or others is allowed (stores made before this rule are 0755 /
/// 0644) but warns, naming the directory, the mode and the command that
/// fixes it (`permission_warning`).
///
/// Parents: creating a store creates its missing parent directories
/// (`var/north` with no `var/`), with the umask's modes: they are not the
/// store. Reading never creates anything (`is_store` says whether there is
/// one to read).
///
/// Thread safety: pure functions; `private_env()` is a process-wide
/// singleton, safe to share.
#include <memory>
#include <optional>
#include <string>

#include "events/status.hpp"

namespace rocksdb {
class Env;
} // namespace rocksdb

namespace hotline::drivers {

/// An Env over the default file system that creates directories 0700 and
/// files 0600. Lives as long as the process.
rocksdb::Env* private_env();

/// Creates `directory` (0700) and its missing parents; ok if it exists.
events::status create_store_directory(const std::string& directory);

/// ok when `directory` holds a RocksDB database (a CURRENT file);
/// otherwise not_found saying what is missing ("no such directory", "not a
/// store: no CURRENT file").
events::status is_store(const std::string& directory);

/// A warning when the directory or a file in it is accessible to group or
/// others; nullopt when it is private.
std::optional<std::string> permission_warning(const std::string& directory);

} // namespace hotline::drivers
