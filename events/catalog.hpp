#pragma once
/// Every current event payload type, as one variant. Adding a type: define
/// it in its category's header and list it here; the codec, its round-trip
/// test and the JSON schema pick it up from this list.
#include <variant>

#include "events/agent_events.hpp"
#include "events/audit_events.hpp"
#include "events/call_events.hpp"
#include "events/trunk_events.hpp"

namespace hotline::events {

using event = std::variant<
    // call-<id>
    call_arrived, call_queued, call_offered, call_connected, call_ended, call_blocked,
    // agent-<id>
    agent_logged_in, agent_state_changed, agent_logged_out,
    // trunk-<group>.<n>
    trunk_seized, trunk_released,
    // audit
    command_rejected>;

} // namespace hotline::events
