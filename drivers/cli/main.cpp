// hotline: an event-sourced, actor-model contact-center platform.
#include <iostream>

#include "config/did_you_mean.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/cli/help_style.hpp"

namespace {

/// The subcommands the parse reached, deepest last (the top app first).
std::vector<const CLI::App*> reached(const CLI::App& app) {
  std::vector<const CLI::App*> chain{&app};
  for (auto subs = app.get_subcommands(); !subs.empty(); subs = subs.front()->get_subcommands())
    chain.push_back(subs.front());
  return chain;
}

/// " (did you mean 'x'?)" for an argument the command did not expect: the
/// nearest option name for `-x`/`--xyz`, else the nearest subcommand name.
std::string suggestion(const CLI::App& at, const std::string& arg) {
  std::vector<std::string> names;
  if (arg.rfind("-", 0) == 0) {
    const auto word = arg.substr(0, arg.find('='));
    for (const auto* opt : at.get_options()) {
      for (const auto& l : opt->get_lnames())
        names.push_back("--" + l);
      for (const auto& s : opt->get_snames())
        names.push_back("-" + s);
    }
    return hotline::config::did_you_mean(word, names);
  }
  for (const auto* sub : at.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  return hotline::config::did_you_mean(arg, names);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"hotline: an event-sourced, actor-model contact-center platform"};
  app.formatter(hotline::cli::help_formatter()); // before the subcommands: they inherit it
  app.require_subcommand(1);
  app.footer(
      "Run 'hotline SUBCOMMAND --help' for its options and an example.\n"
      "Guides: README.md; configuration keys: docs/config.md; the design: docs/architecture.md.");
  app.set_version_flag("--version", "hotline 0.1.0");
  hotline::cli::add_all_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with status 0; every real parse
    // error is bad usage, status 2 as commands.hpp promises (CLI11's own
    // codes are 100+). Errors name the command: "hotline node: --hours: ...".
    if (e.get_exit_code() == 0) return app.exit(e);
    const auto chain = reached(app);
    std::string name = "hotline";
    for (std::size_t i = 1; i < chain.size(); ++i)
      name += " " + chain[i]->get_name();
    std::cerr << name << ": " << e.what();
    // Whatever the error, an argument nothing took may be a typo: say which
    // name was probably meant (CLI11 may report a missing option first).
    for (const auto& extra : chain.back()->remaining())
      if (auto hint = suggestion(*chain.back(), extra); !hint.empty())
        std::cerr << "\n  unknown " << (extra.rfind("-", 0) == 0 ? "option" : "subcommand") << " '"
                  << extra << "'" << hint;
    std::cerr << "\nRun '" << name << " --help' for more information.\n";
    return 2;
  }
  return hotline::cli::exit_code();
}
