// hotline outside its source tree: `cmake --install` puts the binary, the
// shipped configurations and the docs under a prefix, and the installed (or
// merely copied) binary runs the demo from any directory.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/support/process.hpp"

namespace fs = std::filesystem;
using hotline::testing::run_capture;
using hotline::testing::temp_dir;

namespace {

/// Runs `command` with bash in `cwd`; stdout and stderr into `out`.
int run_in(const std::string& cwd, const std::string& command, std::string& out) {
  return run_capture({"bash", "-c", "cd '" + cwd + "' && " + command + " 2>&1"}, out,
                     std::chrono::seconds(120));
}

} // namespace

TEST_CASE("cmake --install lays out the binary, the configurations and the docs") {
  temp_dir prefix;
  std::string out;
  REQUIRE(run_capture({HOTLINE_CMAKE, "--install", HOTLINE_BUILD_DIR, "--prefix", prefix.path()},
                      out) == 0);
  const fs::path p = prefix.path();
  CHECK(fs::is_regular_file(p / "bin/hotline"));
  CHECK(fs::is_regular_file(p / "share/hotline/config/demo.toml"));
  CHECK(fs::is_regular_file(p / "share/hotline/config/demo-arrivals-acme-billing.csv"));
  CHECK(fs::is_regular_file(p / "share/hotline/config/sites/north.toml"));
  CHECK(fs::is_regular_file(p / "share/doc/hotline/README.md"));
  CHECK(fs::is_regular_file(p / "share/doc/hotline/store.md"));

  // The installed configuration is valid as installed (relative files too).
  CHECK(run_capture({(p / "bin/hotline").string(), "config", "check",
                     (p / "share/hotline/config/demo.toml").string()},
                    out) == 0);
}

TEST_CASE("a copied binary runs the demo from an empty directory with its built-in center") {
  temp_dir elsewhere;
  const auto bin = fs::path(elsewhere.path()) / "hotline";
  fs::copy_file(HOTLINE_BIN, bin);
  fs::create_directories(fs::path(elsewhere.path()) / "work");
  std::string out;
  const int rc = run_in(elsewhere.path() + "/work",
                        bin.string() + " demo --duration 1 --hours 0.25 --seed 7 --dir run", out);
  INFO(out);
  REQUIRE(rc == 0);
  // The run keeps the configuration it used beside its store.
  const fs::path run = fs::path(elsewhere.path()) / "work/run";
  CHECK(fs::is_regular_file(run / "config/demo.toml"));
  CHECK(fs::is_regular_file(run / "config/demo-arrivals-acme-billing.csv"));
  CHECK(fs::is_directory(run / "store"));
  CHECK(out.find("cannot find") == std::string::npos);
}
