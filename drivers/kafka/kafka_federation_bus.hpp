#pragma once
/// The federation link over Kafka (docs/federation.md: why Kafka and not
/// CAF's remote actors). Topics:
///  - the status topic (default `hotline.federation.status`), shared by all
///    sites, key = site id, value = site_status JSON;
///  - one inbox per site (default `hotline.<site>.federation`), key = call
///    id (a call's messages stay in order), value = message JSON.
/// The producer is idempotent with acks=all and sends at once (linger 0):
/// latency matters more than batching here. The consumer joins the group
/// `hotline-federation-<site>` on the status topic and its own inbox,
/// committing offsets as it goes, so a restarted node picks up the messages
/// sent to it while it was down (expired offers are then denied, transfers
/// it holds no reservation for bounced). Statuses of this site are ignored.
/// At start it asks for the metadata of every topic it knows (creating
/// them where brokers auto-create topics), so the first messages to a peer
/// do not wait for a metadata round. Records that do not decode are reported with topic, partition
/// and offset and skipped.
///
/// Ownership: the bus owns its librdkafka handles and its thread; the
/// destructor stops the thread, flushes what was sent (up to 2 s) and
/// closes the consumer.
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "actors/ports/federation_link.hpp"
#include "events/status.hpp"

namespace hotline::drivers {

struct kafka_federation_options {
  std::string bootstrap_servers; ///< REQUIRED
  std::string site;              ///< REQUIRED: this site
  std::string status_topic = "hotline.federation.status";
  std::string inbox_topic; ///< Default: hotline.<site>.federation
  std::map<std::string, std::string>
      peer_inboxes; ///< site -> inbox topic; others: hotline.<site>.federation
  /// Extra librdkafka properties for both clients. Default: none.
  std::map<std::string, std::string> properties;
};

class kafka_federation_bus final : public ports::federation_link {
public:
  /// Connects and starts consuming. Errors: invalid_argument (options, a
  /// librdkafka property), unavailable (the client could not be created).
  static events::result<std::unique_ptr<kafka_federation_bus>>
  start(kafka_federation_options options, ports::federation_handlers handlers);
  ~kafka_federation_bus() override;

  void send(const events::federation::message& m) override;
  void publish(const events::federation::site_status& s) override;

  /// Messages produced and received so far (for `bench federation`).
  std::uint64_t sent() const noexcept;
  std::uint64_t received() const noexcept;

  struct impl;

private:
  explicit kafka_federation_bus(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace hotline::drivers
