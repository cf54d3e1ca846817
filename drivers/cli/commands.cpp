#include "drivers/cli/commands.hpp"

#include "drivers/cli/help_style.hpp"
#include "drivers/cli/numbers.hpp"
#include "drivers/cli/output.hpp"

namespace hotline::cli {

namespace {

/// Names the command being run ("hotline audit verify") for complain(),
/// once its part of the command line is parsed.
void name_commands(CLI::App& app, const std::string& parent) {
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    auto name = parent + " " + sub->get_name();
    sub->parse_complete_callback([name] {
      if (name.size() > command_name().size()) command_name() = name; // the deepest one given
    });
    name_commands(*sub, name);
  }
}

/// The top-level help's groups, in the order a new user meets them.
void group_commands(CLI::App& app) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> groups{
      {"Run a center", {"demo", "node", "simulate", "config", "staff"}},
      {"Analyse what happened", {"kpi", "replay", "crm", "whatif", "sites", "import"}},
      {"Audit and store", {"audit", "store", "users"}},
      {"Kafka", {"relay", "kafka-mock"}},
      {"Measure", {"bench"}},
  };
  for (const auto& [group, names] : groups)
    for (const auto& n : names)
      for (auto* sub : app.get_subcommands([&](CLI::App* a) { return a->get_name() == n; }))
        sub->group(group);
}

} // namespace

int& exit_code() {
  static int code = 0;
  return code;
}

void add_all_commands(CLI::App& app) {
  // In the order of the top-level help's groups (group_commands).
  add_demo_command(app);
  add_node_command(app);
  add_simulate_command(app);
  add_config_commands(app);
  add_staff_command(app);
  add_kpi_command(app);
  add_replay_command(app);
  add_crm_commands(app);
  add_whatif_command(app);
  add_sites_command(app);
  add_import_command(app);
  add_audit_commands(app);
  add_store_commands(app);
  add_users_commands(app);
  add_kafka_commands(app);
  add_bench_commands(app);
  check_every_number(app); // last: every option is registered by now
  name_commands(app, "hotline");
  label_options(app); // after check_every_number, which reads CLI11's type names
  group_commands(app);
}

} // namespace hotline::cli
