#pragma once
/// The relay's publisher on librdkafka (the record_publisher port,
/// record_publisher.hpp): each session is a new idempotent producer
/// configured for the relay's guarantees, and the topic's end is read back
/// with read_topic_tail (topic_tail.hpp).
///
/// Producer configuration: bootstrap.servers and client.id from the
/// options; enable.idempotence=true, acks=all, enable.gapless.guarantee=true
/// and message.timeout.ms=0 (records wait for brokers forever); linger.ms=5,
/// batch.num.messages=10000, batch.size=1000000 and
/// queue.buffering.max.messages=50000 unless `properties` say otherwise
/// (`properties` override every default; check_properties refuses the ones
/// that would break a guarantee). Values are produced without a copy
/// (outgoing_record). librdkafka's log lines go to the hotline log
/// (kafka_log.hpp, policy print), minus the warning that
/// enable.gapless.guarantee is experimental.
///
/// Thread safety: as the port says; librdkafka runs threads of its own per
/// session. Ownership: sessions borrow the publisher, which must outlive them.
#include <map>
#include <memory>
#include <string>

#include "drivers/kafka/record_publisher.hpp"

namespace hotline::drivers {

struct rdkafka_publisher_options {
  std::string bootstrap_servers; ///< `host:port,...`. REQUIRED
  std::string client_id;         ///< client.id. Default: librdkafka's ("rdkafka")
  /// Extra librdkafka properties; they override the defaults above.
  /// Default: none.
  std::map<std::string, std::string> properties;
};

class rdkafka_publisher final : public record_publisher {
public:
  explicit rdkafka_publisher(rdkafka_publisher_options options);
  ~rdkafka_publisher() override;

  /// invalid_argument naming the first property that would break a delivery
  /// guarantee: enable.idempotence other than true, acks other than all,
  /// enable.gapless.guarantee other than true, message.timeout.ms or
  /// delivery.timeout.ms other than 0. Unknown properties are found by
  /// open_session.
  static events::status check_properties(const std::map<std::string, std::string>& properties);

  /// Errors: invalid_argument (a property librdkafka refuses, the topic).
  events::result<std::unique_ptr<producer_session>>
  open_session(const std::string& topic, delivery_listener& listener) override;

  events::result<topic_tail> read_tail(const std::string& topic,
                                       std::chrono::milliseconds timeout) override;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace hotline::drivers
