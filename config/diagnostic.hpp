#pragma once
/// One problem found in a configuration, and the list of them that loading
/// and validation return (errors are values: nothing here throws).
///
/// A diagnostic names the FILE, LINE and COLUMN where the offending text was
/// written, the KEY path in the resolved configuration (`queues[2].ring_timeout_s`,
/// indices count from 0 and refer to the resolved arrays, as printed by
/// `hotline config show`) and a message that says what was expected.
#include <cstdint>
#include <string>
#include <vector>

namespace hotline::config {

enum class severity : std::uint8_t {
  error,   ///< the configuration must not be used
  warning, ///< usable, but probably not what the author meant
};
const char* to_string(severity s) noexcept;

struct diagnostic {
  severity level = severity::error;
  std::string file;       ///< as given by the user or resolved from an include; may be empty
  std::uint32_t line = 0; ///< 1-based; 0 when unknown (e.g. a file that cannot be opened)
  std::uint32_t column = 0;
  std::string key;     ///< key path; empty for syntax and file errors
  std::string message; ///< "expected a positive integer number of seconds, got -5"

  friend bool operator==(const diagnostic&, const diagnostic&) = default;
};

using diagnostics = std::vector<diagnostic>;

/// gcc-like: `FILE:LINE:COL: error: KEY: message`. Parts that are unknown are
/// left out (`FILE: error: message`).
std::string format(const diagnostic& d);

bool has_errors(const diagnostics& list) noexcept;
std::size_t count(const diagnostics& list, severity level) noexcept;

/// Removes exact repeats, keeping the first of each (an agent group reports a
/// problem once, not once per generated agent). Order is otherwise kept.
void remove_repeats(diagnostics& list);

} // namespace hotline::config
