#pragma once
/// The rules of the user account aggregate (events/identity/user.hpp), as
/// pure functions with given/when/then tests (tests/events/identity_*):
/// what a username may be, which role sets are valid, login throttling and
/// when a session is valid.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/identity/role.hpp"
#include "events/identity/user.hpp"
#include "events/outcome.hpp"

namespace hotline::events::identity {

/// `[a-z0-9._-]{1,64}`: unique per node, part of the stream name.
bool is_valid_username(std::string_view name) noexcept;
/// Why `name` is not a username ("invalid_username"), or nothing.
std::optional<rejection> check_username(std::string_view name);

/// A role set with what goes with it is valid when:
///  - it holds at least one role;
///  - operator only with an empty tenant, and an empty tenant only for a
///    user whose one role is operator (the other roles act within a tenant);
///  - agent requires an agent id, and an agent id requires role agent;
///  - queues only for role supervisor (which may have none yet);
///  - no queue named twice, no empty queue name.
/// The rejection's code is "invalid_roles" and its detail says which rule.
std::optional<rejection> check_roles(const std::string& tenant, const role_set& roles,
                                     const std::string& agent_id,
                                     const std::vector<std::string>& queues);

/// A PHC string is required ("missing_password"); the domain cannot check
/// more (it never sees the password).
std::optional<rejection> check_password_hash(std::string_view phc);

/// A token hash is 64 lower-case hex digits ("invalid_token").
bool is_valid_token_sha256(std::string_view hex) noexcept;

// -- login throttling ------------------------------------------------------------------

/// After this many failed logins within the window the account is locked.
inline constexpr int login_failure_limit = 5;
/// Failures older than this (before the newest failure) are forgotten.
inline constexpr std::int64_t login_failure_window_ns = 15LL * 60 * 1'000'000'000;
/// How long a lock lasts.
inline constexpr std::int64_t login_lock_ns = 15LL * 60 * 1'000'000'000;

/// Whether a login may be tried at `now_ns`, and if not, from when.
struct login_gate {
  bool allowed = true;
  std::int64_t until_ns = 0; ///< when not allowed: the lock's end

  bool operator==(const login_gate&) const = default;
};
/// Locked until `locked_until_ns`: not allowed before then. A disabled or
/// unknown user is the caller's (and open_session's) concern, not this gate's.
login_gate login_allowed(const state& s, std::int64_t now_ns) noexcept;

/// The failures that still count at `now_ns`: those after `now_ns -
/// login_failure_window_ns`.
int recent_failures(const state& s, std::int64_t now_ns) noexcept;

// -- sessions ----------------------------------------------------------------------------

/// The session `token_sha256` exists, has not expired at `now_ns`, and the
/// user exists and is not disabled.
bool session_valid(const state& s, std::string_view token_sha256, std::int64_t now_ns);

} // namespace hotline::events::identity
