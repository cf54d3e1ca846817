// The directory of accounts (projections/identity/directory.hpp): a fold of
// the user streams; tokens resolve to principals while their session is
// valid.
#include <doctest/doctest.h>

#include "events/codec.hpp"
#include "events/identity/user.hpp"
#include "projections/identity/directory.hpp"

using namespace hotline;
using namespace hotline::events;
using namespace hotline::events::identity;
using hotline::projections::identity::account;
using hotline::projections::identity::directory;

namespace {

constexpr std::int64_t t0 = 1'795'392'000'000'000'000;
constexpr std::int64_t minute = 60'000'000'000;
const std::string tok1(64, '1');
const std::string tok2(64, '2');
const std::string tok3(64, '3');

/// A stored record of `username`'s stream, as the store gives it back.
recorded_event record(const std::string& username, std::uint64_t revision,
                      const hotline::events::event& e, std::int64_t at_ns) {
  const auto& codec = event_codec::standard();
  auto p = codec.propose(e, event_meta{{}, "site-1", "acme", at_ns, {}, {}, {}});
  recorded_event r;
  r.stream = stream_name(username);
  r.revision = revision;
  r.position = revision + 1;
  r.meta = p.meta;
  r.type = p.type;
  r.version = p.version;
  r.payload = p.payload;
  return r;
}

directory two_users() {
  directory d;
  d.apply("ann", user_created{"ann", "acme", "Ann", {"agent"}, "a1", {}, "$h1"}, t0);
  d.apply("ann", session_opened{"ann", tok1, session_kind::cookie, "firefox", t0 + 60 * minute},
          t0 + minute);
  d.apply("sam", user_created{"sam", "acme", "Sam", {"supervisor"}, "", {"sales"}, "$h2"}, t0);
  d.apply("ops", user_created{"ops", "", "Ops", {"operator"}, "", {}, "$h3"}, t0);
  return d;
}

} // namespace

TEST_CASE("directory: folds users by name and resolves a valid session to its principal") {
  auto d = two_users();
  CHECK(d.size() == 3);
  const auto* ann = d.find_user("ann");
  REQUIRE(ann);
  CHECK(ann->password_hash == "$h1");
  CHECK(d.find_user("nobody") == nullptr);
  auto p = d.authenticate(tok1, t0 + 2 * minute);
  REQUIRE(p);
  CHECK(p->username == "ann");
  CHECK(p->tenant == "acme");
  CHECK(p->roles == role_set{role::agent});
  CHECK(p->agent_id == "a1");
  CHECK_FALSE(d.authenticate(tok2, t0 + 2 * minute));
}

TEST_CASE("directory: a session stops authenticating when it expires or closes") {
  auto d = two_users();
  CHECK(d.authenticate(tok1, t0 + 60 * minute - 1));
  CHECK_FALSE(d.authenticate(tok1, t0 + 60 * minute)); // expired: no event needed
  d.apply("ann", session_closed{"ann", tok1, "logout"}, t0 + 2 * minute);
  CHECK_FALSE(d.authenticate(tok1, t0 + 3 * minute));
  CHECK(d.session_owner(tok1) == nullptr);
}

TEST_CASE("directory: disabling a user revokes its sessions at once, even unclosed ones") {
  auto d = two_users();
  d.apply("ann", session_opened{"ann", tok2, session_kind::bearer, "crm", t0 + 60 * minute},
          t0 + minute);
  // user.disabled alone (as a record older than the closing rule would be): no session is valid.
  d.apply("ann", user_disabled{"ann", "left"}, t0 + 2 * minute);
  CHECK_FALSE(d.authenticate(tok1, t0 + 3 * minute));
  CHECK_FALSE(d.authenticate(tok2, t0 + 3 * minute));
  d.apply("ann", user_enabled{"ann"}, t0 + 4 * minute);
  CHECK(d.authenticate(tok2, t0 + 5 * minute)); // never closed: valid again once enabled
}

TEST_CASE("directory: users of a tenant, platform users and all users, by name") {
  auto d = two_users();
  auto acme = d.users_of("acme");
  REQUIRE(acme.size() == 2);
  CHECK(acme[0]->username == "ann");
  CHECK(acme[1]->username == "sam");
  auto platform = d.users_of("");
  REQUIRE(platform.size() == 1);
  CHECK(platform[0]->username == "ops");
  CHECK(d.users_of("globex").empty());
  CHECK(d.all_users().size() == 3);
}

TEST_CASE("directory: stored records fold the same, other streams are skipped") {
  directory d;
  CHECK(d.apply(record("ann", 0, user_created{"ann", "acme", "", {"agent"}, "a1", {}, "$h"}, t0)));
  CHECK(d.apply(record("ann", 1,
                       session_opened{"ann", tok3, session_kind::cookie, "", t0 + 60 * minute},
                       t0 + minute)));
  // A call stream's event is not the directory's.
  const auto& codec = event_codec::standard();
  auto p = codec.propose(hotline::events::event{agent_ready{"a1"}}, {});
  recorded_event other{"agent-a1", 0, 3, p.meta, p.type, p.version, p.payload};
  CHECK(d.apply(other));
  CHECK(d.size() == 1);
  CHECK(d.authenticate(tok3, t0 + 2 * minute)->username == "ann");
}

TEST_CASE("directory: a user record that does not decode is an error naming stream and revision") {
  directory d;
  auto r = record("ann", 4, user_enabled{"ann"}, t0);
  r.payload = "\x01"; // truncated
  auto st = d.apply(r);
  REQUIRE_FALSE(st);
  CHECK(st.detail().find("user-ann revision 4") != std::string::npos);
}

TEST_CASE("directory: replace swaps a user whole and reindexes its sessions") {
  auto d = two_users();
  auto ann = *d.find_user("ann");
  ann.sessions.clear();
  ann.sessions[tok2] = session{session_kind::cookie, "", t0, t0 + 60 * minute};
  d.replace(ann);
  CHECK_FALSE(d.authenticate(tok1, t0 + minute));
  CHECK(d.authenticate(tok2, t0 + minute));
  account gone = initial_state("sam");
  d.replace(gone);
  CHECK(d.find_user("sam") == nullptr);
  CHECK(d.size() == 2);
}

TEST_CASE("directory: an event before user.created leaves no account behind") {
  directory d;
  d.apply("ghost", session_closed{"ghost", tok1, "logout"}, t0);
  CHECK(d.size() == 0);
  CHECK(d.find_user("ghost") == nullptr);
}
