#include "drivers/kafka/topic_tail.hpp"
#include "drivers/kafka/topic_metadata.hpp"

#include <algorithm>
#include <charconv>
#include <memory>

#include <librdkafka/rdkafka.h>

#include "drivers/kafka/kafka_log.hpp"

namespace hotline::drivers {

using events::errc;
using events::status;

std::uint64_t topic_tail::last_position() const noexcept {
  std::uint64_t last = 0;
  for (const auto& r : records)
    if (r.position) last = std::max(last, *r.position);
  return last;
}

namespace {

int tail_ms_left(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

std::string header_text(rd_kafka_headers_t* hdrs, const char* name) {
  const void* val = nullptr;
  size_t size = 0;
  if (!hdrs || rd_kafka_header_get_last(hdrs, name, &val, &size) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      !val)
    return {};
  return {static_cast<const char*>(val), size};
}

} // namespace

events::result<topic_tail> read_topic_tail(const topic_tail_options& options) {
  if (options.bootstrap_servers.empty() || options.topic.empty())
    return status{errc::invalid_argument, "topic tail: bootstrap servers and topic are required"};
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  const std::string where = "topic " + options.topic + " at " + options.bootstrap_servers;
  kafka_log_sink sink{kafka_log_sink::policy::collect};
  auto unreachable = [&](const std::string& what) {
    auto last = sink.last_problem();
    return status{errc::unavailable, where + ": " + what + (last.empty() ? "" : " (" + last + ")")};
  };

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::map<std::string, std::string> props = options.properties;
  props["bootstrap.servers"] = options.bootstrap_servers;
  props["group.id"] = "hotline-relay-tail"; // assign() only: no group is joined
  props["enable.auto.commit"] = "false";
  props["enable.auto.offset.store"] = "false";
  props["enable.partition.eof"] = "false";
  props["allow.auto.create.topics"] = "false";
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return status{errc::invalid_argument, "kafka property '" + k + "=" + v + "': " + err};
    }
  }
  sink.install(conf);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return status{errc::invalid_argument, std::string{"topic tail: "} + err};
  }
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> owned{rk, [](rd_kafka_t* h) {
                                                             rd_kafka_consumer_close(h);
                                                             rd_kafka_destroy(h);
                                                           }};

  topic_tail tail;
  char* id = rd_kafka_clusterid(rk, tail_ms_left(deadline));
  if (!id) return unreachable("no cluster id: no broker answered");
  tail.cluster_id = id;
  rd_kafka_mem_free(rk, id);

  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, options.topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  auto merr = rd_kafka_metadata(rk, 0, rkt, &md, tail_ms_left(deadline));
  rd_kafka_topic_destroy(rkt);
  if (merr != RD_KAFKA_RESP_ERR_NO_ERROR)
    return unreachable(std::string{"metadata: "} + rd_kafka_err2str(merr));
  auto [partitions, terr] = partitions_of(*md, options.topic);
  rd_kafka_metadata_destroy(md);
  if (terr == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return tail;
  if (terr != RD_KAFKA_RESP_ERR_NO_ERROR)
    return unreachable(std::string{"metadata: "} + rd_kafka_err2str(terr));
  tail.topic_exists = !partitions.empty();

  std::map<std::int32_t, std::int64_t> end_of; ///< partition -> offset after its last record
  std::unique_ptr<rd_kafka_topic_partition_list_t, void (*)(rd_kafka_topic_partition_list_t*)>
      assignment{rd_kafka_topic_partition_list_new(8), rd_kafka_topic_partition_list_destroy};
  for (auto p : partitions) {
    std::int64_t low = 0, high = 0;
    auto werr = rd_kafka_query_watermark_offsets(rk, options.topic.c_str(), p, &low, &high,
                                                 tail_ms_left(deadline));
    if (werr != RD_KAFKA_RESP_ERR_NO_ERROR)
      return unreachable("partition " + std::to_string(p) +
                         ": watermarks: " + rd_kafka_err2str(werr));
    if (high <= low) continue;
    end_of[p] = high;
    rd_kafka_topic_partition_list_add(assignment.get(), options.topic.c_str(), p)->offset =
        std::max(low, high - std::max<std::int64_t>(1, options.per_partition));
  }
  if (end_of.empty()) return tail;
  if (auto aerr = rd_kafka_assign(rk, assignment.get()); aerr != RD_KAFKA_RESP_ERR_NO_ERROR)
    return unreachable(std::string{"assign: "} + rd_kafka_err2str(aerr));
  while (!end_of.empty()) {
    int wait = std::min(tail_ms_left(deadline), 100);
    if (wait <= 0) return unreachable("timed out reading the end of its partitions");
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, wait);
    if (!m) continue;
    std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> msg{
        m, rd_kafka_message_destroy};
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return unreachable("partition " + std::to_string(m->partition) + " offset " +
                         std::to_string(m->offset) + ": " + rd_kafka_message_errstr(m));
    auto it = end_of.find(m->partition);
    if (it == end_of.end()) continue;
    tail_record r;
    r.partition = m->partition;
    r.offset = m->offset;
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) hdrs = nullptr;
    auto pos = header_text(hdrs, "position");
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(pos.data(), pos.data() + pos.size(), value);
    if (!pos.empty() && ec == std::errc{} && end == pos.data() + pos.size() && value > 0)
      r.position = value;
    r.event_id = header_text(hdrs, "event_id");
    r.site = header_text(hdrs, "site");
    tail.records.push_back(std::move(r));
    if (m->offset + 1 >= it->second) end_of.erase(it);
  }
  std::sort(tail.records.begin(), tail.records.end(), [](const auto& a, const auto& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return tail;
}

} // namespace hotline::drivers
