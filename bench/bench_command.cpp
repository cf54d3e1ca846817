#include "bench/benches.hpp"
#include "bench/desktop_process.hpp"
#include "drivers/cli/commands.hpp"

namespace hotline::cli {

void add_bench_commands(CLI::App& app) {
  auto* bench = app.add_subcommand(
      "bench", "Benchmarks: JSON on stdout, with a same-run baseline and the ratio");
  bench->footer("Example:\n  hotline bench route");
  bench->require_subcommand(1);
  bench::add_store_bench(*bench);
  bench::add_kafka_bench(*bench);
  bench::add_replay_bench(*bench);
  bench::add_sim_bench(*bench);
  bench::add_route_bench(*bench);
  bench::add_api_bench(*bench);
  bench::add_sip_bench(*bench);
  bench::add_web_bench(*bench);
  bench::add_ivr_bench(*bench);
  bench::add_desktop_process_command(*bench);
  bench::add_federation_bench(*bench);
}

} // namespace hotline::cli
