#pragma once
/// Events of the `agent-<id>` streams. An agent's state (logged out, ready,
/// not ready + reason, ringing, on call, on hold, wrap-up) is the fold of
/// these.
#include "events/event_type.hpp"
#include "events/vocabulary.hpp"

namespace hotline::events {

/// Version 2 adds `station` (version 1 records read as station "":
/// events/legacy_events.hpp).
struct agent_logged_in {
  static constexpr std::string_view type_name = "agent.logged_in";
  static constexpr std::uint16_t version = 2;
  std::string agent_id;
  std::vector<std::string> queues; ///< the queues it serves in this session
  std::string station{}; ///< the phone it sits at (extension or SIP URI); "" when not said
};
HOTLINE_EVENT_FIELDS(agent_logged_in, agent_id, queues, station)

struct agent_logged_out {
  static constexpr std::string_view type_name = "agent.logged_out";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string reason; ///< by_agent | by_supervisor | shift_end | node_restart
};
HOTLINE_EVENT_FIELDS(agent_logged_out, agent_id, reason)

struct agent_ready {
  static constexpr std::string_view type_name = "agent.ready";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
};
HOTLINE_EVENT_FIELDS(agent_ready, agent_id)

struct agent_not_ready {
  static constexpr std::string_view type_name = "agent.not_ready";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string reason; ///< break | lunch | meeting | training | auto_pause | ...
};
HOTLINE_EVENT_FIELDS(agent_not_ready, agent_id, reason)

/// The agent is reserved for a contact and its phone rings.
struct agent_reserved {
  static constexpr std::string_view type_name = "agent.reserved";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string call_id;
  std::string queue;
  contact_channel channel = contact_channel::voice;
};
HOTLINE_EVENT_FIELDS(agent_reserved, agent_id, call_id, queue, channel)

/// A reservation ended without the agent taking the contact.
struct agent_reservation_ended {
  static constexpr std::string_view type_name = "agent.reservation_ended";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string call_id;
  std::string reason; ///< no_answer | rejected | answered_elsewhere | cancelled
};
HOTLINE_EVENT_FIELDS(agent_reservation_ended, agent_id, call_id, reason)

struct agent_call_started {
  static constexpr std::string_view type_name = "agent.call_started";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string call_id;
  contact_channel channel = contact_channel::voice;
};
HOTLINE_EVENT_FIELDS(agent_call_started, agent_id, call_id, channel)

struct agent_call_held {
  static constexpr std::string_view type_name = "agent.call_held";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string call_id;
  bool on_hold = true; ///< false: resumed
};
HOTLINE_EVENT_FIELDS(agent_call_held, agent_id, call_id, on_hold)

/// The agent's part in a contact ended; after-call work follows if wrap_up_ms > 0.
struct agent_call_ended {
  static constexpr std::string_view type_name = "agent.call_ended";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string call_id;
  std::int64_t wrap_up_ms = 0;
};
HOTLINE_EVENT_FIELDS(agent_call_ended, agent_id, call_id, wrap_up_ms)

struct agent_wrap_up_ended {
  static constexpr std::string_view type_name = "agent.wrap_up_ended";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string call_id;
};
HOTLINE_EVENT_FIELDS(agent_wrap_up_ended, agent_id, call_id)

/// A supervisor or an administrator changed the agent's skills at runtime
/// (issue 21): `skills` is the whole new set (skill -> level 1..100). It
/// replaces the configured skills from then on, across restarts (the TOML
/// file seeds an agent; its stream's changes win).
struct agent_skills_changed {
  static constexpr std::string_view type_name = "agent.skills_changed";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::map<std::string, int> skills;
  std::string reason;
};
HOTLINE_EVENT_FIELDS(agent_skills_changed, agent_id, skills, reason)

/// The queues an agent serves were changed at runtime ("move an agent
/// between queues"): the queues it serves when it logs in without a list,
/// and, when logged in, the queues of its current session.
struct agent_queues_changed {
  static constexpr std::string_view type_name = "agent.queues_changed";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::vector<std::string> queues;
  std::string reason;
};
HOTLINE_EVENT_FIELDS(agent_queues_changed, agent_id, queues, reason)

/// The agent set the disposition (wrap-up code) and notes of a call on its
/// desk (talking, held or in after-call work). A second one for the same
/// call replaces the first: the newest is what the call's record shows.
/// `code`: 1..64 printable characters (one of the queue's `dispositions`
/// when it lists any); `notes`: at most 4,000 bytes of UTF-8.
struct agent_disposition_set {
  static constexpr std::string_view type_name = "agent.disposition_set";
  static constexpr std::uint16_t version = 1;
  std::string agent_id;
  std::string call_id;
  std::string code;
  std::string notes;
};
HOTLINE_EVENT_FIELDS(agent_disposition_set, agent_id, call_id, code, notes)

} // namespace hotline::events
