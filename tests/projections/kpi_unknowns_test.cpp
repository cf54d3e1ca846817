// KPIs a log cannot know: occupancy without availability events, FCR without
// customers, and FCR of calls whose repeat window runs past the end of the
// data. Given events, the figures (or "unknown") a supervisor would read.
#include <doctest/doctest.h>

#include <sstream>

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

/// A call queued at `s`, answered by `agent` 5 s later, ended 60 s later,
/// the way `hotline import` writes a call log: the agent is known from the
/// call leg alone (no login, ready or not-ready event).
void imported_call(event_builder& b, const std::string& id, double s, const std::string& agent,
                   const std::string& customer, const std::string& caller = {}) {
  call_arrived a;
  a.call_id = id;
  a.customer_id = customer;
  a.caller = caller;
  b.call(id, s, a);
  b.call(id, s, call_queued{id, "sales", 0, 1, 0, "entry"});
  b.call(id, s + 5, call_offered{id, "sales", agent, 1, 15000, "log"});
  b.call(id, s + 5, call_connected{id, "sales", agent, 5000});
  b.agent(agent, s + 5, agent_call_started{agent, id, contact_channel::voice});
  b.call(id, s + 65, call_ended{id, call_outcome::completed, "", agent, "sales"});
  b.agent(agent, s + 65, agent_call_ended{agent, id, 0});
  b.agent(agent, s + 65, agent_logged_out{agent, "import"});
}

} // namespace

TEST_CASE("kpi: occupancy of agents known from call legs alone is unknown, not 100 %") {
  event_builder b;
  imported_call(b, "c1", 0, "a1", "cust-1");
  imported_call(b, "c2", 100, "a1", "cust-2");
  // a1 between calls (65 .. 105 s): the log does not say whether idle, so
  // no ready time may be made up either
  auto rep = build_report(fold_kpi(b));
  const auto& t = rep["totals"];
  CHECK(t["occupancy"].is_null());
  CHECK(t["agent_time_s"]["on_call"].get<double>() == doctest::Approx(120));
  CHECK(t["agent_time_s"]["ready"].get<double>() == 0);
  CHECK(t["unobserved_busy_s"].get<double>() == doctest::Approx(120));
  CHECK(rep["groups"]["agent"]["a1"]["occupancy"].is_null());
  // the table's totals row: label, then offered .. longest s, occupancy (11th value)
  auto table = render_table(rep);
  auto row = table.substr(table.find("\ntotals ") + 1);
  std::istringstream fields{row.substr(0, row.find('\n'))};
  std::vector<std::string> cells;
  for (std::string f; fields >> f;)
    cells.push_back(f);
  REQUIRE(cells.size() == 16);
  CHECK(cells[12] == "unknown");
  CHECK(table.find("occupancy counts only agents whose availability") != std::string::npos);
  // CSV: the occupancy column is empty on the totals line
  auto csv = render_csv(rep);
  auto header = csv.substr(0, csv.find('\n'));
  auto totals =
      csv.substr(header.size() + 1, csv.find('\n', header.size() + 1) - header.size() - 1);
  auto column = [](const std::string& line, std::size_t n) {
    std::size_t from = 0;
    for (std::size_t i = 0; i < n; ++i)
      from = line.find(',', from) + 1;
    return line.substr(from, line.find(',', from) - from);
  };
  std::size_t occ = 0;
  while (column(header, occ) != "occupancy")
    REQUIRE(++occ < 60);
  CHECK(column(totals, occ).empty());
}

TEST_CASE("kpi: occupancy covers the agents whose availability was recorded") {
  event_builder b;
  // a2 is observed: logged in, ready 0..40, on a call 40..100 (60 s busy, 40 s ready)
  b.agent("a2", 0, agent_logged_in{"a2", {"sales"}});
  b.agent("a2", 0, agent_ready{"a2"});
  b.agent("a2", 40, agent_reserved{"a2", "c9", "sales", contact_channel::voice});
  b.agent("a2", 40, agent_call_started{"a2", "c9", contact_channel::voice});
  b.agent("a2", 100, agent_call_ended{"a2", "c9", 0});
  b.agent("a2", 100, agent_logged_out{"a2", "shift_end"});
  // a1 is known from an imported call only
  imported_call(b, "c1", 0, "a1", "cust-1");
  auto rep = build_report(fold_kpi(b));
  CHECK(rep["totals"]["occupancy"].get<double>() == doctest::Approx(60.0 / 100.0));
  CHECK(rep["groups"]["agent"]["a2"]["occupancy"].get<double>() == doctest::Approx(0.6));
  CHECK(rep["groups"]["agent"]["a1"]["occupancy"].is_null());
}

TEST_CASE("kpi: FCR of calls with neither customer id nor calling number is unknown") {
  event_builder b;
  imported_call(b, "c1", 0, "a1", "");
  imported_call(b, "c2", 100, "a1", "");
  kpi_options o;
  o.fcr_window_ms = 60 * 1000;
  // a later event: both windows ended inside the data
  imported_call(b, "c3", 3000, "a1", "");
  auto rep = build_report(fold_kpi(b, o));
  const auto& t = rep["totals"];
  CHECK(t["answered"] == 3);
  CHECK(t["first_contact_resolution"].is_null());
  CHECK(t["fcr_no_customer"] == 3);
  CHECK(t["fcr_resolved"] == 0);
  auto table = render_table(rep);
  CHECK(table.find("without a customer") != std::string::npos);
}

TEST_CASE(
    "kpi: FCR counts only calls whose repeat window ended inside the data, the rest are censored") {
  // window 1 h, data 0 .. 2 h 1 min, 15-minute intervals
  kpi_options o;
  o.fcr_window_ms = 3600 * 1000;
  event_builder b;
  imported_call(b, "c1", 0, "a1", "cust-1");   // window ends 1:00, no repeat: resolved
  imported_call(b, "c2", 10, "a1", "cust-2");  // repeated at 0:10, window ends 1:00: not resolved
  imported_call(b, "c3", 600, "a1", "cust-2"); // the repeat; its window ends 1:10: resolved
  imported_call(b, "c4", 5400, "a1",
                "cust-4"); // 1:30, repeated at 1:56, but its window runs past the end: censored
  imported_call(b, "c5", 7000, "a1", "cust-4"); // 1:56: censored
  imported_call(b, "c6", 7200, "a1", "cust-6"); // 2:00: censored
  auto rep = build_report(fold_kpi(b, o));
  const auto& t = rep["totals"];
  CHECK(t["answered"] == 6);
  CHECK(t["repeat_contacts"] == 2); // seen
  CHECK(t["fcr_repeated"] == 1);    // settled
  CHECK(t["fcr_resolved"] == 2);
  CHECK(t["fcr_censored"] == 3);
  // 2 of the 3 settled calls: not (6 - 2) / 6, and not (2) / (2 + 2), which
  // would count a repeat that came early against resolutions not yet known
  CHECK(t["first_contact_resolution"].get<double>() == doctest::Approx(2.0 / 3.0).epsilon(0.001));
  // the late intervals hold censored calls only: unknown, not 100 %
  const auto& ivs = rep["intervals"];
  REQUIRE(ivs.size() == 4);
  CHECK(ivs[0]["totals"]["first_contact_resolution"].get<double>() ==
        doctest::Approx(2.0 / 3.0).epsilon(0.001));
  for (int i : {1, 2, 3}) {
    CHECK(ivs[i]["totals"]["first_contact_resolution"].is_null());
    CHECK(ivs[i]["totals"]["fcr_censored"] == 1);
  }
  CHECK(rep["groups"]["agent"]["a1"]["fcr_censored"] == 3);
  auto table = render_table(rep);
  CHECK(table.find("3 censored") != std::string::npos);
  // once data past their windows is folded, they settle
  imported_call(b, "c7", 7200 + 3700, "a1", "cust-7");
  auto later = build_report(fold_kpi(b, o));
  CHECK(later["totals"]["fcr_resolved"] == 4);
  CHECK(later["totals"]["fcr_repeated"] == 2);
  CHECK(later["totals"]["fcr_censored"] == 1);
  CHECK(later["intervals"][1]["totals"]["first_contact_resolution"].get<double>() == 0.0);
  CHECK(later["intervals"][2]["totals"]["first_contact_resolution"].get<double>() == 1.0);
}
