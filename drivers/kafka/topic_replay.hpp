#pragma once
/// Rebuilds an event sequence from relay topics, for `hotline replay
/// --kafka`: a view of one site rebuilt from Kafka instead of its store, or a
/// federated view over several sites' topics.
///
/// Each topic is read from its first retained offset to its end as of the
/// read (topic_reader.hpp) and is taken to be one site's relay topic (its
/// records carry that store's gap-free positions). Then:
///  - a record whose value does not decode is a dead letter: counted and
///    described with its topic, partition and offset, never fatal;
///  - duplicates (the relay's at-least-once delivery) are dropped by event
///    id, the first in position order kept;
///  - each topic's events are put in position order (the site store's
///    order: Kafka keeps order only per partition), and several topics are
///    merged by event time, ties broken by the order the topics were given.
/// The result is appended, in that order, to `into` (normally an empty
/// memory_event_store) so that projections fold it exactly as they fold a
/// store. For one topic holding a site's whole history the positions it
/// gets are the site's own, so the views equal those rebuilt from the store.
///
/// Memory: every event is held until the topics are read (a replay source,
/// not a consumer for unbounded topics).
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/ports/event_store.hpp"

namespace hotline::drivers {

struct topic_replay_options {
  std::string bootstrap_servers;   ///< REQUIRED
  std::vector<std::string> topics; ///< REQUIRED, at least one; no topic twice
  /// Extra librdkafka consumer properties. Default: none.
  std::map<std::string, std::string> properties;
  /// Each topic must be read within this. Default: 5 minutes.
  std::chrono::milliseconds timeout_per_topic{300000};
  /// The brokers must answer within this (topic_reader_options::connect_timeout).
  /// Default: 10 s.
  std::chrono::milliseconds connect_timeout{10000};
};

struct dead_letter {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  events::status why; ///< names topic, partition and offset
};

struct topic_replay_stats {
  std::uint64_t records = 0;                    ///< records read, all topics
  std::uint64_t events = 0;                     ///< events appended to `into`
  std::uint64_t duplicates = 0;                 ///< dropped: an event id seen before
  std::uint64_t dead_letters = 0;               ///< records that did not decode
  std::vector<dead_letter> dead_letter_details; ///< the first 100
};

/// Errors: invalid_argument (options), the topic reader's (not_found,
/// unavailable), and an append to `into` that failed.
events::result<topic_replay_stats> load_topics(const topic_replay_options& options,
                                               ports::event_store& into);

} // namespace hotline::drivers
