// Logging in and out, who am I, bearer tokens (docs/api.md, "Sessions").
#include <cmath>

#include "actors/identity_actor.hpp"
#include "drivers/api/api_exchange.hpp"
#include "drivers/api/passwords.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

nlohmann::json who_json(const identity::principal_view& p) {
  nlohmann::json roles = nlohmann::json::array();
  for (const auto& r : p.roles)
    roles.push_back(std::string{events::to_wire(r)});
  return {{"username", p.username},
          {"tenant", p.tenant},
          {"roles", roles},
          {"agent_id", p.agent_id},
          {"queues", p.queues}};
}

/// Runs an identity command as `ex`'s user (or as the user logging in); `done(code, detail)`.
void identity_command(node_api::impl& api, const std::string& username, identity::command cmd,
                      events::principal author, const std::string& tenant,
                      std::function<void(std::string, std::string)> done) {
  api.ask_identity(caf::make_message(actors::identity_cmd_atom::value, username, std::move(cmd),
                                     std::move(author), tenant),
                   [done](caf::message m) {
                     if (m.match_elements<caf::ok_atom>()) return done("", "");
                     if (m.match_elements<actors::refused_atom, std::string, std::string>())
                       return done(m.get_as<std::string>(1), m.get_as<std::string>(2));
                     done("unavailable", "the identity actor did not answer");
                   });
}

/// POST /api/login {username, password}: a session cookie.
void login(node_api::impl& api, const exchange_ptr& ex) {
  const auto address = ex->req.remote.substr(0, ex->req.remote.rfind(':'));
  if (auto wait = api.per_address_login.take(address, std::chrono::steady_clock::now()); wait > 0)
    return ex->fail(429, "rate_limited", "too many login attempts from " + address,
                    {{"Retry-After", std::to_string(int(std::ceil(wait)))}});
  auto username = string_field(ex, "username", true, 64);
  if (!username) return;
  auto password = string_field(ex, "password", true, 1024);
  if (!password) return;
  api.ask_identity(
      caf::make_message(actors::lookup_atom::value, *username),
      [&api, ex, user = *username, password = *password, address](caf::message m) {
        std::optional<account_t> acc;
        if (m.match_elements<caf::ok_atom, account_t>()) acc = m.get_as<account_t>(1);
        const auto now = api.now_ns();
        if (acc && acc->locked_until_ns > now)
          return ex->fail(
              429, "login_locked", "too many failed logins; try again later",
              {{"Retry-After", std::to_string((acc->locked_until_ns - now) / ns_per_s + 1)}});
        // Hashing takes tens of milliseconds: off the I/O thread. An unknown
        // user costs the same as a wrong password (no user enumeration by timing).
        api.hashing.post([&api, ex, user, password, acc, address] {
          static const std::string decoy = hash_password("decoy password, never valid");
          const bool ok =
              acc && !acc->disabled &&
              verify_password(acc->password_hash.empty() ? decoy : acc->password_hash, password);
          if (!ok) {
            if (acc)
              identity_command(api, user, identity::record_login_failure{address, api.now_ns()},
                               events::principal::user(user), acc->tenant,
                               [](std::string, std::string) {});
            return ex->fail(401, "invalid_credentials", "wrong user name or password");
          }
          const auto token = new_token();
          const auto expires = api.now_ns() + api.opt.session_ttl_s * ns_per_s;
          identity_command(api, user,
                           identity::open_session{token_sha256_hex(token),
                                                  events::session_kind::cookie,
                                                  "browser " + address, expires, api.now_ns()},
                           events::principal::user(user), acc->tenant,
                           [&api, ex, token, expires, acc](std::string code, std::string detail) {
                             if (!code.empty()) return answer_refusal(ex, code, detail);
                             std::string cookie = "hotline_session=" + token +
                                                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                                  std::to_string(api.opt.session_ttl_s);
                             if (api.opt.secure_cookie) cookie += "; Secure";
                             auto j = who_json(projections::identity::principal_of(*acc));
                             j["expires_ns"] = expires;
                             ex->reply(200, j, {{"Set-Cookie", cookie}});
                           });
        });
      });
}

/// POST /api/logout: the session (or token) used is revoked at once.
void logout(node_api::impl& api, const exchange_ptr& ex) {
  identity_command(
      api, ex->who.username, identity::close_session{ex->token_sha256, "logout", api.now_ns()},
      events::principal::user(ex->who.username), ex->who.tenant,
      [ex](std::string code, std::string detail) {
        if (!code.empty()) return answer_refusal(ex, code, detail);
        ex->reply(
            200, {{"status", "logged_out"}},
            {{"Set-Cookie", "hotline_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"}});
      });
}

/// POST /api/tokens {label, ttl_s}: a bearer token for an API client, shown once.
void new_bearer(node_api::impl& api, const exchange_ptr& ex) {
  auto label = string_field(ex, "label", true, 128);
  if (!label) return;
  std::int64_t ttl = 3600;
  if (auto it = ex->body.find("ttl_s"); it != ex->body.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() <= 0 ||
        it->get<std::int64_t>() > api.opt.token_max_ttl_s)
      return ex->fail(400, "invalid_field",
                      "field 'ttl_s' must be a whole number of seconds from 1 to " +
                          std::to_string(api.opt.token_max_ttl_s));
    ttl = it->get<std::int64_t>();
  }
  const auto token = new_token();
  const auto expires = api.now_ns() + ttl * ns_per_s;
  identity_command(api, ex->who.username,
                   identity::open_session{token_sha256_hex(token), events::session_kind::bearer,
                                          *label, expires, api.now_ns()},
                   events::principal::user(ex->who.username), ex->who.tenant,
                   [ex, token, expires](std::string code, std::string detail) {
                     if (!code.empty()) return answer_refusal(ex, code, detail);
                     ex->reply(200, {{"token", token}, {"expires_ns", expires}});
                   });
}

/// GET /api/me: the principal, and its session's expiry (pages warn before it).
void me(node_api::impl& api, const exchange_ptr& ex) {
  api.ask_identity(caf::make_message(actors::lookup_atom::value, ex->who.username),
                   [&api, ex](caf::message m) {
                     auto j = who_json(ex->who);
                     if (m.match_elements<caf::ok_atom, account_t>()) {
                       const auto& a = m.get_as<account_t>(1);
                       if (auto it = a.sessions.find(ex->token_sha256); it != a.sessions.end()) {
                         const auto left = it->second.expires_ns - api.now_ns();
                         j["expires_ns"] = it->second.expires_ns;
                         j["expires_in_s"] = left > 0 ? left / ns_per_s : 0;
                       }
                     }
                     ex->reply(200, j);
                   });
}

} // namespace

void add_session_routes(node_api::impl& api) {
  api.add("POST", "/api/login", "Log in with user name and password: a session cookie", "anyone",
          login, false);
  api.add("POST", "/api/logout", "Revoke the session or token used", "any user", logout);
  api.add("GET", "/api/me",
          "Who you are: user, tenant, roles, agent, queues, and when this session or token "
          "expires (expires_ns, expires_in_s)",
          "any user", me);
  api.add("POST", "/api/tokens", "A bearer token for an API client {label, ttl_s}", "any user",
          new_bearer);
}

} // namespace hotline::drivers::api
