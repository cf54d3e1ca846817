#pragma once
/// The closed word lists events, commands and the center definition carry:
/// how a call ended, its contact channel and direction, a trunk group's
/// direction, how a call is transferred and to what, how a supervisor
/// joins. Each is an enum written as its name (events/wire_enum.hpp), so
/// the stored and Kafka forms are the names the fields held as strings;
/// `to_wire(e)` gives the name, `from_wire<E>(text)` / `parse_wire<E>(text)`
/// the value (nullopt / a status naming the text when it is not a name).
///
/// The names are part of the stored format: never rename or reorder them;
/// a new value goes at the end of its list.
#include <array>
#include <cstdint>
#include <string_view>

#include "events/wire_enum.hpp"

namespace hotline::events {

// -- call.ended -----------------------------------------------------------------------

/// How a call ended (call.ended outcome): the one terminal fact of a call.
enum class call_outcome : std::uint8_t {
  completed,           ///< talked to an agent (or served in self-service) and hung up
  abandoned,           ///< the caller hung up before an agent answered
  blocked,             ///< every trunk channel of its group was busy (呼损)
  voicemail,           ///< overflowed to voicemail
  callback_completed,  ///< called back and served
  callback_failed,     ///< the last allowed dial-back failed, or an operator cancelled it
  transferred_out,     ///< transferred to an external number or another site's number
  refused,             ///< the queue (or the agent placing it) refused the call
  node_restart,        ///< the node restarted and the call could not go on
  interflowed,         ///< a hand-off: landed at another site
  interflow_withdrawn, ///< a hand-off: the origin took the call back
  not_connected,       ///< an outbound call whose far end never answered (busy, no answer, ...)
};
template <> struct wire_names<call_outcome> {
  static constexpr std::string_view what = "call outcome";
  static constexpr std::array<std::string_view, 12> names{
      "completed",           "abandoned",       "blocked", "voicemail",    "callback_completed",
      "callback_failed",     "transferred_out", "refused", "node_restart", "interflowed",
      "interflow_withdrawn", "not_connected"};
};

/// Outcomes that hand the call to another site rather than end it there:
/// across a federation every call has exactly one call.ended whose outcome
/// is not one of these.
constexpr bool is_hand_off(call_outcome o) noexcept {
  return o == call_outcome::interflowed || o == call_outcome::interflow_withdrawn;
}

// -- contacts -------------------------------------------------------------------------

/// The medium of a contact (call.arrived channel; a queue's channel; an
/// agent's capacity is per channel).
enum class contact_channel : std::uint8_t { voice, chat, email, sms, fax, callback };
template <> struct wire_names<contact_channel> {
  static constexpr std::string_view what = "channel";
  static constexpr std::array<std::string_view, 6> names{"voice", "chat", "email",
                                                         "sms",   "fax",  "callback"};
};

/// Who started a call: a customer (inbound) or an agent (outbound, F3).
enum class call_direction : std::uint8_t { inbound, outbound };
template <> struct wire_names<call_direction> {
  static constexpr std::string_view what = "call direction";
  static constexpr std::array<std::string_view, 2> names{"inbound", "outbound"};
};

/// The calls a trunk group carries (F1).
enum class trunk_direction : std::uint8_t { inbound, outbound, both };
template <> struct wire_names<trunk_direction> {
  static constexpr std::string_view what = "trunk direction";
  static constexpr std::array<std::string_view, 3> names{"inbound", "outbound", "both"};
};

/// A trunk group of direction `group` may carry a call of direction `call`.
constexpr bool carries(trunk_direction group, call_direction call) noexcept {
  return group == trunk_direction::both ||
         (group == trunk_direction::inbound && call == call_direction::inbound) ||
         (group == trunk_direction::outbound && call == call_direction::outbound);
}

// -- transfers and supervision ----------------------------------------------------------

/// blind: the agent lets go at once; consultative: the agent stays on the
/// call until the target answers.
enum class transfer_mode : std::uint8_t { blind, consultative };
template <> struct wire_names<transfer_mode> {
  static constexpr std::string_view what = "transfer mode";
  static constexpr std::array<std::string_view, 2> names{"blind", "consultative"};
};

/// What a transfer's target names: an agent, a queue, an outside number or
/// another site (the last two end the call here: transferred_out).
enum class transfer_target_kind : std::uint8_t { agent, queue, external, site };
template <> struct wire_names<transfer_target_kind> {
  static constexpr std::string_view what = "transfer target kind";
  static constexpr std::array<std::string_view, 4> names{"agent", "queue", "external", "site"};
};

/// How a supervisor joins a call (班长席, F13); `stop` ends the supervision.
enum class supervision_mode : std::uint8_t { listen, whisper, barge, stop };
template <> struct wire_names<supervision_mode> {
  static constexpr std::string_view what = "supervision mode";
  static constexpr std::array<std::string_view, 4> names{"listen", "whisper", "barge", "stop"};
};

} // namespace hotline::events
