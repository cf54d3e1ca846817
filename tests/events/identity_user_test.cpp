// The user account aggregate (events/identity/user.hpp) and its rules
// (user_rules.hpp): given/when/then.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "events/codec.hpp"
#include "events/identity/user.hpp"
#include "events/identity/user_rules.hpp"

using namespace hotline::events;
using namespace hotline::events::identity;

namespace {

constexpr std::int64_t t0 = 1'795'392'000'000'000'000;
constexpr std::int64_t sec = 1'000'000'000;
constexpr std::int64_t minute = 60 * sec;
const std::string hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
const std::string tok1(64, 'a');
const std::string tok2(64, 'b');

/// A user's state and what each step decided.
struct subject {
  state s;
  /// Decides `c`; when accepted, applies its events (stamped with the command's time).
  outcome<identity::event> when(const command& c) {
    auto out = decide(c, s);
    if (out)
      for (const auto& e : out.events())
        s = evolve(std::move(s), e, command_time(c));
    return out;
  }
  /// Given: `c` was accepted.
  subject& given(const command& c) {
    auto out = when(c);
    REQUIRE_MESSAGE(out.accepted(), (out.accepted() ? "" : out.error().code));
    return *this;
  }
};

std::string types(const outcome<identity::event>& out) {
  REQUIRE_MESSAGE(out.accepted(), (out.accepted() ? "" : out.error().code));
  std::string t;
  for (const auto& e : out.events())
    t += (t.empty() ? "" : " ") +
         std::string{std::visit([](const auto& x) { return x.type_name; }, e)};
  return t;
}

void then_rejected(const outcome<identity::event>& out, const std::string& code) {
  REQUIRE_FALSE(out.accepted());
  CHECK(out.error().code == code);
  CHECK_FALSE(out.error().detail.empty());
}

create_user agent_user(std::int64_t at = t0) {
  return create_user{"acme", "Ann Agent", {role::agent}, "a1", {}, hash, at};
}

subject existing_agent(const std::string& name = "ann") {
  subject u{initial_state(name)};
  u.given(agent_user());
  return u;
}

} // namespace

TEST_CASE("user: creating a user records user.created with its roles by name") {
  subject u{initial_state("ann")};
  auto out = u.when(create_user{
      "acme", "Ann", {role::supervisor, role::agent}, "a1", {"sales", "billing"}, hash, t0});
  CHECK(types(out) == "user.created");
  const auto& e = std::get<user_created>(out.events()[0]);
  CHECK(e.username == "ann");
  CHECK(e.roles == std::vector<std::string>{"agent", "supervisor"});
  CHECK(e.queues == std::vector<std::string>{"sales", "billing"});
  CHECK(e.password_hash == hash);
  CHECK(u.s.exists);
  CHECK(u.s.tenant == "acme");
  CHECK(u.s.roles == role_set{role::agent, role::supervisor});
  CHECK(u.s.created_ns == t0);
}

TEST_CASE("user: a second create of the same name is refused with user_exists") {
  auto u = existing_agent();
  then_rejected(u.when(agent_user(t0 + sec)), "user_exists");
}

TEST_CASE("user: a bad username, a bad role set or no password hash refuse create_user") {
  subject bad{initial_state("Ann Smith")};
  then_rejected(bad.when(agent_user()), "invalid_username");
  subject u{initial_state("ann")};
  then_rejected(u.when(create_user{"acme", "", {}, "", {}, hash, t0}), "invalid_roles");
  then_rejected(u.when(create_user{"acme", "", {role::agent}, "", {}, hash, t0}), "invalid_roles");
  then_rejected(u.when(create_user{"acme", "", {role::operator_}, "", {}, hash, t0}),
                "invalid_roles");
  then_rejected(u.when(create_user{"acme", "", {role::agent}, "a1", {}, "", t0}),
                "missing_password");
  CHECK_FALSE(u.s.exists);
}

TEST_CASE("user: every command but create on a user that does not exist is no_such_user") {
  subject u{initial_state("ghost")};
  then_rejected(u.when(change_password{hash, t0}), "no_such_user");
  then_rejected(u.when(set_roles{{role::auditor}, "", {}, t0}), "no_such_user");
  then_rejected(u.when(disable_user{"left", t0}), "no_such_user");
  then_rejected(u.when(enable_user{t0}), "no_such_user");
  then_rejected(u.when(open_session{tok1, session_kind::cookie, "", t0 + minute, t0}),
                "no_such_user");
  then_rejected(u.when(close_session{tok1, "logout", t0}), "no_such_user");
  then_rejected(u.when(close_all_sessions{"revoked", t0}), "no_such_user");
  then_rejected(u.when(record_login_failure{"10.0.0.1", t0}), "no_such_user");
  then_rejected(u.when(record_login_success{"10.0.0.1", t0}), "no_such_user");
}

TEST_CASE("user: a password change records the new hash, an empty one is refused") {
  auto u = existing_agent();
  CHECK(types(u.when(change_password{"$argon2id$new", t0 + sec})) == "user.password_changed");
  CHECK(u.s.password_hash == "$argon2id$new");
  then_rejected(u.when(change_password{"", t0 + sec}), "missing_password");
  CHECK(types(u.when(change_password{"$argon2id$new", t0 + 2 * sec})).empty()); // same: no-op
}

TEST_CASE("user: set_roles replaces the role set, checked like create") {
  auto u = existing_agent();
  auto out = u.when(set_roles{{role::supervisor}, "", {"sales"}, t0 + sec});
  CHECK(types(out) == "user.roles_changed");
  CHECK(u.s.roles == role_set{role::supervisor});
  CHECK(u.s.agent_id.empty());
  CHECK(u.s.queues == std::vector<std::string>{"sales"});
  then_rejected(u.when(set_roles{{role::operator_}, "", {}, t0 + sec}), "invalid_roles");
  then_rejected(u.when(set_roles{{role::auditor}, "", {"sales"}, t0 + sec}), "invalid_roles");
  CHECK(types(u.when(set_roles{{role::supervisor}, "", {"sales"}, t0 + 2 * sec})).empty());
}

TEST_CASE("user: disabling closes every open session in the same decision") {
  auto u = existing_agent();
  u.given(open_session{tok1, session_kind::cookie, "firefox", t0 + 60 * minute, t0 + sec});
  u.given(open_session{tok2, session_kind::bearer, "crm", t0 + 60 * minute, t0 + sec});
  auto out = u.when(disable_user{"left the company", t0 + 2 * sec});
  CHECK(types(out) == "user.disabled session.closed session.closed");
  CHECK(std::get<session_closed>(out.events()[1]).reason == "user_disabled");
  CHECK(u.s.disabled);
  CHECK(u.s.sessions.empty());
  CHECK_FALSE(session_valid(u.s, tok1, t0 + 3 * sec));
  CHECK(types(u.when(disable_user{"again", t0 + 3 * sec})).empty()); // no-op
  then_rejected(u.when(open_session{tok1, session_kind::cookie, "", t0 + minute, t0 + 4 * sec}),
                "user_disabled");
  CHECK(types(u.when(enable_user{t0 + 5 * sec})) == "user.enabled");
  CHECK_FALSE(u.s.disabled);
  CHECK(types(u.when(enable_user{t0 + 6 * sec})).empty());
}

TEST_CASE("user: a session is valid from its opening until it expires or is closed") {
  auto u = existing_agent();
  CHECK(types(u.when(open_session{tok1, session_kind::cookie, "firefox", t0 + 10 * minute,
                                  t0 + sec})) == "session.opened");
  CHECK(session_valid(u.s, tok1, t0 + 2 * sec));
  CHECK_FALSE(session_valid(u.s, tok2, t0 + 2 * sec));
  CHECK_FALSE(session_valid(u.s, tok1, t0 + 10 * minute)); // expired at expires_ns
  CHECK(types(u.when(close_session{tok1, "logout", t0 + 3 * sec})) == "session.closed");
  CHECK_FALSE(session_valid(u.s, tok1, t0 + 4 * sec));
  CHECK(types(u.when(close_session{tok1, "logout", t0 + 5 * sec})).empty()); // retried: no-op
}

TEST_CASE("user: open_session refuses a bad token hash, a past expiry and a reused token") {
  auto u = existing_agent();
  then_rejected(u.when(open_session{"abc", session_kind::cookie, "", t0 + minute, t0}),
                "invalid_token");
  then_rejected(
      u.when(open_session{std::string(64, 'A'), session_kind::cookie, "", t0 + minute, t0}),
      "invalid_token");
  then_rejected(u.when(open_session{tok1, session_kind::cookie, "", t0, t0}), "invalid_expiry");
  u.given(open_session{tok1, session_kind::cookie, "x", t0 + minute, t0});
  CHECK(types(u.when(open_session{tok1, session_kind::cookie, "x", t0 + minute, t0})).empty());
  then_rejected(u.when(open_session{tok1, session_kind::bearer, "y", t0 + minute, t0}),
                "session_exists");
}

TEST_CASE("user: expired sessions are dropped by the next event, and close_all skips them") {
  auto u = existing_agent();
  u.given(open_session{tok1, session_kind::cookie, "", t0 + minute, t0});
  u.given(open_session{tok2, session_kind::cookie, "", t0 + 60 * minute, t0});
  CHECK(types(u.when(close_all_sessions{"revoked", t0 + 2 * minute})) == "session.closed");
  CHECK(u.s.sessions.empty());
  CHECK(types(u.when(close_all_sessions{"revoked", t0 + 3 * minute})).empty());
}

TEST_CASE("throttling: the fifth failure within 15 minutes locks the account for 15 minutes") {
  auto u = existing_agent();
  for (int i = 0; i < 4; ++i)
    CHECK(types(u.when(record_login_failure{"10.0.0.9", t0 + i * minute})) == "login.failed");
  CHECK(recent_failures(u.s, t0 + 4 * minute) == 4);
  CHECK(login_allowed(u.s, t0 + 4 * minute) == login_gate{true, 0});
  auto out = u.when(record_login_failure{"10.0.0.9", t0 + 4 * minute});
  CHECK(types(out) == "login.failed login.locked");
  const auto& lock = std::get<login_locked>(out.events()[1]);
  CHECK(lock.until_ns == t0 + 4 * minute + login_lock_ns);
  CHECK(lock.failures == 5);
  CHECK(login_allowed(u.s, t0 + 5 * minute) == login_gate{false, lock.until_ns});
  then_rejected(
      u.when(open_session{tok1, session_kind::cookie, "", t0 + 60 * minute, t0 + 5 * minute}),
      "login_locked");
  // Failures while locked are recorded but neither count nor extend the lock.
  CHECK(types(u.when(record_login_failure{"10.0.0.9", t0 + 6 * minute})) == "login.failed");
  CHECK(u.s.locked_until_ns == lock.until_ns);
  CHECK(u.s.failed_logins.empty());
  // The lock ends on time.
  CHECK(login_allowed(u.s, lock.until_ns).allowed);
  u.given(open_session{tok1, session_kind::cookie, "", lock.until_ns + minute, lock.until_ns});
}

TEST_CASE("throttling: failures older than the window are forgotten") {
  auto u = existing_agent();
  for (int i = 0; i < 4; ++i)
    u.given(record_login_failure{"10.0.0.9", t0 + i * minute});
  // Just over 15 minutes after the first: it has left the window, so the
  // new failure is the fourth that counts, not the fifth.
  auto out = u.when(record_login_failure{"10.0.0.9", t0 + 15 * minute + sec});
  CHECK(types(out) == "login.failed");
  CHECK(u.s.failed_logins.size() == 4);
  CHECK(recent_failures(u.s, t0 + 15 * minute + sec) == 4);
  CHECK(u.s.locked_until_ns == 0);
}

TEST_CASE("throttling: a successful login clears the failures, and is a no-op without any") {
  auto u = existing_agent();
  CHECK(types(u.when(record_login_success{"10.0.0.9", t0})).empty());
  for (int i = 0; i < 4; ++i)
    u.given(record_login_failure{"10.0.0.9", t0 + i * sec});
  CHECK(types(u.when(record_login_success{"10.0.0.9", t0 + 5 * sec})) == "login.succeeded");
  CHECK(u.s.failed_logins.empty());
  CHECK(types(u.when(record_login_failure{"10.0.0.9", t0 + 6 * sec})) == "login.failed");
}

TEST_CASE("rules: usernames are 1 to 64 characters of a-z 0-9 . _ -") {
  CHECK(is_valid_username("ann"));
  CHECK(is_valid_username("ann.smith_2-x"));
  CHECK(is_valid_username(std::string(64, 'a')));
  CHECK_FALSE(is_valid_username(""));
  CHECK_FALSE(is_valid_username(std::string(65, 'a')));
  CHECK_FALSE(is_valid_username("Ann"));
  CHECK_FALSE(is_valid_username("ann smith"));
  CHECK_FALSE(is_valid_username("ann/../x"));
  CHECK_FALSE(is_valid_username("änn"));
  auto r = check_username("Bad Name");
  REQUIRE(r);
  CHECK(r->detail.find("'Bad Name'") != std::string::npos);
}

TEST_CASE("rules: which role sets are valid") {
  CHECK_FALSE(check_roles("", {role::operator_}, "", {}));
  CHECK_FALSE(check_roles("acme", {role::admin}, "", {}));
  CHECK_FALSE(check_roles("acme", {role::agent}, "a1", {}));
  CHECK_FALSE(check_roles("acme", {role::supervisor}, "", {}));
  CHECK_FALSE(check_roles("acme", {role::supervisor}, "", {"sales", "billing"}));
  CHECK_FALSE(check_roles("acme", {role::agent, role::supervisor}, "a1", {"sales"}));
  // a supervisor joins calls as its supervisor agent
  CHECK_FALSE(check_roles("acme", {role::supervisor}, "sup1", {"sales"}));
  CHECK_FALSE(check_roles("acme", {role::auditor}, "", {}));
  CHECK(check_roles("acme", {}, "", {})->detail == "a user needs at least one role");
  CHECK(check_roles("acme", {role::operator_}, "", {})->code == "invalid_roles");
  CHECK(check_roles("", {role::admin}, "", {}));
  CHECK(check_roles("", {role::operator_, role::admin}, "", {}));
  CHECK(check_roles("acme", {role::agent}, "", {}));
  CHECK(check_roles("acme", {role::admin}, "a1", {}));
  CHECK(check_roles("acme", {role::agent}, "a1", {"sales"}));
  CHECK(check_roles("acme", {role::supervisor}, "", {"sales", "sales"}));
  CHECK(check_roles("acme", {role::supervisor}, "", {""}));
}

TEST_CASE("rules: token hashes are 64 lower-case hex digits") {
  CHECK(is_valid_token_sha256(tok1));
  CHECK(is_valid_token_sha256("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
  CHECK_FALSE(is_valid_token_sha256(""));
  CHECK_FALSE(is_valid_token_sha256(std::string(63, 'a')));
  CHECK_FALSE(is_valid_token_sha256(std::string(64, 'g')));
}

TEST_CASE("roles: names parse and print, an unknown name is named") {
  auto r = parse_roles({"operator", "agent"});
  REQUIRE(r);
  CHECK(*r == role_set{role::agent, role::operator_});
  CHECK(role_names(*r) == std::vector<std::string>{"agent", "operator"});
  CHECK(describe(*r) == "agent, operator");
  auto bad = parse_roles({"agent", "root"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().detail().find("'root' is not a role") != std::string::npos);
}

TEST_CASE("identity events: round-trip through the codec with roles and kind by name") {
  const auto& codec = event_codec::standard();
  session_opened s{"ann", tok1, session_kind::bearer, "crm", t0 + minute};
  auto p = codec.propose(hotline::events::event{s}, {});
  auto back = codec.decode(p.type, p.version, p.payload);
  REQUIRE(back);
  const auto& got = std::get<session_opened>(*back);
  CHECK(got.kind == session_kind::bearer);
  CHECK(got.expires_ns == t0 + minute);
  auto j = codec.payload_to_json(p.type, p.version, p.payload);
  REQUIRE(j);
  CHECK((*j)["kind"] == "bearer");
  user_created c{"ann", "acme", "Ann", {"agent"}, "a1", {}, hash};
  auto pc = codec.propose(hotline::events::event{c}, {});
  CHECK(pc.type == "user.created");
  auto jc = codec.payload_to_json(pc.type, pc.version, pc.payload);
  REQUIRE(jc);
  CHECK((*jc)["roles"] == nlohmann::json::array({"agent"}));
}

TEST_CASE("user: command names and times") {
  CHECK(std::string{command_name(command{enable_user{t0}})} == "enable_user");
  CHECK(std::string{command_name(command{record_login_success{"", t0}})} == "record_login_success");
  CHECK(command_time(command{close_all_sessions{"x", t0 + 7}}) == t0 + 7);
}

TEST_CASE("a SIP secret is set on an existing user, once, and must look like an HA1") {
  subject u{initial_state("ann")};
  then_rejected(u.when(set_sip_secret{"hotline", std::string(32, 'a'), t0}), "no_such_user");
  u.given(agent_user());
  CHECK(types(u.when(set_sip_secret{"hotline", std::string(32, 'a'), t0 + sec})) ==
        "user.sip_secret_set");
  CHECK(u.s.sip_realm == "hotline");
  CHECK(u.s.sip_ha1 == std::string(32, 'a'));
  // The same again: nothing to record.
  CHECK(types(u.when(set_sip_secret{"hotline", std::string(32, 'a'), t0 + 2 * sec})).empty());
  // Another realm is another secret.
  CHECK(types(u.when(set_sip_secret{"acme", std::string(32, 'a'), t0 + 3 * sec})) ==
        "user.sip_secret_set");
  then_rejected(u.when(set_sip_secret{"", std::string(32, 'a'), t0}), "invalid_sip_secret");
  then_rejected(u.when(set_sip_secret{"hotline", std::string(31, 'a'), t0}), "invalid_sip_secret");
  then_rejected(u.when(set_sip_secret{"hotline", std::string(32, 'A'), t0}), "invalid_sip_secret");
  then_rejected(u.when(set_sip_secret{"hotline", std::string(32, 'g'), t0}), "invalid_sip_secret");
  // The login password is not touched.
  CHECK(u.s.password_hash == hash);
}
