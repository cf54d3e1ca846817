#include "events/recording/recording_policy.hpp"

namespace hotline::events::recording {

recording_policy policy_for(const queue_definition* queue, const tenant_definition* tenant) {
  if (!queue) return recording_policy::never;
  if (queue->record != recording_policy::tenant) return queue->record;
  if (!tenant || tenant->record == recording_policy::tenant) return recording_policy::never;
  return tenant->record;
}

} // namespace hotline::events::recording
