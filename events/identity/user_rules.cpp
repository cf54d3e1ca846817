#include "events/identity/user_rules.hpp"

#include <algorithm>
#include <set>

namespace hotline::events::identity {

bool is_valid_username(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

std::optional<rejection> check_username(std::string_view name) {
  if (is_valid_username(name)) return std::nullopt;
  return rejection{"invalid_username",
                   "username '" + std::string{name} +
                       "' must be 1 to 64 characters of a-z, 0-9, '.', '_' and '-'"};
}

std::optional<rejection> check_roles(const std::string& tenant, const role_set& roles,
                                     const std::string& agent_id,
                                     const std::vector<std::string>& queues) {
  auto refuse = [](std::string detail) {
    return std::optional<rejection>{rejection{"invalid_roles", std::move(detail)}};
  };
  if (roles.empty()) return refuse("a user needs at least one role");
  const bool op = roles.count(role::operator_) > 0;
  if (op && !tenant.empty())
    return refuse("role operator is platform-wide: it takes no tenant (tenant '" + tenant +
                  "' given)");
  if (tenant.empty() && !(op && roles.size() == 1))
    return refuse("a user without a tenant can only be an operator (roles: " + describe(roles) +
                  "); give a tenant");
  const bool agent = roles.count(role::agent) > 0;
  if (agent && agent_id.empty()) return refuse("role agent needs the agent id the user acts as");
  // A supervisor joins calls (listen, whisper, barge) as its own supervisor
  // agent of the center, so it may name one too.
  if (!agent && roles.count(role::supervisor) == 0 && !agent_id.empty())
    return refuse("agent id '" + agent_id + "' is only for roles agent and supervisor");
  if (!queues.empty() && roles.count(role::supervisor) == 0)
    return refuse("queues are only for role supervisor");
  std::set<std::string> seen;
  for (const auto& q : queues) {
    if (q.empty()) return refuse("a supervisor's queue name is empty");
    if (!seen.insert(q).second) return refuse("queue '" + q + "' is given twice");
  }
  return std::nullopt;
}

std::optional<rejection> check_password_hash(std::string_view phc) {
  if (!phc.empty()) return std::nullopt;
  return rejection{"missing_password", "a password hash is required"};
}

bool is_valid_token_sha256(std::string_view hex) noexcept {
  return hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

login_gate login_allowed(const state& s, std::int64_t now_ns) noexcept {
  if (now_ns < s.locked_until_ns) return {false, s.locked_until_ns};
  return {true, 0};
}

int recent_failures(const state& s, std::int64_t now_ns) noexcept {
  return static_cast<int>(
      std::count_if(s.failed_logins.begin(), s.failed_logins.end(),
                    [&](std::int64_t t) { return t > now_ns - login_failure_window_ns; }));
}

bool session_valid(const state& s, std::string_view token_sha256, std::int64_t now_ns) {
  if (!s.exists || s.disabled) return false;
  auto it = s.sessions.find(std::string{token_sha256});
  return it != s.sessions.end() && now_ns < it->second.expires_ns;
}

} // namespace hotline::events::identity
