#pragma once
// Store factories for the contract suite: each gives a fresh, empty store.
#include <memory>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "tests/support/process.hpp"

namespace hotline::testing {

struct memory_store_fixture {
  ports::memory_event_store store_;
  ports::event_store& store() { return store_; }
};

struct rocksdb_store_fixture {
  temp_dir dir;
  std::unique_ptr<drivers::rocksdb_event_store> store_ = [this] {
    auto s = drivers::rocksdb_event_store::open(dir.path() + "/store");
    if (!s) throw std::runtime_error(s.error().message());
    return std::move(*s);
  }();
  ports::event_store& store() { return *store_; }
};

/// An event with a deterministic id (derived from `name`).
inline events::proposed_event make_event(const std::string& name, std::int64_t t = 0) {
  events::call_ended body{name, events::call_outcome::completed, "caller_hangup", "a1", "q1"};
  return events::event_codec::standard().propose(events::event{body},
                                                 {events::event_id::from_name(name),
                                                  "site-a",
                                                  "tenant-1",
                                                  t,
                                                  {},
                                                  {},
                                                  events::principal::system("test")});
}

inline std::vector<events::proposed_event> make_events(const std::string& prefix, int n) {
  std::vector<events::proposed_event> out;
  for (int i = 0; i < n; ++i)
    out.push_back(make_event(prefix + "#" + std::to_string(i), i));
  return out;
}

} // namespace hotline::testing
