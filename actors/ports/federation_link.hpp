#pragma once
/// The federation's outbound port: how a node's federation actor reaches
/// the other sites. Implemented over Kafka (kafka_federation_bus.hpp) and
/// by in-memory fakes in tests. Inbound traffic comes back as calls of a
/// `federation_handlers` set given when the link is started.
///
/// Thread safety: both members may be called from any thread; they queue
/// and return (a failure is reported through federation_handlers::on_problem).
#include <functional>
#include <string>

#include "events/federation/message.hpp"
#include "events/federation/site_status.hpp"

namespace hotline::ports {

class federation_link {
public:
  virtual ~federation_link() = default;
  /// To `m.to_site`'s inbox.
  virtual void send(const events::federation::message& m) = 0;
  /// To every site (the status topic).
  virtual void publish(const events::federation::site_status& s) = 0;
};

/// Called on the link's own thread, never concurrently with each other.
struct federation_handlers {
  std::function<void(events::federation::message)> on_message;    ///< addressed to this site
  std::function<void(events::federation::site_status)> on_status; ///< another site's status
  /// Something that did not work or did not decode, named with where
  /// ("topic hotline.b.federation partition 0 offset 7: kind 'x' is unknown").
  std::function<void(std::string)> on_problem;
};

} // namespace hotline::ports
