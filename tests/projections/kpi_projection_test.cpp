// The KPI fold: given events, the numbers a supervisor would read.
#include <doctest/doctest.h>

#include "projections/kpi/kpi_projection.hpp"
#include "projections/kpi/kpi_report.hpp"
#include "tests/projections/event_builder.hpp"
#include "tests/projections/kpi_fold.hpp"

using namespace hotline;
using namespace hotline::events;
using namespace hotline::projections::kpi;
using hotline::testing::event_builder;
using hotline::testing::fold_kpi;

namespace {

call_arrived arrival(const std::string& id, const std::string& customer = {}) {
  call_arrived a;
  a.call_id = id;
  a.caller = "+86100" + id;
  a.customer_id = customer;
  return a;
}

call_queued queued(const std::string& id, const std::string& q = "sales") {
  return {id, q, 0, 1, 0, "entry"};
}

call_ended ended(const std::string& id, call_outcome outcome, const std::string& agent = {}) {
  return {id, outcome, "", agent, "sales"};
}

/// One 15-minute interval of a small center; expected numbers worked out by
/// hand in the comments.
event_builder scenario() {
  event_builder b;
  b.agent("a1", 0, agent_logged_in{"a1", {"sales"}});
  b.agent("a1", 0, agent_ready{"a1"});
  b.agent("a2", 0, agent_logged_in{"a2", {"sales"}});
  b.agent("a2", 0, agent_ready{"a2"});
  // c1: waits 10 s, answered by a1: talk 30 + 20 s, hold 10 s, wrap-up 10 s
  b.call("c1", 0, arrival("c1", "cust-1"));
  b.call("c1", 1, queued("c1"));
  // c2: short abandon after 3 s
  b.call("c2", 2, arrival("c2"));
  b.call("c2", 3, queued("c2"));
  // c3: abandons after 40 s; c4: abandons after 13 s (within T)
  b.call("c3", 4, arrival("c3"));
  b.call("c3", 5, queued("c3"));
  b.call("c2", 6, ended("c2", call_outcome::abandoned));
  b.call("c4", 6, arrival("c4"));
  b.call("c4", 7, queued("c4"));
  // c5: waits 30 s, answered by a2: talk 60 s, no wrap-up
  b.call("c5", 8, arrival("c5"));
  b.call("c5", 9, queued("c5"));
  b.call("c1", 10, call_offered{"c1", "sales", "a1", 1, 15000, "longest idle"});
  b.agent("a1", 10, agent_reserved{"a1", "c1", "sales", contact_channel::voice});
  // c6: blocked at the trunk
  b.call("c6", 10, arrival("c6"));
  b.call("c6", 10, ended("c6", call_outcome::blocked));
  b.call("c1", 11, call_connected{"c1", "sales", "a1", 10000});
  b.agent("a1", 11, agent_call_started{"a1", "c1", contact_channel::voice});
  b.call("c4", 20, ended("c4", call_outcome::abandoned));
  b.call("c5", 38, call_offered{"c5", "sales", "a2", 1, 15000, "longest idle"});
  b.agent("a2", 38, agent_reserved{"a2", "c5", "sales", contact_channel::voice});
  b.call("c5", 39, call_connected{"c5", "sales", "a2", 30000});
  b.agent("a2", 39, agent_call_started{"a2", "c5", contact_channel::voice});
  b.agent("a1", 41, agent_call_held{"a1", "c1", true});
  b.call("c1", 41, call_held{"c1", "a1"});
  b.call("c3", 45, ended("c3", call_outcome::abandoned));
  b.agent("a1", 51, agent_call_held{"a1", "c1", false});
  b.call("c1", 51, call_resumed{"c1", "a1"});
  b.call("c1", 71, ended("c1", call_outcome::completed, "a1"));
  b.agent("a1", 71, agent_call_ended{"a1", "c1", 10000});
  b.agent("a1", 81, agent_wrap_up_ended{"a1", "c1"});
  b.agent("a1", 81, agent_ready{"a1"});
  b.call("c5", 99, ended("c5", call_outcome::completed, "a2"));
  b.agent("a2", 99, agent_call_ended{"a2", "c5", 0});
  b.agent("a1", 100, agent_not_ready{"a1", "break"});
  b.agent("a1", 130, agent_ready{"a1"});
  b.agent("a1", 200, agent_logged_out{"a1", "shift_end"});
  b.agent("a2", 200, agent_logged_out{"a2", "shift_end"});
  // c7: cust-1 calls again in the next interval (a repeat contact for c1)
  // and is still waiting at the end
  b.call("c7", 1000, arrival("c7", "cust-1"));
  b.call("c7", 1001, queued("c7"));
  b.call("c7", 1031, call_announced{"c7", "sales", 1, 20000});
  return b;
}

nlohmann::json first_interval(const kpi_projection& p) {
  auto rep = build_report(p);
  REQUIRE(rep["intervals"].size() == 2);
  return rep["intervals"][0];
}

} // namespace

TEST_CASE("kpi: counts offered, answered, abandons apart from short abandons, and blocked calls") {
  auto p = fold_kpi(scenario());
  auto t = first_interval(p)["totals"];
  CHECK(t["arrived"] == 6);
  CHECK(t["offered"] == 5);
  CHECK(t["answered"] == 2);
  CHECK(t["answered_within_t"] == 1);
  CHECK(t["short_abandoned"] == 1);
  CHECK(t["abandoned"] == 2);
  CHECK(t["abandoned_within_t"] == 2);
  CHECK(t["blocked"] == 1);
  CHECK(t["asa_s"].get<double>() == doctest::Approx(20.0));
  CHECK(t["longest_wait_s"].get<double>() == doctest::Approx(40.0));
  CHECK(t["abandon_rate"].get<double>() == doctest::Approx(0.5)); // 2 / (5 - 1)
  // the per-queue row equals the totals here (every call queued to sales)
  auto q = first_interval(p)["groups"]["queue"]["sales"];
  CHECK(q["offered"] == 5);
  CHECK(q["answered"] == 2);
  CHECK(q["short_abandoned"] == 1);
}

TEST_CASE("kpi: service level under each named definition") {
  auto b = scenario();
  struct expectation {
    sl_definition d;
    double sl;
  } cases[] = {
      {sl_definition::answered, 0.5},     // 1 answered within T / 2 answered
      {sl_definition::offered_net, 0.25}, // 1 / (5 offered - 1 short abandon)
      {sl_definition::offered, 0.6},      // (1 answered + 2 abandoned within T) / 5
  };
  for (const auto& c : cases) {
    CAPTURE(to_string(c.d));
    kpi_options o;
    o.sl = c.d;
    auto t = first_interval(fold_kpi(b, o))["totals"];
    CHECK(t["service_level"].get<double>() == doctest::Approx(c.sl));
    CHECK(t["service_level_definition"] == std::string{to_string(c.d)});
  }
  // a stricter T changes who is within it
  kpi_options strict;
  strict.sl_threshold_ms = 5'000;
  strict.sl = sl_definition::answered;
  auto t = first_interval(fold_kpi(b, strict))["totals"];
  CHECK(t["answered_within_t"] == 0);
  CHECK(t["service_level"].get<double>() == doctest::Approx(0.0));
  // a longer short-abandon threshold moves c4 (13 s) out of `abandoned`
  kpi_options s15;
  s15.short_abandon_ms = 15'000;
  t = first_interval(fold_kpi(b, s15))["totals"];
  CHECK(t["short_abandoned"] == 2);
  CHECK(t["abandoned"] == 1);
}

TEST_CASE(
    "kpi: handle time includes hold and after-call work, ACW is averaged over handled calls") {
  auto t = first_interval(fold_kpi(scenario()))["totals"];
  CHECK(t["handled"] == 2);
  // talk 50 + 60, hold 10, ACW 10 over 2 calls
  CHECK(t["aht_s"].get<double>() == doctest::Approx(65.0));
  CHECK(t["acw_s"].get<double>() == doctest::Approx(5.0));
  CHECK(t["talk_s"].get<double>() == doctest::Approx(55.0));
  CHECK(t["hold_s"].get<double>() == doctest::Approx(5.0));
  auto a1 = first_interval(fold_kpi(scenario()))["groups"]["agent"]["a1"];
  CHECK(a1["aht_s"].get<double>() == doctest::Approx(70.0));
  CHECK(a1["offered"] == 1);
  CHECK(a1["answered"] == 1);
}

TEST_CASE("kpi: occupancy and agent time by state and not-ready reason") {
  auto iv = first_interval(fold_kpi(scenario()));
  auto a1 = iv["groups"]["agent"]["a1"];
  // a1 busy: ringing 1 + talk 30 + hold 10 + talk 20 + wrap-up 10 = 71 s; ready 10 + 19 + 70 = 99 s
  CHECK(a1["agent_time_s"]["ready"].get<double>() == doctest::Approx(99.0));
  CHECK(a1["agent_time_s"]["on_hold"].get<double>() == doctest::Approx(10.0));
  CHECK(a1["agent_time_s"]["wrap_up"].get<double>() == doctest::Approx(10.0));
  CHECK(a1["agent_time_s"]["not_ready"].get<double>() == doctest::Approx(30.0));
  CHECK(a1["not_ready_by_reason_s"]["break"].get<double>() == doctest::Approx(30.0));
  CHECK(a1["occupancy"].get<double>() == doctest::Approx(71.0 / 170.0).epsilon(0.001));
  auto a2 = iv["groups"]["agent"]["a2"];
  CHECK(a2["occupancy"].get<double>() == doctest::Approx(61.0 / 200.0).epsilon(0.001));
  CHECK(iv["totals"]["occupancy"].get<double>() == doctest::Approx(132.0 / 370.0).epsilon(0.001));
}

TEST_CASE("kpi: agent time is split at interval boundaries") {
  event_builder b;
  b.agent("a1", 890, agent_logged_in{"a1", {}});
  b.agent("a1", 890, agent_ready{"a1"});
  b.agent("a1", 910, agent_logged_out{"a1", "by_agent"});
  auto rep = build_report(fold_kpi(b));
  REQUIRE(rep["intervals"].size() == 2);
  CHECK(rep["intervals"][0]["totals"]["agent_time_s"]["ready"].get<double>() ==
        doctest::Approx(10.0));
  CHECK(rep["intervals"][1]["totals"]["agent_time_s"]["ready"].get<double>() ==
        doctest::Approx(10.0));
}

TEST_CASE(
    "kpi: first-contact resolution counts a repeat call within the window against the first") {
  auto p = fold_kpi(scenario());
  auto rep = build_report(p);
  CHECK(rep["intervals"][0]["totals"]["repeat_contacts"] == 1);
  // c1's and c5's 24-hour windows run past the end of the data: censored,
  // FCR unknown (this said 0.5, counting c5 as resolved)
  CHECK(rep["intervals"][0]["totals"]["first_contact_resolution"].is_null());
  CHECK(rep["intervals"][0]["totals"]["fcr_censored"] == 2);
  CHECK(rep["intervals"][0]["groups"]["agent"]["a1"]["repeat_contacts"] == 1);
  // outside a 10-minute window the second call is a new issue
  kpi_options o;
  o.fcr_window_ms = 10 * 60 * 1000;
  auto ten = build_report(fold_kpi(scenario(), o));
  CHECK(ten["totals"]["repeat_contacts"] == 0);
  CHECK(ten["totals"]["fcr_resolved"] == 2);
  CHECK(ten["totals"]["first_contact_resolution"].get<double>() == 1.0);
}

TEST_CASE("kpi: live gauges and compact per-call state") {
  auto p = fold_kpi(scenario());
  auto g = p.gauges();
  CHECK(g.calls_waiting == 1);
  CHECK(g.oldest_wait_ms == 30'000);
  CHECK(g.agents_by_state.empty()); // both logged out
  CHECK(p.open_calls() == 1);       // finished calls are erased
  auto rep = build_report(p);
  CHECK(rep["totals"]["offered"] == 6);
  CHECK(rep["gauges"]["calls_waiting"] == 1);
}

TEST_CASE("kpi: overflow counts in the queue left, the call once in totals") {
  event_builder b;
  b.call("x", 0, arrival("x"));
  b.call("x", 0, queued("x", "sales"));
  b.call("x", 30, call_overflowed{"x", "sales", "queue", "support", "max_wait"});
  b.call("x", 30, queued("x", "support"));
  b.call("x", 35, call_connected{"x", "support", "a9", 5000});
  b.call("x", 95, ended("x", call_outcome::completed, "a9"));
  auto rep = build_report(fold_kpi(b));
  auto sales = rep["groups"]["queue"]["sales"];
  auto support = rep["groups"]["queue"]["support"];
  CHECK(sales["offered"] == 1);
  CHECK(sales["overflowed"] == 1);
  CHECK(sales["answered"] == 0);
  CHECK(support["offered"] == 1);
  CHECK(support["answered"] == 1);
  CHECK(support["asa_s"].get<double>() == doctest::Approx(5.0)); // time in support
  CHECK(rep["totals"]["offered"] == 1);
  CHECK(rep["totals"]["overflowed"] == 1);
  CHECK(rep["totals"]["asa_s"].get<double>() == doctest::Approx(35.0)); // caller's whole wait
}

TEST_CASE(
    "kpi: a transfer counts for the agent who transferred, a re-queued call is offered again") {
  event_builder b;
  b.call("x", 0, arrival("x"));
  b.call("x", 0, queued("x", "sales"));
  b.call("x", 10, call_connected{"x", "sales", "a1", 10000});
  // a1 transfers blindly to a2: no new answer, no new wait
  b.call("x", 60,
         call_transferred{"x", transfer_mode::blind, "a1", transfer_target_kind::agent, "a2"});
  b.call("x", 61, call_connected{"x", "sales", "a2", 0});
  // a2 transfers to the support queue, where a3 answers after 30 s
  b.call("x", 90,
         call_transferred{"x", transfer_mode::blind, "a2", transfer_target_kind::queue, "support"});
  b.call("x", 90, queued("x", "support"));
  b.call("x", 120, call_connected{"x", "support", "a3", 30000});
  b.call("x", 200, ended("x", call_outcome::completed, "a3"));
  auto rep = build_report(fold_kpi(b));
  auto t = rep["totals"];
  CHECK(t["offered"] == 1);
  CHECK(t["answered"] == 1);
  CHECK(t["transferred"] == 2);
  CHECK(t["transfer_rate"].get<double>() == doctest::Approx(2.0));
  CHECK(t["asa_s"].get<double>() == doctest::Approx(10.0));
  auto agents = rep["groups"]["agent"];
  CHECK(agents["a1"]["answered"] == 1);
  CHECK(agents["a1"]["transferred"] == 1);
  CHECK(agents["a2"]["answered"] == 0);
  CHECK(agents["a3"]["answered"] == 1);
  CHECK(agents["a3"]["asa_s"].get<double>() == doctest::Approx(30.0));
  auto sales = rep["groups"]["queue"]["sales"];
  CHECK(sales["answered"] == 1);
  auto support = rep["groups"]["queue"]["support"];
  CHECK(support["offered"] == 1);
  CHECK(support["answered"] == 1);
}

TEST_CASE("kpi: every output names its service-level definition") {
  auto rep = build_report(fold_kpi(scenario()), {dimension::queue, true});
  CHECK(rep["service_level_definition"] == "offered_net");
  CHECK(rep["totals"]["service_level_definition"] == "offered_net");
  CHECK(rep["groups"]["queue"]["sales"]["service_level_definition"] == "offered_net");
  CHECK_FALSE(rep["groups"].contains("agent"));
  for (auto* field : {"offered", "answered", "abandoned", "short_abandoned", "blocked",
                      "service_level", "service_level_definition", "asa_s", "aht_s", "acw_s",
                      "longest_wait_s", "occupancy", "abandon_rate"})
    CHECK_MESSAGE(rep["totals"].contains(field), field);
  CHECK(render_table(rep).find("offered_net") != std::string::npos);
  CHECK(render_csv(rep).find("offered_net") != std::string::npos);
  auto html = render_html(rep);
  CHECK(html.find("offered_net") != std::string::npos);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg")); // only the SVG namespace
}

TEST_CASE("kpi: rows collected at any points and restored give the same bytes as one fold") {
  auto b = scenario();
  std::map<std::string, std::string> whole, pieces;
  {
    kpi_projection p;
    for (const auto& e : b.events)
      REQUIRE(p.apply(e).is_ok());
    projections::view_changes ch;
    p.collect(ch);
    hotline::testing::apply_changes(whole, ch);
  }
  // fold in pieces of 7 events, each time through a fresh projection restored from the rows
  for (std::size_t from = 0; from < b.events.size(); from += 7) {
    kpi_projection p;
    for (const auto& [k, v] : pieces)
      REQUIRE(p.restore(k, v).is_ok());
    REQUIRE(p.finish_restore().is_ok());
    for (std::size_t i = from; i < std::min(b.events.size(), from + 7); ++i)
      REQUIRE(p.apply(b.events[i]).is_ok());
    projections::view_changes ch;
    p.collect(ch);
    hotline::testing::apply_changes(pieces, ch);
  }
  CHECK(pieces == whole);
  CHECK(whole.count("kpi/call/site-a/c7") == 1); // in flight (calls are keyed by site and id)
  CHECK(whole.count("kpi/call/site-a/c1") == 0); // finished: erased
}

TEST_CASE("kpi: a view built with other options is refused on restore") {
  kpi_projection p;
  projections::view_changes ch;
  p.collect(ch);
  kpi_options other;
  other.sl_threshold_ms = 30'000;
  kpi_projection q{other};
  auto it = std::find_if(ch.puts.begin(), ch.puts.end(),
                         [](auto& kv) { return kv.first == "kpi/options"; });
  REQUIRE(it != ch.puts.end());
  auto st = q.restore(it->first, it->second);
  CHECK(st.code() == errc::invalid_argument);
}

TEST_CASE(
    "kpi: a call that moved between sites counts once in the totals, at each site for its part") {
  using namespace hotline::events;
  event_builder north, south;
  north.site = "north";
  south.site = "south";
  north.call(
      "c1", 1,
      call_arrived{
          "c1", contact_channel::voice, call_direction::inbound, "+86", "4001", "cust-1", {}, ""});
  north.call("c1", 2, call_queued{"c1", "sales", 0, 3, 60'000, "entry"});
  north.call("c1", 3, call_interflow_offered{"c1", "sales", "south", "o1", "why"});
  north.call("c1", 3.01, call_interflowed{"c1", "sales", "south", "o1", "s1"});
  north.call("c1", 3.02,
             call_ended{"c1", call_outcome::interflowed, "landed at site south", "", "sales"});
  south.call("c1", 3.015,
             call_arrived{"c1",
                          contact_channel::voice,
                          call_direction::inbound,
                          "+86",
                          "4001",
                          "cust-1",
                          {{"interflow.origin", "north"}, {"interflow.offer", "o1"}},
                          ""});
  south.call("c1", 3.016, call_queued{"c1", "sales", 0, 1, 0, "interflow from site north"});
  south.call("c1", 5, call_connected{"c1", "sales", "s1", 1'984});
  south.call("c1", 65, call_ended{"c1", call_outcome::completed, "caller_hangup", "s1", "sales"});
  // Any order of the two sites' events (topics are merged without a global order).
  std::vector<std::vector<recorded_event>> orders;
  orders.push_back(north.events);
  orders.back().insert(orders.back().end(), south.events.begin(), south.events.end());
  orders.push_back(south.events);
  orders.back().insert(orders.back().end(), north.events.begin(), north.events.end());
  orders.push_back({});
  for (std::size_t i = 0; i < std::max(north.events.size(), south.events.size()); ++i) {
    if (i < south.events.size()) orders.back().push_back(south.events[i]);
    if (i < north.events.size()) orders.back().push_back(north.events[i]);
  }
  for (const auto& events : orders) {
    kpi_projection p;
    for (const auto& e : events)
      REQUIRE(p.apply(e).is_ok());
    auto rep = build_report(p);
    const auto& t = rep["totals"];
    CHECK(t["arrived"] == 1);
    CHECK(t["offered"] == 1);
    CHECK(t["answered"] == 1);
    CHECK(t["abandoned"] == 0);
    const auto& sites = rep["groups"]["site"];
    CHECK(sites["north"]["offered"] == 1);
    CHECK(sites["north"]["interflowed"] == 1);
    CHECK(sites["north"]["answered"] == 0);
    CHECK(sites["south"]["offered"] == 1);
    CHECK(sites["south"]["answered"] == 1);
  }
}

TEST_CASE("kpi: calls agents place count as outbound, never as arrived, answered or abandoned, and "
          "their time is handled") {
  auto b = scenario();
  auto out = [](const std::string& id) {
    call_arrived a = arrival(id);
    a.direction = call_direction::outbound;
    a.caller = "a2";
    a.dialed = "+8613900000";
    return a;
  };
  // o1: a2 dials after its call, talks 20 s; o2: every channel busy
  b.call("o1", 110, out("o1"));
  b.agent("a2", 110, agent_reserved{"a2", "o1", "sales", contact_channel::voice});
  b.agent("a2", 110, agent_call_started{"a2", "o1", contact_channel::voice});
  b.call("o1", 110, call_connected{"o1", "", "a2", 0});
  b.call("o2", 120, out("o2"));
  b.call("o2", 120, ended("o2", call_outcome::blocked));
  b.call("o1", 130, ended("o1", call_outcome::completed, "a2"));
  b.agent("a2", 130, agent_call_ended{"a2", "o1", 0});
  auto iv = first_interval(fold_kpi(b));
  auto t = iv["totals"];
  CHECK(t["outbound"] == 2);
  CHECK(t["arrived"] == 6); // as without them
  CHECK(t["offered"] == 5);
  CHECK(t["answered"] == 2);
  CHECK(t["blocked"] == 2); // a line is a line, whichever way the call goes
  CHECK(t["ivr_contained"] == 0);
  CHECK(t["handled"] == 3);
  auto a2 = iv["groups"]["agent"]["a2"];
  CHECK(a2["outbound"] == 1);
  CHECK(a2["answered"] == 1);
  CHECK(a2["handled"] == 2);
}

TEST_CASE("kpi: a call back dialed for an agent counts as that agent's offer, and call backs count "
          "how they ended") {
  auto b = scenario();
  // cb: queued at 100 s, a call back at 130 s, dialed for a1 at 160 s, answered at 165 s.
  b.call("cb", 100, arrival("cb"));
  b.call("cb", 100, queued("cb"));
  b.call("cb", 130, call_callback_scheduled{"cb", "sales", ""});
  b.call("cb", 160, call_callback_dialed{"cb", "pstn", "+86100cb", "a1"});
  b.agent("a1", 160, agent_reserved{"a1", "cb", "sales", contact_channel::voice});
  b.call("cb", 165, call_connected{"cb", "sales", "a1", 65'000});
  b.agent("a1", 165, agent_call_started{"a1", "cb", contact_channel::voice});
  b.call("cb", 180, ended("cb", call_outcome::callback_completed, "a1"));
  b.agent("a1", 180, agent_call_ended{"a1", "cb", 0});
  // cf: a call back nobody picks up, dialed again once, then given up.
  b.call("cf", 200, arrival("cf"));
  b.call("cf", 200, queued("cf"));
  b.call("cf", 230, call_callback_scheduled{"cf", "sales", ""});
  b.call("cf", 260, call_callback_retried{"cf", "sales", "customer_no_answer", 1, 0});
  b.call("cf", 290, ended("cf", call_outcome::callback_failed, ""));
  auto iv = first_interval(fold_kpi(b));
  auto a1 = iv["groups"]["agent"]["a1"];
  CHECK(a1["offered"] == 2);
  CHECK(a1["answered"] == 2);
  for (const auto& m : {iv["totals"], iv["groups"]["queue"]["sales"]}) {
    CHECK(m["callbacks"] == 2);
    CHECK(m["callbacks_completed"] == 1);
    CHECK(m["callbacks_failed"] == 1);
    CHECK(m["callback_retries"] == 1);
    CHECK(m["callback_success_rate"] == 0.5);
    CHECK(m["abandoned"] == 2); // the scenario's c3 and c4: a failed call back is not an abandon
  }
}
