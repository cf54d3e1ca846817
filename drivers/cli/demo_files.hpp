#pragma once
/// The demo center's files, built into the binary (generated at configure
/// time from config/demo.toml and the files it names), so that `hotline
/// demo` runs wherever the binary is: installed, copied, or in a build tree.
#include <span>
#include <string_view>

namespace hotline::cli {

struct embedded_file {
  std::string_view name;    ///< file name, as config/demo.toml refers to it
  std::string_view content; ///< the bytes of the file at build time
};

/// demo.toml first, then the files it names (relative to it).
std::span<const embedded_file> demo_files();

} // namespace hotline::cli
