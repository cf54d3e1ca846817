#pragma once
/// Events of the `phone-<agent>` streams: where an agent's phone can be
/// reached, as its SIP registrations say (docs/telephony.md). The telephony
/// actor appends them when the SIP adapter's registrar accepts, refreshes
/// or loses a binding; a static phone ([[sip.phone]]) has none.
#include "events/event_type.hpp"

namespace hotline::events {

/// A phone registered for the agent (or moved): INVITEs for the agent's
/// offers go to `contact` until it unregisters or the binding expires.
/// A refresh of the same contact is not recorded again.
struct phone_registered {
  static constexpr std::string_view type_name = "phone.registered";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string user;    ///< the SIP user (the account's username) that registered
  std::string contact; ///< the phone's Contact URI, e.g. "sip:a1@192.0.2.7:5062"
  std::string source;  ///< the address the REGISTER came from, "ip:port"
  std::int32_t expires_s = 0;
};
HOTLINE_EVENT_FIELDS(phone_registered, agent_id, user, contact, source, expires_s)

/// The agent's phone binding is gone.
struct phone_unregistered {
  static constexpr std::string_view type_name = "phone.unregistered";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string user;
  std::string contact;
  std::string reason; ///< "unregistered" (Expires: 0) | "expired" | "node_stopped"
};
HOTLINE_EVENT_FIELDS(phone_unregistered, agent_id, user, contact, reason)

} // namespace hotline::events
