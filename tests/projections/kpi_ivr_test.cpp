// The KPI fold's IVR figures (docs/ivr.md "KPIs"): given the ivr.* events
// of a few sessions and their calls, the containment, abandons, time in
// the IVR, the path through the menus, the choices and the lookups a
// supervisor reads — by flow, by node, in the totals and the table.
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

events::ivr_entered entered(const std::string& s) {
  events::ivr_entered e;
  e.session_id = s;
  e.call_id = s;
  e.flow = "orders";
  e.next = "main";
  return e;
}

events::ivr_exited exited(const std::string& s, const std::string& node, ivr_exit_way way) {
  events::ivr_exited e;
  e.session_id = s;
  e.node = node;
  e.way = way;
  return e;
}

call_arrived arrival(const std::string& id) {
  call_arrived a;
  a.call_id = id;
  a.caller = "+86100" + id;
  return a;
}

/// Four callers of flow `orders` (main menu: 1 order status, 0 agent):
///  c1 keys order 81001, hears its status and is contained at `bye` after 40 s;
///  c2 presses 0 and leaves for the queue at `agent` after 10 s;
///  c3 hangs up at the main menu after 20 s (abandoned in the IVR);
///  c4 keys an order the table cannot answer (lookup failed), then fails at `find` after 30 s.
event_builder sessions() {
  event_builder b;
  auto ivr = [&](const std::string& s, double t, auto payload) {
    b.add("ivr-" + s, t, std::move(payload), principal::system("ivr"));
  };
  for (const char* c : {"c1", "c2", "c3", "c4"}) {
    b.call(c, 0, arrival(c));
    ivr(c, 0, entered(c));
  }
  // c1: main -1-> order -> find (found) -> status -> bye
  ivr("c1", 5, ivr_menu_chosen{"c1", "main", "1", "", "order"});
  ivr("c1", 9, ivr_input{"c1", "order", "81001", ivr_input_result::accepted, 0, "find"});
  ivr("c1", 9, ivr_lookup_done{"c1", "find", "81001", true, {{"status", "shipped"}}, 12, "status"});
  ivr("c1", 15, ivr_prompt_played{"c1", "status", "", "Order 81001: shipped", "en", "bye"});
  ivr("c1", 40, exited("c1", "bye", ivr_exit_way::contained));
  b.call("c1", 40, call_ended{"c1", call_outcome::completed, "completed_in_ivr", "", ""});
  // c2: main -0-> agent (a retry first: a wrong key keeps it at main)
  ivr("c2", 4, ivr_input{"c2", "main", "7", ivr_input_result::invalid, 1, "main"});
  ivr("c2", 8, ivr_menu_chosen{"c2", "main", "0", "", "agent"});
  ivr("c2", 10, exited("c2", "agent", ivr_exit_way::queue));
  b.call("c2", 10, call_queued{"c2", "sales", 0, 1, 0, "ivr orders/agent"});
  // c3: hangs up at main
  ivr("c3", 20, exited("c3", "main", ivr_exit_way::abandoned));
  b.call("c3", 20, call_ended{"c3", call_outcome::abandoned, "abandoned_in_ivr", "", ""});
  // c4: main -1-> order -> find (failed) -> nowhere
  ivr("c4", 6, ivr_menu_chosen{"c4", "main", "1", "", "order"});
  ivr("c4", 12, ivr_input{"c4", "order", "81002", ivr_input_result::accepted, 0, "find"});
  ivr("c4", 12, ivr_lookup_failed{"c4", "find", "81002", "no table", 30, ""});
  ivr("c4", 30, exited("c4", "find", ivr_exit_way::failed));
  b.call("c4", 30, call_ended{"c4", call_outcome::refused, "ivr_failed", "", ""});
  return b;
}

} // namespace

TEST_CASE("kpi ivr: containment is contained calls over calls that entered a flow") {
  auto p = fold_kpi(sessions());
  auto rep = build_report(p);
  const auto& t = rep["totals"];
  CHECK(t["ivr_entered"] == 4);
  CHECK(t["ivr_contained"] == 1);
  CHECK(t["ivr_abandoned"] == 1);
  CHECK(t["ivr_containment"].get<double>() == doctest::Approx(0.25));
  CHECK(t["ivr_abandon_rate"].get<double>() == doctest::Approx(0.25));
  CHECK(t["ivr_exited"] == 4);
  CHECK(t["ivr_to_queue"] == 1);
  CHECK(t["ivr_failed"] == 1);
  CHECK(t["ivr_to_other"] == 0);
  // 40 + 10 + 20 + 30 s in the IVR over 4 sessions
  CHECK(t["ivr_avg_time_s"].get<double>() == doctest::Approx(25.0));
  CHECK(t["ivr_lookups"] == 2);
  CHECK(t["ivr_lookups_found"] == 1);
  CHECK(t["ivr_lookups_failed"] == 1);
  CHECK(t["lookup_success_rate"].get<double>() == doctest::Approx(0.5));
  CHECK(t["lookup_avg_ms"].get<double>() == doctest::Approx(21.0));
}

TEST_CASE("kpi ivr: by flow, the ways out") {
  auto rep = build_report(fold_kpi(sessions()));
  const auto& f = rep["groups"]["flow"]["orders"];
  CHECK(f["ivr_entered"] == 4);
  CHECK(f["ivr_contained"] == 1);
  CHECK(f["ivr_abandoned"] == 1);
  CHECK(f["ivr_to_queue"] == 1);
  CHECK(f["ivr_failed"] == 1);
  CHECK(f["ivr_to_other"] == 0);
  CHECK(f["ivr_containment"].get<double>() == doctest::Approx(0.25));
  CHECK_FALSE(f.contains("service_level")); // IVR rows carry IVR figures only
}

TEST_CASE("kpi ivr: by node, the path through the menus and where callers left") {
  auto rep = build_report(fold_kpi(sessions()));
  const auto& n = rep["groups"]["ivr_node"];
  CHECK(n["orders/main"]["visits"] == 4); // every caller; c2's retry is no new visit
  CHECK(n["orders/order"]["visits"] == 2);
  CHECK(n["orders/find"]["visits"] == 2);
  CHECK(n["orders/status"]["visits"] == 1);
  CHECK(n["orders/bye"]["visits"] == 1);
  CHECK(n["orders/agent"]["visits"] == 1);
  CHECK(n["orders/bye"]["ivr_contained"] == 1);
  CHECK(n["orders/agent"]["ivr_to_queue"] == 1);
  CHECK(n["orders/main"]["ivr_abandoned"] == 1);
  CHECK(n["orders/find"]["ivr_failed"] == 1);
  CHECK(n["orders/find"]["ivr_lookups"] == 2);
  CHECK(n["orders/find"]["lookup_success_rate"].get<double>() == doctest::Approx(0.5));
}

TEST_CASE("kpi ivr: the menu choice distribution") {
  auto rep = build_report(fold_kpi(sessions()));
  const auto& c = rep["groups"]["ivr_choice"];
  CHECK(c["orders/main/1"]["chosen"] == 2);
  CHECK(c["orders/main/0"]["chosen"] == 1);
  CHECK(c["orders/main/1"]["share"].get<double>() == doctest::Approx(0.6667));
  CHECK(c["orders/main/0"]["share"].get<double>() == doctest::Approx(0.3333));
  CHECK_FALSE(c.contains("orders/main/7")); // a wrong key is an input, not a choice
}

TEST_CASE("kpi ivr: the table shows containment, the path and the choices") {
  auto text = render_table(build_report(fold_kpi(sessions())));
  CHECK(text.find("IVR: 4 entered, containment 25.0% (1 contained)") != std::string::npos);
  CHECK(text.find("flow orders: 4 entered, containment 25.0%") != std::string::npos);
  CHECK(text.find("orders/main: 4; abandoned 1") != std::string::npos);
  CHECK(text.find("orders/main/1: 2 (66.7%)") != std::string::npos);
  auto csv = render_csv(build_report(fold_kpi(sessions())));
  CHECK(csv.find("all,flow,orders") != std::string::npos);
}

TEST_CASE("kpi ivr: without flows, containment stays contained calls over arrivals") {
  event_builder b;
  b.call("c1", 0, arrival("c1"));
  b.call("c1", 5, call_ended{"c1", call_outcome::completed, "self_service", "", ""});
  b.call("c2", 0, arrival("c2"));
  b.call("c2", 1, call_queued{"c2", "sales", 0, 1, 0, "entry"});
  auto t = build_report(fold_kpi(b))["totals"];
  CHECK(t["ivr_entered"] == 0);
  CHECK(t["ivr_containment"].get<double>() == doctest::Approx(0.5));
}

TEST_CASE("kpi ivr: sessions in flight survive a restore from the rows") {
  auto b = sessions();
  std::map<std::string, std::string> whole, pieces;
  {
    kpi_projection p;
    for (const auto& e : b.events)
      REQUIRE(p.apply(e).is_ok());
    projections::view_changes ch;
    p.collect(ch);
    hotline::testing::apply_changes(whole, ch);
  }
  bool saw_session_row = false;
  for (std::size_t from = 0; from < b.events.size(); from += 3) {
    kpi_projection p;
    for (const auto& [k, v] : pieces)
      REQUIRE(p.restore(k, v).is_ok());
    REQUIRE(p.finish_restore().is_ok());
    for (std::size_t i = from; i < std::min(b.events.size(), from + 3); ++i)
      REQUIRE(p.apply(b.events[i]).is_ok());
    projections::view_changes ch;
    p.collect(ch);
    hotline::testing::apply_changes(pieces, ch);
    saw_session_row = saw_session_row || pieces.count("kpi/ivr/site-a/c1") == 1;
  }
  CHECK(saw_session_row);                       // c1 was in flight between pieces
  CHECK(whole.count("kpi/ivr/site-a/c1") == 0); // ended: erased
  CHECK(pieces == whole);
}

TEST_CASE("kpi ivr: voicemails left count by mailbox, handled ones in the totals") {
  event_builder b;
  auto left = [&](const std::string& id, const std::string& mailbox, double t) {
    voicemail_left l;
    l.message_id = id;
    l.call_id = id;
    l.mailbox = mailbox;
    l.tenant = "t1";
    l.file = "/vm/" + id + ".wav";
    l.duration_ms = 7'000;
    l.sha256 = "ab";
    b.add("voicemail-" + id, t, l, principal::system("voicemail"));
  };
  left("m1", "sales", 10);
  left("m2", "sales", 20);
  left("m3", "support", 30);
  b.add("voicemail-m1", 40, voicemail_handled{"m1", "a1", "called_back", ""},
        principal::user("a1"));
  auto rep = build_report(fold_kpi(b));
  CHECK(rep["totals"]["voicemails_left"] == 3);
  CHECK(rep["totals"]["voicemails_handled"] == 1);
  CHECK(rep["groups"]["queue"]["sales"]["voicemails_left"] == 2);
  CHECK(rep["groups"]["queue"]["support"]["voicemails_left"] == 1);
}
