#include "drivers/kafka/topic_replay.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "drivers/kafka/topic_reader.hpp"

namespace hotline::drivers {

using events::errc;
using events::proposed_event;
using events::recorded_event;
using events::result;
using events::status;

namespace {

struct id_hash {
  std::size_t operator()(const events::event_id& id) const noexcept {
    return static_cast<std::size_t>(id.hi * 0x9e3779b97f4a7c15ull ^ id.lo);
  }
};

} // namespace

result<topic_replay_stats> load_topics(const topic_replay_options& options,
                                       ports::event_store& into) {
  if (options.bootstrap_servers.empty() || options.topics.empty())
    return status{errc::invalid_argument,
                  "replay from Kafka: brokers and at least one topic are required"};
  if (std::set<std::string>(options.topics.begin(), options.topics.end()).size() !=
      options.topics.size())
    return status{errc::invalid_argument, "replay from Kafka: a topic is given twice"};

  topic_replay_stats stats;
  std::unordered_set<events::event_id, id_hash> seen;
  std::vector<std::vector<recorded_event>> per_topic;
  for (const auto& topic : options.topics) {
    topic_reader_options ro;
    ro.bootstrap_servers = options.bootstrap_servers;
    ro.topic = topic;
    ro.properties = options.properties;
    ro.timeout = options.timeout_per_topic;
    ro.connect_timeout = options.connect_timeout;
    ro.on_undecodable = [&](const kafka_record& r, const status& why) {
      ++stats.records;
      ++stats.dead_letters;
      if (stats.dead_letter_details.size() < 100)
        stats.dead_letter_details.push_back({topic, r.partition, r.offset, why});
    };
    auto records = read_topic(ro);
    if (!records) return records.error();
    stats.records += records->size();
    // The site store's order; stable, so of two copies the first read stays first.
    std::stable_sort(records->begin(), records->end(),
                     [](const kafka_record& a, const kafka_record& b) {
                       return a.event.position < b.event.position;
                     });
    auto& events = per_topic.emplace_back();
    events.reserve(records->size());
    for (auto& r : *records) {
      if (!seen.insert(r.event.meta.id).second) {
        ++stats.duplicates;
        continue;
      }
      events.push_back(std::move(r.event));
    }
  }

  // Merge the topics by event time; each keeps its own order.
  std::vector<std::size_t> next(per_topic.size(), 0);
  for (;;) {
    std::size_t pick = per_topic.size();
    for (std::size_t t = 0; t < per_topic.size(); ++t) {
      if (next[t] == per_topic[t].size()) continue;
      if (pick == per_topic.size() ||
          per_topic[t][next[t]].meta.timestamp_ns < per_topic[pick][next[pick]].meta.timestamp_ns)
        pick = t;
    }
    if (pick == per_topic.size()) break;
    auto& e = per_topic[pick][next[pick]++];
    std::vector<proposed_event> one;
    one.push_back({std::move(e.meta), std::move(e.type), e.version, std::move(e.payload)});
    auto appended = into.append(e.stream, ports::expected_revision::any(), std::move(one));
    if (!appended) return appended.error();
    ++stats.events;
  }
  return stats;
}

} // namespace hotline::drivers
