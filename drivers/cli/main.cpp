// hotline: an event-sourced, actor-model contact-center platform.
#include <iostream>

#include "drivers/cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"hotline: an event-sourced, actor-model contact-center platform"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hotline 0.1.0");
  hotline::cli::add_all_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with status 0; every real parse
    // error is bad usage, status 2 as commands.hpp promises (CLI11's own
    // codes are 100+).
    return app.exit(e) == 0 ? 0 : 2;
  }
  return hotline::cli::exit_code();
}
