#include "drivers/cli/output.hpp"

#include <iostream>

#include "drivers/cli/commands.hpp"
#include "drivers/log/log.hpp"

namespace hotline::cli {

std::string& command_name() {
  static std::string name = "hotline";
  return name;
}

std::ostream& complain() {
  return std::cerr << command_name() << ": ";
}

void fail(const std::string& message, int code) {
  complain() << message << "\n";
  exit_code() = code;
}

CLI::Option* add_quiet_flag(CLI::App* cmd, bool& quiet) {
  return cmd->add_flag(
      "--quiet", quiet,
      "Print only the result and problems: no progress, summary or informational lines");
}

CLI::Option* add_log_format_option(CLI::App* cmd, std::string& format) {
  return cmd
      ->add_option(
          "--log-format", format,
          "Diagnostic lines as text or as JSON lines (time, level, component, site, message)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void configure_log(const std::string& format, bool quiet) {
  drivers::log::settings s;
  s.fmt = drivers::log::parse_format(format).value_or(drivers::log::format::text);
  s.min = quiet ? drivers::log::level::warning : drivers::log::level::info;
  drivers::log::configure(s);
}

} // namespace hotline::cli
