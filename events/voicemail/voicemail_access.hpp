#pragma once
/// Who may hear and mark the messages of a mailbox (F6; docs/api.md
/// "Voicemail"). A mailbox is named by a queue id: its messages are that
/// queue's work.
///  - operator: every mailbox; admin: every mailbox of its tenant;
///  - supervisor: the mailboxes of its `queues`;
///  - agent: the mailboxes of the queues it serves (`agent_queues`: its
///    definition's, as the route looks them up);
///  - auditor: none (it reads the audit trail of plays, not the audio).
/// Another tenant's message is not_found (like every other object);
/// a message in the tenant but outside the principal's mailboxes is
/// forbidden.
#include <string>
#include <vector>

#include "events/identity/access_rules.hpp"

namespace hotline::events::voicemail {

identity::decision may_access(const identity::principal_view& who, const std::string& tenant,
                              const std::string& mailbox,
                              const std::vector<std::string>& agent_queues);

} // namespace hotline::events::voicemail
