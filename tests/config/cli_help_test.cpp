// The help of every subcommand (issue 19.18), through the real binary: one
// style of argument labels, lines within 100 columns, an example in each,
// one meaning of --quiet, the same label for the same option everywhere,
// and errors that name the command.
#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/hotline_cli.hpp"
#include "tests/support/process.hpp"

using hotline::testing::run_capture;

namespace {

std::string run(std::vector<std::string> args, int* status = nullptr) {
  std::string out;
  const int st = hotline::testing::hotline_argv(std::move(args), out);
  if (status) *status = st;
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in{text};
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  return lines;
}

/// The subcommands a help lists: rows "  name  description" after a
/// heading that is not "Options:" or "Positionals:".
std::vector<std::string> subcommands_in(const std::string& help) {
  std::vector<std::string> names;
  bool listing = false;
  static const std::regex row{R"(^  ([a-z][a-z-]*)  +\S.*$)"};
  for (const auto& l : lines_of(help)) {
    if (!l.empty() && l[0] != ' ') {
      listing =
          l.back() == ':' && l != "Options:" && l != "Positionals:" && l.rfind("Example", 0) != 0;
      continue;
    }
    std::smatch m;
    if (listing && std::regex_match(l, m, row)) names.push_back(m[1]);
  }
  return names;
}

/// Every command path, depth first: {"kpi"}, {"audit", "query"}, ...
void collect(const std::vector<std::string>& path, std::vector<std::vector<std::string>>& out) {
  auto args = path;
  args.push_back("--help");
  const auto subs = subcommands_in(run(args));
  if (!path.empty() && subs.empty()) out.push_back(path);
  for (const auto& s : subs) {
    auto p = path;
    p.push_back(s);
    collect(p, out);
  }
}

std::string joined(const std::vector<std::string>& path) {
  std::string s = "hotline";
  for (const auto& p : path)
    s += " " + p;
  return s;
}

} // namespace

TEST_CASE(
    "every subcommand's help: labels, width, an example, and the same words for the same option") {
  std::vector<std::vector<std::string>> commands;
  collect({}, commands);
  REQUIRE(commands.size() >=
          25); // 17 top-level commands; audit, config, store, users and bench have subcommands

  static const std::regex option_row{R"(^  (?:-\w,)?(--[a-z][a-z0-9-]*)( [^ ].*?)?(?:  +(.*))?$)"};
  static const std::regex cli11_type{R"(\b(TEXT|INT|UINT|FLOAT)\b)"};
  std::map<std::string, std::set<std::string>> labels_of; // option -> labels seen
  std::set<std::string> quiet_texts;
  for (const auto& path : commands) {
    auto args = path;
    args.push_back("--help");
    int status = -1;
    const auto help = run(args, &status);
    CAPTURE(joined(path));
    CHECK(status == 0);
    CHECK_MESSAGE(help.find("\nExample") != std::string::npos, help);
    for (const auto& l : lines_of(help)) {
      CHECK_MESSAGE(l.size() <= 100, l);
      std::smatch m;
      if (!std::regex_match(l, m, option_row)) continue;
      const std::string option = m[1];
      std::string label = m[2];
      CHECK_MESSAGE(!std::regex_search(label, cli11_type),
                    l); // DIR, FILE, NUM..., not CLI11's type names
      label = label.substr(0, label.find_first_of(":=", 1));
      if (label.find(" REQUIRED") != std::string::npos) label.erase(label.find(" REQUIRED"));
      if (label.find(" ...") != std::string::npos) label.erase(label.find(" ..."));
      labels_of[option].insert(label);
      if (option == "--quiet") quiet_texts.insert(m[3]);
    }
  }
  // The same option is labelled alike in every command that has it.
  for (const auto& opt :
       {"--store", "--kafka", "--config", "--sl-threshold-s", "--views", "--topic", "--timeout"}) {
    CAPTURE(opt);
    auto seen = labels_of[opt];
    seen.erase(" [BROKERS]"); // demo's --kafka may be given without a value
    CHECK(seen.size() == 1);
  }
  CHECK(*labels_of["--store"].begin() == " DIR");
  CHECK(labels_of["--kafka"].count(" BROKERS") == 1);
  CHECK(quiet_texts.size() == 1); // one meaning of --quiet
}

TEST_CASE("the top-level help groups the subcommands within 100 columns") {
  const auto help = run({"--help"});
  for (const auto& l : lines_of(help))
    CHECK_MESSAGE(l.size() <= 100, l);
  for (const char* group :
       {"Run a center:", "Analyse what happened:", "Audit and store:", "Kafka:", "Measure:"})
    CHECK_MESSAGE(help.find(std::string{"\n"} + group + "\n") != std::string::npos, group);
  CHECK(subcommands_in(help).size() == 17);
}

TEST_CASE("run-time errors start with the command that failed, as parse errors do") {
  int status = 0;
  auto out = run({"store", "info", "--store", "/nonexistent/hotline-store"}, &status);
  CHECK(status == 1);
  CHECK_MESSAGE(out.rfind("hotline store info: ", 0) == 0, out);
  out = run({"crm", "show", "--store", "/nonexistent/hotline-store", "--customer", "c1"}, &status);
  CHECK(status == 1);
  CHECK_MESSAGE(out.rfind("hotline crm show: ", 0) == 0, out);
  out = run(
      {"relay", "--store", "/nonexistent/hotline-store", "--kafka", "127.0.0.1:1", "--site", "s"},
      &status);
  CHECK(status == 1);
  CHECK_MESSAGE(out.rfind("hotline relay: ", 0) == 0, out);
  out = run({"whatif", "--store", "/nonexistent/hotline-store", "--config", "/nonexistent.toml"},
            &status);
  CHECK(status == 2);
  CHECK_MESSAGE(out.rfind("hotline whatif: ", 0) == 0, out);
}

TEST_CASE("--sl-threshold-s takes decimals wherever it is an option") {
  int status = 0;
  const auto out = run({"simulate", "--agents", "3", "--rate-per-hour", "60", "--aht-s", "120",
                        "--hours", "0.5", "--sl-threshold-s", "12.5", "--seed", "7"},
                       &status);
  CHECK_MESSAGE(status == 0, out);
  CHECK_MESSAGE(out.find("12.5 s") != std::string::npos, out);
}
