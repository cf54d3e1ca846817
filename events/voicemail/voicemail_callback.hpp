#pragma once
/// A voicemail becomes work: the call that left it joins the mailbox's
/// queue as a call back (actors/call_ivr.cpp, docs/acd.md §8). When that
/// call back ends `callback_completed` (an agent called the customer back
/// and they talked), the message's business is done, and it is marked the
/// way an agent marks it by hand (POST /api/voicemail/{id}/handled): a
/// `voicemail.handled` with `how` = called_back, `by` = the agent who
/// called back (the call's `agent_id`) and a `note` naming the call back.
///
/// `handling_on_call_end` gives that command, or nothing when:
///  - the call is not the one that left the message;
///  - the call ended otherwise (`callback_failed`: the last dial-back
///    failed or an operator cancelled it; the message stays open for
///    someone to call again by hand);
///  - the call names no agent;
///  - the message is handled already (by hand before the call back
///    completed, or by an earlier replay of the same call end): a message
///    is marked once.
/// Pure: the voicemail box (drivers/api/voicemail_box.hpp) runs the
/// command through `decide` like any other.
#include <optional>
#include <string>

#include "events/call_events.hpp"
#include "events/voicemail/voicemail.hpp"

namespace hotline::events::voicemail {

std::optional<handle> handling_on_call_end(const state& s, const call_ended& e);

/// "the call back <call> completed": the note of a message so handled.
std::string callback_note(const std::string& call_id);

} // namespace hotline::events::voicemail
