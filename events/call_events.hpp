#pragma once
/// Events of the `call-<id>` streams: one stream per call (voice, chat,
/// e-mail, callback request...), from arrival to its single terminal
/// outcome. Times are in the envelope; durations here are milliseconds.
#include "events/event_type.hpp"

namespace hotline::events {

struct call_arrived {
  static constexpr std::string_view type_name = "call.arrived";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string channel = "voice";      ///< voice | chat | email | sms | fax | callback
  std::string direction = "inbound";  ///< inbound | outbound
  std::string caller;                 ///< calling number / address (ANI)
  std::string dialed;                 ///< called number / entry point (DNIS)
  std::string customer_id;            ///< empty when not identified
  std::map<std::string, std::string> attached; ///< call data that travels with the call
};
HOTLINE_EVENT_FIELDS(call_arrived, call_id, channel, direction, caller, dialed, customer_id,
                     attached)

struct call_queued {
  static constexpr std::string_view type_name = "call.queued";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::int32_t priority = 0;          ///< higher is served first (VIP)
};
HOTLINE_EVENT_FIELDS(call_queued, call_id, queue, priority)

struct call_offered {
  static constexpr std::string_view type_name = "call.offered";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::string agent_id;
};
HOTLINE_EVENT_FIELDS(call_offered, call_id, queue, agent_id)

struct call_connected {
  static constexpr std::string_view type_name = "call.connected";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::string agent_id;
  std::int64_t wait_ms = 0;           ///< from queued to connected
};
HOTLINE_EVENT_FIELDS(call_connected, call_id, queue, agent_id, wait_ms)

struct call_ended {
  static constexpr std::string_view type_name = "call.ended";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string outcome;                ///< completed | abandoned | blocked | voicemail | callback | transferred_out | node_restart
  std::string reason;                 ///< free reason code, e.g. "caller_hangup"
  std::string agent_id;               ///< the last connected agent, if any
};
HOTLINE_EVENT_FIELDS(call_ended, call_id, outcome, reason, agent_id)

} // namespace hotline::events
