#pragma once
// A hotline node with telephony between real SIP peers, for the
// integration tests (sip_test.cpp, ivr_sip_test.cpp): the center it runs
// (one queue `sales` behind entry point 100, agents a1 and a2, the sipp
// caller's address as the trunk's peer, plus `extra_toml`), sipp as the
// caller, the carrier and the agents' phones (scenarios in
// tests/fixtures/sip/), and what the store recorded, read after it stopped.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "tests/support/api_node.hpp"
#include "tests/support/process.hpp"
#include "tests/support/udp_port.hpp"
#include "tests/support/wav_audio.hpp"

namespace hotline::test::sip {

using namespace std::chrono_literals;
using hotline::test::free_media_port;
using hotline::test::free_udp_port;
using hotline::test::udp_port_bound;
using testing::child_process;
using testing::temp_dir;

inline const std::string scenarios = std::string(HOTLINE_SOURCE_DIR) + "/tests/fixtures/sip/";

/// How the tests run sipp: `scenario` (a file in tests/fixtures/sip), then
/// `target` (a UAC's "-s USER HOST:PORT", credentials; empty for a UAS),
/// bound to `ip`:`local_port` with a free media run of its own (sipp binds
/// -mp and -mp+2), `calls` calls, an error exit after `timeout_s`, no
/// stdin; then `more` (a rate, a limit, …).
inline std::vector<std::string>
sipp_argv(const std::string& scenario, std::vector<std::string> target, int local_port, int calls,
          int timeout_s, std::vector<std::string> more = {}, const std::string& ip = "127.0.0.1") {
  std::vector<std::string> argv{"sipp", "-sf", scenarios + scenario};
  argv.insert(argv.end(), target.begin(), target.end());
  for (auto a : {"-i", ip.c_str()})
    argv.emplace_back(a);
  argv.insert(argv.end(),
              {"-p", std::to_string(local_port), "-mp", std::to_string(free_media_port()), "-m",
               std::to_string(calls), "-timeout", std::to_string(timeout_s) + "s", "-timeout_error",
               "-nostdin"});
  argv.insert(argv.end(), more.begin(), more.end());
  return argv;
}

struct center_options {
  int channels = 4;
  std::vector<std::pair<std::string, int>> phones; ///< agent -> its phone's port
  bool music = false;
  bool traffic = false; ///< simulated callers to entry point 200 (queue billing, agent b1)
  /// Accounts made before the node starts: username (= its agent id) -> its
  /// SIP password ("": the account has none).
  std::vector<std::pair<std::string, std::string>> sip_users = {};
  std::string sip_keys = {};   ///< more lines under [sip]
  std::string trunk_keys = {}; ///< more lines under [[sip.trunk]]
  /// Probe the trunk's peer with OPTIONS (else options_interval_s = 0: the
  /// sipp caller on the peer's port hears nothing but its call).
  bool keepalive = false;
  bool api = false;            ///< --api-listen 127.0.0.1:0 (its URL in sip_node::api_url)
  std::string extra_toml = {}; ///< appended to the center (flows, entry points)
  std::string queue_keys = {}; ///< more lines under queue sales (max_wait_s, overflow, call backs)
};

/// One queue `sales` behind entry point 100, agents a1 and a2 (top-down:
/// a1 first), the sipp caller's address as the trunk's peer.
inline std::string write_center(const std::string& dir, const center_options& o, int caller_port) {
  auto path = dir + "/center.toml";
  std::ofstream f{path};
  f << "[site]\nid = \"tel\"\n\n[[tenants]]\nid = \"acme\"\nname = \"Acme\"\n\n"
    << "[[trunks]]\nid = \"pstn\"\nchannels = " << o.channels << "\n\n"
    << "[[queues]]\nid = \"sales\"\nskills = { sales = 1 }\nstrategy = \"top_down\"\n"
    << "ring_timeout_s = 5\nwrap_up_s = 0\n"
    << o.queue_keys << "\n\n";
  for (int i = 1; i <= 2; ++i)
    f << "[[agents]]\nid = \"a" << i
      << "\"\nskills = { sales = 50 }\nqueues = [\"sales\"]\norder = " << i << "\n\n";
  f << "[[entry_points]]\ndialed = \"100\"\nqueue = \"sales\"\n\n";
  if (o.traffic)
    f << "[[queues]]\nid = \"billing\"\nskills = { billing = 1 }\nwrap_up_s = 0\n\n"
      << "[[agents]]\nid = \"b1\"\nskills = { billing = 50 }\nqueues = [\"billing\"]\n\n"
      << "[[entry_points]]\ndialed = \"200\"\nqueue = \"billing\"\n\n"
      << "[node]\ntraffic = true\n\n[simulation]\nseed = 3\n"
      << "handle_time = { distribution = \"exponential\", mean_s = 1 }\n"
      << "patience = { distribution = \"exponential\", mean_s = 600 }\n"
      << "  [[simulation.arrivals]]\n  entry_point = \"200\"\n  rate_per_h = 7200\n\n";
  f << o.extra_toml << "\n\n";
  f << "[sip]\n" << o.sip_keys << "\n";
  if (o.music) {
    test::write_wav(dir + "/moh.wav", test::tone(400, 0.1));
    f << "music_on_hold = \"moh.wav\"\n";
  }
  f << "\n[[sip.trunk]]\ngroup = \"pstn\"\npeer = \"127.0.0.1:" << caller_port << "\"\n"
    << (o.keepalive ? "" : "options_interval_s = 0\n") << o.trunk_keys << "\n\n";
  for (const auto& [agent, port] : o.phones)
    f << "[[sip.phone]]\nagent = \"" << agent << "\"\ncontact = \"sip:" << agent
      << "@127.0.0.1:" << port << "\"\n\n";
  return path;
}

/// `argv` with its standard error joined to its standard output (the log's
/// warnings and errors go to standard error).
inline std::vector<std::string> both_outputs(std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"sh", "-c", "exec \"$0\" \"$@\" 2>&1"});
  return argv;
}

/// What the store says about one call.
struct call_facts {
  std::string outcome, reason, agent;
  std::string ended_agent; ///< call.ended's agent (the last one)
  std::vector<std::string> types;
  std::vector<std::string> consultation_ends; ///< call.consultation_ended reasons
  std::vector<std::string> offer_ends;        ///< "a1 busy"
  std::vector<std::string> transfers;         ///< call.transferred "consultative a1 -> a3"
};

/// sipp must be installed (Debian sip-tester): say so plainly when it is not.
inline void require_sipp() {
  std::string out;
  int rc = testing::run_capture({"sh", "-c", "command -v sipp"}, out, 10s);
  REQUIRE_MESSAGE(rc == 0, "sipp is not installed: apt-get install sip-tester");
}

/// A node with telephony on a fresh store, and what it logged.
class sip_node {
public:
  explicit sip_node(const center_options& o) : caller_port(free_udp_port()), port(free_udp_port()) {
    require_sipp();
    config = write_center(dir.path(), o, caller_port);
    for (const auto& [user, sip_password] : o.sip_users) {
      std::string out;
      const auto store = dir.path() + "/store";
      REQUIRE_MESSAGE(testing::run_capture({"sh", "-c",
                                            "printf '%s\\n' 'login-password-1' | \"$0\" users add "
                                            "--store \"$1\" --user \"$2\" --tenant acme --role "
                                            "agent --agent \"$2\" --password-stdin",
                                            HOTLINE_BIN, store, user},
                                           out, 30s) == 0,
                      out);
      if (sip_password.empty()) continue;
      REQUIRE_MESSAGE(
          testing::run_capture({"sh", "-c",
                                "printf '%s\\n' \"$3\" | \"$0\" users sip-password --store \"$1\" "
                                "--user \"$2\" --password-stdin",
                                HOTLINE_BIN, store, user, sip_password},
                               out, 30s) == 0,
          out);
      CHECK(out.find("SIP password of " + user + " set for realm hotline") != std::string::npos);
    }
    argv = {HOTLINE_BIN,    "node",
            "--config",     config,
            "--store",      dir.path() + "/store",
            "--sip-listen", "127.0.0.1:" + std::to_string(port)};
    if (!o.traffic) argv.push_back("--no-traffic");
    if (o.api) argv.insert(argv.end(), {"--api-listen", "127.0.0.1:0"});
    start();
  }
  ~sip_node() {
    if (node) stop();
  }

  /// Starts the node (again, after `stop`: the same store, center and
  /// port) and waits for its ACD.
  void start() {
    node = std::make_unique<child_process>(both_outputs(argv));
    for (int i = 0; i < 20; ++i) {
      auto line = node->read_line(20s);
      REQUIRE_MESSAGE(line.has_value(), "the node stopped before its ACD came up:\n" << log);
      log += *line + "\n";
      if (auto at = line->find("API on "); at != std::string::npos) {
        api_url = line->substr(at + 7);
        api_url = api_url.substr(0, api_url.find(' '));
      }
      if (line->find("ACD up") != std::string::npos) return;
    }
    FAIL("the node never said 'ACD up':\n" << log);
  }

  /// sipp as the caller on the trunk: its exit status (0: every message as expected).
  /// `from_port` (0: the trunk peer's port) leaves that port to a carrier (the
  /// trunk accepts its peer's address from any port).
  int call(const std::string& scenario, const std::string& dialed = "100", int timeout_s = 20,
           int from_port = 0, std::vector<std::string> extra_args = {}) {
    std::string out;
    const auto args = sipp_argv(scenario, {"-s", dialed, "127.0.0.1:" + std::to_string(port)},
                                from_port ? from_port : caller_port, 1, timeout_s, extra_args);
    int rc = testing::run_capture(args, out, std::chrono::seconds(timeout_s + 20));
    if (rc != 0) MESSAGE("sipp " << scenario << " exited " << rc << ":\n" << out);
    return rc;
  }
  /// sipp as a phone registering `user` with `password` from `port`:
  /// its exit status (0: every response as the scenario expects).
  int register_phone(const std::string& scenario, const std::string& user,
                     const std::string& password, int from_port) {
    std::string out;
    int rc = testing::run_capture(
        sipp_argv(scenario,
                  {"-s", user, "-au", user, "-ap", password, "127.0.0.1:" + std::to_string(port)},
                  from_port, 1, 20),
        out, 40s);
    if (rc != 0) MESSAGE("sipp " << scenario << " exited " << rc << ":\n" << out);
    return rc;
  }
  /// The events of `phone-<agent>`: "phone.registered sip:a1@127.0.0.1:5071 120",
  /// "phone.unregistered sip:... expired" (the node must have stopped).
  std::vector<std::string> phone_events(const std::string& agent) const {
    auto store = drivers::rocksdb_event_store::open(dir.path() + "/store");
    REQUIRE_MESSAGE(store, (store ? "" : store.error().message()));
    auto recorded = (*store)->read_stream("phone-" + agent, 0, SIZE_MAX);
    REQUIRE(recorded);
    std::vector<std::string> out;
    for (const auto& e : *recorded) {
      auto ev = events::event_codec::standard().decode(e);
      REQUIRE(ev);
      if (const auto* x = std::get_if<events::phone_registered>(&*ev))
        out.push_back(e.type + " " + x->contact + " " + std::to_string(x->expires_s));
      else if (const auto* x = std::get_if<events::phone_unregistered>(&*ev))
        out.push_back(e.type + " " + x->contact + " " + x->reason);
    }
    return out;
  }
  /// SIGINT, then everything it logged until it exited; its exit status.
  int stop() {
    node->signal(SIGINT);
    while (auto line = node->read_line(30s))
      log += *line + "\n";
    int rc = node->wait();
    node.reset();
    return rc;
  }
  /// Every call in the store (the node must have stopped).
  std::map<std::string, call_facts> calls() const {
    auto store = drivers::rocksdb_event_store::open(dir.path() + "/store");
    REQUIRE_MESSAGE(store, (store ? "" : store.error().message()));
    auto all = (*store)->read_all(1, SIZE_MAX);
    REQUIRE(all);
    std::map<std::string, call_facts> out;
    const auto& codec = events::event_codec::standard();
    for (const auto& e : *all) {
      if (e.stream.rfind("call-", 0) != 0) continue;
      auto& c = out[e.stream.substr(5)];
      c.types.push_back(e.type);
      auto ev = codec.decode(e);
      REQUIRE(ev);
      if (const auto* x = std::get_if<events::call_ended>(&*ev)) {
        c.outcome = std::string{events::to_wire(x->outcome)};
        c.reason = x->reason;
        c.ended_agent = x->agent_id;
      } else if (const auto* x = std::get_if<events::call_transferred>(&*ev)) {
        c.transfers.push_back(std::string{events::to_wire(x->mode)} + " " + x->from_agent + " -> " +
                              x->target);
      } else if (const auto* x = std::get_if<events::call_consultation_ended>(&*ev)) {
        c.consultation_ends.push_back(x->reason);
      } else if (const auto* x = std::get_if<events::call_connected>(&*ev)) {
        c.agent = x->agent_id;
      } else if (const auto* x = std::get_if<events::call_offer_ended>(&*ev)) {
        c.offer_ends.push_back(x->agent_id + " " + x->reason);
      }
    }
    return out;
  }
  /// The only call in the store.
  call_facts only_call() const {
    auto all = calls();
    REQUIRE_MESSAGE(all.size() == 1, "calls in the store: " << all.size());
    return all.begin()->second;
  }

  /// The events of `stream` as "type detail" lines (the node must have stopped):
  /// trunk.peer_down PEER REASON, trunk.peer_up PEER.
  std::vector<std::string> stream_events(const std::string& stream) const {
    auto store = drivers::rocksdb_event_store::open(dir.path() + "/store");
    REQUIRE_MESSAGE(store, (store ? "" : store.error().message()));
    auto recorded = (*store)->read_stream(stream, 0, SIZE_MAX);
    REQUIRE(recorded);
    std::vector<std::string> out;
    for (const auto& e : *recorded) {
      auto ev = events::event_codec::standard().decode(e);
      REQUIRE(ev);
      if (const auto* x = std::get_if<events::trunk_peer_down>(&*ev))
        out.push_back(e.type + " " + x->peer + " " + x->reason);
      else if (const auto* x = std::get_if<events::trunk_peer_up>(&*ev))
        out.push_back(e.type + " " + x->peer);
      else
        out.push_back(e.type);
    }
    return out;
  }
  /// sipp as the carrier (a UAS) on the trunk peer's address, in the background.
  std::future<int> carrier(const std::string& scenario, int calls = 1, int timeout_s = 25) const {
    const int at = caller_port;
    auto started = std::async(std::launch::async, [scenario, at, calls, timeout_s] {
      std::string out;
      int rc = testing::run_capture(sipp_argv(scenario, {}, at, calls, timeout_s), out,
                                    std::chrono::seconds(timeout_s + 15));
      if (rc != 0) MESSAGE("sipp carrier " << scenario << " exited " << rc << ":\n" << out);
      return rc;
    });
    for (int i = 0; i < 100 && !udp_port_bound(at); ++i)
      std::this_thread::sleep_for(50ms);
    std::this_thread::sleep_for(100ms);
    return started;
  }
  /// Agent `agent` (an account made by `sip_users`) logs in to the API and dials `number`.
  void dial(const std::string& agent, const std::string& number) const {
    REQUIRE_MESSAGE(!api_url.empty(), "the node has no API (center_options::api)");
    hotline::test::api::client c{api_url, {}, nullptr};
    auto r = c.call("POST", "/api/login",
                    nlohmann::json{{"username", agent}, {"password", "login-password-1"}}.dump());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto set = r.header("set-cookie");
    c.cookie = set.substr(0, set.find(';'));
    auto d =
        c.call("POST", "/api/agents/" + agent + "/dial", nlohmann::json{{"number", number}}.dump());
    REQUIRE_MESSAGE(d.status == 202, d.body);
  }

  temp_dir dir;
  int caller_port;
  int port;
  std::string api_url;
  std::string config;
  std::string log;
  std::vector<std::string> argv; ///< how start() runs the node
  std::unique_ptr<child_process> node;
};

/// sipp as an agent's phone on `port`, in the background; `extra`: more
/// sipp arguments (e.g. -au USER -ap PASSWORD for a phone that places calls).
inline std::future<int> phone(const std::string& scenario, int port, int timeout_s = 25,
                              std::vector<std::string> extra = {}) {
  auto started = std::async(std::launch::async, [scenario, port, timeout_s, extra] {
    std::string out;
    const auto argv = sipp_argv(scenario, {}, port, 1, timeout_s, extra);
    int rc = testing::run_capture(argv, out, std::chrono::seconds(timeout_s + 15));
    if (rc != 0) MESSAGE("sipp phone " << scenario << " exited " << rc << ":\n" << out);
    return rc;
  });
  // Listening before the node rings it: the port is taken once sipp bound it.
  for (int i = 0; i < 100 && !udp_port_bound(port); ++i)
    std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(100ms);
  return started;
}

} // namespace hotline::test::sip
