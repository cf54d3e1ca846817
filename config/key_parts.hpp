#pragma once
/// Internal to hotline_config: a scan of TOML text, before toml++ parses it,
/// for dotted keys and table headers with too many parts. toml++ nests one
/// table per part recursively and overflows the stack on a key of ~40,000
/// parts (SIGSEGV), so such text must never reach it.
///
/// The scan knows just enough TOML to be exact: strings (basic, literal,
/// multi-line, with escapes) and comments are skipped, and a "run" is a
/// sequence of bare or quoted words joined by dots. Values make runs of at
/// most two parts (`1.5`, a time with fractions), so only keys can exceed
/// limits::max_key_parts.
#include <optional>
#include <string>
#include <string_view>

#include "config/diagnostic.hpp"

namespace hotline::config::detail {

/// The first key of `text` with more than `max_parts` parts, as an error at
/// its first character in `file` (key: its first parts, then "..."); nullopt
/// when there is none.
std::optional<diagnostic> find_overlong_key(std::string_view text, const std::string& file,
                                            std::size_t max_parts);

} // namespace hotline::config::detail
