#pragma once
// Test support for the node API's integration tests: a real `hotline node`
// with `--api-listen 127.0.0.1:0` (its address read from its log), users made
// by `hotline users add`, and a logged-in client over real sockets. Needs
// HOTLINE_BIN (the integration tests' compile definition).
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace hotline::test::api {

using json = nlohmann::json;

/// Every test user's password (strong enough for `hotline users add`).
inline const std::string password = "correct horse battery staple";

/// `hotline users add --store STORE --password-stdin ARGS` (the node must not run on STORE).
inline void add_user(const std::string& store, const std::string& args) {
  std::string out;
  const auto cmd = "echo '" + password + "' | " + std::string{HOTLINE_BIN} + " users add --store " +
                   store + " --password-stdin " + args;
  REQUIRE_MESSAGE(testing::run_capture({"/bin/bash", "-c", cmd}, out) == 0, (cmd + "\n" + out));
}

struct node_run {
  std::unique_ptr<testing::child_process> p;
  std::string url; ///< "http://127.0.0.1:PORT" (https with TLS)
  /// SIGINT, and the node must stop cleanly.
  void stop() {
    p->signal(SIGINT);
    CHECK(p->wait() == 0);
  }
};

/// Starts `hotline node --config CONFIG --store STORE --api-listen 127.0.0.1:0 EXTRA...`
/// and waits for its "API on URL" line.
inline node_run start_node(const std::string& config, const std::string& store,
                           std::vector<std::string> extra = {}) {
  using namespace std::chrono_literals;
  node_run n;
  std::vector<std::string> argv{HOTLINE_BIN, "node", "--config",     config,
                                "--store",   store,  "--api-listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  n.p = std::make_unique<testing::child_process>(argv);
  for (int i = 0; i < 40 && n.url.empty(); ++i) {
    auto line = n.p->read_line(30s);
    REQUIRE_MESSAGE(line.has_value(), "the node stopped before its API came up");
    if (auto at = line->find("API on "); at != std::string::npos) {
      n.url = line->substr(at + 7);
      n.url = n.url.substr(0, n.url.find(' '));
    }
  }
  REQUIRE_MESSAGE(!n.url.empty(), "the node never said 'API on'");
  return n;
}

/// A user's session: JSON in and out, each answer's status checked.
struct client {
  std::string url;
  std::string cookie; ///< "hotline_session=..."
  const client_tls* tls = nullptr;

  http_reply call(const std::string& method, const std::string& target,
                  const std::string& body = {}, header_list extra = {}) const {
    header_list h = std::move(extra);
    if (!cookie.empty()) h.emplace_back("Cookie", cookie);
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    return request(url, method, target, body, h, tls);
  }
  json post(const std::string& target, const json& body, int expect = 200) const {
    auto r = call("POST", target, body.dump());
    INFO(target << " -> " << r.status << " " << r.body);
    CHECK(r.status == expect);
    return json::parse(r.body, nullptr, false);
  }
  json get(const std::string& target, int expect = 200) const {
    auto r = call("GET", target);
    INFO(target << " -> " << r.status << " " << r.body);
    CHECK(r.status == expect);
    return json::parse(r.body, nullptr, false);
  }
};

/// Logs `user` in; its session cookie must be HttpOnly and SameSite=Strict.
inline client login(const std::string& url, const std::string& user,
                    const client_tls* tls = nullptr) {
  client c{url, {}, tls};
  auto r = c.call("POST", "/api/login", json{{"username", user}, {"password", password}}.dump());
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto set = r.header("set-cookie");
  REQUIRE(set.find("HttpOnly") != std::string::npos);
  REQUIRE(set.find("SameSite=Strict") != std::string::npos);
  c.cookie = set.substr(0, set.find(';'));
  return c;
}

/// A command answers once decided; what it caused reaches the live view a
/// moment later: whether `holds` comes true within 10 s.
inline bool eventually(const std::function<bool()>& holds) {
  using namespace std::chrono_literals;
  for (int i = 0; i < 100; ++i) {
    if (holds()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

} // namespace hotline::test::api
