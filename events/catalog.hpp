#pragma once
/// Every current event payload type, as one variant. Adding a type: define
/// it in its category's header and list it here; the codec, its round-trip
/// test and the JSON schema pick it up from this list. Never reorder or
/// edit a shipped type: add a version (events/codec.hpp).
#include <variant>

#include "events/agent_events.hpp"
#include "events/audit_events.hpp"
#include "events/call_events.hpp"
#include "events/config_events.hpp"
#include "events/identity_events.hpp"
#include "events/interflow_events.hpp"
#include "events/ivr_events.hpp"
#include "events/phone_events.hpp"
#include "events/queue_events.hpp"
#include "events/recording_events.hpp"
#include "events/trunk_events.hpp"
#include "events/voicemail_events.hpp"
#include "events/webhook_events.hpp"

namespace hotline::events {

using event = std::variant<
    // call-<id>
    call_arrived, call_queued, call_priority_raised, call_announced, call_widened, call_offered,
    call_offer_ended, call_connected, call_held, call_resumed, call_transferred, call_conferenced,
    call_supervised, call_overflowed, call_callback_scheduled, call_callback_dialed, call_ended,
    call_interflow_offered, call_interflow_denied, call_interflowed, call_interflow_returned,
    call_conference_left, call_callback_retried, call_far_end_ringing,
    // agent-<id>
    agent_logged_in, agent_logged_out, agent_ready, agent_not_ready, agent_reserved,
    agent_reservation_ended, agent_call_started, agent_call_held, agent_call_ended,
    agent_wrap_up_ended, agent_skills_changed, agent_queues_changed, agent_disposition_set,
    // queue-<id>
    queue_call_joined, queue_call_priority_changed, queue_call_left, queue_closed, queue_opened,
    queue_settings_changed,
    // trunk-<group>.<n>
    trunk_seized, trunk_released,
    // trunkgroup-<group>
    trunk_channels_changed,
    // audit-<site>
    command_rejected, data_read,
    // user-<username>
    user_created, user_password_changed, user_roles_changed, user_disabled, user_enabled,
    session_opened, session_closed, login_failed, login_locked, login_succeeded,
    user_sip_secret_set,
    // phone-<agent>
    phone_registered, phone_unregistered,
    // webhook-<id>
    webhook_subscribed, webhook_updated, webhook_paused, webhook_resumed, webhook_suspended,
    webhook_deleted,
    // config-<site> (runtime-created agents and queues)
    agent_defined, queue_defined,
    // trunk-<group>
    trunk_peer_down, trunk_peer_up,
    // ivr-<session>
    ivr_entered, ivr_prompt_played, ivr_input, ivr_menu_chosen, ivr_branched, ivr_lookup_done,
    ivr_lookup_failed, ivr_exited,
    // recording-<call>
    recording_started, recording_paused, recording_resumed, recording_stopped,
    // call-<id>, added later (appended: the variant's order is the codec's)
    call_data_attached,
    // voicemail-<message>
    voicemail_left, voicemail_listened, voicemail_handled,
    // call-<id>, added later (appended: the variant's order is the codec's)
    call_consultation_started, call_consultation_ended>;

} // namespace hotline::events
