#pragma once
// Stores to relay and topics to read back, shared by the relay's tests on
// the mock cluster (kafka_relay_test.cpp) and on the fake broker
// (kafka_relay_fake_broker_test.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "drivers/kafka/memory_publisher.hpp"
#include "tests/drivers/store_fixtures.hpp"
#include "tests/support/topic_checks.hpp"

namespace hotline::testing {

/// `per_stream` events on each of `streams` streams, appended round-robin so
/// that streams interleave in the global order.
inline void append_interleaved(ports::event_store& store, const std::string& tag, int streams,
                               int per_stream) {
  for (int i = 0; i < per_stream; ++i)
    for (int s = 0; s < streams; ++s) {
      auto name = tag + "-" + std::to_string(s) + "#" + std::to_string(i);
      REQUIRE(store.append("call-" + tag + std::to_string(s), ports::expected_revision::any(),
                           {make_event(name, i)}));
    }
}

/// A copy of the first `n` events of `from` (same ids, streams and revisions).
inline void copy_prefix(const ports::event_store& from, ports::event_store& to, std::uint64_t n) {
  auto events = from.read_all(1, n);
  REQUIRE(events.has_value());
  for (auto& e : *events) {
    std::vector<events::proposed_event> one;
    one.push_back({e.meta, e.type, e.version, e.payload});
    REQUIRE(to.append(e.stream, ports::expected_revision::any(), std::move(one)));
  }
}

/// The fake broker's records of `topic` as a consumer sees them.
inline std::vector<seen_record> seen_in(const drivers::memory_publisher& broker,
                                        const std::string& topic) {
  std::vector<seen_record> out;
  for (auto& r : broker.records(topic)) {
    seen_record s{r.partition, r.offset, r.key, {}, r.value};
    for (auto& [k, v] : r.headers)
      s.headers[k] = v;
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace hotline::testing
