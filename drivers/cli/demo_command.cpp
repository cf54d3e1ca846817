#include "drivers/cli/commands.hpp"
namespace hotline::cli {
void add_demo_command(CLI::App& app) {
  app.add_subcommand("demo", "Run the demo (not yet)");
}
} // namespace hotline::cli
