// The simulator runs IVR flows (docs/ivr.md "In the simulator"): callers of
// an entry point with a flow walk it, answering per their profile's choice
// probabilities, digits and patience, and the KPI report's containment lands
// where those probabilities say, within its statistical tolerance.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "actors/ports/memory_event_store.hpp"
#include "drivers/sim/kpi_of_store.hpp"
#include "drivers/sim/quick_center.hpp"
#include "drivers/sim/simulated_ivr_callers.hpp"
#include "drivers/sim/simulator.hpp"
#include "events/codec.hpp"
#include "projections/kpi/kpi_report.hpp"

using namespace hotline;
namespace iv = hotline::events::ivr;

namespace {

iv::node node_of(std::string id, iv::node_kind kind, std::string next = {}) {
  iv::node n;
  n.id = std::move(id);
  n.kind = kind;
  n.next = std::move(next);
  return n;
}

/// lang (1 zh, 2 en) -> main (1 order, 0 agent) -> order (5 digits) -> find
/// (orders table) -> status -> after (0 agent; silence: bye, contained).
/// An order not found goes to the agent.
iv::flow order_flow(const std::string& table) {
  iv::flow f;
  f.id = "orders";
  f.tenant = "default";
  f.start = "lang";
  f.languages = {"zh", "en"};
  auto lang = node_of("lang", iv::node_kind::language, "main");
  lang.prompt.text = "普通话请按1。For English, press 2.";
  lang.choices = {{"1", "zh"}, {"2", "en"}};
  auto main = node_of("main", iv::node_kind::menu);
  main.prompt.text = "Order status: 1. An agent: 0.";
  main.choices = {{"1", "order"}, {"0", "agent"}};
  main.fallback = "agent";
  auto order = node_of("order", iv::node_kind::collect, "find");
  order.prompt.text = "Your order number, please.";
  order.variable = "order";
  order.min_digits = 5;
  order.max_digits = 5;
  order.fallback = "agent";
  auto find = node_of("find", iv::node_kind::lookup, "status");
  find.table = table;
  find.key = "${order}";
  find.key_column = "order";
  find.fields = {{"status", "order_status"}};
  find.not_found = "agent";
  find.on_failure = "agent";
  auto status = node_of("status", iv::node_kind::play, "after");
  status.prompt.text = "Order ${order}: ${order_status}.";
  auto after = node_of("after", iv::node_kind::menu);
  after.prompt.text = "An agent: 0.";
  after.choices = {{"0", "agent"}};
  after.retries = 0;
  after.timeout_ms = 4'000;
  after.fallback = "bye";
  auto agent = node_of("agent", iv::node_kind::queue);
  agent.target = "main";
  agent.attach = {"order", "order_status"};
  f.nodes = {lang, main, order, find, status, after, agent, node_of("bye", iv::node_kind::hangup)};
  return f;
}

struct ivr_run {
  std::filesystem::path dir;
  config::configuration cfg;
  ports::memory_event_store store;
  nlohmann::json totals, groups;

  ivr_run(double rate_per_hour, double hours) {
    dir = std::filesystem::temp_directory_path() /
          ("hotline-sim-ivr-" + std::to_string(::getpid()) + "-" +
           std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "orders.csv") << "order,status\n81001,shipped\n81002,packed\n81003,"
                                         "delivered\n";
    drivers::sim::quick_center_options q;
    q.agents = 12;
    q.rate_per_hour = rate_per_hour;
    q.hours = hours;
    q.aht_s = 30;
    cfg = drivers::sim::quick_center(q);
    cfg.center.flows.push_back(order_flow((dir / "orders.csv").string()));
    cfg.center.entry_points[0].flow = "orders";
    cfg.center.entry_points[0].queue.clear(); // the flow's queue node says where
    auto& ivr = cfg.simulation.arrivals[0].ivr;
    ivr.choices["lang"] = {{"1", 0.6}, {"2", 0.4}};
    ivr.choices["main"] = {{"1", 0.6}, {"0", 0.4}};
    ivr.choices["after"] = {{"0", 0.3}};                        // the rest: silence, then contained
    ivr.digits["order"] = {"81001", "81002", "81003", "99999"}; // 3 of 4 known
  }
  ~ivr_run() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  void run() {
    auto sum = drivers::sim::run_simulation(cfg, store, {});
    REQUIRE_MESSAGE(sum.has_value(), (sum ? "" : sum.error().message()));
    projections::kpi::kpi_options o;
    o.interval_ms = 24 * 3'600'000;
    auto k = drivers::sim::kpi_of_store(store, o);
    REQUIRE(k.has_value());
    projections::kpi::report_request r;
    r.intervals = false;
    auto rep = projections::kpi::build_report(*k, r);
    totals = rep["totals"];
    groups = rep["groups"];
  }

  /// `observed` within 4 standard errors of a proportion `p` over `n` trials.
  static bool within(double observed, double p, double n) {
    return std::abs(observed - p) <= 4 * std::sqrt(p * (1 - p) / n);
  }
};

} // namespace

TEST_CASE("simulator ivr: containment lands within 4 standard errors of the probabilities given") {
  ivr_run r{1000, 2}; // about 2,000 callers
  r.run();
  const double n = r.totals["ivr_entered"].get<double>();
  REQUIRE(n > 1500);
  // Contained: order status (0.6) x order known (3/4) x no agent after (0.7).
  const double expected = 0.6 * 0.75 * 0.7;
  const double got = r.totals["ivr_containment"].get<double>();
  CHECK_MESSAGE(ivr_run::within(got, expected, n),
                "containment " << got << " vs " << expected << " over " << n);
  // Sessions still in the flow when the run ends are not contained yet: a handful.
  CHECK(r.totals["ivr_exited"].get<double>() > n - 20);
  CHECK(r.totals["ivr_abandoned"] == 0); // patience for ever in the flow
  // The choice at the main menu, and the lookups' success.
  const auto& c = r.groups["ivr_choice"];
  CHECK(ivr_run::within(c["orders/main/1"]["share"].get<double>(), 0.6, n));
  CHECK(ivr_run::within(c["orders/lang/2"]["share"].get<double>(), 0.4, n));
  const double lookups = r.totals["ivr_lookups"].get<double>();
  CHECK(ivr_run::within(r.totals["lookup_success_rate"].get<double>(), 0.75, lookups));
  // The path: every caller reached the main menu; the status was played to the found ones.
  const auto& nodes = r.groups["ivr_node"];
  CHECK(nodes["orders/main"]["visits"].get<double>() >= n - 20);
  CHECK(nodes["orders/status"]["visits"] == r.totals["ivr_lookups_found"]);
  CHECK(nodes["orders/bye"]["ivr_contained"] == r.groups["flow"]["orders"]["ivr_contained"]);
  // Callers for an agent were queued with what they keyed attached.
  auto all = r.store.read_all(0, SIZE_MAX);
  REQUIRE(all.has_value());
  int attached = 0;
  for (const auto& e : *all)
    if (e.type == "call.data_attached") ++attached;
  CHECK(attached > 100);
  CHECK(r.totals["ivr_to_queue"].get<double>() ==
        doctest::Approx(r.groups["flow"]["orders"]["ivr_to_queue"].get<double>()));
}

TEST_CASE("simulator ivr: callers whose patience in the flow runs out abandon in the IVR") {
  ivr_run r{300, 1};
  r.cfg.simulation.arrivals[0].ivr.patience = {
      config::distribution_kind::exponential, 8'000, 0, {}};
  r.run();
  const double n = r.totals["ivr_entered"].get<double>();
  REQUIRE(n > 200);
  CHECK(r.totals["ivr_abandoned"].get<double>() > 0.3 * n); // the flow takes well over 8 s
  CHECK(r.totals["ivr_abandon_rate"].get<double>() > 0.3);
  CHECK(r.totals["abandoned"] == 0); // not counted as queue abandons
}

TEST_CASE("simulator ivr: a prompt lasts as long as its text takes to say") {
  ports::ivr_prompt p;
  p.text = "Hello";
  CHECK(drivers::sim::prompt_seconds(p) == doctest::Approx(0.5)); // the minimum
  p.text = std::string(100, 'a');
  CHECK(drivers::sim::prompt_seconds(p) == doctest::Approx(6.5));
  p.text = "普通话请按1"; // five CJK characters and a digit
  CHECK(drivers::sim::prompt_seconds(p) == doctest::Approx(5 * 0.25 + 0.065));
  p.text.clear();
  p.name = "missing";
  p.prompts = "/nonexistent";
  p.language = "zh";
  CHECK(drivers::sim::prompt_seconds(p) == doctest::Approx(3.0)); // a recording it cannot read
}
