#pragma once
/// Loading a configuration file: TOML with includes, read into
/// events::center_definition plus simulation_definition, defaults applied,
/// validated. See docs/config.md for the keys.
///
/// Thread safety: load_file() shares no state; call it from any thread.
#include <filesystem>

#include "config/configuration.hpp"
#include "config/diagnostic.hpp"
#include "config/source_map.hpp"

namespace hotline::config {

/// What loading produced. Errors are values: `problems` lists every error
/// and warning found (not just the first), in file order where possible.
struct load_outcome {
  configuration config; ///< complete when ok(); best effort otherwise (do not run it)
  source_map sources;   ///< where each key path was written
  diagnostics problems;

  /// No errors (warnings allowed).
  bool ok() const noexcept { return !has_errors(problems); }
};

/// Reads `file` (and the files it includes, relative to itself), applies
/// defaults and validates. Diagnostics name files as they were reached:
/// `file` as given, includes relative to it.
///
/// Defaults that depend on other sections are applied here: a queue, agent
/// or entry point without `tenant` belongs to the only tenant when there is
/// exactly one (an entry point otherwise to its queue's tenant); an entry
/// point without `trunk_group` uses the only trunk group when there is
/// exactly one.
load_outcome load_file(const std::filesystem::path& file);

} // namespace hotline::config
