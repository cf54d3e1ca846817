#pragma once
/// The desktops of `hotline bench api` in a child process of their own
/// (`hotline bench api-desktops`, hidden), so that their descriptors and
/// CPU are not the node's: 10,000 sessions need 10,000 descriptors on each
/// side, and one process's limit (20,000 here) cannot hold both ends.
///
/// The parent talks to the child over its stdin/stdout, one line each way:
///   parent → child: `connect`, `reset`, `stats`, `close`
///   child → parent: one JSON object per command (ws_load_stats' fields).
/// Latency stays comparable: the server stamps `"t"` with steady_clock,
/// one clock for every process of a Linux host.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <sys/types.h>

#include "bench/ws_load.hpp"

namespace hotline::bench {

/// What the child needs: the node's URL, the feed's path, one bearer token a session.
struct desktop_process_options {
  std::string url;
  std::string target = "/api/feed";
  std::vector<std::string> tokens; ///< session i uses tokens[i]
  std::chrono::milliseconds connect_timeout{120'000};
};

/// The child, started on construction (`/proc/self/exe bench api-desktops`);
/// SIGTERM and reaped on destruction.
class desktop_process {
public:
  explicit desktop_process(const desktop_process_options& o);
  ~desktop_process();
  desktop_process(const desktop_process&) = delete;
  desktop_process& operator=(const desktop_process&) = delete;

  /// Empty when the child runs; otherwise why not.
  const std::string& error() const { return error_; }
  /// Opens the sessions; their counts (nullopt: the child did not answer in time).
  std::optional<ws_load_stats> connect();
  /// Counters since the last reset (reset: zero them afterwards).
  std::optional<ws_load_stats> stats(bool reset = false);
  /// Closes every session; the child then exits.
  void close();
  /// The child's resident memory in bytes (/proc/<pid>/statm), 0 if unknown.
  std::uint64_t resident_bytes() const;

private:
  std::optional<std::string> ask(const std::string& command, std::chrono::milliseconds timeout);
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  std::string tokens_file_, error_, pending_;
};

/// Registers the hidden child command `hotline bench api-desktops`.
void add_desktop_process_command(CLI::App& bench);

} // namespace hotline::bench
