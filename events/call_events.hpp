#pragma once
/// Events of the `call-<id>` streams: one stream per contact (voice call,
/// chat, e-mail, callback request...), from arrival to its single terminal
/// `call.ended`. Times are in the envelope; durations here are milliseconds.
/// Every routing decision is an event with its reason, so the history
/// explains itself.
#include "events/event_type.hpp"
#include "events/vocabulary.hpp"

namespace hotline::events {

struct call_arrived {
  static constexpr std::string_view type_name = "call.arrived";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  contact_channel channel = contact_channel::voice;
  call_direction direction = call_direction::inbound;
  std::string caller;                          ///< calling number / address (ANI)
  std::string dialed;                          ///< called number / entry point (DNIS)
  std::string customer_id;                     ///< empty when not identified
  std::map<std::string, std::string> attached; ///< call data that travels with the call
  std::string trunk_group;                     ///< the trunk group it came in on (voice), if any
};
HOTLINE_EVENT_FIELDS(call_arrived, call_id, channel, direction, caller, dialed, customer_id,
                     attached, trunk_group)

/// The call joined a queue (again, after a transfer to a queue).
struct call_queued {
  static constexpr std::string_view type_name = "call.queued";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::int32_t priority = 0; ///< higher is served first (VIP); FIFO within a priority
  std::int32_t position = 0; ///< 1-based place in the queue on joining
  std::int64_t ewt_ms = 0;   ///< expected wait on joining (docs/acd.md: EWT)
  std::string reason;        ///< entry point, "transfer", "overflow from <q>", "callback"
};
HOTLINE_EVENT_FIELDS(call_queued, call_id, queue, priority, position, ewt_ms, reason)

struct call_priority_raised {
  static constexpr std::string_view type_name = "call.priority_raised";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::int32_t priority = 0;
  std::string reason;
};
HOTLINE_EVENT_FIELDS(call_priority_raised, call_id, queue, priority, reason)

/// A position / expected-wait announcement was played to the waiting caller.
struct call_announced {
  static constexpr std::string_view type_name = "call.announced";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::int32_t position = 0;
  std::int64_t ewt_ms = 0;
};
HOTLINE_EVENT_FIELDS(call_announced, call_id, queue, position, ewt_ms)

/// The waiting call's eligibility was widened (relaxed skill level, more groups).
struct call_widened {
  static constexpr std::string_view type_name = "call.widened";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::int32_t step = 0; ///< index of the widening rule applied
  std::int32_t min_level_delta = 0;
  std::vector<std::string> added_queues;
};
HOTLINE_EVENT_FIELDS(call_widened, call_id, queue, step, min_level_delta, added_queues)

/// The call rings an agent (one of several with ring-all).
struct call_offered {
  static constexpr std::string_view type_name = "call.offered";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::string agent_id;
  std::int32_t attempt = 1; ///< 1 for the first offer of this call
  std::int64_t ring_timeout_ms = 0;
  std::string reason; ///< why this agent: "level 5, longest idle 42s", "familiar agent"
};
HOTLINE_EVENT_FIELDS(call_offered, call_id, queue, agent_id, attempt, ring_timeout_ms, reason)

/// An offer ended without a connection; the call keeps its place.
struct call_offer_ended {
  static constexpr std::string_view type_name = "call.offer_ended";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string agent_id;
  std::string reason; ///< no_answer | rejected | busy | answered_elsewhere | cancelled
};
HOTLINE_EVENT_FIELDS(call_offer_ended, call_id, agent_id, reason)

struct call_connected {
  static constexpr std::string_view type_name = "call.connected";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::string agent_id;
  std::int64_t wait_ms = 0; ///< from queued to connected
};
HOTLINE_EVENT_FIELDS(call_connected, call_id, queue, agent_id, wait_ms)

struct call_held {
  static constexpr std::string_view type_name = "call.held";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string agent_id;
};
HOTLINE_EVENT_FIELDS(call_held, call_id, agent_id)

struct call_resumed {
  static constexpr std::string_view type_name = "call.resumed";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string agent_id;
};
HOTLINE_EVENT_FIELDS(call_resumed, call_id, agent_id)

/// Blind or consultative transfer; the attached data moves with the call.
/// Version 2 added `reason` (version 1 records read back with an empty one,
/// events/legacy_events.hpp).
struct call_transferred {
  static constexpr std::string_view type_name = "call.transferred";
  static constexpr std::uint16_t version = 2;
  std::string call_id;
  transfer_mode mode = transfer_mode::blind;
  std::string from_agent;
  transfer_target_kind target_kind = transfer_target_kind::agent;
  std::string target;
  std::string reason{}; ///< why, as the agent's desktop gave it (wrap-up code, "billing question")
};
HOTLINE_EVENT_FIELDS(call_transferred, call_id, mode, from_agent, target_kind, target, reason)

struct call_conferenced {
  static constexpr std::string_view type_name = "call.conferenced";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string agent_id; ///< the agent who set it up
  std::string party;    ///< the added party (agent id or number)
};
HOTLINE_EVENT_FIELDS(call_conferenced, call_id, agent_id, party)

/// A conference party (an agent id or a number) left the call; the caller
/// and the call's own agent stay.
struct call_conference_left {
  static constexpr std::string_view type_name = "call.conference_left";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string party;
  std::string reason; ///< hung_up | removed | transferred | <the desktop's reason>
};
HOTLINE_EVENT_FIELDS(call_conference_left, call_id, party, reason)

/// A supervisor monitors the call (班长席, F13).
struct call_supervised {
  static constexpr std::string_view type_name = "call.supervised";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string supervisor_id;
  supervision_mode mode = supervision_mode::listen;
};
HOTLINE_EVENT_FIELDS(call_supervised, call_id, supervisor_id, mode)

struct call_overflowed {
  static constexpr std::string_view type_name = "call.overflowed";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string from_queue;
  std::string action; ///< queue | voicemail | callback
  std::string target; ///< the target queue, if any
  std::string reason; ///< max_wait | max_length | no_agents | ...
};
HOTLINE_EVENT_FIELDS(call_overflowed, call_id, from_queue, action, target, reason)

/// Virtual hold: the caller hung up and keeps the place; we call back.
struct call_callback_scheduled {
  static constexpr std::string_view type_name = "call.callback_scheduled";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::string number;
};
HOTLINE_EVENT_FIELDS(call_callback_scheduled, call_id, queue, number)

/// The place came up: the system dials the caller back.
struct call_callback_dialed {
  static constexpr std::string_view type_name = "call.callback_dialed";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string trunk_group;
  std::string number;
  std::string agent_id; ///< the agent reserved for the callback
};
HOTLINE_EVENT_FIELDS(call_callback_dialed, call_id, trunk_group, number, agent_id)

/// Telephony could not make a dial-back, and the queue's `callback_attempts`
/// allow another: the call back waits again in its place, and is not dialed
/// before `retry_at_ns`.
struct call_callback_retried {
  static constexpr std::string_view type_name = "call.callback_retried";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::string reason;           ///< what telephony reported (customer_no_answer, ...)
  std::int32_t attempt = 0;     ///< failed dial-backs so far
  std::int64_t retry_at_ns = 0; ///< the next dial-back not before this
};
HOTLINE_EVENT_FIELDS(call_callback_retried, call_id, queue, reason, attempt, retry_at_ns)

/// An outbound call's far end rings (its carrier said 180/183): the
/// number exists and is alerted. Its answer connects the call
/// (call.connected); a failure ends it with outcome `not_connected`.
struct call_far_end_ringing {
  static constexpr std::string_view type_name = "call.far_end_ringing";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string number; ///< the number dialed
};
HOTLINE_EVENT_FIELDS(call_far_end_ringing, call_id, number)

/// The target of a consultative transfer answered: it talks with the
/// call's agent (`from_agent`) while the caller waits on hold, hearing
/// music and neither of them. Nothing is handed over yet: call.transferred
/// (consultative) completes it, call.consultation_ended ends it.
struct call_consultation_started {
  static constexpr std::string_view type_name = "call.consultation_started";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string from_agent;
  std::string target_agent;
};
HOTLINE_EVENT_FIELDS(call_consultation_started, call_id, from_agent, target_agent)

/// A consultation ended without a transfer: the target is let go and the
/// caller is back with the call's agent (or the call ended).
struct call_consultation_ended {
  static constexpr std::string_view type_name = "call.consultation_ended";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string target_agent;
  std::string reason; ///< cancelled | target_hung_up | call_ended
};
HOTLINE_EVENT_FIELDS(call_consultation_ended, call_id, target_agent, reason)

/// Data joined the call after its arrival (what an IVR session collected:
/// an order number, a lookup's answer, the language chosen). Merged into
/// the call's attached data, so it travels on with the call like the data
/// it arrived with (offers' screen pop, transfers, interflow); a key
/// already there takes the new value. `source`: who attached it
/// ("ivr <flow>/<node>").
struct call_data_attached {
  static constexpr std::string_view type_name = "call.data_attached";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::map<std::string, std::string> data;
  std::string source;
};
HOTLINE_EVENT_FIELDS(call_data_attached, call_id, data, source)

/// The one terminal event of every call.
struct call_ended {
  static constexpr std::string_view type_name = "call.ended";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  call_outcome outcome = call_outcome::completed;
  std::string
      reason; ///< e.g. caller_hangup, agent_hangup, caller_lost, all_channels_busy, max_length
  std::string agent_id; ///< the last connected agent, if any
  std::string queue;    ///< the last queue, if any
};
HOTLINE_EVENT_FIELDS(call_ended, call_id, outcome, reason, agent_id, queue)

} // namespace hotline::events
