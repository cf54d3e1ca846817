#include "drivers/cli/commands.hpp"
namespace hotline::cli {
void add_kafka_commands(CLI::App&) {}
} // namespace hotline::cli
