#pragma once
/// hotline's one log: every diagnostic line a process prints (the node's
/// progress, a store's warnings, librdkafka's and RocksDB's own complaints)
/// goes through `write`, in one of two formats chosen once at start-up
/// (`--log-format` on the long-running commands):
///
///   text  2026-12-06T07:30:00.123Z INFO  node [north] ACD up: 3 queues
///   json  {"time":"2026-12-06T07:30:00.123Z","level":"info","component":"node",
///          "site":"north","message":"ACD up: 3 queues"}      (one line)
///
/// Fields: time (UTC, milliseconds), level (debug < info < warning <
/// error), component (who speaks: node, store, rocksdb, kafka, relay,
/// federation, ...), site (when the speaker serves one; omitted otherwise)
/// and message (free text, no newline: newlines become spaces).
///
/// Lines at `info` and below go to stdout, `warning` and `error` to stderr,
/// each written whole and flushed. Lines below the minimum level (`info`;
/// `warning` with --quiet) are dropped.
///
/// What is not a log line: a command's result (a report, JSON, a table) and
/// the lines scripts read (`kafka-mock`'s bootstrap list, `relay --progress`'s
/// checkpoints) keep their own form on stdout.
///
/// Thread safety: `write` may be called from any thread (librdkafka's and
/// RocksDB's threads do). `configure` is meant to be called once, before
/// other threads start; it is safe at any time.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::drivers::log {

enum class level { debug, info, warning, error };
enum class format { text, json };

struct settings {
  format fmt = format::text;
  level min = level::info;
};

/// Sets the process's format and minimum level.
void configure(const settings& s);
settings current();

/// "text" or "json"; nullopt otherwise.
std::optional<format> parse_format(std::string_view name);

/// Writes one line (see above). `site` may be empty.
void write(level lv, std::string_view component, std::string_view message,
           std::string_view site = {});

/// The line `write` would print for these fields at `unix_ms` (no newline);
/// for tests and for callers that print elsewhere.
std::string render(format fmt, std::int64_t unix_ms, level lv, std::string_view component,
                   std::string_view message, std::string_view site = {});

inline void info(std::string_view component, std::string_view message, std::string_view site = {}) {
  write(level::info, component, message, site);
}
inline void warning(std::string_view component, std::string_view message,
                    std::string_view site = {}) {
  write(level::warning, component, message, site);
}
inline void error(std::string_view component, std::string_view message,
                  std::string_view site = {}) {
  write(level::error, component, message, site);
}

} // namespace hotline::drivers::log
