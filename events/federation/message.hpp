#pragma once
/// The messages between sites when a call moves (Avaya look-ahead
/// interflow with agent reservation, docs/federation.md). One flat record,
/// sent as JSON to the receiving site's federation inbox topic, keyed by
/// call id. Which fields matter depends on `kind`:
///
///   offer     origin -> remote  call summary (queue, priority, caller, customer, waited_ms,
///                               attached); "can you take it?" The call stays queued at the origin.
///   accept    remote -> origin  agent_id reserved (held, not ringing) for `hold_ms`
///   deny      remote -> origin  reason: no_agent | unknown_queue | expired | ...
///   transfer  origin -> remote  the call moves: attached data and CRM context (crm)
///   release   origin -> remote  the origin keeps the call after all (answered or abandoned
///                               meanwhile, or the accept came too late): free the agent
///   landed    remote -> origin  the call is in the remote site's store: the origin ends its
///                               part (call.ended interflowed)
///   bounce    remote -> origin  a transfer the remote site cannot take (no reservation any
///                               more, e.g. it restarted): the origin queues the call again
///   withdraw  origin -> remote  the origin gave up on a move (the remote site looked dead)
///                               and queued the call again: drop your copy
///
/// Every message carries the call's correlation id, so the events of both
/// sites can be joined.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "events/status.hpp"
#include "events/vocabulary.hpp"

namespace hotline::events::federation {

enum class message_kind : std::uint8_t {
  offer,
  accept,
  deny,
  transfer,
  release,
  landed,
  bounce,
  withdraw
};
const char* to_string(message_kind k) noexcept;
bool parse_message_kind(std::string_view text, message_kind& out) noexcept;

struct message {
  message_kind kind = message_kind::offer;
  std::string offer_id; ///< unique per attempt: "<origin>-<call>-<n>"
  std::string call_id;
  std::string correlation_id; ///< hex of the call's correlation id
  std::string from_site;
  std::string to_site;
  std::int64_t sent_at_ns = 0;
  // offer / transfer
  std::string queue;
  std::int32_t priority = 0;
  contact_channel channel = contact_channel::voice;
  std::string caller;
  std::string dialed;
  std::string customer_id;
  std::int64_t waited_ms = 0;
  std::int64_t expires_at_ns = 0; ///< offer: an answer after this is useless
  std::map<std::string, std::string> attached;
  std::map<std::string, std::string> crm; ///< transfer: the customer's context at the origin
  // accept
  std::string agent_id;
  std::int64_t hold_ms = 0;
  // deny / release / bounce / withdraw
  std::string reason;

  bool operator==(const message&) const = default;
};

/// The message record's schema version (JSON `version`, Kafka header
/// `version`). Records without `version` (written before it existed) read
/// as version 1.
constexpr int message_version = 1;

/// The record's id: `<offer_id>.<kind>` (Kafka header `id`): which attempt
/// and which step of it the record is; a record delivered twice carries the
/// same id twice.
std::string record_id(const message& m);

std::string to_json(const message& m);
/// Errors name the field and the kind: "federation message: kind 'ofer' is unknown".
result<message> message_from_json(std::string_view text);

} // namespace hotline::events::federation
