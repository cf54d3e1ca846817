// The trunk channel decider (events/acd/trunk_channel.hpp) and the generic
// outcome / variant helpers it is built on.
#include "acd_support.hpp"

#include "events/acd/acd.hpp" // the umbrella header compiles on its own terms
#include "events/acd/deciders.hpp"

#include "events/catalog.hpp"
#include "events/variant_cast.hpp"

using namespace acd_test;
namespace tr = hotline::events::acd::trunk;

namespace {
using trunk_subject = subject<trunk_ops>;
}

TEST_CASE("trunk: a free channel is seized by one call and released by it") {
  trunk_subject t{tr::initial_state("pstn", 3)};
  then_events(t.step(tr::seize{"c1", call_direction::inbound, t0}),
              {trunk_seized{"pstn", 3, "c1", call_direction::inbound}});
  CHECK(t.s.busy);
  CHECK(t.s.seized_at_ns == t0);
  then_nothing(t.when(tr::seize{"c1", call_direction::inbound, t0})); // a retried seize
  then_rejected(t.when(tr::seize{"c2", call_direction::inbound, t0}), "channel_busy");
  then_rejected(t.when(tr::release{"c2", t0}), "wrong_call");
  then_events(t.step(tr::release{"c1", t0 + sec}), {trunk_released{"pstn", 3, "c1"}});
  CHECK_FALSE(t.s.busy);
  then_nothing(t.when(tr::release{"c1", t0 + sec})); // a retried release
  then_rejected(t.when(tr::release{"c9", t0}), "not_seized");
  CHECK(t.s.seizures == 1);
}

TEST_CASE("trunk: directions are checked against the group's") {
  trunk_group_definition g;
  g.id = "in";
  g.channels = 2;
  g.direction = trunk_direction::inbound;
  trunk_subject t{tr::initial_state(g, 1)};
  then_rejected(t.when(tr::seize{"c1", call_direction::outbound, t0}), "direction_not_allowed");
  then_rejected(t.when(tr::seize{"c1", not_a_name<call_direction>(), t0}), "invalid_direction");
  then_types(t.when(tr::seize{"c1", call_direction::inbound, t0}), {"trunk.seized"});
}

TEST_CASE("trunk: the hunt picks the lowest free channel, all busy means blocked") {
  std::vector<tr::state> group;
  for (int n = 1; n <= 3; ++n)
    group.push_back(tr::initial_state("pstn", n));
  CHECK(tr::pick_free_channel(group, call_direction::inbound) == 1);
  group[0] = tr::evolve(group[0], trunk_seized{"pstn", 1, "c1", call_direction::inbound}, t0);
  group[2] = tr::evolve(group[2], trunk_seized{"pstn", 3, "c3", call_direction::inbound}, t0);
  CHECK(tr::pick_free_channel(group, call_direction::inbound) == 2);
  group[1] = tr::evolve(group[1], trunk_seized{"pstn", 2, "c2", call_direction::outbound}, t0);
  CHECK_FALSE(tr::pick_free_channel(group, call_direction::inbound).has_value());
  CHECK(to_wire(tr::blocked_outcome) == "blocked");
  CHECK(std::string{tr::all_channels_busy} == "all_channels_busy");
  group[2] = tr::evolve(group[2], trunk_released{"pstn", 3, "c3"}, t0);
  CHECK(tr::pick_free_channel(group, call_direction::outbound) == 3);
  CHECK(tr::pick_free_channel({}, call_direction::inbound) == std::nullopt);
}

TEST_CASE("trunk: stream name") {
  CHECK(tr::stream_name("pstn1", 3) == "trunk-pstn1.3");
}

TEST_CASE("outcome: accepted with events, accepted with nothing, or refused") {
  outcome<int> some{std::vector<int>{1, 2}};
  CHECK(some.accepted());
  CHECK(some.events().size() == 2);
  outcome<int> one{7};
  CHECK(one.events() == std::vector<int>{7});
  auto none = outcome<int>::nothing();
  CHECK(none.accepted());
  CHECK(none.events().empty());
  outcome<int> no{rejection{"not_offered", "call c1 is not offered to a2"}};
  CHECK_FALSE(no);
  CHECK(no.error() == rejection{"not_offered", "call c1 is not offered to a2"});
}

TEST_CASE("variant_cast: an aggregate's events widen to the catalog and narrow back") {
  acd::agent::event e = agent_ready{"a1"};
  event wide = widen<event>(e);
  REQUIRE(std::holds_alternative<agent_ready>(wide));
  auto back = narrow<acd::agent::event>(wide);
  REQUIRE(back.has_value());
  CHECK(std::get<agent_ready>(*back).agent_id == "a1");
  CHECK_FALSE(narrow<acd::agent::event>(event{call_held{"c1", "a1"}}).has_value());
  // Every aggregate's event list is part of the catalog (compile-time check).
  (void)widen<event>(acd::call::event{});
  (void)widen<event>(acd::queue::event{});
  (void)widen<event>(acd::trunk::event{});
}

TEST_CASE("deciders: one generic shape for the four aggregates") {
  using D = acd::agent_decider;
  auto s = acd::agent::initial_state(voice_agent("a1"));
  const D::command cmd = acd::agent::login{{}, true, t0 + 5};
  CHECK(acd::command_time(cmd) == t0 + 5);
  auto out = D::decide(cmd, s);
  REQUIRE(out.accepted());
  for (const auto& e : out.events())
    s = D::evolve(std::move(s), e, acd::command_time(cmd));
  CHECK(D::stream_of(s) == "agent-a1");
  CHECK_FALSE(D::is_terminal(s));
  // Recovery from the catalog form skips other aggregates' events.
  auto r = acd::agent::initial_state(voice_agent("a1"));
  for (const auto& e : std::vector<event>{agent_logged_in{"a1", {"sales"}}, call_held{"c1", "a1"},
                                          agent_ready{"a1"}})
    r = acd::fold_recorded<D>(std::move(r), e, t0 + 5);
  CHECK(r == s);
  CHECK(acd::call_decider::stream_of(acd::call::initial_state("9")) == "call-9");
  CHECK(acd::queue_decider::stream_of(acd::queue::initial_state(make_queue("q"))) == "queue-q");
  CHECK(acd::trunk_decider::stream_of(acd::trunk::initial_state("g", 2)) == "trunk-g.2");
}

// -- the group's peer health (events/acd/trunk_health.hpp) --

namespace th = hotline::events::acd::trunk_health;
namespace {
using health_subject = subject<hotline::events::acd::trunk_health_decider>;
}

TEST_CASE("trunk health: a peer goes down once and comes back up once") {
  health_subject h{th::initial_state("pstn")};
  CHECK(th::stream_name("pstn") == "trunk-pstn");
  CHECK(th::takes_outbound(h.s));
  then_nothing(h.when(th::mark_up{"192.0.2.1:5060", t0})); // up already
  then_events(h.step(th::mark_down{"192.0.2.1:5060", "timeout", t0}),
              {trunk_peer_down{"pstn", "192.0.2.1:5060", "timeout"}});
  CHECK_FALSE(th::takes_outbound(h.s));
  then_nothing(h.when(th::mark_down{"192.0.2.1:5060", "503 Service Unavailable", t0 + sec}));
  then_events(h.step(th::mark_up{"192.0.2.1:5060", t0 + 2 * sec}),
              {trunk_peer_up{"pstn", "192.0.2.1:5060"}});
  CHECK(th::takes_outbound(h.s));
}

TEST_CASE("trunk health: a mark without a peer, or down without a reason, is refused") {
  health_subject h{th::initial_state("pstn")};
  then_rejected(h.when(th::mark_down{"", "timeout", t0}), "invalid_argument");
  then_rejected(h.when(th::mark_down{"192.0.2.1:5060", "", t0}), "invalid_argument");
  then_rejected(h.when(th::mark_up{"", t0}), "invalid_argument");
}
