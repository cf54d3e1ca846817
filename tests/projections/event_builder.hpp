#pragma once
// Builds recorded events for projection tests: positions and stream
// revisions assigned as the store would, times in seconds from a fixed
// interval-aligned instant.
#include <map>
#include <string>
#include <vector>

#include "events/codec.hpp"
#include "projections/view_projection.hpp"

namespace hotline::testing {

/// 2024-01-01T00:00:00Z: aligned to every usual interval.
inline constexpr std::int64_t t0_ns = 1'704'067'200'000'000'000;

inline std::int64_t at(double seconds) {
  return t0_ns + static_cast<std::int64_t>(seconds * 1e9);
}

struct event_builder {
  std::string site = "site-a";
  std::string tenant = "t1";
  std::vector<events::recorded_event> events;
  std::map<std::string, std::uint64_t> revisions;

  template <class T>
  events::recorded_event& add(std::string stream, double seconds, T payload,
                              events::principal who = events::principal::system("acd")) {
    events::event_meta meta{
        events::event_id::from_name(stream + "#" + std::to_string(events.size())),
        site,
        tenant,
        at(seconds),
        {},
        {},
        std::move(who)};
    auto p = events::event_codec::standard().propose(events::event{std::move(payload)}, meta);
    auto& rev = revisions[stream];
    events.push_back({stream, rev++, events.size() + 1, p.meta, p.type, p.version, p.payload});
    return events.back();
  }

  template <class T> events::recorded_event& call(const std::string& id, double s, T payload) {
    return add("call-" + id, s, std::move(payload));
  }
  template <class T> events::recorded_event& agent(const std::string& id, double s, T payload) {
    return add("agent-" + id, s, std::move(payload), events::principal::agent(id));
  }
};

/// Applies `changes` to a key/value map the way the view store does.
inline void apply_changes(std::map<std::string, std::string>& rows,
                          const projections::view_changes& changes) {
  for (const auto& k : changes.deletes)
    rows.erase(k);
  for (const auto& [k, v] : changes.puts)
    rows[k] = v;
}

} // namespace hotline::testing
