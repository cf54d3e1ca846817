// Users, roles and sessions, administered at runtime: each change is an
// event of the user's stream, authored by the admin who made it
// (docs/api.md, "Administration").
#include "actors/identity_actor.hpp"
#include "drivers/api/api_exchange.hpp"
#include "drivers/api/passwords.hpp"
#include "events/wire_enum.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;

namespace {

nlohmann::json account_json(const account_t& a) {
  nlohmann::json roles = nlohmann::json::array();
  for (const auto& r : a.roles)
    roles.push_back(std::string{events::to_wire(r)});
  return {{"username", a.username}, {"tenant", a.tenant},     {"display_name", a.display_name},
          {"roles", roles},         {"agent_id", a.agent_id}, {"queues", a.queues},
          {"disabled", a.disabled}};
}

/// The roles of a request body ("roles": ["agent", ...]); 400 naming the bad one.
std::optional<identity::role_set> roles_field(const exchange_ptr& ex) {
  auto names = strings_field(ex, "roles", true);
  if (!names) return std::nullopt;
  identity::role_set out;
  for (const auto& n : *names) {
    auto r = events::from_wire<identity::role>(n);
    if (!r) {
      ex->fail(400, "invalid_field",
               "field 'roles': '" + n +
                   "' is not a role (agent, supervisor, auditor, admin, operator)");
      return std::nullopt;
    }
    out.insert(*r);
  }
  return out;
}

/// Runs `cmd` on user `name` as `ex`'s user, after checking manage_users in `tenant`.
void user_command(node_api::impl& api, const exchange_ptr& ex, const std::string& name,
                  const std::string& tenant, identity::command cmd, nlohmann::json ok) {
  api.ask_identity(caf::make_message(actors::identity_cmd_atom::value, name, std::move(cmd),
                                     events::principal::user(ex->who.username), tenant),
                   [ex, ok](caf::message m) {
                     if (m.match_elements<caf::ok_atom>()) return ex->reply(200, ok);
                     if (m.match_elements<actors::refused_atom, std::string, std::string>())
                       return answer_refusal(ex, m.get_as<std::string>(1),
                                             m.get_as<std::string>(2));
                     answer_refusal(ex, "unavailable", "the identity actor did not answer");
                   });
}

/// Looks user `{name}` up and checks manage_users on its tenant; then `then(account)`.
void with_user(node_api::impl& api, const exchange_ptr& ex,
               std::function<void(const account_t&)> then) {
  api.ask_identity(caf::make_message(actors::lookup_atom::value, ex->param("name")),
                   [&api, ex, then](caf::message m) {
                     if (!m.match_elements<caf::ok_atom, account_t>())
                       return ex->fail(404, "not_found", "no user '" + ex->param("name") + "'");
                     const auto& acc = m.get_as<account_t>(1);
                     identity::resource r;
                     r.tenant = acc.tenant;
                     if (!api.allowed(ex, identity::action::manage_users, r)) return;
                     then(acc);
                   });
}

void list_users(node_api::impl& api, const exchange_ptr& ex) {
  identity::resource r;
  r.tenant = ex->who.tenant;
  if (!api.allowed(ex, identity::action::manage_users, r)) return;
  api.ask_identity(
      caf::make_message(actors::list_atom::value, ex->who.tenant), [ex](caf::message m) {
        if (!m.match_elements<std::vector<account_t>>())
          return answer_refusal(ex, "unavailable", "the identity actor did not answer");
        auto out = nlohmann::json::array();
        for (const auto& a : m.get_as<std::vector<account_t>>(0))
          out.push_back(account_json(a));
        ex->reply(200, {{"users", out}});
      });
}

/// POST /api/users {username, password, roles, tenant, agent_id, queues, display_name}
void create_user(node_api::impl& api, const exchange_ptr& ex) {
  auto username = string_field(ex, "username", true, 64);
  if (!username) return;
  auto password = string_field(ex, "password", true, 1024);
  if (!password) return;
  if (auto weak = weak_password(*password))
    return ex->fail(400, "invalid_field", "field 'password': " + *weak);
  auto roles = roles_field(ex);
  if (!roles) return;
  auto tenant = string_field(ex, "tenant", false, 64);
  if (!tenant) return;
  if (tenant->empty()) *tenant = ex->who.tenant;
  auto agent_id = string_field(ex, "agent_id", false, 128);
  if (!agent_id) return;
  if (!agent_id->empty()) {
    const auto* def = api.ctx->find_agent(*agent_id);
    if (!def || def->tenant != *tenant)
      return ex->fail(400, "invalid_field",
                      "field 'agent_id': no agent '" + *agent_id + "' in tenant " + *tenant);
  }
  auto queues = strings_field(ex, "queues", false);
  if (!queues) return;
  for (const auto& q : *queues)
    if (const auto* def = api.ctx->find_queue(q); !def || def->tenant != *tenant)
      return ex->fail(400, "invalid_field",
                      "field 'queues': no queue '" + q + "' in tenant " + *tenant);
  auto display = string_field(ex, "display_name", false, 128);
  if (!display) return;
  identity::resource r;
  r.tenant = *tenant;
  if (!api.allowed(ex, identity::action::manage_users, r)) return;
  const auto now = api.now_ns();
  api.hashing.post([&api, ex, user = *username, password = *password, roles = *roles,
                    tenant = *tenant, agent = *agent_id, queues = *queues, display = *display,
                    now] {
    identity::create_user cmd{tenant, display, roles, agent, queues, hash_password(password), now};
    user_command(api, ex, user, tenant, std::move(cmd), {{"username", user}, {"tenant", tenant}});
  });
}

void disable_user(node_api::impl& api, const exchange_ptr& ex) {
  auto reason = string_field(ex, "reason", false, 256);
  if (!reason) return;
  with_user(api, ex, [&api, ex, reason = *reason](const account_t& acc) {
    user_command(api, ex, acc.username, acc.tenant,
                 identity::disable_user{reason.empty() ? "disabled by " + ex->who.username : reason,
                                        api.now_ns()},
                 {{"username", acc.username}, {"disabled", true}});
  });
}

void enable_user(node_api::impl& api, const exchange_ptr& ex) {
  with_user(api, ex, [&api, ex](const account_t& acc) {
    user_command(api, ex, acc.username, acc.tenant, identity::enable_user{api.now_ns()},
                 {{"username", acc.username}, {"disabled", false}});
  });
}

void set_roles(node_api::impl& api, const exchange_ptr& ex) {
  auto roles = roles_field(ex);
  if (!roles) return;
  auto agent_id = string_field(ex, "agent_id", false, 128);
  if (!agent_id) return;
  auto queues = strings_field(ex, "queues", false);
  if (!queues) return;
  with_user(api, ex,
            [&api, ex, roles = *roles, agent = *agent_id, queues = *queues](const account_t& acc) {
              user_command(api, ex, acc.username, acc.tenant,
                           identity::set_roles{roles, agent, queues, api.now_ns()},
                           {{"username", acc.username}});
            });
}

void set_password(node_api::impl& api, const exchange_ptr& ex) {
  auto password = string_field(ex, "password", true, 1024);
  if (!password) return;
  if (auto weak = weak_password(*password))
    return ex->fail(400, "invalid_field", "field 'password': " + *weak);
  // Users change their own password; admins anyone's in their tenant.
  auto go = [&api, ex, password = *password](const account_t& acc) {
    api.hashing.post([&api, ex, acc, password] {
      user_command(api, ex, acc.username, acc.tenant,
                   identity::change_password{hash_password(password), api.now_ns()},
                   {{"username", acc.username}});
    });
  };
  if (ex->param("name") == ex->who.username) {
    account_t self;
    self.username = ex->who.username;
    self.tenant = ex->who.tenant;
    return go(self);
  }
  with_user(api, ex, go);
}

} // namespace

void add_admin_routes(node_api::impl& api) {
  api.add("GET", "/api/users", "The users of your tenant", "admin; operator", list_users);
  api.add("POST", "/api/users",
          "Create a user {username, password, roles, tenant, agent_id, queues, display_name}",
          "admin (its tenant); operator", create_user);
  api.add("POST", "/api/users/{name}/disable", "Disable a user: its sessions end at once {reason}",
          "admin; operator", disable_user);
  api.add("POST", "/api/users/{name}/enable", "Enable a disabled user", "admin; operator",
          enable_user);
  api.add("POST", "/api/users/{name}/roles", "Set a user's roles {roles, agent_id, queues}",
          "admin; operator", set_roles);
  api.add("POST", "/api/users/{name}/password", "Change a password {password}",
          "the user itself; admin; operator", set_password);
}

} // namespace hotline::drivers::api
