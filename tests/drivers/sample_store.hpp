#pragma once
/// A RocksDB store filled with synthetic contact-center traffic
/// (drivers/views/sample_traffic.hpp), for the tests that run the CLI or a
/// projection over a real store. Include after doctest.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "drivers/store/rocksdb_event_store.hpp"
#include "drivers/views/sample_traffic.hpp"

namespace hotline::testing {

/// `n` sample events (calls, agents, audit) appended to the store in `dir`
/// (created), which is closed cleanly when this returns: its events are in
/// its WAL (nothing was flushed).
inline void write_sample_store(const std::string& dir, std::uint64_t n) {
  auto s = drivers::rocksdb_event_store::open(dir);
  REQUIRE(s.has_value());
  std::atomic<std::uint64_t> pending{0};
  drivers::traffic_options o;
  o.calls_per_hour = 3000;
  o.agents = 25;
  drivers::generate_traffic(o, n, [&](const std::string& stream, events::proposed_event&& e) {
    std::vector<events::proposed_event> one;
    one.push_back(std::move(e));
    ++pending;
    (*s)->append_async(stream, ports::expected_revision::any(), std::move(one),
                       [&](events::result<ports::append_result>) { --pending; });
    return true;
  });
  while (pending.load() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

} // namespace hotline::testing
