#pragma once
/// Calls: one actor per contact, from arrival to its single end. It seizes a
/// trunk channel, joins the entry point's queue, takes offers from agents,
/// times rings, waits, announcements and widening, overflows, carries out
/// transfers, conferences, supervision and interflow to other sites, and
/// releases everything when it ends.
///
/// It decides nothing itself: the call decider (events/acd/call.hpp) records
/// what happens, and the rules outside it (events/acd/call_rules.hpp: VIP
/// priority, the overflow rule, ring time of a second leg, the trunk group
/// of a call back, the wait timers, the checks of transfers, conferences and
/// supervision) say what to do; the actor keeps the handles, the timers and
/// the messages (docs/acd.md, "Choreography the actors follow").
#include "actors/acd.hpp"

namespace hotline::actors {

/// A new contact: spawns its call actor, which takes it from arrival to its end.
caf::actor spawn_call(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                      call_request req);

/// The call `agent_id` places to `number` (for `queue`, else its first):
/// the API's POST /api/agents/{id}/dial and a phone's own INVITE to a
/// number (actors/telephony_actor.hpp, "Outbound calls") both spawn it.
call_request dial_out_request(std::string call_id, const std::string& agent_id, std::string number,
                              std::string queue = {});

} // namespace hotline::actors
