// Telephony with a real softphone (issue 22): baresip (Debian baresip-core)
// registers as agent a1 with digest and answers automatically; another
// baresip calls the node's entry point. Each plays a tone as its
// microphone (aufile) and records what it hears (sndfile): the agent must
// hear the caller's tone and the caller the agent's, through the node's
// RTP bridge; the store must say who answered and how the call ended.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "tests/support/process.hpp"
#include "tests/support/udp_port.hpp"
#include "tests/support/wav_audio.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using hotline::test::free_udp_port;
using testing::child_process;
using testing::temp_dir;
namespace fs = std::filesystem;

namespace {

/// A baresip configuration directory: listen port, microphone file, no
/// sound card (what it hears is dumped as WAV files into the directory).
std::string baresip_dir(const std::string& dir, int port, const std::string& microphone,
                        const std::string& account) {
  fs::create_directories(dir);
  std::ofstream{dir + "/config"} << "poll_method epoll\nsip_listen 127.0.0.1:" << port
                                 << "\nmodule_path /usr/lib/baresip/modules\n"
                                 << "module g711.so\nmodule aufile.so\nmodule account.so\n"
                                 << "module menu.so\nmodule sndfile.so\nsnd_path " << dir
                                 << "\naudio_source aufile," << microphone << "\n";
  std::ofstream{dir + "/accounts"} << account << "\n";
  return dir;
}

/// What a baresip heard: its decoded-audio dump.
std::vector<std::int16_t> heard(const std::string& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find("-dec.wav") != std::string::npos)
      if (auto s = test::read_wav(e.path().string())) return *s;
  return {};
}

} // namespace

TEST_CASE("sip: baresip registers as the agent and answers a baresip caller: each hears the "
          "other's tone") {
  std::string out;
  REQUIRE_MESSAGE(testing::run_capture({"sh", "-c", "command -v baresip"}, out, 10s) == 0,
                  "baresip is not installed: apt-get install baresip-core");
  temp_dir dir;
  const auto d = dir.path();
  const int node_port = free_udp_port(), caller_port = free_udp_port(),
            phone_port = free_udp_port();
  {
    std::ofstream f{d + "/center.toml"};
    f << "[site]\nid = \"bsip\"\n\n[[tenants]]\nid = \"acme\"\n\n[[trunks]]\nid = \"pstn\"\n"
      << "channels = 4\n\n[[queues]]\nid = \"sales\"\ntenant = \"acme\"\nskills = { sales = 1 }\n"
      << "ring_timeout_s = 10\nwrap_up_s = 0\n\n[[agents]]\nid = \"a1\"\ntenant = \"acme\"\n"
      << "skills = { sales = 50 }\nqueues = [\"sales\"]\n\n[[entry_points]]\ndialed = \"100\"\n"
      << "queue = \"sales\"\n\n[sip]\nlisten = \"127.0.0.1:" << node_port << "\"\n\n"
      << "[[sip.trunk]]\ngroup = \"pstn\"\npeer = \"127.0.0.1:" << caller_port << "\"\n"
      << "options_interval_s = 0\n";
  }
  const auto store = d + "/store";
  REQUIRE_MESSAGE(
      testing::run_capture({"sh", "-c",
                            "printf '%s\\n' 'login-password-1' | \"$0\" users add --store \"$1\" "
                            "--user a1 --tenant acme --role agent --agent a1 --password-stdin && "
                            "printf '%s\\n' 'a1-sip-secret-9' | \"$0\" users sip-password --store "
                            "\"$1\" --user a1 --password-stdin",
                            HOTLINE_BIN, store},
                           out, 30s) == 0,
      out);
  child_process node{{"sh", "-c", "exec \"$0\" \"$@\" 2>&1", HOTLINE_BIN, "node", "--config",
                      d + "/center.toml", "--store", store, "--no-traffic"}};
  std::string log;
  auto wait_log = [&](const std::string& what) {
    for (int i = 0; i < 50; ++i) {
      if (log.find(what) != std::string::npos) return true;
      auto line = node.read_line(20s);
      if (!line) return false;
      log += *line + "\n";
    }
    return log.find(what) != std::string::npos;
  };
  REQUIRE_MESSAGE(wait_log("ACD up"), log);

  // The agent's softphone: a 600 Hz tone for a minute as its microphone, auto answer.
  test::write_wav(d + "/agent-mic.wav", test::tone(600, 60));
  const auto agent_dir = baresip_dir(d + "/agent", phone_port, d + "/agent-mic.wav",
                                     "<sip:a1@127.0.0.1:" + std::to_string(node_port) +
                                         ">;auth_pass=a1-sip-secret-9;answermode=auto;regint=60");
  child_process phone{{"sh", "-c", "exec baresip -f \"$0\" </dev/null 2>&1", agent_dir}};
  REQUIRE_MESSAGE(wait_log("phone of agent a1 (a1) registered"), log);

  // The caller: a 1 kHz tone for 4 s, then its softphone hangs up (end of file).
  test::write_wav(d + "/caller-mic.wav", test::tone(1'000, 4));
  const auto caller_dir = baresip_dir(d + "/caller", caller_port, d + "/caller-mic.wav",
                                      "<sip:caller@127.0.0.1>;regint=0");
  const int rc = testing::run_capture({"sh", "-c",
                                       "exec baresip -f \"$0\" -e \"/dial sip:100@127.0.0.1:$1\" "
                                       "-t 9 </dev/null 2>&1",
                                       caller_dir, std::to_string(node_port)},
                                      out, 40s);
  INFO("caller baresip:\n" << out);
  CHECK(rc == 0);
  CHECK(out.find("Call established") != std::string::npos);
  phone.signal(SIGTERM);
  phone.wait();
  node.signal(SIGINT);
  CHECK(node.wait() == 0);

  // The media: each side heard the other's tone, relayed by the node.
  const auto at_agent = heard(agent_dir), at_caller = heard(caller_dir);
  INFO("agent heard " << at_agent.size() << " samples, caller " << at_caller.size());
  REQUIRE(at_agent.size() > 8'000);
  REQUIRE(at_caller.size() > 8'000);
  CHECK(test::energy_share_at(at_agent, 1'000) > 0.5);
  CHECK(test::energy_share_at(at_agent, 600) < 0.05);
  CHECK(test::energy_share_at(at_caller, 600) > 0.5);

  // The store: a1 answered, the caller hung up.
  auto opened = drivers::rocksdb_event_store::open(store);
  REQUIRE(opened);
  auto all = (*opened)->read_all(1, SIZE_MAX);
  REQUIRE(all);
  std::string outcome, agent, reason;
  bool registered = false;
  for (const auto& e : *all) {
    auto p = events::event_codec::standard().decode(e);
    REQUIRE(p);
    if (auto* c = std::get_if<events::call_ended>(&*p)) {
      outcome = std::string{events::to_wire(c->outcome)};
      agent = c->agent_id;
      reason = c->reason;
    }
    if (std::get_if<events::phone_registered>(&*p)) registered = true;
  }
  CHECK(registered);
  CHECK(outcome == "completed");
  CHECK(agent == "a1");
  CHECK(reason == "caller_hangup");
}
