// The identity actor (actors/identity_actor.hpp) on the virtual clock with
// the in-memory store: accounts, sessions, throttling and recovery, as the
// API would see them through its messages.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/identity_actor.hpp"
#include "actors/ports/memory_event_store.hpp"
#include "actors/simulation_runtime.hpp"
#include "events/codec.hpp"
#include "events/identity/user_rules.hpp"

using namespace hotline;
using namespace hotline::actors;
namespace id = hotline::events::identity;
using hotline::projections::identity::account;

namespace {

constexpr std::int64_t t0 = 1'795'392'000'000'000'000;
constexpr std::int64_t sec = 1'000'000'000;
constexpr std::int64_t minute = 60 * sec;
const std::string tok1(64, 'a');
const std::string tok2(64, 'b');
const std::string hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";

/// What the identity actor answered to one message.
struct reply {
  bool ok = false;
  std::string code, detail;              ///< when refused
  std::optional<id::principal_view> who; ///< authenticate
  std::optional<account> user;           ///< lookup
  std::vector<account> users;            ///< list
  bool answered = false;
};

/// One node's identity actor over a store that outlives it (a restart is a
/// new fixture on the same store).
struct node {
  simulation_runtime rt{t0};
  ports::memory_event_store& store;
  persistence p;
  caf::actor identity;
  std::optional<caf::error> down; ///< why the identity actor stopped, if it did

  explicit node(ports::memory_event_store& s) : store(s), p{&s, &rt, "site-1", true} {
    identity = spawn_identity(rt.system(), p);
    auto watcher = rt.system().spawn([this](caf::event_based_actor* self) -> caf::behavior {
      self->monitor(identity);
      self->set_down_handler([this](caf::down_msg& m) { down = m.reason; });
      return {[](int) {}};
    });
    rt.run_pending();
    watcher_ = watcher;
  }
  ~node() {
    caf::anon_send_exit(identity, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(watcher_, caf::exit_reason::user_shutdown);
    rt.run_pending();
  }
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Sends `xs...` to the identity actor from a client and returns its answer.
  template <class... Ts> reply ask(Ts... xs) {
    reply r;
    auto client = rt.system().spawn([&](caf::event_based_actor* self) -> caf::behavior {
      self->send(identity, xs...);
      auto done = [&r, self] {
        r.answered = true;
        self->quit();
      };
      return {
          [&r, done](caf::ok_atom) {
            r.ok = true;
            done();
          },
          [&r, done](caf::ok_atom, const id::principal_view& who) {
            r.ok = true;
            r.who = who;
            done();
          },
          [&r, done](caf::ok_atom, const account& a) {
            r.ok = true;
            r.user = a;
            done();
          },
          [&r, done](const std::vector<account>& users) {
            r.ok = true;
            r.users = users;
            done();
          },
          [&r, done](refused_atom, const std::string& code, const std::string& detail) {
            r.code = code;
            r.detail = detail;
            done();
          },
      };
    });
    rt.run_pending();
    REQUIRE_MESSAGE(r.answered, "the identity actor did not answer");
    return r;
  }

  reply command(const std::string& user, id::command c, const std::string& tenant = "") {
    return ask(identity_cmd_atom::value, user, std::move(c), events::principal::system("test"),
               tenant);
  }
  reply authenticate(const std::string& token, std::int64_t now) {
    return ask(authenticate_atom::value, token, now);
  }

private:
  caf::actor watcher_;
};

id::create_user agent_ann() {
  return {"acme", "Ann", {id::role::agent}, "a1", {}, hash, t0};
}

std::vector<std::string> types(const ports::memory_event_store& s, const std::string& stream) {
  auto evs = s.read_stream(stream, 0, SIZE_MAX);
  REQUIRE(evs);
  std::vector<std::string> out;
  for (const auto& e : *evs)
    out.push_back(e.type);
  return out;
}

} // namespace

TEST_CASE("identity actor: create, open a session, authenticate, close it, then refused") {
  ports::memory_event_store store;
  node n{store};
  CHECK(n.command("ann", agent_ann()).ok);
  auto open = n.command("ann", id::open_session{tok1, events::session_kind::cookie, "firefox",
                                                t0 + 60 * minute, t0 + sec});
  CHECK(open.ok);
  auto who = n.authenticate(tok1, t0 + 2 * sec);
  REQUIRE(who.ok);
  CHECK(who.who->username == "ann");
  CHECK(who.who->tenant == "acme");
  CHECK(who.who->agent_id == "a1");
  CHECK(n.command("ann", id::close_session{tok1, "logout", t0 + 3 * sec}).ok);
  auto after = n.authenticate(tok1, t0 + 4 * sec);
  CHECK_FALSE(after.ok);
  CHECK(after.code == "invalid_session");
  CHECK(types(store, "user-ann") ==
        std::vector<std::string>{"user.created", "session.opened", "session.closed"});
  // The events carry the user's tenant and their author.
  auto evs = store.read_stream("user-ann", 0, SIZE_MAX);
  CHECK((*evs)[0].meta.tenant == "acme");
  CHECK((*evs)[0].meta.caused_by == events::principal::system("test"));
  CHECK((*evs)[1].meta.timestamp_ns == t0 + sec);
}

TEST_CASE("identity actor: rejections come back as refused with the decider's code") {
  ports::memory_event_store store;
  node n{store};
  CHECK(n.command("ann", agent_ann()).ok);
  auto again = n.command("ann", agent_ann());
  CHECK(again.code == "user_exists");
  CHECK(n.command("Bad Name", agent_ann()).code == "invalid_username");
  CHECK(
      n.command("bob", id::create_user{"acme", "", {id::role::operator_}, "", {}, hash, t0}).code ==
      "invalid_roles");
  CHECK(n.command("nobody", id::enable_user{t0}).code == "no_such_user");
  CHECK(n.authenticate(tok2, t0).code == "invalid_session");
  CHECK(types(store, "user-ann").size() == 1);
  CHECK(types(store, "user-nobody").empty());
}

TEST_CASE("identity actor: a tenant-scoped command cannot reach another tenant's user") {
  ports::memory_event_store store;
  node n{store};
  CHECK(n.command("ann", agent_ann(), "acme").ok);
  auto other = n.command("ann", id::disable_user{"x", t0 + sec}, "globex");
  CHECK(other.code == "no_such_user");
  auto create =
      n.command("gus", id::create_user{"acme", "", {id::role::admin}, "", {}, hash, t0}, "globex");
  CHECK(create.code == "no_such_tenant");
  CHECK(n.command("ann", id::disable_user{"left", t0 + sec}, "acme").ok);
}

TEST_CASE("identity actor: one token cannot be two users' session") {
  ports::memory_event_store store;
  node n{store};
  CHECK(n.command("ann", agent_ann()).ok);
  CHECK(n.command("bob", id::create_user{"acme", "", {id::role::auditor}, "", {}, hash, t0}).ok);
  CHECK(n.command("ann", id::open_session{tok1, events::session_kind::cookie, "", t0 + minute, t0})
            .ok);
  auto dup =
      n.command("bob", id::open_session{tok1, events::session_kind::cookie, "", t0 + minute, t0});
  CHECK(dup.code == "session_exists");
}

TEST_CASE("identity actor: disabling a user ends its sessions at once") {
  ports::memory_event_store store;
  node n{store};
  CHECK(n.command("ann", agent_ann()).ok);
  CHECK(n.command("ann",
                  id::open_session{tok1, events::session_kind::bearer, "crm", t0 + 60 * minute, t0})
            .ok);
  CHECK(n.authenticate(tok1, t0 + sec).ok);
  CHECK(n.command("ann", id::disable_user{"left", t0 + 2 * sec}).ok);
  CHECK(n.authenticate(tok1, t0 + 3 * sec).code == "invalid_session");
  CHECK(types(store, "user-ann") == std::vector<std::string>{"user.created", "session.opened",
                                                             "user.disabled", "session.closed"});
}

TEST_CASE("identity actor: a restart on the same store recovers users and sessions") {
  ports::memory_event_store store;
  {
    node n{store};
    CHECK(n.command("ann", agent_ann()).ok);
    CHECK(n.command("ops", id::create_user{"", "Ops", {id::role::operator_}, "", {}, hash, t0}).ok);
    CHECK(n.command("ann",
                    id::open_session{tok1, events::session_kind::cookie, "", t0 + 60 * minute, t0})
              .ok);
    CHECK(n.command("ann",
                    id::open_session{tok2, events::session_kind::cookie, "", t0 + 60 * minute, t0})
              .ok);
    CHECK(n.command("ann", id::close_session{tok2, "logout", t0 + sec}).ok);
  }
  node again{store};
  CHECK_FALSE(again.down);
  CHECK(again.authenticate(tok1, t0 + 2 * sec).who->username == "ann");
  CHECK_FALSE(again.authenticate(tok2, t0 + 2 * sec).ok);
  auto ann = again.ask(lookup_atom::value, std::string{"ann"});
  REQUIRE(ann.user);
  CHECK(ann.user->password_hash == hash);
  CHECK(ann.user->roles == id::role_set{id::role::agent});
  CHECK(again.ask(lookup_atom::value, std::string{"zed"}).code == "no_such_user");
  // The restarted actor appends after what the first one wrote.
  CHECK(again.command("ann", id::close_all_sessions{"revoked", t0 + 3 * sec}).ok);
  CHECK(types(store, "user-ann").size() == 5);
  CHECK_FALSE(again.authenticate(tok1, t0 + 4 * sec).ok);
  // Listing: by tenant, the platform users, everybody.
  auto acme = again.ask(list_atom::value, std::string{"acme"});
  REQUIRE(acme.users.size() == 1);
  CHECK(acme.users[0].username == "ann");
  CHECK(again.ask(list_atom::value, std::string{""}).users.at(0).username == "ops");
  CHECK(again.ask(list_atom::value, std::string{"*"}).users.size() == 2);
  CHECK(again.ask(list_atom::value, std::string{"globex"}).users.empty());
}

TEST_CASE("identity actor: five failed logins lock the account, and the lock survives a restart") {
  ports::memory_event_store store;
  {
    node n{store};
    CHECK(n.command("ann", agent_ann()).ok);
    for (int i = 0; i < 5; ++i)
      CHECK(n.command("ann", id::record_login_failure{"10.1.2.3", t0 + i * sec}).ok);
    auto ann = n.ask(lookup_atom::value, std::string{"ann"});
    REQUIRE(ann.user);
    CHECK(ann.user->locked_until_ns == t0 + 4 * sec + id::login_lock_ns);
    auto open = n.command("ann", id::open_session{tok1, events::session_kind::cookie, "",
                                                  t0 + 60 * minute, t0 + 5 * sec});
    CHECK(open.code == "login_locked");
  }
  CHECK(types(store, "user-ann").back() == "login.locked");
  node again{store};
  auto ann = again.ask(lookup_atom::value, std::string{"ann"});
  REQUIRE(ann.user);
  CHECK(ann.user->locked_until_ns == t0 + 4 * sec + id::login_lock_ns);
  CHECK(again
            .command("ann", id::open_session{tok1, events::session_kind::cookie, "",
                                             t0 + 60 * minute, t0 + 4 * sec + id::login_lock_ns})
            .ok);
}

/// The in-memory store, except that appends fail while `broken` is set (a
/// full disk, say).
struct breakable_store final : ports::event_store {
  ports::memory_event_store inner;
  bool broken = false;
  void append_async(std::string stream, ports::expected_revision expected,
                    std::vector<events::proposed_event> evs, ports::append_callback done) override {
    if (broken) return done(events::status{events::errc::io_error, "disk full"});
    inner.append_async(std::move(stream), expected, std::move(evs), std::move(done));
  }
  events::result<std::vector<events::recorded_event>>
  read_stream(std::string_view stream, std::uint64_t from, std::size_t max) const override {
    return inner.read_stream(stream, from, max);
  }
  events::result<std::vector<events::recorded_event>> read_all(std::uint64_t from,
                                                               std::size_t max) const override {
    return inner.read_all(from, max);
  }
  events::result<std::optional<std::uint64_t>>
  stream_revision(std::string_view stream) const override {
    return inner.stream_revision(stream);
  }
  std::uint64_t head_position() const override { return inner.head_position(); }
  std::uint64_t wait_for_append(std::uint64_t after,
                                std::chrono::milliseconds timeout) const override {
    return inner.wait_for_append(after, timeout);
  }
  events::status put_checkpoint(std::string_view name, std::uint64_t position) override {
    return inner.put_checkpoint(name, position);
  }
  events::result<std::optional<std::uint64_t>>
  get_checkpoint(std::string_view name) const override {
    return inner.get_checkpoint(name);
  }
};

TEST_CASE("identity actor: an append the store refuses is store_failed and changes nothing") {
  breakable_store store;
  simulation_runtime rt{t0};
  persistence p{&store, &rt, "site-1", true};
  auto identity = spawn_identity(rt.system(), p);
  reply r;
  auto ask = [&](auto... xs) {
    r = {};
    auto client = rt.system().spawn([&, xs...](caf::event_based_actor* self) -> caf::behavior {
      self->send(identity, xs...);
      return {
          [&, self](caf::ok_atom) {
            r.ok = r.answered = true;
            self->quit();
          },
          [&, self](caf::ok_atom, const id::principal_view&) {
            r.ok = r.answered = true;
            self->quit();
          },
          [&, self](refused_atom, const std::string& code, const std::string& detail) {
            r.code = code;
            r.detail = detail;
            r.answered = true;
            self->quit();
          },
      };
    });
    rt.run_pending();
    REQUIRE(r.answered);
  };
  const auto author = events::principal::system("test");
  ask(identity_cmd_atom::value, std::string{"ann"}, id::command{agent_ann()}, author,
      std::string{});
  REQUIRE(r.ok);
  store.broken = true;
  ask(identity_cmd_atom::value, std::string{"ann"},
      id::command{id::open_session{tok1, events::session_kind::cookie, "", t0 + minute, t0}},
      author, std::string{});
  CHECK(r.code == "store_failed");
  CHECK(r.detail.find("disk full") != std::string::npos);
  ask(authenticate_atom::value, tok1, t0 + sec);
  CHECK(r.code == "invalid_session"); // the directory did not take the lost session
  store.broken = false;
  ask(identity_cmd_atom::value, std::string{"ann"},
      id::command{id::open_session{tok1, events::session_kind::cookie, "", t0 + minute, t0}},
      author, std::string{});
  CHECK(r.ok); // the user was folded again and appends at the right revision
  ask(authenticate_atom::value, tok1, t0 + sec);
  CHECK(r.ok);
  caf::anon_send_exit(identity, caf::exit_reason::user_shutdown);
  rt.run_pending();
}

TEST_CASE("identity actor: a user stream it cannot read stops it with the stream named") {
  ports::memory_event_store store;
  events::proposed_event bad;
  bad.meta.id = events::event_id::from_name("bad");
  bad.meta.timestamp_ns = t0;
  bad.type = "user.created";
  bad.version = 1;
  bad.payload = "\x01";
  REQUIRE(store.append("user-ann", ports::expected_revision::no_stream(), {bad}));
  node n{store};
  REQUIRE(n.down);
  CHECK(caf::to_string(*n.down).find("user-ann") != std::string::npos);
}
