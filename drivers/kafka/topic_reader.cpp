#include "drivers/kafka/topic_reader.hpp"
#include "drivers/kafka/topic_metadata.hpp"

#include <algorithm>
#include <cstdio>

#include <librdkafka/rdkafka.h>

#include "drivers/kafka/kafka_log.hpp"
#include "events/codec.hpp"
#include "events/json_text.hpp"

namespace hotline::drivers {

using events::errc;
using events::status;

namespace {

struct consumer_handle {
  rd_kafka_t* rk = nullptr;
  ~consumer_handle() {
    if (rk) {
      rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    }
  }
};

struct topic_list {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(8);
  ~topic_list() { rd_kafka_topic_partition_list_destroy(list); }
};

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

/// 10000 -> "10", 2500 -> "2.5".
std::string reader_seconds_text(int ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", ms / 1000.0);
  return buf;
}

} // namespace

events::result<std::vector<kafka_record>> read_topic(const topic_reader_options& options) {
  if (options.bootstrap_servers.empty() || options.topic.empty())
    return status{errc::invalid_argument, "topic reader: bootstrap servers and topic are required"};
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  const std::string where = "topic " + options.topic;

  kafka_log_sink log_sink{kafka_log_sink::policy::collect}; // outlives the consumer below
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", options.bootstrap_servers},
      // assign() only: the group id is required by the client but no group is joined.
      {"group.id", "hotline-topic-reader"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "false"},
  };
  for (const auto& [k, v] : options.properties)
    props[k] = v;
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return status{errc::invalid_argument, "kafka property '" + k + "=" + v + "': " + err};
    }
  }
  log_sink.install(conf);
  consumer_handle c;
  c.rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!c.rk) {
    rd_kafka_conf_destroy(conf);
    return status{errc::invalid_argument, std::string{"topic reader: "} + err};
  }

  // Which partitions, and where each one ends now.
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(c.rk, options.topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const auto connect_ms =
      std::min(remaining_ms(deadline),
               static_cast<int>(std::max<std::int64_t>(0, options.connect_timeout.count())));
  auto merr = rd_kafka_metadata(c.rk, 0, rkt, &md, connect_ms);
  rd_kafka_topic_destroy(rkt);
  if (merr != RD_KAFKA_RESP_ERR_NO_ERROR) {
    auto last = log_sink.last_problem();
    return status{errc::unavailable,
                  "cannot reach the Kafka brokers " + options.bootstrap_servers + " within " +
                      reader_seconds_text(static_cast<int>(
                          std::min(options.timeout, options.connect_timeout).count())) +
                      " s (reading " + where + ": " + rd_kafka_err2str(merr) +
                      (last.empty() ? "" : "; last: " + last) + ")"};
  }
  auto [partitions, terr] = partitions_of(*md, options.topic);
  rd_kafka_metadata_destroy(md);
  if (terr != RD_KAFKA_RESP_ERR_NO_ERROR || partitions.empty())
    return status{terr == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ? errc::not_found
                                                                  : errc::unavailable,
                  where + ": " + rd_kafka_err2str(terr)};

  std::map<std::int32_t, std::int64_t> end_of; ///< partition -> offset after its last record
  topic_list assignment;
  for (auto p : partitions) {
    std::int64_t low = 0, high = 0;
    auto werr = rd_kafka_query_watermark_offsets(c.rk, options.topic.c_str(), p, &low, &high,
                                                 remaining_ms(deadline));
    if (werr != RD_KAFKA_RESP_ERR_NO_ERROR)
      return status{errc::unavailable, where + " partition " + std::to_string(p) +
                                           ": watermarks: " + rd_kafka_err2str(werr)};
    if (high <= low) continue;
    end_of[p] = high;
    rd_kafka_topic_partition_list_add(assignment.list, options.topic.c_str(), p)->offset = low;
  }

  std::map<std::int32_t, std::vector<kafka_record>> by_partition;
  if (!end_of.empty()) {
    if (auto aerr = rd_kafka_assign(c.rk, assignment.list); aerr != RD_KAFKA_RESP_ERR_NO_ERROR)
      return status{errc::unavailable, where + ": assign: " + rd_kafka_err2str(aerr)};
  }
  const auto& codec = events::event_codec::standard();
  while (!end_of.empty()) {
    int wait = std::min(remaining_ms(deadline), 100);
    if (wait <= 0) {
      std::string left;
      for (auto [p, end] : end_of)
        left += " " + std::to_string(p) + "(to " + std::to_string(end) + ")";
      return status{errc::unavailable,
                    where + ": timed out; partitions not read to the end:" + left};
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c.rk, wait);
    if (!m) continue;
    std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> owned{
        m, rd_kafka_message_destroy};
    std::string at = where + " partition " + std::to_string(m->partition) + " offset " +
                     std::to_string(m->offset);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      return status{errc::unavailable, at + ": " + rd_kafka_message_errstr(m)};
    }
    auto it = end_of.find(m->partition);
    if (it == end_of.end()) continue;
    kafka_record r;
    r.partition = m->partition;
    r.offset = m->offset;
    if (m->key) r.key.assign(static_cast<const char*>(m->key), m->key_len);
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name;
      const void* val;
      size_t size;
      for (size_t i = 0;
           rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
        r.headers.emplace_back(name, val ? std::string{static_cast<const char*>(val), size}
                                         : std::string{});
    }
    if (m->offset + 1 >= it->second) end_of.erase(it);
    status bad;
    if (!m->payload) {
      bad = status{errc::malformed_json, at + ": the record has no value"};
    } else {
      r.value.assign(static_cast<const char*>(m->payload), m->len);
      if (options.decode_events) {
        // Text from outside the node is checked before it is parsed: a
        // value that is not UTF-8 is a dead letter saying where it breaks.
        if (auto byte = events::invalid_utf8_at(r.value)) {
          bad = status{errc::malformed_json, at + ": the value is not valid UTF-8 (byte " +
                                                 std::to_string(*byte) + " of " +
                                                 std::to_string(r.value.size()) + ")"};
        } else if (auto ev = codec.from_json_text(r.value)) {
          r.event = std::move(*ev);
        } else {
          bad = status{ev.error().code(), at + ": " + ev.error().detail()};
        }
      }
    }
    if (!bad) {
      if (!options.on_undecodable) return bad;
      options.on_undecodable(r, bad);
      continue;
    }
    by_partition[m->partition].push_back(std::move(r));
  }

  std::vector<kafka_record> out;
  for (auto& [p, records] : by_partition)
    for (auto& r : records)
      out.push_back(std::move(r));
  return out;
}

} // namespace hotline::drivers
