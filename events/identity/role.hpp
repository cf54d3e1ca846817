#pragma once
/// The roles a user of the node holds (issue 21): what a person may do is
/// decided by events/identity/access_rules.hpp from these.
///
///  - agent:      its own state and its own calls only (acts as one agent id)
///  - supervisor: the agents and queues of the queues it is given
///  - auditor:    read-only history, audit and CRM look-ups in its tenant
///  - admin:      everything within its tenant except the platform
///  - operator:   the platform, every tenant (a platform-wide user: no tenant)
///
/// Written as their names (events/wire_enum.hpp); the names are part of the
/// stored format: never rename or reorder them, append new ones.
#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.hpp"
#include "events/wire_enum.hpp"

namespace hotline::events::identity {

enum class role : std::uint8_t { agent, supervisor, auditor, admin, operator_ };

using role_set = std::set<role>;

/// The role names, in enumerator order (sorted as the set is).
std::vector<std::string> role_names(const role_set& roles);

/// The roles named `names`, or an invalid_argument status naming the first
/// name that is not a role.
result<role_set> parse_roles(const std::vector<std::string>& names);

/// "agent, supervisor" (for messages and tables); "(none)" when empty.
std::string describe(const role_set& roles);

} // namespace hotline::events::identity

namespace hotline::events {
template <> struct wire_names<identity::role> {
  static constexpr std::string_view what = "role";
  static constexpr std::array<std::string_view, 5> names{"agent", "supervisor", "auditor", "admin",
                                                         "operator"};
};
} // namespace hotline::events
