// hotline users add|list|passwd|disable|enable: the node's accounts
// (issue 21), written straight to a store no node has open: how the first
// admin comes to be (no default password exists), and a way back in when
// every admin is locked out. A running node's accounts change through its
// API instead; `users list` reads beside a running node.
//
// Every change goes through the user aggregate's decider, as the node's
// identity actor does: the stream is folded, the command decided, the
// events appended with the expected revision, authored principal
// system("cli"). A refused command prints its code and detail (exit 1).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>

#include <nlohmann/json.hpp>

#include "actors/identity_actor.hpp"
#include "drivers/api/passwords.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/cli/output.hpp"
#include "drivers/cli/users.hpp"
#include "drivers/cli/view_cli.hpp"
#include "drivers/log/log.hpp"
#include "drivers/sip/digest.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "events/identity/user_rules.hpp"
#include "events/variant_cast.hpp"
#include "projections/identity/directory.hpp"

namespace hotline::cli {

namespace {

namespace id = events::identity;
namespace api = drivers::api;
using projections::identity::account;

struct users_args {
  std::string store, user, tenant, agent, display, site, reason = "by_cli", format = "table";
  std::string realm = "hotline";
  std::vector<std::string> roles, queues;
  bool password_stdin = false;
  bool tenant_given = false;
};

std::int64_t wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The store, opened for writing. A running node holds its lock: say what to do.
std::unique_ptr<drivers::rocksdb_event_store> open_for_writing(const std::string& dir,
                                                               bool create) {
  drivers::rocksdb_store_options opts;
  opts.create_if_missing = create;
  auto store = drivers::rocksdb_event_store::open(dir, opts);
  if (store) return std::move(*store);
  if (store.error().code() == events::errc::store_in_use) {
    fail("store " + dir +
         " is open in another process (a running hotline node?): stop it first, or change "
         "accounts through the node's API; `hotline users list` reads beside a running node\n(" +
         store.error().message() + ")");
    return nullptr;
  }
  if (store.error().code() == events::errc::not_found) {
    fail("no store at " + dir +
         " (`hotline users add` creates one; the other commands need "
         "the store the user was added to)");
    return nullptr;
  }
  fail(store.error().message());
  return nullptr;
}

/// The site recorded on the events: --site, else the site of the store's
/// newest event, else "site-1" (a node's default).
std::string site_of(const ports::event_store& store, const std::string& given) {
  if (!given.empty()) return given;
  if (auto head = store.head_position(); head > 0)
    if (auto last = store.read_all(head, 1);
        last && !last->empty() && !last->front().meta.site.empty())
      return last->front().meta.site;
  return "site-1";
}

} // namespace

ports::sip_user_lookup sip_users_of(const ports::event_store& store, std::string site) {
  return [&store, site](const std::string& username) -> std::optional<ports::sip_user> {
    if (id::check_username(username)) return std::nullopt;
    const auto stream = id::stream_name(username);
    auto recorded = store.read_stream(stream);
    if (!recorded) {
      drivers::log::warning("sip", "user " + username + ": " + recorded.error().message(), site);
      return std::nullopt;
    }
    const auto& codec = events::event_codec::standard();
    account s = id::initial_state(username);
    for (const auto& rec : *recorded) {
      auto ev = codec.decode(rec);
      if (!ev) {
        drivers::log::warning("sip",
                              "stream " + stream + " revision " + std::to_string(rec.revision) +
                                  ": " + ev.error().message(),
                              site);
        return std::nullopt;
      }
      if (auto mine = events::narrow<id::event>(*ev))
        s = id::evolve(std::move(s), *mine, rec.meta.timestamp_ns);
    }
    if (!s.exists) return std::nullopt;
    return ports::sip_user{s.agent_id, s.sip_realm, s.sip_ha1, s.disabled};
  };
}

bool write_user_command(ports::event_store& store, const std::string& site,
                        const std::string& username, const events::identity::command& cmd) {
  if (auto r = id::check_username(username)) {
    fail("refused: " + r->code + ": " + r->detail, 2);
    return false;
  }
  const auto stream = id::stream_name(username);
  auto recorded = store.read_stream(stream);
  if (!recorded) {
    fail(recorded.error().message());
    return false;
  }
  const auto& codec = events::event_codec::standard();
  account s = id::initial_state(username);
  std::optional<std::uint64_t> last;
  for (const auto& rec : *recorded) {
    auto ev = codec.decode(rec);
    if (!ev) {
      fail("stream " + stream + " revision " + std::to_string(rec.revision) + ": " +
           ev.error().message());
      return false;
    }
    if (auto mine = events::narrow<id::event>(*ev))
      s = id::evolve(std::move(s), *mine, rec.meta.timestamp_ns);
    last = rec.revision;
  }
  auto out = id::decide(cmd, s);
  if (!out) {
    fail("refused: " + out.error().code + ": " + out.error().detail);
    return false;
  }
  if (out.events().empty()) return true; // already so: nothing to write
  const auto at = id::command_time(cmd);
  account next = s;
  for (const auto& e : out.events())
    next = id::evolve(std::move(next), e, at);
  std::vector<events::proposed_event> batch;
  std::uint64_t revision = last ? *last + 1 : 0;
  const auto at_ms = at / 1'000'000;
  const auto command_id = events::event_id::uuid_v7(
      at_ms, events::event_id::from_name(site + "/" + stream + "@" + std::to_string(revision)));
  for (const auto& e : out.events()) {
    events::event_meta meta{
        events::event_id::uuid_v7(at_ms, events::event_id::from_name(site + "/" + stream + "#" +
                                                                     std::to_string(revision++))),
        site,
        next.tenant,
        at,
        actors::user_correlation(username),
        command_id,
        events::principal::system("cli")};
    batch.push_back(codec.propose(events::widen<events::event>(e), std::move(meta)));
  }
  auto appended = store.append(stream, ports::expected_revision::after(last), std::move(batch));
  if (!appended) {
    fail(appended.error().message());
    return false;
  }
  return true;
}

namespace {

bool write(ports::event_store& store, const std::string& site, const std::string& username,
           const id::command& cmd) {
  return write_user_command(store, site, username, cmd);
}

/// The password: from stdin (checked against the policy), or a new random
/// one printed once. nullopt when refused (the reason is printed).
std::optional<std::string> password_of(const users_args& a, bool& generated) {
  generated = !a.password_stdin;
  if (generated) return api::new_password();
  std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (auto weak = api::weak_password(text)) {
    fail("password refused (read from stdin): " + *weak, 2);
    return std::nullopt;
  }
  return text;
}

std::optional<id::role_set> roles_of(const users_args& a) {
  if (a.roles.empty()) {
    fail("give at least one --role (agent, supervisor, auditor, admin, operator)", 2);
    return std::nullopt;
  }
  auto parsed = id::parse_roles(a.roles);
  if (!parsed) {
    fail("--role: " + parsed.error().detail(), 2);
    return std::nullopt;
  }
  return *parsed;
}

std::string hash_or_fail(const std::string& password) {
  try {
    return api::hash_password(password);
  } catch (const api::password_error& e) {
    fail(e.what());
    return {};
  }
}

void run_add(const users_args& a) {
  auto roles = roles_of(a);
  if (!roles) return;
  if (auto r = id::check_username(a.user)) return fail("--user: " + r->detail, 2);
  bool generated = false;
  auto password = password_of(a, generated);
  if (!password) return;
  // The rules the decider applies, checked before a store is made for nothing.
  if (auto r = id::check_roles(a.tenant, *roles, a.agent, a.queues))
    return fail("refused: " + r->code + ": " + r->detail);
  auto store = open_for_writing(a.store, true);
  if (!store) return;
  const auto hash = hash_or_fail(*password);
  if (hash.empty()) return;
  const auto now = wall_now_ns();
  id::create_user cmd{a.tenant, a.display, *roles, a.agent, a.queues, hash, now};
  if (!write(*store, site_of(*store, a.site), a.user, cmd)) return;
  std::cout << "user " << a.user << " added"
            << (a.tenant.empty() ? " (platform-wide)" : " to tenant " + a.tenant) << " as "
            << id::describe(*roles) << "\n";
  if (generated)
    std::cout << "password: " << *password
              << "\n(shown once, not stored anywhere: give it to the user now)\n";
}

void run_passwd(const users_args& a) {
  bool generated = false;
  auto password = password_of(a, generated);
  if (!password) return;
  auto store = open_for_writing(a.store, false);
  if (!store) return;
  const auto hash = hash_or_fail(*password);
  if (hash.empty()) return;
  if (!write(*store, site_of(*store, a.site), a.user, id::change_password{hash, wall_now_ns()}))
    return;
  std::cout << "password of " << a.user << " changed\n";
  if (generated)
    std::cout << "password: " << *password
              << "\n(shown once, not stored anywhere: give it to the user now)\n";
}

// The SIP password is a password of its own: digest needs MD5(user:realm:
// password) on the node, which is password-equivalent for SIP; were it
// derived from the login password, reading the store would give a way to
// guess the login password offline (docs/telephony.md).
void run_sip_password(const users_args& a) {
  if (a.realm.empty() || a.realm.find_first_of("\"\\\r\n") != std::string::npos)
    return fail("--realm: expected the node's [sip] realm (non-empty, no quotes)", 2);
  bool generated = false;
  auto password = password_of(a, generated);
  if (!password) return;
  auto store = open_for_writing(a.store, false);
  if (!store) return;
  const auto ha1 = drivers::sip::digest_ha1(a.user, a.realm, *password);
  if (!write(*store, site_of(*store, a.site), a.user,
             id::set_sip_secret{a.realm, ha1, wall_now_ns()}))
    return;
  std::cout << "SIP password of " << a.user << " set for realm " << a.realm << "\n";
  if (generated)
    std::cout << "SIP password: " << *password
              << "\n(shown once, not stored anywhere: put it in the user's phone now)\n";
}

void run_disable(const users_args& a, bool disable) {
  auto store = open_for_writing(a.store, false);
  if (!store) return;
  const auto now = wall_now_ns();
  id::command cmd =
      disable ? id::command{id::disable_user{a.reason, now}} : id::command{id::enable_user{now}};
  if (!write(*store, site_of(*store, a.site), a.user, cmd)) return;
  std::cout << "user " << a.user
            << (disable ? " disabled (its sessions are closed)\n" : " enabled\n");
}

std::string status_of(const account& u, std::int64_t now) {
  if (u.disabled) return "disabled";
  if (auto gate = id::login_allowed(u, now); !gate.allowed)
    return "locked until " + events::format_timestamp(gate.until_ns);
  return "active";
}

int live_sessions(const account& u, std::int64_t now) {
  int n = 0;
  for (const auto& [token, s] : u.sessions)
    if (id::session_valid(u, token, now)) ++n;
  return n;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : ",") + x;
  return s.empty() ? "-" : s;
}

void run_list(const users_args& a) {
  if (a.format != "table" && a.format != "json")
    return fail("--format: '" + a.format + "' is not table or json", 2);
  auto store = open_event_store(a.store);
  if (!store) return;
  projections::identity::directory dir;
  if (auto st = actors::recover_directory(*store, dir); !st) return fail(st.message());
  const auto users = a.tenant_given ? dir.users_of(a.tenant) : dir.all_users();
  const auto now = wall_now_ns();
  if (a.format == "json") {
    auto arr = nlohmann::json::array();
    for (const auto* u : users)
      arr.push_back({{"username", u->username},
                     {"tenant", u->tenant},
                     {"display_name", u->display_name},
                     {"roles", id::role_names(u->roles)},
                     {"agent_id", u->agent_id},
                     {"queues", u->queues},
                     {"status", status_of(*u, now)},
                     {"sessions", live_sessions(*u, now)},
                     {"created", events::format_timestamp(u->created_ns)}});
    std::cout << arr.dump(2) << "\n";
    return;
  }
  if (users.empty()) {
    std::cout << (a.tenant_given ? "no user in tenant '" + a.tenant + "'" : "no user") << "\n";
    return;
  }
  std::printf("%-20s %-12s %-22s %-10s %-20s %-9s %s\n", "USER", "TENANT", "ROLES", "AGENT",
              "QUEUES", "SESSIONS", "STATUS");
  for (const auto* u : users) {
    auto roles = joined(id::role_names(u->roles));
    std::printf("%-20s %-12s %-22s %-10s %-20s %-9d %s\n", u->username.c_str(),
                u->tenant.empty() ? "(platform)" : u->tenant.c_str(), roles.c_str(),
                u->agent_id.empty() ? "-" : u->agent_id.c_str(), joined(u->queues).c_str(),
                live_sessions(*u, now), status_of(*u, now).c_str());
  }
}

void add_store_and_user(CLI::App* cmd, users_args& a) {
  cmd->add_option("--store", a.store, "The node's store directory (no node may have it open)")
      ->required();
  cmd->add_option("--user", a.user, "Username: 1-64 of a-z 0-9 . _ -")->required();
  cmd->add_option("--site", a.site,
                  "Site recorded on the events (default: the site of the store's newest event)");
}

} // namespace

void add_users_commands(CLI::App& app) {
  auto* users = app.add_subcommand(
      "users", "Accounts of the node API: add the first admin, list, reset a password, disable");
  users->require_subcommand(1);
  users->footer(
      "Example:\n  printf '%s\\n' 'a long pass phrase' | hotline users add --store var/north "
      "--user root \\\n      --tenant acme --role admin --password-stdin");
  auto a = std::make_shared<users_args>();

  auto* add = users->add_subcommand(
      "add", "Add a user (reads the password from stdin, or makes one and prints it once)");
  add_store_and_user(add, *a);
  add->add_option("--tenant", a->tenant, "The user's tenant (none: platform-wide, operator only)");
  add->add_option("--role", a->roles, "agent | supervisor | auditor | admin | operator (repeat)")
      ->required();
  add->add_option("--agent", a->agent, "The agent id this user acts as (role agent)");
  add->add_option("--queue", a->queues, "A queue the supervisor is given (repeat)");
  add->add_option("--display", a->display, "Display name");
  add->add_flag("--password-stdin", a->password_stdin,
                "Read the password from stdin (at least 12 characters)");
  add->footer("Example:\n  hotline users add --store var/north --user sam --tenant acme "
              "--role supervisor --queue sales");
  add->callback([a] { run_add(*a); });

  auto* list = users->add_subcommand("list", "List the users (reads beside a running node)");
  list->add_option("--store", a->store, "The node's store directory")->required();
  list->add_option("--tenant", a->tenant, "Only this tenant's users (\"\": platform-wide)")
      ->each([a](const std::string&) { a->tenant_given = true; });
  list->add_option("--format", a->format, "table | json")->capture_default_str();
  list->footer("Example:\n  hotline users list --store var/north --tenant acme --format json");
  list->callback([a] { run_list(*a); });

  auto* passwd =
      users->add_subcommand("passwd", "Set a user's password (stdin, or a new one printed once)");
  add_store_and_user(passwd, *a);
  passwd->add_flag("--password-stdin", a->password_stdin,
                   "Read the password from stdin (at least 12 characters)");
  passwd->footer("Example:\n  hotline users passwd --store var/north --user ann");
  passwd->callback([a] { run_passwd(*a); });

  auto* sip = users->add_subcommand(
      "sip-password",
      "Set the password a user's phone registers with (SIP digest; stdin, or a new one printed "
      "once)");
  add_store_and_user(sip, *a);
  sip->add_option("--realm", a->realm, "The node's [sip] realm")->capture_default_str();
  sip->add_flag("--password-stdin", a->password_stdin,
                "Read the SIP password from stdin (at least 12 characters)");
  sip->footer(
      "Example:\n  hotline users sip-password --store var/north --user ann --realm hotline");
  sip->callback([a] { run_sip_password(*a); });

  auto* disable = users->add_subcommand("disable", "Disable a user and close its sessions");
  add_store_and_user(disable, *a);
  disable->add_option("--reason", a->reason, "Why (recorded on user.disabled)")
      ->capture_default_str();
  disable->footer("Example:\n  hotline users disable --store var/north --user ann --reason left");
  disable->callback([a] { run_disable(*a, true); });

  auto* enable = users->add_subcommand("enable", "Enable a disabled user");
  add_store_and_user(enable, *a);
  enable->footer("Example:\n  hotline users enable --store var/north --user ann");
  enable->callback([a] { run_disable(*a, false); });
}

} // namespace hotline::cli
