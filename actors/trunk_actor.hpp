#pragma once
/// Trunk groups: `seize_atom, call_id, direction, tenant` ⇒ `seized_atom,
/// channel` or an error "all_channels_busy"; `release_atom, call_id,
/// channel, tenant` (channel 0: the group finds it by call id). `tenant` is
/// the call's, recorded on the channel's events. `recover_atom` (after a
/// restart): the call on each seized channel gets its actor back.
#include "actors/acd.hpp"

namespace hotline::actors {

caf::actor spawn_trunk_group(caf::actor_system& sys, const std::shared_ptr<const acd_context>& ctx,
                             const events::trunk_group_definition& group);

} // namespace hotline::actors
