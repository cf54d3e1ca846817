#include "events/identity/user.hpp"

#include <algorithm>

#include "events/envelope.hpp"
#include "events/identity/user_rules.hpp"

namespace hotline::events::identity {

std::string stream_name(const std::string& username) {
  return "user-" + username;
}

state initial_state(std::string username) {
  state s;
  s.username = std::move(username);
  return s;
}

namespace {

using result = outcome<event>;

result nothing() {
  return result::nothing();
}

std::string who(const state& s) {
  return "user " + s.username;
}

std::optional<rejection> existing(const state& s) {
  if (!s.exists) return rejection{"no_such_user", who(s) + " does not exist"};
  return std::nullopt;
}

result decide_one(const create_user& c, const state& s) {
  if (auto r = check_username(s.username)) return *r;
  if (s.exists)
    return rejection{"user_exists", who(s) + " exists already (tenant '" + s.tenant + "')"};
  if (auto r = check_roles(c.tenant, c.roles, c.agent_id, c.queues)) return *r;
  if (auto r = check_password_hash(c.password_hash)) return *r;
  return event{user_created{s.username, c.tenant, c.display_name, role_names(c.roles), c.agent_id,
                            c.queues, c.password_hash}};
}

result decide_one(const change_password& c, const state& s) {
  if (auto r = existing(s)) return *r;
  if (auto r = check_password_hash(c.password_hash)) return *r;
  if (c.password_hash == s.password_hash) return nothing();
  return event{user_password_changed{s.username, c.password_hash}};
}

bool lower_hex_32(const std::string& t) {
  return t.size() == 32 && std::all_of(t.begin(), t.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

result decide_one(const set_sip_secret& c, const state& s) {
  if (auto r = existing(s)) return *r;
  if (c.realm.empty()) return rejection{"invalid_sip_secret", "a SIP secret needs a realm"};
  if (!lower_hex_32(c.ha1))
    return rejection{"invalid_sip_secret",
                     "a SIP secret (HA1) must be 32 lower-case hex digits, not " +
                         std::to_string(c.ha1.size()) + " characters"};
  if (c.realm == s.sip_realm && c.ha1 == s.sip_ha1) return nothing();
  return event{user_sip_secret_set{s.username, c.realm, c.ha1}};
}

result decide_one(const set_roles& c, const state& s) {
  if (auto r = existing(s)) return *r;
  if (auto r = check_roles(s.tenant, c.roles, c.agent_id, c.queues)) return *r;
  if (c.roles == s.roles && c.agent_id == s.agent_id && c.queues == s.queues) return nothing();
  return event{user_roles_changed{s.username, role_names(c.roles), c.agent_id, c.queues}};
}

result decide_one(const disable_user& c, const state& s) {
  if (auto r = existing(s)) return *r;
  if (s.disabled) return nothing();
  std::vector<event> out{user_disabled{s.username, c.reason}};
  for (const auto& [token, session] : s.sessions)
    if (session.expires_ns > c.at_ns)
      out.push_back(session_closed{s.username, token, "user_disabled"});
  return out;
}

result decide_one(const enable_user&, const state& s) {
  if (auto r = existing(s)) return *r;
  if (!s.disabled) return nothing();
  return event{user_enabled{s.username}};
}

result decide_one(const open_session& c, const state& s) {
  if (auto r = existing(s)) return *r;
  if (s.disabled) return rejection{"user_disabled", who(s) + " is disabled"};
  if (auto gate = login_allowed(s, c.at_ns); !gate.allowed)
    return rejection{"login_locked", who(s) + " is locked after too many failed logins until " +
                                         format_timestamp(gate.until_ns)};
  if (!is_valid_token_sha256(c.token_sha256))
    return rejection{"invalid_token", "a session token hash must be 64 lower-case hex digits"};
  if (c.expires_ns <= c.at_ns)
    return rejection{"invalid_expiry", "the session would expire at " +
                                           format_timestamp(c.expires_ns) + ", not after now (" +
                                           format_timestamp(c.at_ns) + ")"};
  if (auto it = s.sessions.find(c.token_sha256);
      it != s.sessions.end() && it->second.expires_ns > c.at_ns) {
    if (it->second.kind == c.kind && it->second.label == c.label &&
        it->second.expires_ns == c.expires_ns)
      return nothing(); // the same open, retried
    return rejection{"session_exists", who(s) + " has that session open already"};
  }
  return event{session_opened{s.username, c.token_sha256, c.kind, c.label, c.expires_ns}};
}

result decide_one(const close_session& c, const state& s) {
  if (auto r = existing(s)) return *r;
  auto it = s.sessions.find(c.token_sha256);
  if (it == s.sessions.end() || it->second.expires_ns <= c.at_ns) return nothing();
  return event{session_closed{s.username, c.token_sha256, c.reason}};
}

result decide_one(const close_all_sessions& c, const state& s) {
  if (auto r = existing(s)) return *r;
  std::vector<event> out;
  for (const auto& [token, session] : s.sessions)
    if (session.expires_ns > c.at_ns) out.push_back(session_closed{s.username, token, c.reason});
  return out;
}

result decide_one(const record_login_failure& c, const state& s) {
  if (auto r = existing(s)) return *r;
  std::vector<event> out{login_failed{s.username, c.from}};
  // A failure while locked is recorded (who tried, from where) but does not
  // count towards the next lock: the lock is not extended by an attacker.
  if (!login_allowed(s, c.at_ns).allowed) return out;
  const int failures = recent_failures(s, c.at_ns) + 1;
  if (failures >= login_failure_limit)
    out.push_back(login_locked{s.username, c.at_ns + login_lock_ns, failures});
  return out;
}

result decide_one(const record_login_success& c, const state& s) {
  if (auto r = existing(s)) return *r;
  if (s.failed_logins.empty()) return nothing();
  return event{login_succeeded{s.username, c.from}};
}

void drop_expired(state& s, std::int64_t at_ns) {
  std::erase_if(s.sessions, [&](const auto& kv) { return kv.second.expires_ns <= at_ns; });
}

role_set roles_of(const std::vector<std::string>& names) {
  // evolve never refuses: a name this build does not know is skipped.
  role_set out;
  for (const auto& n : names)
    if (auto r = from_wire<role>(n)) out.insert(*r);
  return out;
}

void apply(state& s, const user_created& e, std::int64_t at_ns) {
  s.exists = true;
  s.tenant = e.tenant;
  s.display_name = e.display_name;
  s.roles = roles_of(e.roles);
  s.agent_id = e.agent_id;
  s.queues = e.queues;
  s.password_hash = e.password_hash;
  s.created_ns = at_ns;
}
void apply(state& s, const user_password_changed& e, std::int64_t) {
  s.password_hash = e.password_hash;
}
void apply(state& s, const user_sip_secret_set& e, std::int64_t) {
  s.sip_realm = e.realm;
  s.sip_ha1 = e.ha1;
}
void apply(state& s, const user_roles_changed& e, std::int64_t) {
  s.roles = roles_of(e.roles);
  s.agent_id = e.agent_id;
  s.queues = e.queues;
}
void apply(state& s, const user_disabled& e, std::int64_t) {
  s.disabled = true;
  s.disabled_reason = e.reason;
}
void apply(state& s, const user_enabled&, std::int64_t) {
  s.disabled = false;
  s.disabled_reason.clear();
}
void apply(state& s, const session_opened& e, std::int64_t at_ns) {
  s.sessions[e.token_sha256] = session{e.kind, e.label, at_ns, e.expires_ns};
}
void apply(state& s, const session_closed& e, std::int64_t) {
  s.sessions.erase(e.token_sha256);
}
void apply(state& s, const login_failed&, std::int64_t at_ns) {
  if (at_ns < s.locked_until_ns) return; // recorded, not counted (see decide)
  std::erase_if(s.failed_logins,
                [&](std::int64_t t) { return t <= at_ns - login_failure_window_ns; });
  s.failed_logins.push_back(at_ns);
}
void apply(state& s, const login_locked& e, std::int64_t) {
  s.locked_until_ns = e.until_ns;
  s.failed_logins.clear();
}
void apply(state& s, const login_succeeded&, std::int64_t) {
  s.failed_logins.clear();
}

} // namespace

outcome<event> decide(const command& cmd, const state& s) {
  return std::visit([&](const auto& c) { return decide_one(c, s); }, cmd);
}

state evolve(state s, const event& e, std::int64_t at_ns) {
  std::visit([&](const auto& x) { apply(s, x, at_ns); }, e);
  drop_expired(s, at_ns);
  return s;
}

std::int64_t command_time(const command& c) noexcept {
  return std::visit([](const auto& x) -> std::int64_t { return x.at_ns; }, c);
}

const char* command_name(const command& c) noexcept {
  static constexpr const char* names[] = {
      "create_user",          "change_password",      "set_roles",     "disable_user",
      "enable_user",          "open_session",         "close_session", "close_all_sessions",
      "record_login_failure", "record_login_success", "set_sip_secret"};
  static_assert(std::size(names) == std::variant_size_v<command>);
  return names[c.index()];
}

} // namespace hotline::events::identity
