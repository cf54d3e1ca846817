#pragma once
/// How every subcommand speaks, so that the same thing looks the same
/// everywhere:
///  - errors start with the command that failed, `hotline kpi: ...`
///    (`complain`, `fail`); main sets the name once the command line is
///    parsed, so parse errors and run-time errors read alike;
///  - `--quiet` means one thing: only the result asked for (stdout) and
///    problems (stderr); no progress, no summary, no informational lines;
///  - the long-running commands (node, relay, kafka-mock) print diagnostics
///    as log lines (drivers/log/log.hpp) in the format `--log-format` picks.
#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

namespace hotline::cli {

/// "hotline" followed by the subcommands given, e.g. "hotline audit verify".
std::string& command_name();

/// std::cerr, after "<command_name>: ".
std::ostream& complain();

/// complain() `message`, and sets the exit status to `code`.
void fail(const std::string& message, int code = 1);

/// Adds `--quiet` with its one meaning (above).
CLI::Option* add_quiet_flag(CLI::App* cmd, bool& quiet);

/// Adds `--log-format text|json` (default text).
CLI::Option* add_log_format_option(CLI::App* cmd, std::string& format);

/// Sets the process's log format, and its minimum level (warning when
/// `quiet`). REQUIRES: `format` is "text" or "json" (the option checks).
void configure_log(const std::string& format, bool quiet);

} // namespace hotline::cli
