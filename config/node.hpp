#pragma once
/// What `hotline node` needs beyond the center: where its store lives, the
/// Kafka brokers, and the federation with the other sites (docs/config.md,
/// sections [node], [kafka], [federation]; docs/federation.md).
#include <cstdint>
#include <string>
#include <vector>

#include "events/federation/interflow_policy.hpp"

namespace hotline::config {

/// Another site of the federation.
struct peer_definition {
  std::string site;
  std::string inbox_topic;  ///< Default: hotline.<site>.federation
  std::string events_topic; ///< Default: hotline.<site>.events (federated views read it)
};

/// [api]: the node API (drivers/api, docs/api.md).
struct api_definition {
  std::string listen; ///< host:port; the CLI's --api-listen overrides. Default: empty (no API)
  std::string tls_cert, tls_key;   ///< PEM files; both or neither. Default: none (plain HTTP)
  bool allow_plain_remote = false; ///< plain HTTP on a non-loopback address. Default: false
  std::int64_t session_ttl_ms = 8 * 3'600'000; ///< a browser session's life. Default: 8 h
  /// Webhooks may target loopback, private and link-local addresses (tests,
  /// demos; an SSRF risk elsewhere: docs/api.md "Webhooks"). Default: false
  bool webhook_allow_private = false;
};

struct node_definition {
  std::string
      store_dir; ///< [node] store; the CLI's --store overrides. Default: empty (required by `node`)
  bool traffic = false; ///< [node] traffic: drive the ACD with the simulated callers and agents
                        ///< of [simulation] on the wall clock (demos, tests)
  std::string kafka_bootstrap; ///< [kafka] bootstrap; empty: relay and federation off
  std::string events_topic;    ///< [kafka] events_topic. Default: hotline.<site>.events

  bool federation = false; ///< a [federation] section is present
  std::string status_topic = "hotline.federation.status";
  std::string inbox_topic; ///< this site's inbox. Default: hotline.<site>.federation
  std::int64_t status_interval_ms = 1'000;
  std::vector<peer_definition> peers;
  events::federation::interflow_policy policy;
  api_definition api;
};

} // namespace hotline::config
