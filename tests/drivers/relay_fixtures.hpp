#pragma once
// Stores to relay and topics to read back, shared by the relay's tests on
// the mock cluster (kafka_relay_test.cpp) and on the fake broker
// (kafka_relay_fake_broker_test.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "drivers/kafka/memory_publisher.hpp"
#include "drivers/kafka/topic_reader.hpp"
#include "tests/drivers/store_fixtures.hpp"
#include "tests/support/topic_checks.hpp"

namespace hotline::testing {

/// Records (from the topic reader or the fake broker) as the topic checks
/// compare them.
template <class Records> std::vector<seen_record> as_seen(const Records& records) {
  std::vector<seen_record> out;
  for (const auto& r : records) {
    seen_record s{r.partition, r.offset, r.key, {}, r.value};
    for (const auto& [k, v] : r.headers)
      s.headers[k] = v;
    out.push_back(std::move(s));
  }
  return out;
}

/// Every record of the topic `options` names, read back through the topic reader.
inline std::vector<seen_record> read_records(const drivers::topic_reader_options& options) {
  auto records = drivers::read_topic(options);
  REQUIRE_MESSAGE(records.has_value(), records.error().message());
  return as_seen(*records);
}

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
  return as_seen(broker.records(topic));
}

} // namespace hotline::testing
