// The desktops of `hotline bench api` in a child process: see desktop_process.hpp.
#include "bench/desktop_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

extern char** environ;

namespace hotline::bench {

namespace {

nlohmann::json to_json(const ws_load_stats& s) {
  return {{"sessions_open", s.sessions_open},
          {"sessions_failed", s.sessions_failed},
          {"first_error", s.first_error},
          {"messages", s.messages},
          {"bytes", s.bytes},
          {"messages_without_t", s.messages_without_t},
          {"latency_samples", s.latency_samples},
          {"p50_ms", s.p50_ms},
          {"p99_ms", s.p99_ms},
          {"max_ms", s.max_ms}};
}

std::optional<ws_load_stats> from_json(const std::string& line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("sessions_open")) return std::nullopt;
  ws_load_stats s;
  s.sessions_open = j.value("sessions_open", std::size_t{0});
  s.sessions_failed = j.value("sessions_failed", std::size_t{0});
  s.first_error = j.value("first_error", std::string{});
  s.messages = j.value("messages", std::uint64_t{0});
  s.bytes = j.value("bytes", std::uint64_t{0});
  s.messages_without_t = j.value("messages_without_t", std::uint64_t{0});
  s.latency_samples = j.value("latency_samples", std::uint64_t{0});
  s.p50_ms = j.value("p50_ms", 0.0);
  s.p99_ms = j.value("p99_ms", 0.0);
  s.max_ms = j.value("max_ms", 0.0);
  return s;
}

} // namespace

desktop_process::desktop_process(const desktop_process_options& o) {
  tokens_file_ = (std::filesystem::temp_directory_path() /
                  ("hotline-bench-desktops-" + std::to_string(::getpid())))
                     .string();
  {
    std::ofstream f{tokens_file_, std::ios::trunc};
    for (const auto& t : o.tokens)
      f << t << '\n';
    if (!f) {
      error_ = "cannot write " + tokens_file_;
      return;
    }
  }
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) {
    error_ = "pipe failed";
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  for (int fd : {in[0], in[1], out[0], out[1]})
    posix_spawn_file_actions_addclose(&actions, fd);
  std::vector<std::string> argv{"/proc/self/exe",
                                "bench",
                                "api-desktops",
                                "--url",
                                o.url,
                                "--target",
                                o.target,
                                "--tokens",
                                tokens_file_,
                                "--connect-timeout-ms",
                                std::to_string(o.connect_timeout.count())};
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) {
    pid_ = -1;
    error_ = "cannot start " + argv[0];
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  to_ = in[1];
  from_ = out[0];
}

desktop_process::~desktop_process() {
  if (to_ >= 0) ::close(to_);
  if (pid_ > 0) {
    // Give it a moment to leave by itself after `close`, then insist.
    for (int i = 0; i < 50; ++i) {
      int st;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      usleep(100'000);
    }
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int st;
      waitpid(pid_, &st, 0);
    }
  }
  if (from_ >= 0) ::close(from_);
  if (!tokens_file_.empty()) std::filesystem::remove(tokens_file_);
}

std::optional<std::string> desktop_process::ask(const std::string& command,
                                                std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  const auto line = command + "\n";
  if (::write(to_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto nl = pending_.find('\n'); nl != std::string::npos) {
      auto answer = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return answer;
    }
    pollfd p{from_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const auto n = ::read(from_, buf, sizeof buf);
    if (n <= 0) return std::nullopt; // the child is gone
    pending_.append(buf, static_cast<std::size_t>(n));
  }
  return std::nullopt;
}

std::optional<ws_load_stats> desktop_process::connect() {
  auto line = ask("connect", std::chrono::minutes(5));
  return line ? from_json(*line) : std::nullopt;
}

std::optional<ws_load_stats> desktop_process::stats(bool reset) {
  auto line = ask(reset ? "reset" : "stats", std::chrono::seconds(30));
  return line ? from_json(*line) : std::nullopt;
}

void desktop_process::close() {
  ask("close", std::chrono::seconds(30));
}

std::uint64_t desktop_process::resident_bytes() const {
  if (pid_ <= 0) return 0;
  std::ifstream statm{"/proc/" + std::to_string(pid_) + "/statm"};
  std::uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

void add_desktop_process_command(CLI::App& bench) {
  struct args {
    std::string url, target = "/api/feed", tokens;
    long connect_timeout_ms = 120'000;
  };
  auto a = std::make_shared<args>();
  auto* cmd = bench.add_subcommand("api-desktops", "The desktops of bench api (its child)");
  cmd->group(""); // hidden: `bench api` starts it
  cmd->add_option("--url", a->url)->required();
  cmd->add_option("--target", a->target);
  cmd->add_option("--tokens", a->tokens, "One bearer token a line")->required();
  cmd->add_option("--connect-timeout-ms", a->connect_timeout_ms);
  cmd->callback([a] {
    ws_load_options lo;
    lo.url = a->url;
    lo.target = a->target;
    lo.connect_timeout = std::chrono::milliseconds(a->connect_timeout_ms);
    std::ifstream f{a->tokens};
    for (std::string t; std::getline(f, t);)
      if (!t.empty()) lo.session_headers.push_back({{"Authorization", "Bearer " + t}});
    lo.sessions = lo.session_headers.size();
    if (lo.sessions == 0) {
      std::cerr << "api-desktops: no tokens in " << a->tokens << "\n";
      std::exit(2);
    }
    ws_load load{lo};
    for (std::string command; std::getline(std::cin, command);) {
      ws_load_stats s;
      if (command == "connect")
        s = load.connect();
      else if (command == "reset")
        s = load.stats(true);
      else if (command == "stats")
        s = load.stats(false);
      else if (command == "close") {
        load.close();
        s = load.stats(false);
        std::cout << to_json(s).dump() << std::endl;
        break;
      } else {
        std::cerr << "api-desktops: unknown command '" << command << "'\n";
        continue;
      }
      std::cout << to_json(s).dump() << std::endl;
    }
  });
}

} // namespace hotline::bench
