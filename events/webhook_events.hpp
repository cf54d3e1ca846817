#pragma once
/// Events of the `webhook-<id>` streams: a tenant's subscription of a URL
/// to event types (F23, docs/api.md "Webhooks"). The aggregate is
/// events/webhooks/subscription.hpp; delivery is drivers/api/webhook_dispatcher.hpp.
///
/// `secret` is the HMAC-SHA256 key the node signs every delivery with. It
/// is made at the edge (libsodium) and must be stored to sign, so the store
/// (and what reads it: the Kafka topic, the audit route) holds it; it is
/// shown to the API client once, at creation. Deliveries never carry
/// `webhook.*` events (events/webhooks/webhook_rules.hpp: deliverable).
#include "events/event_type.hpp"

namespace hotline::events {

struct webhook_subscribed {
  static constexpr std::string_view type_name = "webhook.subscribed";
  static constexpr std::uint16_t version = 1;
  std::string webhook_id;
  std::string tenant;
  std::string url;                ///< http:// or https://, no credentials
  std::vector<std::string> types; ///< exact ("call.ended"), prefix ("call.*") or "*"
  std::string secret;             ///< the signing key (hex), see the header comment
};
HOTLINE_EVENT_FIELDS(webhook_subscribed, webhook_id, tenant, url, types, secret)

/// The URL and/or the types changed (both carry the whole new value).
struct webhook_updated {
  static constexpr std::string_view type_name = "webhook.updated";
  static constexpr std::uint16_t version = 1;
  std::string webhook_id;
  std::string url;
  std::vector<std::string> types;
};
HOTLINE_EVENT_FIELDS(webhook_updated, webhook_id, url, types)

/// Delivery stops (its cursor stays where it is) until resumed.
struct webhook_paused {
  static constexpr std::string_view type_name = "webhook.paused";
  static constexpr std::uint16_t version = 1;
  std::string webhook_id;
  std::string reason;
};
HOTLINE_EVENT_FIELDS(webhook_paused, webhook_id, reason)

/// Delivery goes on from the cursor (a suspended subscription too).
struct webhook_resumed {
  static constexpr std::string_view type_name = "webhook.resumed";
  static constexpr std::uint16_t version = 1;
  std::string webhook_id;
};
HOTLINE_EVENT_FIELDS(webhook_resumed, webhook_id)

/// The circuit opened: the receiver failed every attempt for too long, so
/// the node stopped trying (as paused, with the failure that stopped it).
struct webhook_suspended {
  static constexpr std::string_view type_name = "webhook.suspended";
  static constexpr std::uint16_t version = 1;
  std::string webhook_id;
  std::string last_error;            ///< the last attempt's status code or error
  std::int64_t failing_since_ns = 0; ///< UTC ns of the first failure of the run
  std::uint64_t stuck_at_seq = 0;    ///< the store position it could not deliver
};
HOTLINE_EVENT_FIELDS(webhook_suspended, webhook_id, last_error, failing_since_ns, stuck_at_seq)

/// The subscription is gone; its id is never used again.
struct webhook_deleted {
  static constexpr std::string_view type_name = "webhook.deleted";
  static constexpr std::uint16_t version = 1;
  std::string webhook_id;
};
HOTLINE_EVENT_FIELDS(webhook_deleted, webhook_id)

} // namespace hotline::events
