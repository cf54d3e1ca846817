#include "drivers/cli/commands.hpp"

#include "drivers/cli/numbers.hpp"

namespace hotline::cli {

int& exit_code() {
  static int code = 0;
  return code;
}

void add_all_commands(CLI::App& app) {
  add_demo_command(app);
  add_store_commands(app);
  add_kafka_commands(app);
  add_bench_commands(app);
  add_config_commands(app);
  add_staff_command(app);
  add_simulate_command(app);
  add_replay_command(app);
  add_kpi_command(app);
  add_audit_commands(app);
  add_import_command(app);
  add_crm_commands(app);
  add_whatif_command(app);
  add_node_command(app);
  add_sites_command(app);
  check_every_number(app); // last: every option is registered by now
}

} // namespace hotline::cli
