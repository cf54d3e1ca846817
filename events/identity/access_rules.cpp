#include "events/identity/access_rules.hpp"

#include <algorithm>

namespace hotline::events::identity {

bool in_supervisor_scope(const principal_view& who, const resource& on) {
  auto mine = [&](const std::string& q) {
    return std::find(who.queues.begin(), who.queues.end(), q) != who.queues.end();
  };
  if (on.queue && mine(*on.queue)) return true;
  if (on.agent_id) return std::any_of(on.agent_queues.begin(), on.agent_queues.end(), mine);
  return false;
}

decision authorize_role(role r, const principal_view& who, action what, const resource& on) {
  if (r == role::operator_) return decision::allow;
  if (what == action::platform) return decision::forbidden;
  if (on.tenant != who.tenant) return decision::not_found;
  switch (r) {
  case role::admin:
    return decision::allow;
  case role::supervisor:
    switch (what) {
    case action::queue_read:
      return decision::allow;
    case action::agent_read:
      if (!on.agent_id) return decision::allow; // the tenant's list, filtered by the route
      return in_supervisor_scope(who, on) ? decision::allow : decision::forbidden;
    case action::supervise_call:
    case action::force_agent:
    case action::move_agent:
      return in_supervisor_scope(who, on) ? decision::allow : decision::forbidden;
    default:
      return decision::forbidden;
    }
  case role::auditor:
    switch (what) {
    case action::audit_read:
    case action::crm_read:
    case action::agent_read:
    case action::queue_read:
      return decision::allow;
    default:
      return decision::forbidden;
    }
  case role::agent: {
    // Another agent is hidden from an agent, whatever it asks.
    if (on.agent_id && *on.agent_id != who.agent_id) return decision::not_found;
    const bool own = on.agent_id && !who.agent_id.empty();
    switch (what) {
    case action::agent_control:
    case action::agent_read:
      return own ? decision::allow : decision::forbidden;
    case action::queue_read:
      return decision::allow;
    default:
      return decision::forbidden;
    }
  }
  case role::operator_:
    break;
  }
  return decision::forbidden;
}

decision authorize(const principal_view& who, action what, const resource& on) {
  if (who.roles.empty()) {
    if (what == action::platform) return decision::forbidden;
    return on.tenant == who.tenant ? decision::forbidden : decision::not_found;
  }
  // allow < forbidden < not_found in the enum: the smallest is the most permissive.
  auto best = decision::not_found;
  for (auto r : who.roles)
    best = std::min(best, authorize_role(r, who, what, on));
  return best;
}

} // namespace hotline::events::identity
