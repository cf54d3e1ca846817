#pragma once
/// One look for every `--help` of hotline:
///  - argument labels name what is expected, the same everywhere: DIR (a
///    directory: --store, --views, --dir, ...), FILE, BROKERS (Kafka
///    bootstrap servers HOST:PORT,...), TOPIC, TIME, DURATION, ZONE, NUM
///    (any number; its range follows, `NUM:0..87600`), otherwise the option's
///    own name (`--site SITE`); required options say REQUIRED;
///  - every line fits in 100 columns: descriptions wrap under their column;
///  - the top-level help lists the subcommands by group.
///
/// `help_formatter()` is installed on the top app before the subcommands
/// are added (they inherit it); `label_options` runs once every option is
/// registered.
#include <memory>

#include <CLI/CLI.hpp>

namespace hotline::cli {

/// The formatter: CLI11's, with labels as above and lines wrapped at 100.
std::shared_ptr<CLI::Formatter> help_formatter();

/// Gives every option of `app` and of its subcommands, at any depth, its label.
void label_options(CLI::App& app);

} // namespace hotline::cli
