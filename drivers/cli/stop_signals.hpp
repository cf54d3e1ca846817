#pragma once
/// Long-running commands (kafka-mock, relay, node) stop cleanly on SIGINT
/// and SIGTERM: they block both signals before starting any thread and
/// take them with sigwait.
#include <chrono>
#include <csignal>

namespace hotline::cli {

/// SIGINT and SIGTERM, blocked in the calling thread (and so in every thread
/// started after it, librdkafka's and CAF's included) to be taken with
/// sigwait. Their disposition is reset first: a shell starts background jobs
/// with SIGINT ignored, and an ignored signal is discarded, never pending.
sigset_t block_stop_signals();

/// True when SIGINT/SIGTERM arrived within `wait`.
bool stop_signal_within(const sigset_t& set, std::chrono::milliseconds wait);

} // namespace hotline::cli
