#pragma once
/// JSON views of a loaded configuration and of diagnostics, for
/// `hotline config show` and `hotline config check --json`.
#include <nlohmann/json.hpp>

#include "config/configuration.hpp"
#include "config/diagnostic.hpp"

namespace hotline::config {

/// The resolved configuration under the key names of the TOML files (and in
/// their units: `ring_timeout_s`, `length_min`), with every default filled
/// in, includes merged and agent groups expanded into `agents` (each
/// agent's `shift` beside it). Durations that are not whole units print as
/// fractions. `files` lists the files read.
nlohmann::ordered_json to_json(const configuration& config);

/// A flow as `config show` prints it: its settings and each node's id,
/// type and where it leads (the edges' keys as the file names them).
nlohmann::ordered_json flow_json(const events::ivr::flow& f);

/// {"severity","file","line","column","key","message"}
nlohmann::ordered_json to_json(const diagnostic& d);

} // namespace hotline::config
