// A voicemail message (events/voicemail/voicemail.hpp), given / when /
// then: left once, listened to by anyone allowed (every play recorded),
// handled once; bad transitions are refused with a code the API maps.
#include <doctest/doctest.h>

#include "events/voicemail/voicemail.hpp"
#include "events/voicemail/voicemail_access.hpp"

using namespace hotline::events;
using namespace hotline::events::voicemail;

namespace {

voicemail::leave a_message() {
  return {"call-7",     "+8613800000000", "acme-billing",      "acme",
          "/vm/m1.wav", 12'500,           std::string(64, 'a')};
}

state given(const std::vector<voicemail::command>& commands) {
  auto s = initial_state("m1");
  for (const auto& c : commands) {
    auto out = decide(c, s);
    REQUIRE_MESSAGE(out.accepted(), out.error().detail);
    for (const auto& e : out.events())
      s = evolve(s, e);
  }
  return s;
}

} // namespace

TEST_CASE("voicemail: a message is left with its call, caller, mailbox, file, length and hash") {
  auto out = decide(a_message(), initial_state("m1"));
  REQUIRE(out.accepted());
  REQUIRE(out.events().size() == 1);
  const auto& left = std::get<voicemail_left>(out.events()[0]);
  CHECK(left.message_id == "m1");
  CHECK(left.call_id == "call-7");
  CHECK(left.mailbox == "acme-billing");
  CHECK(left.duration_ms == 12'500);
  auto s = evolve(initial_state("m1"), out.events()[0]);
  CHECK(s.at == phase::fresh);
  CHECK(std::string(to_string(s.at)) == "new");
  CHECK(stream_name("m1") == "voicemail-m1");
}

TEST_CASE("voicemail: leaving again is a no-op with the same file, refused with another") {
  auto s = given({a_message()});
  CHECK(decide(a_message(), s).events().empty());
  auto other = a_message();
  other.file = "/vm/other.wav";
  CHECK(decide(other, s).error().code == "already_left");
  auto bad = a_message();
  bad.sha256.clear();
  CHECK(decide(bad, initial_state("m1")).error().code == "invalid_argument");
}

TEST_CASE("voicemail: every play is recorded, before and after it is handled") {
  auto s = given({a_message(), listen{"sup1"}, listen{"agent3"}});
  CHECK(s.at == phase::listened);
  CHECK(s.listens == 2);
  s = given({a_message(), handle{"agent3", "called_back", "rang back at 10:02"}, listen{"audit"}});
  CHECK(s.at == phase::handled);
  CHECK(s.listens == 1);
  CHECK(is_terminal(s));
}

TEST_CASE("voicemail: handled once, by whom and how, then refused for another") {
  auto s = given({a_message(), handle{"agent3", "resolved", ""}});
  CHECK(s.handled_by == "agent3");
  CHECK(decide(handle{"agent3", "resolved", ""}, s).events().empty()); // a retry
  auto again = decide(handle{"sup1", "no_action", ""}, s);
  CHECK(again.error().code == "already_handled");
  CHECK(again.error().detail == "voicemail m1 was handled by agent3 (resolved)");
}

TEST_CASE("voicemail: listening to or handling a message never left is not_found") {
  CHECK(decide(listen{"sup1"}, initial_state("m9")).error().code == "not_found");
  CHECK(decide(handle{"sup1", "resolved", ""}, initial_state("m9")).error().code == "not_found");
}

TEST_CASE("voicemail: handling needs a user and one of the ways") {
  auto s = given({a_message()});
  CHECK(decide(handle{"", "resolved", ""}, s).error().code == "invalid_argument");
  auto bad = decide(handle{"sup1", "deleted", ""}, s);
  CHECK(bad.error().code == "invalid_argument");
  CHECK(bad.error().detail ==
        "'deleted' is not a way to handle a voicemail (called_back, resolved, no_action)");
  CHECK(decide(listen{""}, s).error().code == "invalid_argument");
}

TEST_CASE("voicemail: a message id becomes a file name inside the directory") {
  CHECK(file_name("m1") == "m1.wav");
  CHECK(file_name("../etc/passwd") == "_.._etc_passwd.wav");
  CHECK(file_name(".hidden") == "_.hidden.wav");
}

TEST_CASE("voicemail access: admin, the mailbox's supervisor and its agents, not others") {
  using hotline::events::identity::decision;
  using hotline::events::identity::principal_view;
  using hotline::events::identity::role;
  const auto as = [](role r, std::string tenant, std::vector<std::string> queues = {},
                     std::string agent = {}) {
    principal_view p;
    p.username = "u";
    p.tenant = std::move(tenant);
    p.roles = {r};
    p.queues = std::move(queues);
    p.agent_id = std::move(agent);
    return p;
  };
  CHECK(may_access(as(role::operator_, ""), "acme", "billing", {}) == decision::allow);
  CHECK(may_access(as(role::admin, "acme"), "acme", "billing", {}) == decision::allow);
  CHECK(may_access(as(role::admin, "globex"), "acme", "billing", {}) == decision::not_found);
  CHECK(may_access(as(role::supervisor, "acme", {"billing"}), "acme", "billing", {}) ==
        decision::allow);
  CHECK(may_access(as(role::supervisor, "acme", {"sales"}), "acme", "billing", {}) ==
        decision::forbidden);
  CHECK(may_access(as(role::agent, "acme", {}, "a1"), "acme", "billing", {"billing"}) ==
        decision::allow);
  CHECK(may_access(as(role::agent, "acme", {}, "a1"), "acme", "billing", {"sales"}) ==
        decision::forbidden);
  CHECK(may_access(as(role::auditor, "acme"), "acme", "billing", {}) == decision::forbidden);
}
