#pragma once
/// The load side of `hotline bench api`: many WebSocket sessions from one
/// client thread (asio/Beast, asynchronous), counting what arrives and how
/// late. Latency is read from a `"t":<ns>` field that the server puts in each
/// message: a `std::chrono::steady_clock` time since its epoch, in
/// nanoseconds, taken on the same host (steady_clock is one clock for every
/// process of a Linux machine). Beast stays in ws_load.cpp.
///
/// Thread safety: `ws_load`'s methods may be called from any thread; its
/// sessions run on its own I/O thread.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hotline::bench {

/// Latencies from 0 to 10 s at 10 µs resolution (later ones count in the
/// last bucket). Not thread-safe; ws_load guards its own.
class latency_histogram {
public:
  void add(std::chrono::nanoseconds d);
  void merge(const latency_histogram& o);
  std::uint64_t count() const { return count_; }
  /// The latency under which `p` (0..1) of the samples fall, in ms; 0 when empty.
  double percentile_ms(double p) const;
  double max_ms() const { return static_cast<double>(max_ns_) / 1e6; }
  void clear();

private:
  static constexpr std::size_t buckets = 1'000'000; ///< 10 µs each
  std::vector<std::uint32_t> counts_ = std::vector<std::uint32_t>(buckets, 0);
  std::uint64_t count_ = 0;
  std::int64_t max_ns_ = 0;
};

/// The value of the first `"t":<integer>` in a message, or nullopt.
std::optional<std::int64_t> message_time_ns(std::string_view text);
/// steady_clock now, in the unit of the `"t"` field.
std::int64_t steady_now_ns();

/// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the soft limit now in force.
std::uint64_t raise_fd_limit();

struct ws_load_options {
  std::string url = "http://127.0.0.1:8080";                ///< http:// (ws) or https:// (wss) base
  std::string target = "/";                                 ///< the WebSocket's path and query
  std::vector<std::pair<std::string, std::string>> headers; ///< e.g. Cookie, Authorization
  /// Headers of session i only (added to `headers`), e.g. each its own user's token. Default: none
  std::vector<std::vector<std::pair<std::string, std::string>>> session_headers;
  std::size_t sessions = 1000;      ///< 1..100,000
  std::size_t max_connecting = 200; ///< handshakes in flight at once (a SYN flood helps nobody)
  std::chrono::milliseconds connect_timeout{30'000}; ///< for all sessions together
  std::string ca_file;                               ///< wss: trusted CAs; empty: system's
  bool tls_verify = true;
};

/// What happened so far (counters since the start or the last reset).
struct ws_load_stats {
  std::size_t sessions_open = 0;
  std::size_t sessions_failed = 0; ///< handshakes that failed, and sessions dropped afterwards
  std::string first_error;         ///< the first failure's reason
  std::uint64_t messages = 0;      ///< text messages received
  std::uint64_t bytes = 0;
  std::uint64_t messages_without_t = 0; ///< received without a "t" field (no latency)
  std::uint64_t latency_samples = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

/// N WebSocket sessions to one URL. Construction starts the I/O thread;
/// `connect` opens the sessions.
class ws_load {
public:
  explicit ws_load(ws_load_options o);
  ~ws_load(); ///< closes every session (without waiting for the server's close) and joins
  ws_load(const ws_load&) = delete;
  ws_load& operator=(const ws_load&) = delete;

  /// Opens the sessions (at most `max_connecting` at a time); returns once
  /// every one is open or failed, or at `connect_timeout`. The stats say how
  /// many are open.
  ws_load_stats connect();
  /// Queues `text` on session `i` (0-based); false if it is not open.
  bool send(std::size_t i, std::string text);
  /// Counters and latency percentiles; `reset` zeroes messages and latency
  /// (not the session counts).
  ws_load_stats stats(bool reset = false);
  /// Waits until `messages` reaches `n` (since the last reset) or `timeout` passes.
  bool wait_for_messages(std::uint64_t n, std::chrono::milliseconds timeout);
  /// Ping-pong for echo servers: each session answers the next `n` messages
  /// it receives with a fresh `{"t":<now>}`.
  void set_echo_rounds(std::size_t n);
  /// Sends a close frame on every session and waits (at most 5 s) for them to end.
  void close();

  struct impl;

private:
  std::unique_ptr<impl> p_;
};

/// Round trips through an echo server: each of `sessions` sessions sends
/// `rounds` messages `{"t":<now>}`, one at a time (the next once its echo
/// came back); the latency is the round trip. Fills `stats` (messages =
/// echoes received); false when the sessions could not all connect or the
/// echoes did not all come back within `timeout`.
bool measure_echo_round_trip(const std::string& url, std::size_t sessions, std::size_t rounds,
                             std::chrono::milliseconds timeout, ws_load_stats& stats);

} // namespace hotline::bench
