#pragma once
/// Where RocksDB's own info log goes. Left to itself RocksDB writes a LOG
/// file (and LOG.old.* files) inside every database directory it opens: in
/// a store that is the node's source of truth, and one a reader must not
/// change. hotline gives every RocksDB it opens one of these instead:
///  - `forwarding_logger(what)` (writers, by default): RocksDB's warnings and
///    errors become hotline log lines (drivers/log/log.hpp), component
///    `rocksdb`, message "WHAT: text"; its informational chatter is dropped.
///    No LOG file is created.
///  - `silent_logger()` (read-only opens): nothing at all.
///  - neither, when asked (`hotline node --rocksdb-log DIR`): RocksDB's own
///    LOG files, at info level, in DIR (RocksDB's `db_log_dir`).
///
/// Thread safety: the loggers may be used from RocksDB's threads.
#include <memory>
#include <string>

namespace rocksdb {
class Logger;
} // namespace rocksdb

namespace hotline::drivers {

/// A RocksDB info logger that writes nothing.
std::shared_ptr<rocksdb::Logger> silent_logger();

/// A RocksDB info logger that forwards warnings and errors to hotline's log,
/// naming `what` (e.g. "store /var/north").
std::shared_ptr<rocksdb::Logger> forwarding_logger(std::string what);

} // namespace hotline::drivers
