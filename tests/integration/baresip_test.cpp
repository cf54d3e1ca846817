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
#include <functional>
#include <memory>

#include <algorithm>
#include <iterator>
#include <thread>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "tests/support/api_node.hpp"
#include "tests/support/process.hpp"
#include "tests/support/udp_port.hpp"
#include "tests/support/wav_audio.hpp"

using namespace hotline;
using namespace std::chrono_literals;
using hotline::test::free_sip_port;
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

/// SHA-256 of a file, lowercase hex (OpenSSL), computed here, not by the node.
std::string sha256_hex(const std::string& path) {
  std::ifstream f{path, std::ios::binary};
  std::string bytes{std::istreambuf_iterator<char>(f), {}};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    static constexpr char hex[] = "0123456789abcdef";
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

/// The one-queue center both tests run: agent a1 in `sales`, entry point
/// 100, the SIP listener on `node_port`, the trunk's peer (the caller) on
/// `caller_port`; `queue_extra` and `sip_extra` are more lines for the
/// queue and `[sip]`.
void write_center(const std::string& d, const std::string& site, int node_port, int caller_port,
                  const std::string& queue_extra = {}, const std::string& sip_extra = {}) {
  std::ofstream f{d + "/center.toml"};
  f << "[site]\nid = \"" << site << "\"\n\n[[tenants]]\nid = \"acme\"\n\n[[trunks]]\n"
    << "id = \"pstn\"\nchannels = 4\n\n[[queues]]\nid = \"sales\"\ntenant = \"acme\"\n"
    << "skills = { sales = 1 }\nring_timeout_s = 10\nwrap_up_s = 0\n"
    << queue_extra << "\n[[agents]]\nid = \"a1\"\ntenant = \"acme\"\n"
    << "skills = { sales = 50 }\nqueues = [\"sales\"]\n\n[[entry_points]]\ndialed = \"100\"\n"
    << "queue = \"sales\"\n\n[sip]\nlisten = \"127.0.0.1:" << node_port << "\"\n"
    << sip_extra << "\n[[sip.trunk]]\ngroup = \"pstn\"\npeer = \"127.0.0.1:" << caller_port
    << "\"\noptions_interval_s = 0\n";
}

/// User a1 (agent a1; API password login-password-1, SIP password
/// a1-sip-secret-9) in the store, before the node opens it.
void add_agent_user(const std::string& store) {
  std::string out;
  REQUIRE_MESSAGE(
      testing::run_capture({"sh", "-c",
                            "printf '%s\\n' 'login-password-1' | \"$0\" users add --store \"$1\" "
                            "--user a1 --tenant acme --role agent --agent a1 --password-stdin && "
                            "printf '%s\\n' 'a1-sip-secret-9' | \"$0\" users sip-password --store "
                            "\"$1\" --user a1 --password-stdin",
                            HOTLINE_BIN, store},
                           out, 30s) == 0,
      out);
}

/// The node's output as it comes: `wait` reads lines until one holds
/// `what`, for 30 s at most (the node logs a status line every 10 s, so a
/// count of lines is no bound).
struct node_log {
  child_process& node;
  std::string text;
  bool wait(const std::string& what) {
    const auto until = std::chrono::steady_clock::now() + 30s;
    while (text.find(what) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      auto line = node.read_line(left);
      if (!line) return false;
      text += *line + "\n";
    }
    return true;
  }
};

/// What a file holds ("" when it cannot be read).
std::string file_text(const std::string& path) {
  std::ifstream f{path};
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

/// A baresip caller dialing 100 on the node with `mic` as its microphone,
/// quitting after `quit_s`; its output in `<dir>/out.txt`.
struct baresip_caller {
  std::unique_ptr<child_process> process;
  std::string dir;
};

/// Starts the caller, twice at most: under a loaded full run a caller's
/// INVITE has (rarely) never reached the node, with nothing in the node's
/// log. `reached` says, waiting as long as it sees fit, whether the node has
/// the call; a second caller gets a fresh port (the trunk takes its peer's
/// address from any port). A failed attempt's output goes to the test's.
baresip_caller start_caller(const std::string& d, int node_port, int first_port,
                            const std::string& mic, int quit_s,
                            const std::function<bool()>& reached) {
  baresip_caller c;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    c.dir = baresip_dir(d + "/caller" + std::to_string(attempt),
                        attempt == 1 ? first_port : free_sip_port(), mic,
                        "<sip:caller@127.0.0.1>;regint=0");
    c.process = std::make_unique<child_process>(std::vector<std::string>{
        "sh", "-c",
        "exec baresip -f \"$0\" -e \"/dial sip:100@127.0.0.1:$1\" -t $2 </dev/null "
        ">\"$0/out.txt\" 2>&1",
        c.dir, std::to_string(node_port), std::to_string(quit_s)});
    if (reached()) return c;
    MESSAGE("caller attempt " << attempt << " did not reach the node; its baresip:\n"
                              << file_text(c.dir + "/out.txt"));
    c.process->signal(SIGKILL);
    c.process->wait();
    c.process.reset();
  }
  return c;
}

/// Starts an agent's baresip phone registering `user` (its SIP password
/// `secret`, `mic` as microphone, auto answer; `agent`: the account's agent
/// id when it is not `user`), twice at most, like
/// start_caller: under a loaded full run a phone's REGISTER has (rarely)
/// never reached the node. True once the node logged the registration.
bool start_phone(baresip_caller& phone, const std::string& d, node_log& nlog, int node_port,
                 const std::string& user, const std::string& secret, const std::string& mic,
                 const std::string& agent = {}) {
  const auto& agent_id = agent.empty() ? user : agent;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    phone.dir = baresip_dir(d + "/" + user + "-" + std::to_string(attempt), free_sip_port(), mic,
                            "<sip:" + user + "@127.0.0.1:" + std::to_string(node_port) +
                                ">;auth_pass=" + secret + ";answermode=auto;regint=60");
    phone.process = std::make_unique<child_process>(std::vector<std::string>{
        "sh", "-c", "exec baresip -f \"$0\" </dev/null >\"$0/out.txt\" 2>&1", phone.dir});
    if (nlog.wait("phone of agent " + agent_id + " (" + user + ") registered")) return true;
    MESSAGE(user << "'s phone, attempt " << attempt << ", never registered; its baresip:\n"
                 << file_text(phone.dir + "/out.txt"));
    phone.process->signal(SIGKILL);
    phone.process->wait();
    phone.process.reset();
  }
  return false;
}

/// The id of the call on `agent`'s desk, as `desk` sees it through the
/// API; empty when none comes within 15 s.
std::string call_on_desk(hotline::test::api::client& desk, const std::string& agent) {
  for (int i = 0; i < 150; ++i) {
    auto r = desk.call("GET", "/api/agents/" + agent);
    if (auto at = r.body.find("\"sip-"); at != std::string::npos)
      return r.body.substr(at + 1, r.body.find('"', at + 1) - at - 1);
    std::this_thread::sleep_for(100ms);
  }
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
  const int node_port = free_udp_port(), caller_port = free_sip_port();
  write_center(d, "bsip", node_port, caller_port);
  const auto store = d + "/store";
  add_agent_user(store);
  child_process node{{"sh", "-c", "exec \"$0\" \"$@\" 2>&1", HOTLINE_BIN, "node", "--config",
                      d + "/center.toml", "--store", store, "--no-traffic"}};
  node_log nlog{node, {}};
  auto wait_log = [&](const std::string& what) { return nlog.wait(what); };
  const std::string& log = nlog.text;
  REQUIRE_MESSAGE(wait_log("ACD up"), log);

  // The agent's softphone: a 600 Hz tone for a minute as its microphone, auto answer.
  test::write_wav(d + "/agent-mic.wav", test::tone(600, 60));
  baresip_caller agent_phone;
  REQUIRE_MESSAGE(
      start_phone(agent_phone, d, nlog, node_port, "a1", "a1-sip-secret-9", d + "/agent-mic.wav"),
      log);
  auto& phone = *agent_phone.process;
  const auto agent_dir = agent_phone.dir;

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
  // The queue's policy is the default (its tenant's: never): no recording.
  CHECK(fs::is_directory(store + "/recordings"));
  CHECK(fs::is_empty(store + "/recordings"));
}

TEST_CASE("sip: a recorded call between two baresips: the caller's tone left, the agent's right, "
          "a paused span silent, the SHA-256 in recording.stopped is the file's") {
  std::string out;
  REQUIRE_MESSAGE(testing::run_capture({"sh", "-c", "command -v baresip"}, out, 10s) == 0,
                  "baresip is not installed: apt-get install baresip-core");
  temp_dir dir;
  const auto d = dir.path();
  const int node_port = free_udp_port(), caller_port = free_sip_port();
  write_center(d, "brec", node_port, caller_port, "record = \"always\"\n",
               "recordings_dir = \"calls\"\n");
  const auto store = d + "/store";
  add_agent_user(store);
  child_process node{{"sh", "-c", "exec \"$0\" \"$@\" 2>&1", HOTLINE_BIN, "node", "--config",
                      d + "/center.toml", "--store", store, "--no-traffic", "--api-listen",
                      "127.0.0.1:0"}};
  node_log nlog{node, {}};
  auto wait_log = [&](const std::string& what) { return nlog.wait(what); };
  const std::string& log = nlog.text;
  REQUIRE_MESSAGE(wait_log("ACD up"), log);
  std::string api_url;
  if (auto at = log.find("API on "); at != std::string::npos)
    api_url = log.substr(at + 7, log.find_first_of(" \n", at + 7) - at - 7);
  REQUIRE_MESSAGE(!api_url.empty(), log);
  hotline::test::api::client agent_desk{api_url, {}, nullptr};
  {
    auto r = agent_desk.call(
        "POST", "/api/login",
        nlohmann::json{{"username", "a1"}, {"password", "login-password-1"}}.dump());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto set = r.header("set-cookie");
    agent_desk.cookie = set.substr(0, set.find(';'));
  }

  test::write_wav(d + "/agent-mic.wav", test::tone(600, 60));
  baresip_caller agent_phone;
  REQUIRE_MESSAGE(
      start_phone(agent_phone, d, nlog, node_port, "a1", "a1-sip-secret-9", d + "/agent-mic.wav"),
      log);
  auto& phone = *agent_phone.process;
  const auto agent_dir = agent_phone.dir;

  // The caller talks 8 s (its 1 kHz), then hangs up (end of its microphone's file).
  test::write_wav(d + "/caller-mic.wav", test::tone(1'000, 8));
  auto dialed = start_caller(d, node_port, caller_port, d + "/caller-mic.wav", 14,
                             [&] { return wait_log(" into "); });
  REQUIRE_MESSAGE(dialed.process, log << "\nagent's baresip:\n"
                                      << file_text(agent_dir + "/out.txt"));
  auto& caller = *dialed.process;
  // "recording <call> (L1 left, R2 right) into <dir>/<call>.wav"
  const auto at = log.find("recording sip-");
  REQUIRE_MESSAGE(at != std::string::npos, log);
  const auto call_id = log.substr(at + 10, log.find(' ', at + 10) - at - 10);
  const auto base = "/api/agents/a1/calls/" + call_id + "/recording/";

  // The agent pauses 2 s in (a card number is read) and resumes 2 s later.
  std::this_thread::sleep_for(2s);
  auto paused = agent_desk.call("POST", base + "pause");
  CHECK_MESSAGE(paused.status == 200, paused.body);
  auto again = agent_desk.call("POST", base + "pause");
  CHECK(again.status == 409);
  CHECK_MESSAGE(again.body.find("already_paused") != std::string::npos, again.body);
  std::this_thread::sleep_for(2s);
  auto resumed = agent_desk.call("POST", base + "resume");
  CHECK_MESSAGE(resumed.status == 200, resumed.body);
  CHECK(agent_desk.call("POST", "/api/agents/a1/calls/nope/recording/pause").status == 409);

  CHECK(caller.wait() == 0);
  // The telephony actor's line once recording.stopped is appended.
  REQUIRE_MESSAGE(wait_log("recording " + call_id + " stopped"), log);
  phone.signal(SIGTERM);
  phone.wait();
  node.signal(SIGINT);
  CHECK(node.wait() == 0);

  // The store: started, paused, resumed, stopped, on recording-<call>.
  auto opened = drivers::rocksdb_event_store::open(store);
  REQUIRE(opened);
  auto evs = (*opened)->read_stream("recording-" + call_id, 0, SIZE_MAX);
  REQUIRE(evs);
  std::string types;
  std::optional<events::recording_started> started;
  std::optional<events::recording_paused> pause_event;
  std::optional<events::recording_resumed> resume_event;
  std::optional<events::recording_stopped> stopped;
  for (const auto& e : *evs) {
    types += (types.empty() ? "" : " ") + e.type;
    auto p = events::event_codec::standard().decode(e);
    REQUIRE(p);
    if (auto* x = std::get_if<events::recording_started>(&*p)) started = *x;
    if (auto* x = std::get_if<events::recording_paused>(&*p)) pause_event = *x;
    if (auto* x = std::get_if<events::recording_resumed>(&*p)) resume_event = *x;
    if (auto* x = std::get_if<events::recording_stopped>(&*p)) stopped = *x;
  }
  REQUIRE_MESSAGE(types == "recording.started recording.paused recording.resumed recording.stopped",
                  types << "\n"
                        << log);
  CHECK(started->file == d + "/calls/" + call_id + ".wav");
  CHECK(started->agent_id == "a1");
  CHECK(stopped->error == "");
  CHECK(stopped->pauses == 1);
  CHECK(stopped->paused_ms == resume_event->paused_ms);
  // Tamper evidence: the hash and the size recorded are the file's.
  CHECK(stopped->sha256 == sha256_hex(started->file));
  CHECK(stopped->bytes == static_cast<std::int64_t>(fs::file_size(started->file)));

  // The audio: the caller left, the agent right; silence while paused.
  int channels = 0;
  auto left = test::read_wav(started->file, nullptr, 0, &channels);
  auto right = test::read_wav(started->file, nullptr, 1);
  REQUIRE(left);
  REQUIRE(right);
  CHECK(channels == 2);
  CHECK(std::abs(static_cast<std::int64_t>(left->size()) / 8 - stopped->duration_ms) <= 1);
  auto span = [](const std::vector<std::int16_t>& x, std::int64_t from_ms, std::int64_t to_ms) {
    const auto n = static_cast<std::int64_t>(x.size());
    const auto a = std::clamp<std::int64_t>(from_ms * 8, 0, n),
               b = std::clamp<std::int64_t>(to_ms * 8, 0, n);
    return std::vector<std::int16_t>(x.begin() + a, x.begin() + b);
  };
  const auto p0 = pause_event->offset_ms, p1 = resume_event->offset_ms;
  INFO("paused " << p0 << ".." << p1 << " ms of " << stopped->duration_ms);
  REQUIRE(p0 > 600);
  CHECK(test::energy_share_at(span(*left, 200, p0 - 200), 1'000) > 0.5);
  CHECK(test::energy_share_at(span(*left, 200, p0 - 200), 600) < 0.05);
  CHECK(test::energy_share_at(span(*right, 200, p0 - 200), 600) > 0.5);
  CHECK(test::energy_share_at(span(*right, 200, p0 - 200), 1'000) < 0.05);
  CHECK(test::rms(span(*left, p0 + 200, p1 - 200)) == 0);
  CHECK(test::rms(span(*right, p0 + 200, p1 - 200)) == 0);
  CHECK(test::energy_share_at(span(*left, p1 + 200, p1 + 1'500), 1'000) > 0.5);
  CHECK(test::energy_share_at(span(*right, p1 + 200, p1 + 1'500), 600) > 0.5);
}

TEST_CASE("sip: three baresips, a supervisor whispers: the agent hears the supervisor's tone, the "
          "caller does not, then barges: the caller hears it too") {
  std::string out;
  REQUIRE_MESSAGE(testing::run_capture({"sh", "-c", "command -v baresip"}, out, 10s) == 0,
                  "baresip is not installed: apt-get install baresip-core");
  temp_dir dir;
  const auto d = dir.path();
  const int node_port = free_udp_port(), caller_port = free_sip_port();
  // Supervisor s1 (in no queue), before a1 in the file.
  write_center(d, "bsup", node_port, caller_port,
               "\n[[agents]]\nid = \"s1\"\ntenant = \"acme\"\nsupervisor = true\n");
  const auto store = d + "/store";
  add_agent_user(store);
  REQUIRE_MESSAGE(
      testing::run_capture({"sh", "-c",
                            "printf '%s\\n' 'login-password-2' | \"$0\" users add --store \"$1\" "
                            "--user sue --tenant acme --role supervisor --agent s1 --queue sales "
                            "--password-stdin && printf '%s\\n' 's1-sip-secret-9' | \"$0\" users "
                            "sip-password --store \"$1\" --user sue --password-stdin",
                            HOTLINE_BIN, store},
                           out, 30s) == 0,
      out);
  child_process node{{"sh", "-c", "exec \"$0\" \"$@\" 2>&1", HOTLINE_BIN, "node", "--config",
                      d + "/center.toml", "--store", store, "--no-traffic", "--api-listen",
                      "127.0.0.1:0"}};
  node_log nlog{node, {}};
  auto wait_log = [&](const std::string& what) { return nlog.wait(what); };
  const std::string& log = nlog.text;
  REQUIRE_MESSAGE(wait_log("ACD up"), log);
  std::string api_url;
  if (auto at = log.find("API on "); at != std::string::npos)
    api_url = log.substr(at + 7, log.find_first_of(" \n", at + 7) - at - 7);
  REQUIRE_MESSAGE(!api_url.empty(), log);
  hotline::test::api::client sue{api_url, {}, nullptr};
  {
    auto r = sue.call("POST", "/api/login",
                      nlohmann::json{{"username", "sue"}, {"password", "login-password-2"}}.dump());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto set = r.header("set-cookie");
    sue.cookie = set.substr(0, set.find(';'));
  }

  // The agent's phone plays 600 Hz, the supervisor's 1.4 kHz; both answer by themselves.
  test::write_wav(d + "/agent-mic.wav", test::tone(600, 60));
  test::write_wav(d + "/sup-mic.wav", test::tone(1'400, 60));
  baresip_caller agent_phone;
  REQUIRE_MESSAGE(
      start_phone(agent_phone, d, nlog, node_port, "a1", "a1-sip-secret-9", d + "/agent-mic.wav"),
      log);
  auto& phone = *agent_phone.process;
  const auto agent_dir = agent_phone.dir;
  baresip_caller sup;
  REQUIRE_MESSAGE(
      start_phone(sup, d, nlog, node_port, "sue", "s1-sip-secret-9", d + "/sup-mic.wav", "s1"),
      log);
  auto& sup_phone = *sup.process;
  const auto sup_dir = sup.dir;

  // The caller: 1 kHz for 14 s, then it hangs up.
  test::write_wav(d + "/caller-mic.wav", test::tone(1'000, 14));
  // The call on a1's desk (sue supervises its queue): its id; the
  // caller's dump starts about then (early media while a1's phone rings).
  std::string call_id;
  auto started = start_caller(d, node_port, caller_port, d + "/caller-mic.wav", 20, [&] {
    call_id = call_on_desk(sue, "a1");
    return !call_id.empty();
  });
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE_MESSAGE(started.process, log);
  const auto& caller_dir = started.dir;
  auto& caller = *started.process;
  std::this_thread::sleep_for(1s); // talking
  const auto base = "/api/agents/a1/calls/" + call_id + "/supervise";
  auto whisper = sue.call("POST", base, nlohmann::json{{"mode", "whisper"}}.dump());
  REQUIRE_MESSAGE(whisper.status == 200, whisper.body);
  REQUIRE_MESSAGE(wait_log("mix " + call_id), log);
  const auto whisper_from = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(4s);
  auto barge = sue.call("POST", base, nlohmann::json{{"mode", "barge"}}.dump());
  REQUIRE_MESSAGE(barge.status == 200, barge.body);
  const auto barge_from = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(4s);
  CHECK(caller.wait() == 0);
  sup_phone.signal(SIGTERM);
  sup_phone.wait();
  phone.signal(SIGTERM);
  phone.wait();
  node.signal(SIGINT);
  CHECK(node.wait() == 0);

  // What each heard (sndfile's dump starts when its call's audio starts):
  // the caller's dump is the one to split in time; whisper spans 1..4 s
  // after the supervisor's mix started, barge 1..3.5 s after the switch.
  const auto at_caller = heard(caller_dir), at_agent = heard(agent_dir), at_sup = heard(sup_dir);
  INFO("caller heard " << at_caller.size() << ", agent " << at_agent.size() << ", supervisor "
                       << at_sup.size() << " samples\n"
                       << log);
  REQUIRE(at_caller.size() > 8 * 8'000);
  REQUIRE(at_sup.size() > 4 * 8'000);
  // The agent heard the supervisor (whisper and barge); the supervisor heard caller and agent.
  CHECK(test::energy_share_at(at_agent, 1'400) > 0.05);
  CHECK(test::energy_share_at(at_sup, 1'000) > 0.1);
  CHECK(test::energy_share_at(at_sup, 600) > 0.1);
  const auto n = static_cast<std::int64_t>(at_caller.size());
  auto span = [&](std::chrono::steady_clock::time_point from, std::chrono::milliseconds len) {
    const auto a = std::clamp<std::int64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(from - t0).count() * 8, 0, n);
    const auto b = std::clamp<std::int64_t>(a + len.count() * 8, 0, n);
    return std::vector<std::int16_t>(at_caller.begin() + a, at_caller.begin() + b);
  };
  // Whisper (from a second after it began, for 2 s): the caller hears the
  // agent, never the supervisor. Barge (likewise): the supervisor too.
  const auto whispered = span(whisper_from + 1s, 2s), barged = span(barge_from + 1s, 2s);
  REQUIRE(whispered.size() == 16'000);
  REQUIRE(barged.size() == 16'000);
  CHECK(test::energy_share_at(whispered, 1'400) < 0.02);
  CHECK(test::energy_share_at(whispered, 600) > 0.3);
  CHECK(test::energy_share_at(barged, 1'400) > 0.1);
  CHECK(test::energy_share_at(barged, 600) > 0.1);
}

TEST_CASE("sip: three baresips in a conference: the agent brings in a2 through the API, each "
          "hears the two others' tones") {
  std::string out;
  REQUIRE_MESSAGE(testing::run_capture({"sh", "-c", "command -v baresip"}, out, 10s) == 0,
                  "baresip is not installed: apt-get install baresip-core");
  temp_dir dir;
  const auto d = dir.path();
  const int node_port = free_udp_port(), caller_port = free_sip_port();
  // Agent a2 in no queue (only the conference rings it), before a1 in the file.
  write_center(d, "bconf", node_port, caller_port,
               "\n[[agents]]\nid = \"a2\"\ntenant = \"acme\"\n");
  const auto store = d + "/store";
  add_agent_user(store);
  REQUIRE_MESSAGE(
      testing::run_capture({"sh", "-c",
                            "printf '%s\\n' 'login-password-2' | \"$0\" users add --store \"$1\" "
                            "--user a2 --tenant acme --role agent --agent a2 --password-stdin && "
                            "printf '%s\\n' 'a2-sip-secret-9' | \"$0\" users sip-password "
                            "--store \"$1\" --user a2 --password-stdin",
                            HOTLINE_BIN, store},
                           out, 30s) == 0,
      out);
  child_process node{{"sh", "-c", "exec \"$0\" \"$@\" 2>&1", HOTLINE_BIN, "node", "--config",
                      d + "/center.toml", "--store", store, "--no-traffic", "--api-listen",
                      "127.0.0.1:0"}};
  node_log nlog{node, {}};
  auto wait_log = [&](const std::string& what) { return nlog.wait(what); };
  const std::string& log = nlog.text;
  REQUIRE_MESSAGE(wait_log("ACD up"), log);
  std::string api_url;
  if (auto at = log.find("API on "); at != std::string::npos)
    api_url = log.substr(at + 7, log.find_first_of(" \n", at + 7) - at - 7);
  REQUIRE_MESSAGE(!api_url.empty(), log);
  hotline::test::api::client desk{api_url, {}, nullptr};
  {
    auto r = desk.call("POST", "/api/login",
                       nlohmann::json{{"username", "a1"}, {"password", "login-password-1"}}.dump());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto set = r.header("set-cookie");
    desk.cookie = set.substr(0, set.find(';'));
  }

  test::write_wav(d + "/a1-mic.wav", test::tone(600, 60));
  test::write_wav(d + "/a2-mic.wav", test::tone(1'400, 60));
  baresip_caller a1p, a2p;
  REQUIRE_MESSAGE(start_phone(a1p, d, nlog, node_port, "a1", "a1-sip-secret-9", d + "/a1-mic.wav"),
                  log);
  REQUIRE_MESSAGE(start_phone(a2p, d, nlog, node_port, "a2", "a2-sip-secret-9", d + "/a2-mic.wav"),
                  log);
  auto& a1 = *a1p.process;
  auto& a2 = *a2p.process;
  const auto a1_dir = a1p.dir, a2_dir = a2p.dir;

  test::write_wav(d + "/caller-mic.wav", test::tone(1'000, 10));
  std::string call_id;
  auto started = start_caller(d, node_port, caller_port, d + "/caller-mic.wav", 16, [&] {
    call_id = call_on_desk(desk, "a1");
    return !call_id.empty();
  });
  REQUIRE_MESSAGE(started.process, log);
  const auto& caller_dir = started.dir;
  auto& caller = *started.process;
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(1s);
  auto conf = desk.call("POST", "/api/agents/a1/calls/" + call_id + "/conference",
                        nlohmann::json{{"party_kind", "agent"}, {"party", "a2"}}.dump());
  REQUIRE_MESSAGE(conf.status < 300, conf.body);
  REQUIRE_MESSAGE(wait_log("mix " + call_id), log);
  const auto mixed_from = std::chrono::steady_clock::now();
  CHECK(caller.wait() == 0);
  a2.signal(SIGTERM);
  a2.wait();
  a1.signal(SIGTERM);
  a1.wait();
  node.signal(SIGINT);
  CHECK(node.wait() == 0);

  const auto at_caller = heard(caller_dir), at_a2 = heard(a2_dir);
  INFO("caller heard " << at_caller.size() << ", a2 " << at_a2.size() << " samples\n" << log);
  const auto n = static_cast<std::int64_t>(at_caller.size());
  const auto from = std::clamp<std::int64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(mixed_from + 1s - t0).count() * 8, 0,
      n);
  const std::vector<std::int16_t> mixed(at_caller.begin() + from,
                                        at_caller.begin() + std::min(n, from + 3 * 8'000));
  REQUIRE(mixed.size() == 3 * 8'000);
  CHECK(test::energy_share_at(mixed, 600) > 0.1);    // a1
  CHECK(test::energy_share_at(mixed, 1'400) > 0.1);  // a2, the party
  CHECK(test::energy_share_at(mixed, 1'000) < 0.02); // never its own voice
  REQUIRE(at_a2.size() > 8'000);
  CHECK(test::energy_share_at(at_a2, 1'000) > 0.1);
  CHECK(test::energy_share_at(at_a2, 600) > 0.1);

  // The store: a2 joined the call as a conference party.
  auto opened = drivers::rocksdb_event_store::open(store);
  REQUIRE(opened);
  auto evs = (*opened)->read_stream("call-" + call_id, 0, SIZE_MAX);
  REQUIRE(evs);
  std::string types;
  for (const auto& e : *evs)
    types += " " + e.type;
  CHECK_MESSAGE(types.find("call.conferenced") != std::string::npos, types);
}

TEST_CASE("sip: three baresips in a consultative transfer: a1 and a2 hear each other while the "
          "caller hears neither, then the caller hears a2 once completed, a1 once cancelled") {
  std::string what; // how a1 ends the consultation
  SUBCASE("completed") {
    what = "complete";
  }
  SUBCASE("cancelled") {
    what = "cancel";
  }
  std::string out;
  REQUIRE_MESSAGE(testing::run_capture({"sh", "-c", "command -v baresip"}, out, 10s) == 0,
                  "baresip is not installed: apt-get install baresip-core");
  temp_dir dir;
  const auto d = dir.path();
  const int node_port = free_udp_port(), caller_port = free_sip_port();
  // Agent a2 in no queue (only the consultation rings it), before a1 in the file.
  // Music on hold (a 300 Hz tone): the caller's phone hears something all
  // along, so what it recorded keeps the timeline (no packets, no samples).
  test::write_wav(d + "/moh.wav", test::tone(300, 60));
  write_center(d, "bconsult", node_port, caller_port,
               "\n[[agents]]\nid = \"a2\"\ntenant = \"acme\"\n",
               "music_on_hold = \"" + d + "/moh.wav\"\n");
  const auto store = d + "/store";
  add_agent_user(store);
  REQUIRE_MESSAGE(
      testing::run_capture({"sh", "-c",
                            "printf '%s\\n' 'login-password-2' | \"$0\" users add --store \"$1\" "
                            "--user a2 --tenant acme --role agent --agent a2 --password-stdin && "
                            "printf '%s\\n' 'a2-sip-secret-9' | \"$0\" users sip-password "
                            "--store \"$1\" --user a2 --password-stdin",
                            HOTLINE_BIN, store},
                           out, 30s) == 0,
      out);
  child_process node{{"sh", "-c", "exec \"$0\" \"$@\" 2>&1", HOTLINE_BIN, "node", "--config",
                      d + "/center.toml", "--store", store, "--no-traffic", "--api-listen",
                      "127.0.0.1:0"}};
  node_log nlog{node, {}};
  auto wait_log = [&](const std::string& what) { return nlog.wait(what); };
  const std::string& log = nlog.text;
  REQUIRE_MESSAGE(wait_log("ACD up"), log);
  std::string api_url;
  if (auto at = log.find("API on "); at != std::string::npos)
    api_url = log.substr(at + 7, log.find_first_of(" \n", at + 7) - at - 7);
  REQUIRE_MESSAGE(!api_url.empty(), log);
  auto desk_of = [&](const std::string& user, const std::string& password) {
    hotline::test::api::client c{api_url, {}, nullptr};
    auto r = c.call("POST", "/api/login",
                    nlohmann::json{{"username", user}, {"password", password}}.dump());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto set = r.header("set-cookie");
    c.cookie = set.substr(0, set.find(';'));
    return c;
  };
  auto desk = desk_of("a1", "login-password-1");
  auto desk2 = desk_of("a2", "login-password-2");

  test::write_wav(d + "/a1-mic.wav", test::tone(600, 60));
  test::write_wav(d + "/a2-mic.wav", test::tone(1'400, 60));
  baresip_caller a1p, a2p;
  REQUIRE_MESSAGE(start_phone(a1p, d, nlog, node_port, "a1", "a1-sip-secret-9", d + "/a1-mic.wav"),
                  log);
  REQUIRE_MESSAGE(start_phone(a2p, d, nlog, node_port, "a2", "a2-sip-secret-9", d + "/a2-mic.wav"),
                  log);
  auto& a1 = *a1p.process;
  auto& a2 = *a2p.process;
  const auto a1_dir = a1p.dir, a2_dir = a2p.dir;

  test::write_wav(d + "/caller-mic.wav", test::tone(1'000, 10));
  std::string call_id;
  auto started = start_caller(d, node_port, caller_port, d + "/caller-mic.wav", 18, [&] {
    call_id = call_on_desk(desk, "a1");
    return !call_id.empty();
  });
  REQUIRE_MESSAGE(started.process, log);
  const auto& caller_dir = started.dir;
  auto& caller = *started.process;
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(1s);
  auto r = desk.call(
      "POST", "/api/agents/a1/calls/" + call_id + "/transfer",
      nlohmann::json{{"mode", "consultative"}, {"target_kind", "agent"}, {"target", "a2"}}.dump());
  REQUIRE_MESSAGE(r.status < 300, r.body);
  // a2's phone answers by itself: the call is on a2's desk, the consultation runs.
  REQUIRE_MESSAGE(call_on_desk(desk2, "a2") == call_id, log);
  const auto consult_from = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(4s);
  r = desk.call("POST", "/api/agents/a1/calls/" + call_id + "/consultation/" + what, "{}");
  REQUIRE_MESSAGE(r.status < 300, r.body);
  const auto completed = std::chrono::steady_clock::now();
  CHECK(caller.wait() == 0);
  a2.signal(SIGTERM);
  a2.wait();
  a1.signal(SIGTERM);
  a1.wait();
  node.signal(SIGINT);
  CHECK(node.wait() == 0);

  const auto at_caller = heard(caller_dir), at_a1 = heard(a1_dir), at_a2 = heard(a2_dir);
  INFO("caller heard " << at_caller.size() << ", a1 " << at_a1.size() << ", a2 " << at_a2.size()
                       << " samples\n"
                       << log);
  // Samples [from_s, from_s + 2 s) after t0 of a party that answered about at t0.
  auto window = [&](const std::vector<std::int16_t>& x, std::chrono::steady_clock::time_point at) {
    const auto n = static_cast<std::int64_t>(x.size());
    const auto from = std::clamp<std::int64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(at + 1s - t0).count() * 8, 0, n);
    return std::vector<std::int16_t>(x.begin() + from, x.begin() + std::min(n, from + 2 * 8'000));
  };
  // During the consultation: a1 hears a2, the caller hears neither agent.
  const auto a1_consulting = window(at_a1, consult_from);
  REQUIRE(a1_consulting.size() == 2 * 8'000);
  CHECK(test::energy_share_at(a1_consulting, 1'400) > 0.1);
  CHECK(test::energy_share_at(a1_consulting, 1'000) < 0.02);
  const auto caller_waiting = window(at_caller, consult_from);
  REQUIRE(caller_waiting.size() == 2 * 8'000);
  CHECK(test::energy_share_at(caller_waiting, 300) > 0.1); // the music
  CHECK(test::energy_share_at(caller_waiting, 600) < 0.02);
  CHECK(test::energy_share_at(caller_waiting, 1'400) < 0.02);
  // a2's phone answered at consult_from: its first seconds are a1's voice.
  REQUIRE(at_a2.size() > 3 * 8'000);
  const std::vector<std::int16_t> a2_consulting(at_a2.begin() + 8'000, at_a2.begin() + 3 * 8'000);
  CHECK(test::energy_share_at(a2_consulting, 600) > 0.1);
  CHECK(test::energy_share_at(a2_consulting, 1'000) < 0.02);
  // Completed: the caller hears a2, and a1 no more; cancelled: a1 again, and not a2.
  const auto caller_after = window(at_caller, completed);
  REQUIRE(caller_after.size() == 2 * 8'000);
  const bool to_a2 = what == "complete";
  CHECK(test::energy_share_at(caller_after, to_a2 ? 1'400 : 600) > 0.1);
  CHECK(test::energy_share_at(caller_after, to_a2 ? 600 : 1'400) < 0.02);
  CHECK(test::energy_share_at(caller_after, 300) < 0.02);

  auto opened = drivers::rocksdb_event_store::open(store);
  REQUIRE(opened);
  auto evs = (*opened)->read_stream("call-" + call_id, 0, SIZE_MAX);
  REQUIRE(evs);
  std::string types;
  for (const auto& e : *evs)
    types += " " + e.type;
  CHECK_MESSAGE(types.find(to_a2 ? "call.consultation_started call.transferred"
                                 : "call.consultation_started call.consultation_ended") !=
                    std::string::npos,
                types);
}
