// hotline whatif: a recorded store's callers re-run under another
// configuration, with the KPIs of both runs and their difference.
#include <fstream>
#include <iostream>

#include "config/load.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/cli/numbers.hpp"
#include "drivers/cli/output.hpp"
#include "drivers/sim/whatif.hpp"
#include "drivers/store/rocksdb_event_store.hpp"

namespace hotline::cli {

namespace {

struct whatif_args {
  std::string store_dir;
  std::string config_file;
  std::uint64_t seed = 1;
  std::string report;
  double answer_delay_s = 2.0;
  double sl_threshold_s = 0;
  int noise_runs = 5;
  bool quiet = false;
};

void run(const whatif_args& a, bool seed_given) {
  auto loaded = config::load_file(a.config_file);
  if (!loaded.ok()) {
    for (const auto& d : loaded.problems)
      std::cerr << config::format(d) << "\n";
    fail(a.config_file + " is not a valid configuration (hotline config check " + a.config_file +
             ")",
         2);
    return;
  }
  drivers::rocksdb_store_options so;
  so.create_if_missing = false;
  so.read_only = true;
  auto store = drivers::rocksdb_event_store::open(a.store_dir, so);
  if (!store) {
    fail("cannot open the recorded store " + a.store_dir + ": " + store.error().message(), 2);
    return;
  }
  drivers::sim::whatif_options opts;
  opts.seed = a.seed;
  opts.seed_given = seed_given;
  opts.answer_delay_s = a.answer_delay_s;
  opts.sl_threshold_s = a.sl_threshold_s;
  opts.noise_runs = a.noise_runs;
  auto r = drivers::sim::run_whatif(**store, loaded.config, opts);
  if (!r) {
    fail(r.error().message());
    return;
  }
  if (r->unknown.count > 0) {
    complain() << r->unknown.count << " of " << r->recorded_calls
               << " recorded calls not replayed: their entry point or queue is not in "
               << a.config_file << " (";
    const char* sep = "";
    for (const auto& [entry, n] : r->unknown.by_entry) {
      std::cerr << sep << entry << ": " << n;
      sep = ", ";
    }
    std::cerr << ")\n";
  }
  // A what-if of no callers compares nothing: say why instead of a table of zeros.
  if (r->recorded_calls == 0)
    return fail("no recorded calls in " + a.store_dir +
                    " (no call arrived in it): nothing to replay; give the store of a node or of "
                    "`hotline simulate --store`",
                2);
  if (r->replayed == 0)
    return fail("none of the " + std::to_string(r->recorded_calls) +
                    " recorded calls can be replayed under " + a.config_file +
                    ": every one came in through an entry point or queue it does not define",
                2);
  if (!a.report.empty()) {
    nlohmann::json unknown = nlohmann::json::object();
    for (const auto& [entry, n] : r->unknown.by_entry)
      unknown[entry] = n;
    nlohmann::json doc = {{"recorded", r->recorded},
                          {"whatif", r->whatif},
                          {"delta", r->delta},
                          {"noise", r->noise},
                          {"noise_runs", r->runs},
                          {"replay",
                           {{"store", a.store_dir},
                            {"config", a.config_file},
                            {"recorded_calls", r->recorded_calls},
                            {"replayed", r->replayed},
                            {"not_replayed", r->unknown.count},
                            {"not_replayed_by_entry", unknown},
                            {"events", r->summary.events},
                            {"virtual_hours", r->summary.virtual_seconds / 3600},
                            {"wall_seconds", r->summary.wall_seconds}}}};
    std::ofstream out{a.report};
    out << doc.dump(2) << "\n";
    if (!out) {
      fail("cannot write " + a.report);
      return;
    }
  }
  // The result: the comparison table, unless --report took it (--quiet: output.hpp).
  if (!a.quiet || a.report.empty()) std::cout << drivers::sim::render_whatif_table(*r);
  if (!a.quiet && !a.report.empty()) std::cout << "report: " << a.report << "\n";
}

} // namespace

void add_whatif_command(CLI::App& app) {
  auto a = std::make_shared<whatif_args>();
  auto* cmd = app.add_subcommand(
      "whatif", "Replay recorded callers under another configuration and compare KPIs");
  cmd->footer("Replay the callers of a recorded store under another configuration (staffing, "
              "strategies, overflow) and compare the KPIs (docs/whatif.md)\n\nExample:\n  hotline "
              "whatif --store var/north --config more-agents.toml --report whatif.json");
  cmd->add_option("--store", a->store_dir, "The recorded RocksDB store directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--config", a->config_file,
                  "The configuration to try (center + [simulation] TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* seed = cmd->add_option("--seed", a->seed,
                               "Seed for handle times of calls never connected in the recording");
  cmd->add_option("--report", a->report, "Write {recorded, whatif, delta} (JSON) to this file");
  cmd->add_option("--answer-delay-s", a->answer_delay_s,
                  "Seconds a phone rings before the agent answers")
      ->capture_default_str()
      ->check(number_in(0, 3'600, "a number of seconds"));
  cmd->add_option("--sl-threshold-s", a->sl_threshold_s,
                  "Service-level threshold T (default: the first queue's)")
      ->check(number_in(1, 86'400, "a number of seconds"));
  cmd->add_option("--noise-runs", a->noise_runs,
                  "Runs with seeds SEED..SEED+N-1 that measure each delta's noise (1: none)")
      ->check(whole_in(1, 20, "a number of runs"))
      ->capture_default_str();
  add_quiet_flag(cmd, a->quiet);
  cmd->callback([=] { run(*a, seed->count() > 0); });
}

} // namespace hotline::cli
