#pragma once
/// Test support: small TOML files in a fresh temporary directory, loaded
/// through the real loader, and lookups into the diagnostics it returns.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "config/load.hpp"
#include "tests/support/process.hpp"

namespace hotline::config::testing {

class config_files {
public:
  /// Writes `text` to `name` (sub-directories created) and returns its path.
  std::string write(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::path(dir_.path()) / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }
  load_outcome load(const std::string& name) const {
    return load_file(std::filesystem::path(dir_.path()) / name);
  }
  std::string path(const std::string& name) const {
    return (std::filesystem::path(dir_.path()) / name).string();
  }

private:
  hotline::testing::temp_dir dir_;
};

/// Every diagnostic, one per line, for failure messages.
inline std::string listing(const diagnostics& list) {
  std::string text;
  for (const auto& d : list)
    text += format(d) + '\n';
  return text;
}

/// The only diagnostic with `key`; fails the test when there is none or more.
inline diagnostic only(const diagnostics& list, const std::string& key) {
  std::vector<diagnostic> found;
  for (const auto& d : list)
    if (d.key == key) found.push_back(d);
  INFO("diagnostics:\n" << listing(list));
  REQUIRE_MESSAGE(found.size() == 1, "expected exactly one diagnostic for key " << key);
  return found.front();
}

/// A center that loads clean; tests append the section they exercise.
inline const char* valid_center = R"(
[[trunks]]
id = "pstn"

[[queues]]
id = "sales"
skills = { english = 10 }

[[agents]]
id = "ann"
skills = { english = 50 }
queues = ["sales"]

[[entry_points]]
dialed = "100"
queue = "sales"
)";

} // namespace hotline::config::testing
