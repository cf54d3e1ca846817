#include "events/voicemail/voicemail_access.hpp"

#include <algorithm>

namespace hotline::events::voicemail {

identity::decision may_access(const identity::principal_view& who, const std::string& tenant,
                              const std::string& mailbox,
                              const std::vector<std::string>& agent_queues) {
  using identity::decision;
  using identity::role;
  if (who.roles.count(role::operator_)) return decision::allow;
  if (who.tenant != tenant) return decision::not_found;
  const auto has = [](const std::vector<std::string>& list, const std::string& q) {
    return std::find(list.begin(), list.end(), q) != list.end();
  };
  if (who.roles.count(role::admin)) return decision::allow;
  if (who.roles.count(role::supervisor) && has(who.queues, mailbox)) return decision::allow;
  if (who.roles.count(role::agent) && !who.agent_id.empty() && has(agent_queues, mailbox))
    return decision::allow;
  return decision::forbidden;
}

} // namespace hotline::events::voicemail
