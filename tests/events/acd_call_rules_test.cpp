// The call's rules outside its decider (events/acd/call_rules.hpp), given a
// configuration and a call, then what the call actor is told to do.
#include "acd_support.hpp"

#include <map>
#include <set>

#include "events/acd/call_rules.hpp"

using namespace acd_test;
using acd::overflow_decision;
using acd::wait_timer;

namespace {

hotline::events::tenant_definition tenant_with_vips(std::vector<std::string> vips) {
  hotline::events::tenant_definition t;
  t.id = "acme";
  t.vip_callers = std::move(vips);
  return t;
}

auto queues(std::set<std::string> ids) {
  return [ids = std::move(ids)](const std::string& id) { return ids.count(id) > 0; };
}

std::vector<std::string> described(const std::vector<wait_timer>& ts) {
  std::vector<std::string> out;
  for (const auto& t : ts)
    out.push_back(std::string{acd::to_string(t.what)} + "@" + std::to_string(t.after_ms) +
                  (t.step >= 0 ? "#" + std::to_string(t.step) : ""));
  return out;
}

} // namespace

TEST_CASE("priority_for: a VIP caller waits with the queue's VIP priority, never lower than the "
          "entry's") {
  auto q = make_queue("sales");
  q.vip_priority = 5;
  const auto t = tenant_with_vips({"+331"});
  CHECK(acd::priority_for(0, "+331", &t, q) == 5);
  CHECK(acd::priority_for(9, "+331", &t, q) == 9);      // the entry point's was higher
  CHECK(acd::priority_for(2, "+332", &t, q) == 2);      // not a VIP
  CHECK(acd::priority_for(2, "+331", nullptr, q) == 2); // no tenant, no VIP list
}

TEST_CASE("overflow_reason_of: the queue's refusals and the max-wait timer, in the words of "
          "call.overflowed") {
  CHECK(acd::overflow_reason_of("queue_full") == "max_length");
  CHECK(acd::overflow_reason_of("queue_empty") == "no_agents");
  CHECK(acd::overflow_reason_of("max_wait") == "max_wait");
  CHECK(acd::overflow_reason_of("unknown_queue") == "unknown_queue");
}

TEST_CASE("overflow_for: each action of the queue's overflow rule") {
  auto q = make_queue("sales");
  SUBCASE("to another configured queue") {
    q.overflow = hotline::events::overflow_action::queue;
    q.overflow_queue = "general";
    auto d = acd::overflow_for(q, true, queues({"sales", "general"}));
    CHECK(d.what == overflow_decision::kind::to_queue);
    CHECK(d.target == "general");
    // An unknown overflow queue, or the queue itself, refuses.
    CHECK(acd::overflow_for(q, true, queues({"sales"})).what == overflow_decision::kind::refuse);
    q.overflow_queue = "sales";
    CHECK(acd::overflow_for(q, true, queues({"sales"})).what == overflow_decision::kind::refuse);
  }
  SUBCASE("to voicemail, joined or not") {
    q.overflow = hotline::events::overflow_action::voicemail;
    CHECK(acd::overflow_for(q, false, queues({})).what == overflow_decision::kind::voicemail);
  }
  SUBCASE("a call back keeps the place a call has; a call refused at the door has none") {
    q.overflow = hotline::events::overflow_action::callback;
    CHECK(acd::overflow_for(q, true, queues({})).what == overflow_decision::kind::callback);
    CHECK(acd::overflow_for(q, false, queues({})).what == overflow_decision::kind::refuse);
  }
  SUBCASE("no overflow rule refuses") {
    q.overflow = hotline::events::overflow_action::none;
    CHECK(acd::overflow_for(q, true, queues({"sales"})).what == overflow_decision::kind::refuse);
  }
}

TEST_CASE("leg_ring_ms: a second leg rings for the queue's ring timeout, else 15 s") {
  auto q = make_queue("sales");
  q.ring_timeout_ms = 20'000;
  CHECK(acd::leg_ring_ms(&q) == 20'000);
  q.ring_timeout_ms = 0;
  CHECK(acd::leg_ring_ms(&q) == acd::default_leg_ring_ms);
  CHECK(acd::leg_ring_ms(nullptr) == 15'000);
}

TEST_CASE("callback_trunk_group: the call's own group if it places calls, else the queue's "
          "outbound group") {
  std::map<std::string, hotline::events::trunk_group_definition> groups;
  groups["in"].id = "in";
  groups["in"].direction = trunk_direction::inbound;
  groups["both"].id = "both";
  groups["both"].direction = trunk_direction::both;
  groups["out"].id = "out";
  groups["out"].direction = trunk_direction::outbound;
  const auto find = [&](const std::string& id) -> const hotline::events::trunk_group_definition* {
    auto it = groups.find(id);
    return it == groups.end() ? nullptr : &it->second;
  };
  auto q = make_queue("sales");
  q.outbound_trunk_group = "out";
  CHECK(acd::callback_trunk_group("both", &q, find)->id == "both");
  CHECK(acd::callback_trunk_group("in", &q, find)->id == "out");
  CHECK(acd::callback_trunk_group("", &q, find)->id == "out");
  q.outbound_trunk_group = "in"; // an outbound group that only takes calls is none
  CHECK(acd::callback_trunk_group("in", &q, find) == nullptr);
  CHECK(acd::callback_trunk_group("in", nullptr, find) == nullptr);
}

TEST_CASE("wait_timers: a new wait's timers, each from now") {
  auto q = make_queue("sales");
  q.max_wait_ms = 120'000;
  q.announce_every_ms = 45'000;
  q.callback_offer_after_ms = 60'000;
  q.widening = {{30'000, 1, {}}, {90'000, 1, {}}};
  CHECK(described(acd::wait_timers(q, 0, -1)) ==
        std::vector<std::string>{"max_wait@120000", "announce@45000", "offer_callback@60000",
                                 "widen@30000#0", "widen@90000#1"});
}

TEST_CASE("wait_timers: a call that keeps its wait (overflow, restart) counts from it, "
          "announcements do not") {
  auto q = make_queue("sales");
  q.max_wait_ms = 120'000;
  q.announce_every_ms = 45'000;
  q.callback_offer_after_ms = 60'000;
  q.widening = {{30'000, 1, {}}, {90'000, 1, {}}};
  // 70 s into the wait, step 0 applied: the call-back offer is past, step 1 in 20 s.
  CHECK(described(acd::wait_timers(q, 70'000, 0)) ==
        std::vector<std::string>{"max_wait@50000", "announce@45000", "widen@20000#1"});
  // Past every deadline: due at once.
  CHECK(described(acd::wait_timers(q, 200'000, -1)) ==
        std::vector<std::string>{"max_wait@0", "announce@45000", "widen@0#0", "widen@0#1"});
}

TEST_CASE("wait_timers: none the queue does not configure") {
  auto q = make_queue("sales");
  q.max_wait_ms = 0;
  q.announce_every_ms = 0;
  q.callback_offer_after_ms = 0;
  q.widening.clear();
  CHECK(acd::wait_timers(q, 0, -1).empty());
}

TEST_CASE(
    "check_transfer: a target the configuration does not know is refused before the call moves") {
  const auto qs = queues({"sales", "general"});
  const auto agents = [](const std::string& a) { return a == "a1"; };
  CHECK_FALSE(acd::check_transfer(transfer_target_kind::queue, "general", transfer_mode::blind,
                                  "sales", qs, agents));
  CHECK_FALSE(acd::check_transfer(transfer_target_kind::agent, "a1", transfer_mode::blind, "sales",
                                  qs, agents));
  CHECK_FALSE(acd::check_transfer(transfer_target_kind::agent, "a1", transfer_mode::consultative,
                                  "", qs, agents)); // no fallback needed
  CHECK_FALSE(acd::check_transfer(transfer_target_kind::external, "+331", transfer_mode::blind, "",
                                  qs, agents));
  auto no = acd::check_transfer(transfer_target_kind::queue, "sails", transfer_mode::blind, "sales",
                                qs, agents);
  CHECK(no.code == "unknown_target");
  CHECK(no.detail == "no queue 'sails' here");
  CHECK(acd::check_transfer(transfer_target_kind::agent, "a9", transfer_mode::blind, "sales", qs,
                            agents)
            .code == "unknown_target");
  CHECK(acd::check_transfer(transfer_target_kind::agent, "a1", transfer_mode::blind, "", qs, agents)
            .code == "no_fallback_queue");
  CHECK(acd::check_transfer(transfer_target_kind::agent, "a1", transfer_mode::blind, "gone", qs,
                            agents)
            .code == "no_fallback_queue");
}

TEST_CASE("transfer_fallback_queue: the request's queue, else the call's") {
  auto q = make_queue("sales");
  CHECK(acd::transfer_fallback_queue("general", &q) == "general");
  CHECK(acd::transfer_fallback_queue("", &q) == "sales");
  CHECK(acd::transfer_fallback_queue("", nullptr).empty());
}

TEST_CASE("check_conference: an agent here or an external number, nothing else") {
  const auto agents = [](const std::string& a) { return a == "a1"; };
  CHECK_FALSE(acd::check_conference("agent", "a1", agents));
  CHECK_FALSE(acd::check_conference("external", "+331", agents));
  CHECK(acd::check_conference("agent", "a9", agents).code == "unknown_target");
  CHECK(acd::check_conference("queue", "sales", agents).code == "invalid_argument");
}

TEST_CASE("check_supervisor: only an agent configured as a supervisor may supervise") {
  hotline::events::agent_definition sup;
  sup.id = "lead";
  sup.supervisor = true;
  hotline::events::agent_definition agent;
  agent.id = "a1";
  CHECK_FALSE(acd::check_supervisor("lead", &sup));
  CHECK(acd::check_supervisor("a1", &agent).code == "not_a_supervisor");
  CHECK(acd::check_supervisor("ghost", nullptr).detail == "ghost may not supervise calls");
}
