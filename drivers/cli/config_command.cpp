// hotline config check|show: load a center configuration and report on it.
#include <iostream>

#include "config/json.hpp"
#include "config/load.hpp"
#include "drivers/cli/commands.hpp"
#include "drivers/cli/config_check.hpp"
#include "drivers/time_zone.hpp"
#include "drivers/tts/espeak_speech.hpp"
#include "drivers/tts/prompt_audio.hpp"

namespace hotline::cli {

namespace {

struct config_args {
  std::string file;
  bool json = false;
};

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + ' ' + (n == 1 ? one : many);
}

/// "4 tenants, 8 queues, 40 agents, 2 trunk groups (32 channels), ..."
std::string summary(const config::configuration& c) {
  int channels = 0;
  for (const auto& t : c.center.trunks)
    channels += t.channels;
  std::string text = plural(c.center.tenants.size(), "tenant", "tenants") + ", " +
                     plural(c.center.queues.size(), "queue", "queues") + ", " +
                     plural(c.center.agents.size(), "agent", "agents") + ", " +
                     plural(c.center.trunks.size(), "trunk group", "trunk groups") + " (" +
                     plural(static_cast<std::size_t>(channels), "channel", "channels") + "), " +
                     plural(c.center.entry_points.size(), "entry point", "entry points");
  if (!c.center.flows.empty())
    text += ", " + plural(c.center.flows.size(), "IVR flow", "IVR flows");
  if (!c.simulation.arrivals.empty())
    text += ", " + plural(c.simulation.arrivals.size(), "arrival profile", "arrival profiles");
  if (c.files.size() > 1) text += ", " + plural(c.files.size(), "file", "files");
  return text;
}

void print_problems(const config::diagnostics& problems, std::ostream& out) {
  for (const auto& d : problems)
    out << config::format(d) << "\n";
}

/// A flow with text prompts needs the TTS engine ([ivr] tts_engine) on this
/// machine: without it those prompts would be silence. A warning: the
/// configuration may be checked on another machine than the node's.
void check_tts_engine(config::load_outcome& loaded) {
  const auto& flows = loaded.config.center.flows;
  const auto& engine = loaded.config.ivr.tts_engine;
  bool available = false, asked = false;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    if (!drivers::tts::has_text_prompts(flows[i])) continue;
    if (!asked) available = drivers::tts::program_available(engine);
    asked = true;
    if (available) return;
    const auto key = "flows[" + std::to_string(i) + "].id";
    const auto p = loaded.sources.find(key);
    loaded.problems.push_back(
        {config::severity::warning, p.file, p.line, p.column, key,
         "flow '" + flows[i].id + "' has text prompts to speak, but the TTS engine '" + engine +
             "' is not installed (Debian package espeak-ng; [ivr] tts_engine): they would be "
             "silent"});
  }
}

void run_check(const config_args& a) {
  auto loaded = check_config_file(a.file);
  const auto errors = config::count(loaded.problems, config::severity::error);
  const auto warnings = config::count(loaded.problems, config::severity::warning);
  if (a.json) {
    nlohmann::ordered_json problems = nlohmann::ordered_json::array();
    for (const auto& d : loaded.problems)
      problems.push_back(config::to_json(d));
    nlohmann::ordered_json report{{"file", a.file},
                                  {"ok", loaded.ok()},
                                  {"errors", errors},
                                  {"warnings", warnings},
                                  {"diagnostics", problems}};
    if (loaded.ok()) {
      const auto& c = loaded.config;
      report["summary"] = {{"tenants", c.center.tenants.size()},
                           {"queues", c.center.queues.size()},
                           {"agents", c.center.agents.size()},
                           {"trunk_groups", c.center.trunks.size()},
                           {"entry_points", c.center.entry_points.size()},
                           {"flows", c.center.flows.size()},
                           {"arrival_profiles", c.simulation.arrivals.size()},
                           {"files", c.files}};
    }
    std::cout << report.dump(2) << "\n";
  } else {
    print_problems(loaded.problems, std::cout);
    if (loaded.ok()) {
      std::cout << a.file << ": ok (" << summary(loaded.config) << ")";
      if (warnings > 0) std::cout << " with " << plural(warnings, "warning", "warnings");
      std::cout << "\n";
    } else {
      std::cout << a.file << ": invalid: " << plural(errors, "error", "errors");
      if (warnings > 0) std::cout << ", " << plural(warnings, "warning", "warnings");
      std::cout << "\n";
    }
  }
  exit_code() = loaded.ok() ? 0 : 2;
}

void run_show(const config_args& a) {
  const auto loaded = config::load_file(a.file);
  // Diagnostics go to stderr so stdout stays valid JSON for tools.
  print_problems(loaded.problems, std::cerr);
  if (!loaded.ok()) {
    exit_code() = 2;
    return;
  }
  std::cout << config::to_json(loaded.config).dump(2) << "\n";
}

} // namespace

/// An IVR flow's time zone must be one the system's database knows. Checked
/// here, at the composition root: config/ may not use drivers/time_zone.
static void check_time_zones(config::load_outcome& loaded) {
  const auto& flows = loaded.config.center.flows;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    if (flows[i].time_zone.empty()) continue;
    const auto zone = drivers::time_zone::locate(flows[i].time_zone);
    if (zone) continue;
    const auto key = "flows[" + std::to_string(i) + "].time_zone";
    const auto p = loaded.sources.find(key);
    loaded.problems.push_back(
        {config::severity::error, p.file, p.line, p.column, key, zone.error().detail()});
  }
}

config::load_outcome check_config_file(const std::string& file) {
  auto loaded = config::load_file(file);
  check_time_zones(loaded);
  check_tts_engine(loaded);
  return loaded;
}

void add_config_commands(CLI::App& app) {
  auto* config = app.add_subcommand("config", "Check or print a center configuration (TOML)");
  config->footer("Example:\n  hotline config check config/demo.toml");
  config->require_subcommand(1);
  auto args = std::make_shared<config_args>();

  auto* check = config->add_subcommand("check", "Validate a configuration and its includes");
  check->footer(
      "Prints 'FILE: ok (...)', or every problem as 'FILE:LINE:COL: error: KEY: message'\n"
      "(warnings alike). Exit status: 0 valid (warnings allowed), 2 invalid.\n"
      "Keys and defaults: docs/config.md.\n\n"
      "Example:\n  hotline config check config/demo.toml");
  check->add_option("FILE", args->file, "configuration file (TOML)")->required();
  check->add_flag("--json", args->json, "print the result as one JSON object");
  check->callback([args] { run_check(*args); });

  auto* show = config->add_subcommand("show", "Print the resolved configuration as JSON");
  show->footer("Includes merged, defaults filled in, agent groups expanded; keys and units as in\n"
               "the TOML files. Problems go to stderr. Exit status: 0 valid, 2 invalid.\n\n"
               "Example:\n  hotline config show config/demo.toml");
  show->add_option("FILE", args->file, "configuration file (TOML)")->required();
  show->callback([args] { run_show(*args); });
}

} // namespace hotline::cli
