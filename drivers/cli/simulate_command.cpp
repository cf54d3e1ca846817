// hotline simulate: a whole center on a virtual clock, through the real ACD
// actors, with the KPI report of the run.
#include <cmath>
#include <fstream>
#include <iostream>

#include "actors/ports/memory_event_store.hpp"
#include "config/limits.hpp"
#include "config/load.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/cli/flow_clock.hpp"
#include "drivers/cli/numbers.hpp"
#include "drivers/cli/output.hpp"
#include "drivers/sim/kpi_of_store.hpp"
#include "drivers/sim/quick_center.hpp"
#include "drivers/sim/simulator.hpp"
#include "drivers/store/copy_store.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "projections/kpi/kpi_report.hpp"

namespace hotline::cli {

namespace {

struct simulate_args {
  std::string config_file;
  drivers::sim::quick_center_options quick;
  double hours = 0;
  std::uint64_t seed = 1;
  std::string store_dir;
  std::string report;
  double answer_delay_s = -1;
  bool quiet = false;
};

void run(const simulate_args& a, bool seed_given, bool quick) {
  config::configuration cfg;
  if (!a.config_file.empty()) {
    auto loaded = config::load_file(a.config_file);
    if (!loaded.ok()) {
      for (const auto& d : loaded.problems)
        std::cerr << config::format(d) << "\n";
      fail(a.config_file + " is not a valid configuration (hotline config check " + a.config_file +
               ")",
           2);
      return;
    }
    cfg = std::move(loaded.config);
  } else if (quick) {
    auto q = a.quick;
    q.hours = a.hours > 0 ? a.hours : q.hours;
    q.seed = a.seed;
    cfg = drivers::sim::quick_center(q);
  } else {
    fail("give --config FILE, or --agents N --rate-per-hour R --aht-s S", 2);
    return;
  }
  drivers::sim::simulation_options opts;
  opts.seed = a.seed;
  opts.seed_given = seed_given;
  opts.hours = a.config_file.empty() ? 0 : a.hours;
  opts.answer_delay_s = a.answer_delay_s >= 0 ? a.answer_delay_s : (quick ? 0.0 : 2.0);
  opts.local_wall = flow_clock(cfg); // `hours` nodes read the flow's zone
  ports::memory_event_store store;
  auto sum = drivers::sim::run_simulation(cfg, store, opts);
  if (!sum) {
    fail(sum.error().message());
    return;
  }
  projections::kpi::kpi_options kopt;
  double sl = quick ? a.quick.sl_threshold_s
                    : (cfg.center.queues.empty() ? 20 : cfg.center.queues.front().sl_threshold_s);
  kopt.sl_threshold_ms = std::llround(sl * 1000);
  auto kpi = drivers::sim::kpi_of_store(store, kopt);
  if (!kpi) {
    fail(kpi.error().message());
    return;
  }
  auto report = projections::kpi::build_report(*kpi);
  report["simulation"] = {{"calls", sum->arrivals},
                          {"events", sum->events},
                          {"virtual_hours", sum->virtual_seconds / 3600},
                          {"wall_seconds", sum->wall_seconds},
                          {"seed", seed_given ? a.seed : cfg.simulation.seed},
                          {"config", a.config_file.empty() ? "quick" : a.config_file}};
  if (!a.report.empty()) {
    std::ofstream out{a.report};
    out << report.dump(2) << "\n";
    if (!out) {
      fail("cannot write " + a.report);
      return;
    }
  }
  if (!a.store_dir.empty()) {
    auto target = drivers::rocksdb_event_store::open(a.store_dir);
    if (!target) {
      fail(target.error().message());
      return;
    }
    auto copied = drivers::copy_store(store, **target);
    if (!copied) {
      fail("writing " + a.store_dir + ": " + copied.error().message());
      return;
    }
  }
  // The result: the KPI table, unless --report took it (--quiet: output.hpp).
  if (!a.quiet || a.report.empty()) std::cout << projections::kpi::render_table(report);
  if (!a.quiet) {
    std::cout << "\n"
              << sum->arrivals << " calls, " << sum->events << " events, "
              << sum->virtual_seconds / 3600 << " simulated hours in " << sum->wall_seconds
              << " s\n";
    if (!a.report.empty()) std::cout << "report: " << a.report << "\n";
    if (!a.store_dir.empty()) std::cout << "store:  " << a.store_dir << "\n";
  }
}

} // namespace

void add_simulate_command(CLI::App& app) {
  auto a = std::make_shared<simulate_args>();
  auto* cmd = app.add_subcommand(
      "simulate", "Simulate a center on a virtual clock through the real ACD actors");
  cmd->footer("Simulate a contact center on a virtual clock through the real ACD actors, and "
              "report its KPIs (the JSON schema of `hotline kpi`)\n\nExamples:\n  hotline simulate "
              "--agents 30 --rate-per-hour 400 --aht-s 240 --patience-s 120\n  hotline simulate "
              "--config config/demo.toml --store var/sim --report kpi.json");
  cmd->add_option("--config", a->config_file, "Center + [simulation] TOML (see docs/config.md)")
      ->check(CLI::ExistingFile);
  auto* agents =
      cmd->add_option("--agents", a->quick.agents, "Quick mode: agents (one queue, one skill)")
          ->check(whole_in(1, static_cast<std::int64_t>(config::limits::max_agents),
                           "a number of agents"));
  auto* rate =
      cmd->add_option("--rate-per-hour", a->quick.rate_per_hour,
                      "Quick mode: Poisson arrivals per hour")
          ->check(number_in(0, config::limits::max_rate_per_h, "a number of arrivals per hour"));
  auto* aht = cmd->add_option("--aht-s", a->quick.aht_s,
                              "Quick mode: mean handle time (exponential), seconds")
                  ->check(number_in(1, 86'400, "a number of seconds"));
  cmd->add_option("--patience-s", a->quick.patience_s,
                  "Quick mode: mean patience (exponential); 0: never abandon")
      ->check(number_in(0, 86'400, "a number of seconds"));
  cmd->add_option("--sl-threshold-s", a->quick.sl_threshold_s,
                  "Quick mode: service-level threshold T, seconds")
      ->capture_default_str()
      ->check(number_in(1, 86'400, "a number of seconds"));
  cmd->add_option("--hours", a->hours,
                  "Simulated hours (quick mode default 8; config: its start..end)")
      ->check(number_in(0.01, 8'760, "a number of hours"));
  auto* seed = cmd->add_option("--seed", a->seed, "Random seed (same seed, same event stream)");
  cmd->add_option("--store", a->store_dir, "Also write the events to this RocksDB store directory");
  cmd->add_option("--report", a->report, "Write the KPI report (JSON) to this file");
  cmd->add_option("--answer-delay-s", a->answer_delay_s,
                  "Seconds a phone rings before the agent answers (default 2; quick mode 0)")
      ->check(number_in(0, 3'600, "a number of seconds"));
  add_quiet_flag(cmd, a->quiet);
  agents->needs(rate);
  agents->needs(aht);
  cmd->callback([=] {
    bool quick = agents->count() > 0;
    if (quick && !a->config_file.empty()) {
      complain() << "--config and --agents exclude each other\n";
      exit_code() = 2;
      return;
    }
    run(*a, seed->count() > 0, quick);
  });
  (void)rate;
  (void)aht;
}

} // namespace hotline::cli
