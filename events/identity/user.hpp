#pragma once
/// The user account aggregate, stream `user-<username>` (issue 21): one
/// person's account on the node, its roles in one tenant, its password's
/// hash, its open sessions and its recent failed logins.
///
///   (none) --create_user--> active <--disable_user / enable_user--> disabled
///   active: change_password, set_roles, open_session, close_session,
///           close_all_sessions, record_login_failure, record_login_success
///
/// Usernames are unique per node: the stream is the user's name
/// (`[a-z0-9._-]{1,64}`, user_rules.hpp). The password is hashed at the
/// edge (drivers/api/passwords.hpp): this aggregate only keeps the PHC
/// string. A session is named by the SHA-256 (hex) of its token; the token
/// itself never reaches the domain.
///
/// Disabling a user closes every session it has in the same append
/// (user.disabled, then one session.closed each). After
/// `login_failure_limit` failures within `login_failure_window_ns` the
/// account is locked for `login_lock_ns` (login.locked): user_rules.hpp.
///
/// Commands carry `at_ns`, the time they are decided (the actor stamps the
/// events with it). Repeating a command whose effect holds already (disable
/// a disabled user, close a session that is closed or expired) is a no-op,
/// never a rejection: retries are harmless.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "events/identity/role.hpp"
#include "events/identity_events.hpp"
#include "events/outcome.hpp"

namespace hotline::events::identity {

/// `user-<username>`
std::string stream_name(const std::string& username);
/// The category of user streams: "user".
inline constexpr std::string_view stream_category_name = "user";

/// One open session.
struct session {
  session_kind kind = session_kind::cookie;
  std::string label;
  std::int64_t opened_ns = 0;
  std::int64_t expires_ns = 0;

  bool operator==(const session&) const = default;
};

struct state {
  bool exists = false;
  std::string username;
  std::string tenant; ///< empty: platform-wide (operators only)
  std::string display_name;
  role_set roles;
  std::string agent_id;            ///< for role agent: the agent this user acts as
  std::vector<std::string> queues; ///< for role supervisor: the queues it is given
  std::string password_hash;       ///< Argon2id PHC string
  std::string sip_realm;           ///< the realm of sip_ha1; empty: no SIP password
  std::string sip_ha1;             ///< MD5(username:realm:SIP password), hex
  bool disabled = false;
  std::string disabled_reason;
  /// token_sha256 (hex) -> session. Sessions expired at the time of the
  /// latest event are dropped when it is applied.
  std::map<std::string, session> sessions;
  /// Times of the failed logins that still count (inside the window, since
  /// the last lock or success), oldest first.
  std::vector<std::int64_t> failed_logins;
  std::int64_t locked_until_ns = 0; ///< no login before this time (0: never locked)
  std::int64_t created_ns = 0;

  bool operator==(const state&) const = default;
};

// -- commands ---------------------------------------------------------------------------

struct create_user {
  std::string tenant;
  std::string display_name;
  role_set roles;
  std::string agent_id;
  std::vector<std::string> queues;
  std::string password_hash;
  std::int64_t at_ns = 0;
};
struct change_password {
  std::string password_hash;
  std::int64_t at_ns = 0;
};
/// Sets the user's SIP password (its digest HA1 for `realm`; computed at
/// the edge, drivers/sip/digest.hpp). Rejected "invalid_sip_secret" when
/// the realm is empty or the HA1 is not 32 lower-case hex digits.
struct set_sip_secret {
  std::string realm;
  std::string ha1;
  std::int64_t at_ns = 0;
};
/// Replaces the whole role set (and the agent id and queues that go with it).
struct set_roles {
  role_set roles;
  std::string agent_id;
  std::vector<std::string> queues;
  std::int64_t at_ns = 0;
};
struct disable_user {
  std::string reason;
  std::int64_t at_ns = 0;
};
struct enable_user {
  std::int64_t at_ns = 0;
};
struct open_session {
  std::string token_sha256; ///< 64 lower-case hex digits
  session_kind kind = session_kind::cookie;
  std::string label;
  std::int64_t expires_ns = 0; ///< must be after at_ns
  std::int64_t at_ns = 0;
};
struct close_session {
  std::string token_sha256;
  std::string reason = "logout";
  std::int64_t at_ns = 0;
};
struct close_all_sessions {
  std::string reason = "revoked";
  std::int64_t at_ns = 0;
};
struct record_login_failure {
  std::string from;
  std::int64_t at_ns = 0;
};
/// A login succeeded: the failures counted so far are forgotten.
struct record_login_success {
  std::string from;
  std::int64_t at_ns = 0;
};

using command = std::variant<create_user, change_password, set_roles, disable_user, enable_user,
                             open_session, close_session, close_all_sessions, record_login_failure,
                             record_login_success, set_sip_secret>;
using event = std::variant<user_created, user_password_changed, user_roles_changed, user_disabled,
                           user_enabled, session_opened, session_closed, login_failed, login_locked,
                           login_succeeded, user_sip_secret_set>;

/// A user named `username` that does not exist yet.
state initial_state(std::string username);

/// Rejection codes: "invalid_username", "user_exists", "no_such_user",
/// "invalid_roles", "missing_password", "user_disabled", "login_locked",
/// "invalid_token", "invalid_expiry", "session_exists", "invalid_sip_secret". docs/api.md
/// explains each.
outcome<event> decide(const command& cmd, const state& s);

/// `at_ns` is the event's envelope time. Never refuses.
state evolve(state s, const event& e, std::int64_t at_ns);

/// Accounts are disabled, never deleted: never terminal.
inline bool is_terminal(const state&) noexcept {
  return false;
}

/// The `at_ns` every command carries.
std::int64_t command_time(const command& c) noexcept;
/// The command's name for messages and audit records ("create_user", ...).
const char* command_name(const command& c) noexcept;

} // namespace hotline::events::identity
