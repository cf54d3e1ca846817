#include "actors/identity_actor.hpp"

#include <map>
#include <memory>

#include "actors/protocol.hpp"
#include "events/codec.hpp"
#include "events/identity/user_rules.hpp"
#include "events/variant_cast.hpp"

namespace hotline::actors {

namespace id = events::identity;
using projections::identity::account;
using projections::identity::directory;

events::status recover_directory(const ports::event_store& store, directory& into) {
  auto visited = store.visit_all(1, SIZE_MAX, [&](const events::recorded_event& rec) {
    if (events::stream_category(rec.stream) != id::stream_category_name) return events::status{};
    return into.apply(rec);
  });
  if (!visited) return visited.error();
  return {};
}

events::event_id user_correlation(const std::string& username) {
  return events::event_id::from_name("user-correlation/" + username);
}

namespace {

caf::message refused(std::string code, std::string detail) {
  return caf::make_message(refused_atom::value, std::move(code), std::move(detail));
}

struct identity_state {
  persistence p;
  directory dir;
  /// One log per user stream that this run appended to (made on first use).
  std::map<std::string, std::unique_ptr<entity_log>> logs;
  std::string last_failure; ///< why the newest failed append failed
  static inline const char* name = "identity";
};

using identity_actor_t = caf::stateful_actor<identity_state>;

/// Folds `username` from its stream into a fresh state.
events::result<account> fold_user(entity_log& log, const std::string& username) {
  account a = id::initial_state(username);
  auto st = log.recover([&](const events::event& e, std::int64_t at) {
    if (auto mine = events::narrow<id::event>(e)) a = id::evolve(std::move(a), *mine, at);
  });
  if (!st) return st;
  return a;
}

void reload_user(identity_actor_t* self, const std::string& username);

/// The log of `username`'s stream, recovered; the directory's account is
/// replaced by the stream's fold (they agree unless an append failed).
events::result<entity_log*> log_of(identity_actor_t* self, const std::string& username) {
  auto& st = self->state;
  if (auto it = st.logs.find(username); it != st.logs.end()) return it->second.get();
  auto log = std::make_unique<entity_log>(
      st.p, id::stream_name(username),
      [h = caf::actor_cast<caf::actor>(self)](std::function<void()> f) {
        caf::anon_send(h, deferred{std::move(f)});
      },
      [self, username](const events::status& failure) {
        // Runs in the actor (posted, or inside append in inline mode): the
        // log may be on the stack, so the reload comes as a message.
        self->state.last_failure = failure.message();
        self->send(self, deferred{[self, username] { reload_user(self, username); }});
      });
  auto folded = fold_user(*log, username);
  if (!folded) return folded.error();
  st.dir.replace(std::move(*folded));
  return st.logs.emplace(username, std::move(log)).first->second.get();
}

void reload_user(identity_actor_t* self, const std::string& username) {
  self->state.logs.erase(username);
  if (auto log = log_of(self, username); !log)
    self->quit(caf::make_error(caf::sec::runtime_error, log.error().message()));
}

/// The tenant scope of a command (see identity_actor.hpp), or its refusal.
std::optional<caf::message> out_of_scope(const account& a, const id::command& cmd,
                                         const std::string& tenant) {
  if (tenant.empty()) return std::nullopt;
  if (a.exists && a.tenant != tenant)
    return refused("no_such_user", "user " + a.username + " does not exist");
  if (const auto* c = std::get_if<id::create_user>(&cmd); c && c->tenant != tenant)
    return refused("no_such_tenant", "tenant '" + c->tenant + "' is not yours ('" + tenant + "')");
  return std::nullopt;
}

caf::message execute(identity_actor_t* self, const std::string& username, const id::command& cmd,
                     const events::principal& author, const std::string& tenant) {
  auto& st = self->state;
  if (auto r = id::check_username(username)) return refused(r->code, r->detail);
  // Decided first on the directory, so that commands that change nothing
  // (or are refused) make no log: unknown names cost no memory.
  for (int pass = 0;; ++pass) {
    const account* found = st.dir.find_user(username);
    const account current = found ? *found : id::initial_state(username);
    if (auto r = out_of_scope(current, cmd, tenant)) return *r;
    auto out = id::decide(cmd, current);
    if (!out) return refused(out.error().code, out.error().detail);
    if (out.events().empty()) return caf::make_message(caf::ok_atom::value);
    if (const auto* open = std::get_if<id::open_session>(&cmd)) {
      const account* owner = st.dir.session_owner(open->token_sha256);
      if (owner && owner->username != username)
        return refused("session_exists", "that session token belongs to another user");
    }
    if (pass == 0 && !st.logs.count(username)) {
      // First append of this run: recover the stream (it replaces the
      // directory's account) and decide again on what it holds.
      if (auto log = log_of(self, username); !log)
        return refused("store_failed", log.error().message());
      continue;
    }
    auto log = log_of(self, username);
    if (!log) return refused("store_failed", log.error().message());
    const auto at = id::command_time(cmd);
    account next = current;
    std::vector<events::event> wide;
    for (const auto& e : out.events()) {
      next = id::evolve(std::move(next), e, at);
      wide.push_back(events::widen<events::event>(e));
    }
    bool sequenced = false;
    st.last_failure.clear();
    (*log)->append(std::move(wide), at, next.tenant, author, user_correlation(username), [&] {
      sequenced = true;
      for (const auto& e : out.events())
        st.dir.apply(username, e, at);
    });
    if (!sequenced)
      return refused("store_failed", "the store refused the append to " +
                                         id::stream_name(username) +
                                         (st.last_failure.empty() ? "" : ": " + st.last_failure));
    return caf::make_message(caf::ok_atom::value);
  }
}

caf::behavior identity_actor(identity_actor_t* self, persistence p) {
  self->state.p = std::move(p);
  if (auto st = recover_directory(*self->state.p.store, self->state.dir); !st) {
    self->quit(caf::make_error(caf::sec::runtime_error, "identity: " + st.message()));
    return {};
  }
  return {
      [self](identity_cmd_atom, const std::string& username, const id::command& cmd,
             const events::principal& author, const std::string& tenant) -> caf::message {
        return execute(self, username, cmd, author, tenant);
      },
      [self](authenticate_atom, const std::string& token_sha256,
             std::int64_t now_ns) -> caf::message {
        if (auto who = self->state.dir.authenticate(token_sha256, now_ns))
          return caf::make_message(caf::ok_atom::value, std::move(*who));
        return refused("invalid_session", "no valid session for that token (unknown, closed, "
                                          "expired, or its user is disabled)");
      },
      [self](lookup_atom, const std::string& username) -> caf::message {
        if (const account* a = self->state.dir.find_user(username))
          return caf::make_message(caf::ok_atom::value, *a);
        return refused("no_such_user", "user " + username + " does not exist");
      },
      [self](list_atom, const std::string& tenant) {
        auto& dir = self->state.dir;
        std::vector<account> out;
        for (const account* a : tenant == "*" ? dir.all_users() : dir.users_of(tenant))
          out.push_back(*a);
        return out;
      },
      [](deferred& d) { d.run(); },
  };
}

} // namespace

caf::actor spawn_identity(caf::actor_system& sys, const persistence& p) {
  return sys.spawn(identity_actor, p);
}

} // namespace hotline::actors
