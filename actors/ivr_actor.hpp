#pragma once
/// IVR sessions: one actor per caller walking a flow (issue 23,
/// docs/ivr.md "Running flows"). A thin shell around the session decider
/// (events/ivr/session.hpp): it holds the decider's state, appends its
/// events to `ivr-<session>` through the entity log, and carries out
/// `pending(state)` — a prompt to play or keys to listen for through the
/// caller's side (ports::ivr_media), a timer (a delayed message to itself,
/// carrying the step it times), a lookup (ports::ivr_data) — feeding the
/// answers back as commands with the step they were asked at, so a late
/// report changes nothing.
///
/// After a restart the call actor spawns it once more, `recovering`, to
/// close a session the old process left open (ivr.exited way failed).
///
/// The call actor (actors/call_routing.cpp) spawns it when the call's entry
/// point names a flow and the node has an IVR side (acd_context::ivr_media),
/// once the call holds its trunk line. When the session ends it tells the
/// call (ivr_exit_atom, ivr_exit) and quits; the call queues or ends
/// (docs/ivr.md "The way out"). The call tells it when the caller hangs up
/// (hangup_atom); so does the caller's side.
///
/// Messages:
///   call → ivr:        hangup_atom                 (the caller hung up)
///   media side → ivr:  ivr_played_atom, step | ivr_key_atom, key | hangup_atom
///   ivr → ivr:         ivr_timeout_atom, step       (the wait `pending` asked for ran out)
///   worker → ivr:      ivr_lookup_atom, lookup_result (a lookup source's answer, when the
///                      node has one: acd_context::lookup_sources; asked on a worker thread)
///   ivr → call:        ivr_exit_atom, ivr_exit
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "actors/acd.hpp"
#include "events/ivr/flow.hpp"
#include "events/ivr/session.hpp"
#include "events/ivr_events.hpp"

namespace hotline::actors {

using ivr_exit_atom = caf::atom_constant<caf::atom("ivr_exit")>;
using ivr_timeout_atom = caf::atom_constant<caf::atom("ivr_tmo")>;
using ivr_played_atom = caf::atom_constant<caf::atom("ivr_played")>;
using ivr_key_atom = caf::atom_constant<caf::atom("ivr_key")>;
using ivr_lookup_atom = caf::atom_constant<caf::atom("ivr_lookup")>;

/// What starts a session: the caller, the call's data and where to report.
struct ivr_request {
  std::string session_id; ///< its stream: ivr-<session_id>
  std::string call_id;
  /// The flow; REQUIRES: not null (the call actor keeps the ACD context alive through it).
  std::shared_ptr<const events::ivr::flow> flow;
  std::string tenant;
  std::string caller;
  std::string dialed;
  bool vip = false;
  std::map<std::string, std::string> data; ///< the call's attached data (the flow's `inputs`)
  caf::actor call;                         ///< hears ivr_exit_atom
  /// After a node restart: fold the stream and close a session still open
  /// (`interrupted`: ivr.exited way failed); no media, nobody told, then quit.
  bool recovering = false;
};

/// How the session ended: ivr.exited's values, plus the flow for `source`.
struct ivr_exit {
  std::string session_id;
  std::string flow;
  std::string node; ///< the node it ended at
  events::ivr_exit_way way = events::ivr_exit_way::failed;
  std::string target; ///< queue (queue, callback), mailbox (voicemail), number (transfer)
  std::int32_t priority = 0;
  std::map<std::string, int> skills;
  /// The variables handed on (a callback's number is `callback_number`).
  std::map<std::string, std::string> attached;
};

/// Spawns the session and enters the caller into the flow at once.
caf::actor spawn_ivr(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                     ivr_request req);

} // namespace hotline::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::ivr_exit)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::events::ivr::lookup_result)
