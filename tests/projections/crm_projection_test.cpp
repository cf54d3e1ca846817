// The CRM view: profiles built from calls, as a screen pop would show them.
#include <doctest/doctest.h>

#include "projections/crm/crm_projection.hpp"
#include "tests/projections/event_builder.hpp"

using namespace hotline;
using namespace hotline::events;
using namespace hotline::projections::crm;
using hotline::testing::event_builder;

namespace {

/// A call from `caller` (customer `customer`) answered by `agent` after
/// `wait` s, talking `talk` s of which `hold` s on hold.
void answered_call(event_builder& b, const std::string& id, double t, const std::string& caller,
                   const std::string& customer, const std::string& agent, double wait, double talk,
                   double hold = 0, std::map<std::string, std::string> attached = {}) {
  call_arrived a;
  a.call_id = id;
  a.caller = caller;
  a.customer_id = customer;
  a.attached = std::move(attached);
  b.call(id, t, a);
  b.call(id, t + 1, call_queued{id, "sales", 0, 1, 0, "entry"});
  b.call(id, t + 1 + wait, call_connected{id, "sales", agent, 0});
  if (hold > 0) {
    b.call(id, t + 2 + wait, call_held{id, agent});
    b.call(id, t + 2 + wait + hold, call_resumed{id, agent});
  }
  b.call(id, t + 1 + wait + talk + hold,
         call_ended{id, call_outcome::completed, "agent_hangup", agent, "sales"});
}

event_builder history() {
  event_builder b;
  answered_call(b, "c1", 0, "+8613900000001", "cust-1", "a1", 10, 50, 10, {{"order", "SO-17"}});
  answered_call(b, "c2", 1000, "+8613900000001", "cust-1", "a1", 5, 30);
  answered_call(b, "c3", 2000, "+8613900000002", "cust-1", "a2", 5, 30, 0, {{"vip", "true"}});
  // an unidentified caller who hangs up in the queue
  call_arrived x;
  x.call_id = "c4";
  x.caller = "+8613700000009";
  b.call("c4", 3000, x);
  b.call("c4", 3001, call_queued{"c4", "sales", 0, 1, 0, "entry"});
  b.call("c4", 3031, call_ended{"c4", call_outcome::abandoned, "caller_hangup", "", "sales"});
  return b;
}

crm_projection fold(const event_builder& b) {
  crm_projection p;
  for (const auto& e : b.events)
    REQUIRE(p.apply(e).is_ok());
  return p;
}

} // namespace

TEST_CASE("crm: a customer's profile holds every interaction with its times and data") {
  auto p = fold(history());
  const auto* c = p.find_customer("t1", "cust-1");
  REQUIRE(c != nullptr);
  REQUIRE(c->interactions.size() == 3);
  const auto& first = c->interactions[0];
  CHECK(first.call_id == "c1");
  CHECK(first.time_ns == testing::at(0));
  CHECK(first.channel == "voice");
  CHECK(first.queue == "sales");
  CHECK(first.agent == "a1");
  CHECK(first.wait_ms == 10'000);
  CHECK(first.talk_ms == 50'000);
  CHECK(first.hold_ms == 10'000);
  CHECK(first.outcome == "completed");
  CHECK(first.attached.at("order") == "SO-17");
  CHECK(c->numbers == std::vector<std::string>{"+8613900000001", "+8613900000002"});
  CHECK(c->contacts == 3);
}

TEST_CASE("crm: returning customers, VIP, last and familiar agent") {
  auto p = fold(history());
  const auto* c = p.find_customer("t1", "cust-1");
  REQUIRE(c != nullptr);
  CHECK_FALSE(c->interactions[0].returning);
  CHECK(c->interactions[1].returning);
  CHECK(c->returning());
  CHECK(c->vip); // the third call carried vip=true
  CHECK(c->last_agent == "a2");
  CHECK(c->familiar_agent() == "a1"); // two calls against one
  auto j = to_json(*c);
  CHECK(j["open_tickets"] == nlohmann::json::array());
  CHECK(j["familiar_agent"] == "a1");
  CHECK(j["returning"] == true);
}

TEST_CASE("crm: lookup by calling number, also for callers without a customer id") {
  auto p = fold(history());
  const auto* by_number = p.find_caller("t1", "+8613900000002");
  REQUIRE(by_number != nullptr);
  CHECK(by_number->key == "cust-1");
  const auto* anon = p.find_caller("t1", "+8613700000009");
  REQUIRE(anon != nullptr);
  CHECK(anon->key == "caller:+8613700000009");
  CHECK_FALSE(anon->returning());
  CHECK(anon->interactions.at(0).outcome == "abandoned");
  CHECK(anon->interactions.at(0).wait_ms == 30'000);
  CHECK(anon->last_agent.empty());
  CHECK(p.find_caller("t1", "+0000") == nullptr);
}

TEST_CASE("crm: rows restored into a fresh projection give the same profiles and bytes") {
  auto b = history();
  std::map<std::string, std::string> whole, pieces;
  {
    auto p = fold(b);
    projections::view_changes ch;
    p.collect(ch);
    testing::apply_changes(whole, ch);
  }
  for (std::size_t from = 0; from < b.events.size(); from += 5) {
    crm_projection p;
    for (const auto& [k, v] : pieces)
      REQUIRE(p.restore(k, v).is_ok());
    for (std::size_t i = from; i < std::min(b.events.size(), from + 5); ++i)
      REQUIRE(p.apply(b.events[i]).is_ok());
    projections::view_changes ch;
    p.collect(ch);
    testing::apply_changes(pieces, ch);
  }
  CHECK(pieces == whole);
  auto stored = profile_from_json(nlohmann::json::parse(whole.at("crm/customer/t1/cust-1")));
  REQUIRE(stored.has_value());
  CHECK(*stored == *fold(b).find_customer("t1", "cust-1"));
  CHECK(whole.at("crm/caller/t1/+8613900000002") == "t1/cust-1");
}

TEST_CASE("crm: a call that moved between sites is one interaction, where it was handled") {
  using namespace hotline::events;
  hotline::testing::event_builder north, south;
  north.site = "north";
  south.site = "south";
  north.call(
      "c1", 1,
      call_arrived{
          "c1", contact_channel::voice, call_direction::inbound, "+86", "4001", "cust-1", {}, ""});
  north.call("c1", 2, call_queued{"c1", "sales", 0, 3, 60'000, "entry"});
  north.call("c1", 3, call_interflowed{"c1", "sales", "south", "o1", "s1"});
  north.call("c1", 3.1,
             call_ended{"c1", call_outcome::interflowed, "landed at site south", "", "sales"});
  south.call("c1", 3.05,
             call_arrived{"c1",
                          contact_channel::voice,
                          call_direction::inbound,
                          "+86",
                          "4001",
                          "cust-1",
                          {{"interflow.origin", "north"}},
                          ""});
  south.call("c1", 3.06, call_queued{"c1", "sales", 0, 1, 0, "interflow from site north"});
  south.call("c1", 5, call_connected{"c1", "sales", "s1", 1'940});
  south.call("c1", 65, call_ended{"c1", call_outcome::completed, "caller_hangup", "s1", "sales"});
  hotline::projections::crm::crm_projection p;
  for (const auto& e : south.events)
    REQUIRE(p.apply(e).is_ok());
  for (const auto& e : north.events)
    REQUIRE(p.apply(e).is_ok());
  const auto* prof = p.find_customer("t1", "cust-1");
  REQUIRE(prof != nullptr);
  REQUIRE(prof->interactions.size() == 1);
  CHECK(prof->interactions[0].call_id == "c1");
  CHECK(prof->interactions[0].site == "south");
  CHECK(prof->interactions[0].outcome == "completed");
  CHECK(prof->interactions[0].attached.at("interflow.origin") == "north");
  CHECK(prof->last_agent == "s1");
}

TEST_CASE("crm: a customer is per tenant: two tenants' cust-950 are two profiles, each with its "
          "own familiar agent") {
  event_builder acme, globex;
  acme.tenant = "acme";
  globex.tenant = "globex";
  answered_call(acme, "a1", 0, "+100", "cust-950", "ann", 5, 30);
  answered_call(globex, "g1", 100, "+100", "cust-950", "gus", 5, 30);
  answered_call(globex, "g2", 200, "+100", "cust-950", "gus", 5, 30);
  std::vector<recorded_event> all;
  for (const auto* b : {&acme, &globex})
    all.insert(all.end(), b->events.begin(), b->events.end());
  std::stable_sort(all.begin(), all.end(), [](const auto& x, const auto& y) {
    return x.meta.timestamp_ns < y.meta.timestamp_ns;
  });
  crm_projection p;
  for (const auto& e : all)
    REQUIRE(p.apply(e).is_ok());

  const auto* a = p.find_customer("acme", "cust-950");
  const auto* g = p.find_customer("globex", "cust-950");
  REQUIRE(a != nullptr);
  REQUIRE(g != nullptr);
  CHECK(a->tenant == "acme");
  CHECK(a->contacts == 1);
  CHECK(g->contacts == 2);
  for (const auto& i : a->interactions)
    CHECK(i.tenant == "acme");
  for (const auto& i : g->interactions)
    CHECK(i.tenant == "globex");
  CHECK(a->familiar_agent() == "ann"); // merged with globex's calls it was gus (2 calls to 1)
  CHECK(g->familiar_agent() == "gus");
  CHECK_FALSE(g->interactions.front().returning); // globex never saw this customer before
  CHECK(p.find_customer("", "cust-950") == nullptr);
  CHECK(p.tenants_of_customer("cust-950") == std::vector<std::string>{"acme", "globex"});
  CHECK(p.tenants_of_caller("+100") == std::vector<std::string>{"acme", "globex"});
  CHECK(p.find_caller("globex", "+100") == g);

  projections::view_changes ch;
  p.collect(ch);
  std::map<std::string, std::string> rows;
  testing::apply_changes(rows, ch);
  CHECK(rows.at("crm/tenants/customer/cust-950") == "acme\nglobex\n");
  crm_projection restored;
  for (const auto& [k, v] : rows)
    REQUIRE(restored.restore(k, v).is_ok());
  CHECK(restored.tenants_of_customer("cust-950") == std::vector<std::string>{"acme", "globex"});
  REQUIRE(restored.find_customer("globex", "cust-950") != nullptr);
  CHECK(*restored.find_customer("globex", "cust-950") == *g);
}

namespace {

/// c1 answered by a1, a disposition while talking, the call ends into
/// after-call work, the disposition changed during it, the wrap-up ends,
/// and a late one (refused by the agent's decider in a node; here: ignored).
event_builder disposition_history() {
  event_builder b;
  call_arrived a;
  a.call_id = "c1";
  a.caller = "+8613900000001";
  a.customer_id = "cust-1";
  b.call("c1", 0, a);
  b.call("c1", 1, call_queued{"c1", "sales", 0, 1, 0, "entry"});
  b.call("c1", 5, call_connected{"c1", "sales", "a1", 4000});
  b.agent("a1", 5, agent_call_started{"a1", "c1", contact_channel::voice});
  b.agent("a1", 20, agent_disposition_set{"a1", "c1", "sale", "first try"});
  b.call("c1", 60, call_ended{"c1", call_outcome::completed, "agent_hangup", "a1", "sales"});
  b.agent("a1", 60, agent_call_ended{"a1", "c1", 10'000});
  b.agent("a1", 65, agent_disposition_set{"a1", "c1", "no_sale", "changed mind\nline two"});
  b.agent("a1", 70, agent_wrap_up_ended{"a1", "c1"});
  b.agent("a1", 71, agent_disposition_set{"a1", "c1", "late", "too late"});
  // c2: answered, ended without after-call work (the agent's desk let it go first)
  call_arrived a2;
  a2.call_id = "c2";
  a2.caller = "+8613900000001";
  a2.customer_id = "cust-1";
  b.call("c2", 100, a2);
  b.call("c2", 101, call_connected{"c2", "", "a1", 0});
  b.agent("a1", 150, agent_call_ended{"a1", "c2", 0});
  b.call("c2", 150, call_ended{"c2", call_outcome::completed, "caller_hangup", "a1", "sales"});
  b.agent("a1", 151, agent_disposition_set{"a1", "c2", "sale", "after the desk"});
  return b;
}

} // namespace

TEST_CASE("crm: the disposition and notes of a call land in the customer's history, also from "
          "after-call work, until the wrap-up ends") {
  auto b = disposition_history();
  auto p = fold(b);
  const auto* prof = p.find_customer("t1", "cust-1");
  REQUIRE(prof != nullptr);
  REQUIRE(prof->interactions.size() == 2);
  const auto& first = prof->interactions[0];
  CHECK(first.call_id == "c1");
  CHECK(first.disposition == "no_sale"); // the newest, set in after-call work
  CHECK(first.notes == "changed mind\nline two");
  CHECK(prof->interactions[1].disposition.empty()); // set after its desk let it go
  auto j = to_json(*prof);
  CHECK(j["interactions"][0]["disposition"] == "no_sale");
  CHECK(j["interactions"][0]["notes"] == "changed mind\nline two");
  // the link of the call to its customer is gone with the wrap-up
  projections::view_changes ch;
  p.collect(ch);
  std::map<std::string, std::string> rows;
  testing::apply_changes(rows, ch);
  CHECK(rows.count("crm/after_call/site-a/c1") == 0);
  CHECK(rows.count("crm/after_call/site-a/c2") == 0);
}

TEST_CASE("crm: dispositions restored piecewise give the same rows as one fold") {
  auto b = disposition_history();
  std::map<std::string, std::string> whole;
  {
    auto p = fold(b);
    projections::view_changes ch;
    p.collect(ch);
    testing::apply_changes(whole, ch);
  }
  for (std::size_t step : {1u, 2u, 3u, 7u}) {
    CAPTURE(step);
    std::map<std::string, std::string> pieces;
    for (std::size_t from = 0; from < b.events.size(); from += step) {
      crm_projection p;
      for (const auto& [k, v] : pieces)
        REQUIRE(p.restore(k, v).is_ok());
      for (std::size_t i = from; i < std::min(b.events.size(), from + step); ++i)
        REQUIRE(p.apply(b.events[i]).is_ok());
      projections::view_changes ch;
      p.collect(ch);
      testing::apply_changes(pieces, ch);
      const auto done = from + step; // events applied so far
      if (done >= 6 && done <= 8)    // between the call's end and the wrap-up's: the link is a row
        CHECK(pieces.count("crm/after_call/site-a/c1") == 1);
    }
    CHECK(pieces == whole);
  }
}

TEST_CASE("crm: a profile row written before dispositions existed reads with none") {
  auto b = disposition_history();
  auto p = fold(b);
  auto j = to_json(*p.find_customer("t1", "cust-1"));
  for (auto& i : j["interactions"]) {
    i.erase("disposition");
    i.erase("notes");
  }
  auto back = profile_from_json(j);
  REQUIRE(back.has_value());
  CHECK(back->interactions[0].disposition.empty());
}
