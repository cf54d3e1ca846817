// What a node prints (issue 19.19), through the real binary: with
// --log-format json every line, on stdout and stderr, is one JSON object
// with time, level, component and message, librdkafka's complaints included;
// RocksDB's info log stays out of the store unless asked for a directory.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/config/config_files.hpp"
#include "tests/support/process.hpp"

using hotline::config::testing::config_files;
using hotline::testing::child_process;

namespace fs = std::filesystem;

namespace {

constexpr auto hang_guard = std::chrono::seconds(60);
const std::string minimal = std::string(HOTLINE_CONFIG_DIR) + "/minimal.toml";

/// The node's stdout and stderr together, line by line.
std::unique_ptr<child_process> start(std::vector<std::string> args) {
  args.insert(args.begin(), {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", HOTLINE_BIN, "node"});
  return std::make_unique<child_process>(args);
}

/// Lines until every one of `whats` was in some line, or the guard ends.
std::vector<std::string> lines_until(child_process& p, std::vector<std::string> whats) {
  std::vector<std::string> lines;
  const auto end = std::chrono::steady_clock::now() + hang_guard;
  while (!whats.empty() && std::chrono::steady_clock::now() < end) {
    auto line = p.read_line(std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now()));
    if (!line) break;
    lines.push_back(*line);
    std::erase_if(whats, [&](const std::string& w) { return line->find(w) != std::string::npos; });
  }
  return lines;
}

/// The minimal center as site `west`, with no simulated traffic.
std::string west_config(config_files& files) {
  return files.write("node.toml", "include = \"" + minimal +
                                      "\"\n[site]\nid = \"west\"\n[node]\ntraffic = false\n");
}

bool has_file_named(const fs::path& dir, const std::string& prefix) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) return true;
  return false;
}

} // namespace

TEST_CASE("node --log-format json: every line is a JSON log record, librdkafka's included") {
  config_files files;
  const auto file = west_config(files);
  hotline::testing::temp_dir dir;
  const auto store = dir.path() + "/s";
  // Nothing listens on port 1: librdkafka complains, through the log.
  auto node =
      start({"--config", file, "--store", store, "--kafka", "127.0.0.1:1", "--log-format", "json"});
  auto lines = lines_until(*node, {"\"component\":\"kafka\"", "ACD up"});
  node->signal(SIGINT);
  for (auto more = lines_until(*node, {"stopped:"}); const auto& l : more)
    lines.push_back(l);
  CHECK(node->wait() == 0);

  REQUIRE_FALSE(lines.empty());
  bool acd_up = false, kafka = false, stopped = false;
  for (const auto& line : lines) {
    CAPTURE(line);
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(line));
    CHECK(j.at("time").get<std::string>().size() == 24); // 2026-12-06T07:30:00.123Z
    const auto level = j.at("level").get<std::string>();
    CHECK((level == "info" || level == "warning" || level == "error"));
    const auto component = j.at("component").get<std::string>();
    const auto message = j.at("message").get<std::string>();
    if (component == "node") CHECK(j.at("site") == "west");
    acd_up = acd_up || (component == "node" && message.rfind("ACD up", 0) == 0);
    kafka = kafka || (component == "kafka" && level != "info");
    stopped = stopped || (component == "node" && message.rfind("stopped:", 0) == 0);
  }
  CHECK(acd_up);
  CHECK(kafka);
  CHECK(stopped);
  CHECK_FALSE(has_file_named(store, "LOG")); // RocksDB's info log is not left in the store
}

TEST_CASE(
    "node --rocksdb-log DIR keeps RocksDB's own info log there, and --quiet prints no info line") {
  config_files files;
  const auto file = west_config(files);
  hotline::testing::temp_dir dir;
  const auto store = dir.path() + "/s";
  const auto logs = dir.path() + "/rocksdb-logs";
  fs::create_directories(logs);
  auto node = start({"--config", file, "--store", store, "--rocksdb-log", logs, "--quiet"});
  // Quiet: nothing to wait for on the pipe; the store's files say it is up.
  const auto end = std::chrono::steady_clock::now() + hang_guard;
  while (!fs::exists(store + "/CURRENT") && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  while (!has_file_named(logs, "") && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  node->signal(SIGINT);
  std::vector<std::string> out;
  while (auto line = node->read_line(hang_guard))
    out.push_back(*line);
  CHECK(node->wait() == 0);
  for (const auto& l : out)
    CHECK_MESSAGE(l.find(" INFO ") == std::string::npos, l);
  CHECK(has_file_named(logs, "")); // RocksDB named its LOG file after the store's path
  CHECK_FALSE(has_file_named(store, "LOG"));
}
