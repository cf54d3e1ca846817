#pragma once
/// A topic's partitions as a metadata answer gives them, for the readers
/// that look at a topic's end (topic_reader, topic_tail).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

namespace hotline::drivers {

struct topic_partitions {
  std::vector<std::int32_t> ids;                        ///< sorted
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR; ///< the topic's own error in the answer
};

/// The partitions of `topic` in `md` (none, and no error, when the answer
/// does not name the topic).
inline topic_partitions partitions_of(const rd_kafka_metadata_t& md, const std::string& topic) {
  topic_partitions out;
  for (int i = 0; i < md.topic_cnt; ++i) {
    if (topic != md.topics[i].topic) continue;
    out.err = md.topics[i].err;
    for (int p = 0; p < md.topics[i].partition_cnt; ++p)
      out.ids.push_back(md.topics[i].partitions[p].id);
  }
  std::sort(out.ids.begin(), out.ids.end());
  return out;
}

} // namespace hotline::drivers
