#pragma once
/// Events of the `ivr-<session>` streams: one caller's way through an IVR
/// flow (F4, F5, F6; issue 23, docs/ivr.md). The aggregate is
/// events/ivr/session.hpp; the flow it follows is events/ivr/flow.hpp.
///
/// Every event that moves the session names the node it happened at
/// (`node`) and the node the caller is at afterwards (`next`; empty when
/// the session ended, or stays at `node` for a retry). A session replayed
/// from its stream therefore needs the flow only to know what each node
/// does, never to recompute where the caller went: editing a flow does not
/// rewrite the path of sessions already recorded.
#include "events/event_type.hpp"

namespace hotline::events {

/// How a caller left the IVR (ivr.exited `way`). `contained` is what the
/// KPI "IVR containment" counts: the call's business ended in the IVR.
enum class ivr_exit_way : std::uint8_t {
  contained, ///< a hangup node: the flow ended the call on purpose
  queue,     ///< handed to a queue (an agent)
  voicemail, ///< to a mailbox
  callback,  ///< left the line to be called back
  transfer,  ///< transferred to an outside number
  abandoned, ///< the caller hung up inside the IVR
  failed,    ///< the flow gave up: retries or a lookup failed with nowhere else to go
};
template <> struct wire_names<ivr_exit_way> {
  static constexpr std::string_view what = "IVR exit way";
  static constexpr std::array<std::string_view, 7> names{
      "contained", "queue", "voicemail", "callback", "transfer", "abandoned", "failed"};
};

/// What became of input at a menu, language or collect node (ivr.input).
enum class ivr_input_result : std::uint8_t {
  partial,   ///< a digit of a collect node's entry, not complete yet
  accepted,  ///< a collect node's entry, complete and valid
  no_input,  ///< the caller pressed nothing before the timeout
  invalid,   ///< a key the menu does not offer
  too_short, ///< a collect entry ended before its minimum length
  rejected,  ///< a collect entry that failed its check (Luhn, pattern)
};
template <> struct wire_names<ivr_input_result> {
  static constexpr std::string_view what = "IVR input result";
  static constexpr std::array<std::string_view, 6> names{"partial", "accepted",  "no_input",
                                                         "invalid", "too_short", "rejected"};
};

/// A caller entered flow `flow`. `variables`: what the session knows at the
/// start (caller, dialed, tenant, vip, language and the call's own data).
/// The local time is the tenant's wall clock when the caller entered (the
/// flow's time zone, converted at the edge); `hours` nodes read it.
struct ivr_entered {
  static constexpr std::string_view type_name = "ivr.entered";
  static constexpr std::uint16_t version = 1;
  std::string session_id;
  std::string call_id;
  std::string flow;
  std::map<std::string, std::string> variables;
  std::int32_t weekday = 0;       ///< 0 = Monday .. 6 = Sunday
  std::int32_t minute_of_day = 0; ///< 0..1439
  std::string date;               ///< "YYYY-MM-DD"
  std::string next;               ///< the flow's start node
};
HOTLINE_EVENT_FIELDS(ivr_entered, session_id, call_id, flow, variables, weekday, minute_of_day,
                     date, next)

/// A prompt finished playing to the caller (not cut short by a key).
/// `text`: a spoken-text prompt with its variables filled in; empty for a
/// recorded prompt.
struct ivr_prompt_played {
  static constexpr std::string_view type_name = "ivr.prompt_played";
  static constexpr std::uint16_t version = 1;
  std::string session_id;
  std::string node;
  std::string prompt;
  std::string text;
  std::string language;
  std::string next;
};
HOTLINE_EVENT_FIELDS(ivr_prompt_played, session_id, node, prompt, text, language, next)

/// Input (or its absence) at a menu, language or collect node. `digits`:
/// the entry so far (collect) or the key pressed (menu); `attempt`: the
/// failed tries at this node after this one (0 when accepted or partial).
struct ivr_input {
  static constexpr std::string_view type_name = "ivr.input";
  static constexpr std::uint16_t version = 1;
  std::string session_id;
  std::string node;
  std::string digits;
  ivr_input_result result = ivr_input_result::partial;
  std::int32_t attempt = 0;
  std::string next;
};
HOTLINE_EVENT_FIELDS(ivr_input, session_id, node, digits, result, attempt, next)

/// A menu (or language) choice. `language`: the language chosen at a
/// language node, empty at a menu.
struct ivr_menu_chosen {
  static constexpr std::string_view type_name = "ivr.menu_chosen";
  static constexpr std::uint16_t version = 1;
  std::string session_id;
  std::string node;
  std::string digit;
  std::string language;
  std::string next;
};
HOTLINE_EVENT_FIELDS(ivr_menu_chosen, session_id, node, digit, language, next)

/// A branch or hours node decided where the caller goes: `rule` says which
/// way ("case 2", "else", "open", "closed", "holiday").
struct ivr_branched {
  static constexpr std::string_view type_name = "ivr.branched";
  static constexpr std::uint16_t version = 1;
  std::string session_id;
  std::string node;
  std::string rule;
  std::string next;
};
HOTLINE_EVENT_FIELDS(ivr_branched, session_id, node, rule, next)

/// A self-service lookup answered. `found` false: the key is not in the
/// table (the flow's not-found way); `values`: the variables it set.
struct ivr_lookup_done {
  static constexpr std::string_view type_name = "ivr.lookup_done";
  static constexpr std::uint16_t version = 1;
  std::string session_id;
  std::string node;
  std::string key;
  bool found = false;
  std::map<std::string, std::string> values;
  std::int64_t latency_ms = 0;
  std::string next;
};
HOTLINE_EVENT_FIELDS(ivr_lookup_done, session_id, node, key, found, values, latency_ms, next)

/// A self-service lookup could not answer (the table or system was
/// unavailable, or it timed out).
struct ivr_lookup_failed {
  static constexpr std::string_view type_name = "ivr.lookup_failed";
  static constexpr std::uint16_t version = 1;
  std::string session_id;
  std::string node;
  std::string key;
  std::string error;
  std::int64_t latency_ms = 0;
  std::string next;
};
HOTLINE_EVENT_FIELDS(ivr_lookup_failed, session_id, node, key, error, latency_ms, next)

/// The session ended: the one terminal fact of an IVR session. `target`:
/// the queue (queue, callback), the mailbox (voicemail) or the number
/// (transfer); `skills` and `priority`: what a queue node asks for;
/// `attached`: the variables handed on with the call (screen pop).
struct ivr_exited {
  static constexpr std::string_view type_name = "ivr.exited";
  static constexpr std::uint16_t version = 1;
  std::string session_id;
  std::string node;
  ivr_exit_way way = ivr_exit_way::contained;
  std::string target;
  std::int32_t priority = 0;
  std::map<std::string, int> skills;
  std::map<std::string, std::string> attached;
};
HOTLINE_EVENT_FIELDS(ivr_exited, session_id, node, way, target, priority, skills, attached)

} // namespace hotline::events
