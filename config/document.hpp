#pragma once
/// Internal to hotline_config: reading TOML files and resolving `include`.
///
/// `include = ["base.toml", ...]` (or one string) names files relative to the
/// including file. Included files are read first, in order, each on top of
/// the previous; the including file goes on top of them all. "On top" means:
/// - tables merge key by key, recursively;
/// - arrays of tables that have an identity (see identity_key()) merge by it:
///   an element whose identity an earlier file already has patches that
///   element, key by key; other elements are appended;
/// - every other value, plain arrays and unkeyed arrays of tables included,
///   replaces the earlier one.
/// Nodes keep the file, line and column they were written at, so later
/// diagnostics point into the right file.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/diagnostic.hpp"

namespace hotline::config::detail {

struct merged_document {
  toml::table root;               ///< `include` keys removed
  std::vector<std::string> files; ///< the main file, then includes in the order they were found
};

/// Reads `file` and everything it includes. Syntax errors (file:line:col),
/// unreadable files, malformed `include` values and include cycles are
/// appended to `out`; when any is, `root` must not be interpreted.
merged_document read_document(const std::filesystem::path& file, diagnostics& out);

/// The key that identifies an element of the array of tables at `array_path`
/// (a top-level path such as `queues` or `simulation.arrivals`), e.g. `id`
/// for queues and `dialed` for entry points; empty when elements have no
/// identity and the array is replaced as a whole.
std::vector<std::string_view> identity_keys(std::string_view array_path);

} // namespace hotline::config::detail
