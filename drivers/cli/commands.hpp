#pragma once
/// The `hotline` command line: each subcommand family registers itself on
/// the CLI11 app from its own file. A command's callback returns the process
/// exit status through `exit_code` (0 ok, 1 failure, 2 bad usage/input).
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace hotline::cli {

/// Where subcommands leave the exit status for main().
int& exit_code();

void add_store_commands(CLI::App& app);   ///< hotline store ...
void add_kafka_commands(CLI::App& app);   ///< hotline kafka-mock, hotline relay
void add_demo_command(CLI::App& app);     ///< hotline demo
void add_bench_commands(CLI::App& app);   ///< hotline bench ...
void add_config_commands(CLI::App& app);  ///< hotline config check|show
void add_staff_command(CLI::App& app);    ///< hotline staff (Erlang C/A staffing, shift plan)
void add_simulate_command(CLI::App& app); ///< hotline simulate
void add_replay_command(CLI::App& app);   ///< hotline replay (drivers/cli/replay_command.cpp)
void add_kpi_command(CLI::App& app);      ///< hotline kpi
void add_audit_commands(CLI::App& app);   ///< hotline audit query|verify
void add_import_command(CLI::App& app);   ///< hotline import
void add_crm_commands(CLI::App& app);     ///< hotline crm show
void add_whatif_command(CLI::App& app);   ///< hotline whatif (recorded callers, new configuration)
void add_node_command(CLI::App& app);     ///< hotline node (one site, long-running)
void add_sites_command(CLI::App& app);  ///< hotline sites (the federation's sites and their status)
void add_users_commands(CLI::App& app); ///< hotline users add|list|passwd|disable|enable

/// Registers every subcommand.
void add_all_commands(CLI::App& app);

/// `hotline node` as `hotline demo --api-listen/--sip-listen` runs it: the
/// center of `config` on the wall clock with its simulated traffic on,
/// `api_agents` left to people, the node API on `api_listen` and SIP on
/// `sip_listen` (each empty: none, or the configuration's); `on_api_up(url)`
/// once the API listens. Returns when stopped (SIGINT/SIGTERM).
void run_live_node(const std::string& config, const std::string& store,
                   const std::string& api_listen, const std::string& sip_listen,
                   std::vector<std::string> api_agents,
                   std::function<void(const std::string& url)> on_api_up);

} // namespace hotline::cli
