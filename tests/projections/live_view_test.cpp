// The live view: what a supervisor's seat shows now, folded from events.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "events/catalog.hpp"
#include "projections/live/live_view.hpp"
#include "tests/projections/event_builder.hpp"

using namespace hotline;
using namespace hotline::events;
using hotline::projections::live::agent_activity;
using hotline::projections::live::live_view;
using hotline::testing::at;
using hotline::testing::event_builder;

namespace {

center_definition small_center() {
  center_definition c;
  queue_definition q;
  q.id = "sales";
  q.tenant = "t1";
  q.sl_threshold_s = 20;
  c.queues.push_back(q);
  agent_definition a;
  a.id = "a1";
  a.tenant = "t1";
  a.queues = {"sales"};
  c.agents.push_back(a);
  return c;
}

live_view fold(const event_builder& b) {
  live_view v;
  v.define(small_center());
  for (const auto& e : b.events)
    REQUIRE(v.apply(e).is_ok());
  return v;
}

} // namespace

TEST_CASE("live view: the defined agents and queues are there before any event") {
  live_view v;
  v.define(small_center());
  REQUIRE(v.find_agent("a1"));
  CHECK(v.find_agent("a1")->activity == agent_activity::logged_out);
  CHECK(v.find_agent("a1")->queues == std::vector<std::string>{"sales"});
  REQUIRE(v.find_queue("sales"));
  CHECK(v.find_queue("sales")->service_level_ms == 20'000);
  CHECK(v.find_agent("nobody") == nullptr);
}

TEST_CASE("live view: an agent's station shows from its login until its logout") {
  event_builder b;
  b.agent("a1", 0, agent_logged_in{"a1", {"sales"}, "2001"});
  {
    auto v = fold(b);
    CHECK(v.find_agent("a1")->station == "2001");
    CHECK(live_view::to_json(*v.find_agent("a1"), at(1)).at("station") == "2001");
  }
  b.agent("a1", 5, agent_logged_out{"a1", "by_agent"});
  CHECK(fold(b).find_agent("a1")->station.empty());
}

TEST_CASE("live view: an agent's day, login to wrap-up, and the queue's counters") {
  event_builder b;
  b.agent("a1", 0, agent_logged_in{"a1", {"sales"}});
  b.agent("a1", 1, agent_ready{"a1"});
  b.call("c1", 10,
         call_arrived{"c1",
                      contact_channel::voice,
                      call_direction::inbound,
                      "+861",
                      "400",
                      "cust-1",
                      {{"order", "42"}},
                      "pstn"});
  b.call("c1", 10, call_queued{"c1", "sales", 0, 1, 0, "entry"});
  b.add("queue-sales", 10, queue_call_joined{"sales", "c1", 0, 1, "cust-1", "", 0, {}});
  {
    auto v = fold(b);
    CHECK(v.find_queue("sales")->waiting.size() == 1);
    CHECK(v.find_queue("sales")->oldest_wait_ms(at(15)) == 5'000);
    CHECK(v.find_call("c1")->state == "queued");
    CHECK(v.find_call("c1")->attached.at("order") == "42");
    CHECK(v.find_agent("a1")->activity == agent_activity::ready);
  }
  b.agent("a1", 12, agent_reserved{"a1", "c1", "sales", contact_channel::voice});
  b.call("c1", 12, call_offered{"c1", "sales", "a1", 1, 15'000, "longest_idle"});
  {
    auto v = fold(b);
    CHECK(v.find_agent("a1")->activity == agent_activity::ringing);
    CHECK(v.find_agent("a1")->call_id == "c1");
    CHECK(v.find_call("c1")->state == "ringing");
  }
  b.agent("a1", 14, agent_call_started{"a1", "c1", contact_channel::voice});
  b.call("c1", 14, call_connected{"c1", "sales", "a1", 4'000});
  b.agent("a1", 20, agent_call_held{"a1", "c1", true});
  {
    auto v = fold(b);
    CHECK(v.find_agent("a1")->activity == agent_activity::on_hold);
    CHECK(v.find_queue("sales")->waiting.empty());
    CHECK(v.find_queue("sales")->answered == 1);
    CHECK(v.find_queue("sales")->answered_in_sl == 1);
    CHECK(v.find_call("c1")->state == "talking");
  }
  b.agent("a1", 21, agent_call_held{"a1", "c1", false});
  b.agent("a1", 74, agent_call_ended{"a1", "c1", 10'000});
  b.call("c1", 74, call_ended{"c1", call_outcome::completed, "hung_up", "a1", "sales"});
  {
    auto v = fold(b);
    CHECK(v.find_agent("a1")->activity == agent_activity::wrap_up);
    CHECK(v.find_call("c1") == nullptr);
    CHECK(v.ended_by_outcome().at("completed") == 1);
    auto j = live_view::to_json(*v.find_queue("sales"), v, at(80));
    CHECK(j["asa_ms"] == 4'000);
    CHECK(j["service_level"] == 1.0);
    CHECK(j["agents"]["wrap_up"] == 1);
    // What a browser needs to go on folding from a snapshot (web/js/live.js).
    CHECK(j["service_level_ms"] == 20'000);
    CHECK(j["answered_in_sl"] == 1);
    CHECK(j["wait_ms_sum"] == 4'000);
    auto a = live_view::to_json(*v.find_agent("a1"), at(80));
    CHECK(a["wrap_up_ms"] == 10'000); // the desktop's wrap-up countdown
    CHECK(a["in_state_ms"] == 6'000);
    CHECK(a["presence"] == "ready"); // where it goes after the wrap-up
    CHECK(a["presence_reason"] == "");
  }
  b.agent("a1", 84, agent_wrap_up_ended{"a1", "c1"});
  auto v = fold(b);
  CHECK(v.find_agent("a1")->activity == agent_activity::ready); // ready underneath
  CHECK(v.find_agent("a1")->answered == 1);
  CHECK(v.position() == b.events.size());
}

TEST_CASE("live view: not ready underneath a call comes back after it, abandons count") {
  event_builder b;
  b.agent("a1", 0, agent_logged_in{"a1", {"sales"}});
  b.agent("a1", 1, agent_ready{"a1"});
  b.agent("a1", 2, agent_reserved{"a1", "c1", "sales", contact_channel::voice});
  b.agent("a1", 3, agent_not_ready{"a1", "lunch"});
  b.agent("a1", 4, agent_reservation_ended{"a1", "c1", "no_answer"});
  b.call("c2", 5, call_queued{"c2", "sales", 0, 1, 0, "entry"});
  b.add("queue-sales", 5, queue_call_joined{"sales", "c2", 0, 1, "", "", 0, {}});
  b.call("c2", 9, call_ended{"c2", call_outcome::abandoned, "caller_hung_up", "", "sales"});
  auto v = fold(b);
  CHECK(v.find_agent("a1")->activity == agent_activity::not_ready);
  CHECK(v.find_agent("a1")->reason == "lunch");
  CHECK(v.find_queue("sales")->abandoned == 1);
  CHECK(v.find_queue("sales")->waiting.empty());
  CHECK(v.ended_by_outcome().at("abandoned") == 1);
}

TEST_CASE("live view: a payload that does not decode is an error and changes nothing") {
  event_builder b;
  b.agent("a1", 0, agent_logged_in{"a1", {"sales"}});
  auto bad = b.events.back();
  bad.payload = std::string(12, '\xff');
  live_view v;
  v.define(small_center());
  CHECK_FALSE(v.apply(bad).is_ok());
  CHECK(v.find_agent("a1")->activity == agent_activity::logged_out);
}

TEST_CASE("live view: a free agent reserved before call.queued still shows the call's queue") {
  event_builder b;
  b.agent("a1", 0, agent_logged_in{"a1", {"sales"}});
  b.agent("a1", 1, agent_ready{"a1"});
  b.call("c1", 10,
         call_arrived{
             "c1", contact_channel::voice, call_direction::inbound, "+861", "400", "", {}, "pstn"});
  b.agent("a1", 10, agent_reserved{"a1", "c1", "sales", contact_channel::voice});
  auto v = fold(b);
  CHECK(v.find_call("c1")->queue == "sales");
  CHECK(v.find_agent("a1")->activity == agent_activity::ringing);
}

TEST_CASE("live view: a trunk group's channels, busy while seized") {
  event_builder b;
  b.add("trunk-pstn.1", 0, trunk_seized{"pstn", 1, "c1"});
  b.add("trunk-pstn.2", 1, trunk_seized{"pstn", 2, "c2"});
  CHECK(fold(b).trunks().at("pstn").busy.size() == 2);
  b.add("trunk-pstn.1", 2, trunk_released{"pstn", 1, "c1"});
  auto v = fold(b);
  REQUIRE(v.trunks().count("pstn") == 1);
  CHECK(v.trunks().at("pstn").busy == std::map<std::int32_t, std::string>{{2, "c2"}});
}

TEST_CASE("live view: a call queued at its queue's VIP priority is a VIP in the screen pop") {
  event_builder b;
  b.call("c1", 1, call_queued{"c1", "sales", 10, 1, 0, "entry"}); // vip_priority 10 (default)
  b.call("c2", 2, call_queued{"c2", "sales", 9, 2, 0, "entry"});
  b.call("c3", 3, call_queued{"c3", "nowhere", 50, 1, 0, "entry"}); // no such queue: not known
  auto v = fold(b);
  CHECK(v.find_call("c1")->vip);
  CHECK(live_view::to_json(*v.find_call("c1")).at("vip") == true);
  CHECK_FALSE(v.find_call("c2")->vip);
  CHECK_FALSE(v.find_call("c3")->vip);
}

TEST_CASE("live view: agents and queues created at runtime appear with their definition") {
  event_builder b;
  queue_defined vip;
  vip.queue_id = "vip";
  vip.tenant = "t1";
  vip.name = "VIP line";
  vip.service_level_ms = 15'000;
  b.add("config-north", 1, vip, principal::user("admin"));
  b.add("config-north", 2,
        agent_defined{"n1", "t1", "Wang Fang", {{"vip", 60}}, {"vip", "sales"}, false, -1},
        principal::user("admin"));
  auto v = fold(b);
  REQUIRE(v.find_queue("vip"));
  CHECK(v.find_queue("vip")->name == "VIP line");
  CHECK(v.find_queue("vip")->tenant == "t1");
  CHECK(v.find_queue("vip")->service_level_ms == 15'000);
  REQUIRE(v.find_agent("n1"));
  const auto& n1 = *v.find_agent("n1");
  CHECK(n1.tenant == "t1");
  CHECK(n1.name == "Wang Fang");
  CHECK(n1.activity == agent_activity::logged_out);
  CHECK(n1.skills == std::map<std::string, int>{{"vip", 60}});
  CHECK(n1.queues == std::vector<std::string>{"vip", "sales"});
  CHECK(n1.defined_queues == std::vector<std::string>{"vip", "sales"});
  // Then it lives like any other agent.
  b.agent("n1", 3, agent_logged_in{"n1", {"vip"}, ""});
  CHECK(fold(b).find_agent("n1")->queues == std::vector<std::string>{"vip"});
}

TEST_CASE("live view: a trunk group is down while its SIP peer is (trunk.peer_down until up)") {
  event_builder b;
  b.add("trunk-pstn.1", 0, trunk_seized{"pstn", 1, "c1"});
  CHECK(fold(b).trunks().at("pstn").up());
  b.add("trunk-pstn", 1, trunk_peer_down{"pstn", "192.0.2.1:5060", "timeout"});
  auto down = fold(b);
  CHECK_FALSE(down.trunks().at("pstn").up());
  CHECK(down.trunks().at("pstn").peers_down.at("192.0.2.1:5060") == "timeout");
  CHECK(down.trunks().at("pstn").busy.size() == 1); // the call on its line goes on
  b.add("trunk-pstn", 2, trunk_peer_up{"pstn", "192.0.2.1:5060"});
  CHECK(fold(b).trunks().at("pstn").up());
}

TEST_CASE("live view: the disposition of the call on an agent's desk shows until the desk clears") {
  event_builder b;
  b.agent("a1", 0, agent_logged_in{"a1", {"sales"}});
  b.agent("a1", 1, agent_ready{"a1"});
  b.agent("a1", 10, agent_reserved{"a1", "c1", "sales", contact_channel::voice});
  b.agent("a1", 12, agent_call_started{"a1", "c1", contact_channel::voice});
  b.agent("a1", 20, agent_disposition_set{"a1", "c1", "sale", "blue one"});
  b.agent("a1", 20, agent_disposition_set{"a1", "other", "ignored", "not on its desk"});
  auto v = fold(b);
  CHECK(v.find_agent("a1")->disposition == "sale");
  CHECK(v.find_agent("a1")->notes == "blue one");
  b.agent("a1", 30, agent_call_ended{"a1", "c1", 5'000});
  b.agent("a1", 31, agent_disposition_set{"a1", "c1", "no_sale", ""});
  v = fold(b);
  CHECK(v.find_agent("a1")->activity == agent_activity::wrap_up);
  auto j = live_view::to_json(*v.find_agent("a1"), at(32));
  CHECK(j["disposition"] == "no_sale");
  CHECK(j["notes"] == "");
  CHECK(j["call_id"] == "c1");
  b.agent("a1", 35, agent_wrap_up_ended{"a1", "c1"});
  v = fold(b);
  CHECK(v.find_agent("a1")->disposition.empty());
  // the next call starts with none
  b.agent("a1", 40, agent_reserved{"a1", "c2", "sales", contact_channel::voice});
  CHECK(fold(b).find_agent("a1")->disposition.empty());
}

TEST_CASE("live view: runtime settings change a queue's service level and a trunk group's "
          "channels") {
  event_builder b;
  queue_settings_changed s;
  s.queue = "sales";
  s.old_values = {{"sl_threshold_ms", 20'000}};
  s.new_values = {{"sl_threshold_ms", 5'000}};
  b.add("queue-sales", 0, s);
  b.add("trunkgroup-pstn", 1, trunk_channels_changed{"pstn", 30, 12, "maintenance"});
  auto v = fold(b);
  CHECK(v.find_queue("sales")->service_level_ms == 5'000);
  CHECK(v.trunks().at("pstn").channels == 12);
}

TEST_CASE(
    "live view: data an IVR session attached joins the call, and flows count their sessions") {
  event_builder b;
  call_arrived a;
  a.call_id = "c1";
  a.attached = {{"crm", "gold"}};
  b.call("c1", 0, a);
  ivr_entered in;
  in.session_id = "c1";
  in.call_id = "c1";
  in.flow = "orders";
  in.next = "main";
  b.add("ivr-c1", 0, in);
  ivr_entered in2 = in;
  in2.session_id = in2.call_id = "c2";
  b.add("ivr-c2", 1, in2);
  ivr_exited out;
  out.session_id = "c1";
  out.node = "agent";
  out.way = ivr_exit_way::queue;
  b.add("ivr-c1", 9, out);
  b.add("ivr-c1", 9, out); // folded twice: counted once
  b.call("c1", 9,
         call_data_attached{"c1", {{"order", "81001"}, {"crm", "platinum"}}, "ivr orders/agent"});
  auto v = fold(b);
  REQUIRE(v.find_call("c1"));
  CHECK(v.find_call("c1")->attached ==
        std::map<std::string, std::string>{{"crm", "platinum"}, {"order", "81001"}});
  const auto& f = v.ivr_flows().at("orders");
  CHECK(f.tenant == "t1");
  CHECK(f.entered == 2);
  CHECK(f.in_flow == 1);
  CHECK(f.exited == std::map<std::string, std::uint64_t>{{"queue", 1}});
}
