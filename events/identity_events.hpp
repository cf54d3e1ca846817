#pragma once
/// Events of the `user-<username>` streams: a person's account on the node
/// (who they are, which roles they hold in which tenant, their password's
/// hash), its sessions and its login attempts. The account aggregate is
/// events/identity/user.hpp; the directory that serves logins is
/// projections/identity/directory.hpp.
///
/// Roles travel as their names ("agent", "supervisor", "auditor", "admin",
/// "operator": events/identity/role.hpp), so the stored and JSON forms read
/// like the CLI. `password_hash` is an Argon2id PHC string computed at the
/// edge (drivers/api/passwords.hpp), never a password; `token_sha256` is
/// the SHA-256 (hex) of a session token, never the token.
#include "events/event_type.hpp"

namespace hotline::events {

/// How a session's token is presented: a browser's HttpOnly cookie or an
/// API client's bearer header.
enum class session_kind : std::uint8_t { cookie, bearer };
template <> struct wire_names<session_kind> {
  static constexpr std::string_view what = "session kind";
  static constexpr std::array<std::string_view, 2> names{"cookie", "bearer"};
};

struct user_created {
  static constexpr std::string_view type_name = "user.created";
  static constexpr std::uint16_t version = 1;
  std::string username;
  std::string tenant; ///< empty: platform-wide (operators only)
  std::string display_name;
  std::vector<std::string> roles;  ///< role names, sorted
  std::string agent_id;            ///< the agent this user acts as (role agent)
  std::vector<std::string> queues; ///< the queues a supervisor is given
  std::string password_hash;       ///< Argon2id PHC string
};
HOTLINE_EVENT_FIELDS(user_created, username, tenant, display_name, roles, agent_id, queues,
                     password_hash)

struct user_password_changed {
  static constexpr std::string_view type_name = "user.password_changed";
  static constexpr std::uint16_t version = 1;
  std::string username;
  std::string password_hash; ///< the new Argon2id PHC string
};
HOTLINE_EVENT_FIELDS(user_password_changed, username, password_hash)

/// The user's SIP password was set (or changed): its phone may REGISTER
/// with digest authentication in `realm` (docs/telephony.md). `ha1` is
/// MD5(username:realm:password), 32 lower-case hex digits: digest needs it
/// and an Argon2id hash cannot give it. It is password-equivalent for SIP
/// (whoever reads it can register as the user), and for SIP only: it is
/// computed from a SIP password of its own, never from the login password.
struct user_sip_secret_set {
  static constexpr std::string_view type_name = "user.sip_secret_set";
  static constexpr std::uint16_t version = 1;
  std::string username;
  std::string realm;
  std::string ha1;
};
HOTLINE_EVENT_FIELDS(user_sip_secret_set, username, realm, ha1)

struct user_roles_changed {
  static constexpr std::string_view type_name = "user.roles_changed";
  static constexpr std::uint16_t version = 1;
  std::string username;
  std::vector<std::string> roles; ///< the whole new set, sorted
  std::string agent_id;
  std::vector<std::string> queues;
};
HOTLINE_EVENT_FIELDS(user_roles_changed, username, roles, agent_id, queues)

/// The user may no longer log in; its sessions close with it (one
/// session.closed each follows in the same append).
struct user_disabled {
  static constexpr std::string_view type_name = "user.disabled";
  static constexpr std::uint16_t version = 1;
  std::string username;
  std::string reason;
};
HOTLINE_EVENT_FIELDS(user_disabled, username, reason)

struct user_enabled {
  static constexpr std::string_view type_name = "user.enabled";
  static constexpr std::uint16_t version = 1;
  std::string username;
};
HOTLINE_EVENT_FIELDS(user_enabled, username)

struct session_opened {
  static constexpr std::string_view type_name = "session.opened";
  static constexpr std::uint16_t version = 1;
  std::string username;
  std::string token_sha256; ///< hex SHA-256 of the token (the token itself is never stored)
  session_kind kind = session_kind::cookie;
  std::string label;           ///< e.g. the client's user agent or an API client's name
  std::int64_t expires_ns = 0; ///< UTC ns; the session is invalid from then on
};
HOTLINE_EVENT_FIELDS(session_opened, username, token_sha256, kind, label, expires_ns)

struct session_closed {
  static constexpr std::string_view type_name = "session.closed";
  static constexpr std::uint16_t version = 1;
  std::string username;
  std::string token_sha256;
  std::string reason; ///< logout | revoked | user_disabled | ...
};
HOTLINE_EVENT_FIELDS(session_closed, username, token_sha256, reason)

/// A wrong password (or another refused login) for this user.
struct login_failed {
  static constexpr std::string_view type_name = "login.failed";
  static constexpr std::uint16_t version = 1;
  std::string username;
  std::string from; ///< where the attempt came from (the client's address)
};
HOTLINE_EVENT_FIELDS(login_failed, username, from)

/// Too many failures in the window: no login before `until_ns`.
struct login_locked {
  static constexpr std::string_view type_name = "login.locked";
  static constexpr std::uint16_t version = 1;
  std::string username;
  std::int64_t until_ns = 0;
  std::int32_t failures = 0; ///< failures counted in the window
};
HOTLINE_EVENT_FIELDS(login_locked, username, until_ns, failures)

/// A login succeeded after failures: they are forgotten.
struct login_succeeded {
  static constexpr std::string_view type_name = "login.succeeded";
  static constexpr std::uint16_t version = 1;
  std::string username;
  std::string from;
};
HOTLINE_EVENT_FIELDS(login_succeeded, username, from)

} // namespace hotline::events
