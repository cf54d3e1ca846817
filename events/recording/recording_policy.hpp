#pragma once
/// Whether a call is recorded (F14): the product rule in one place. A
/// queue's `record` wins; `tenant` (its default) takes the tenant's, and a
/// queue with no tenant definition, or no queue at all (an agent's own
/// outbound call), is not recorded.
#include "events/center.hpp"

namespace hotline::events::recording {

/// `always` or `never`, never `tenant`. `queue` and `tenant` may be null.
recording_policy policy_for(const queue_definition* queue, const tenant_definition* tenant);

} // namespace hotline::events::recording
