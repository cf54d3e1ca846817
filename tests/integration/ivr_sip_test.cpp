// IVR flows over SIP end to end (issue 23, docs/ivr.md "Over SIP"):
// `hotline node --sip-listen` with a flow on entry point 300, sipp as the
// caller (tests/fixtures/sip/caller_ivr.xml: a language by RFC 4733, the
// menu and an order number by SIP INFO) and as the agent's phone. The
// test records the audio the node sends the caller and checks it: the
// recorded language prompt (a tone) first, then speech (espeak-ng) after
// the order number. The store must tell the same story.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "config/wav.hpp"
#include "tests/support/sip_node.hpp"
#include "tests/support/sip_peer.hpp"

using namespace hotline;
using namespace hotline::test::sip;
using namespace std::chrono_literals;

namespace {

/// The RTP (PCMU or PCMA) the node sends to a port, decoded, with when it came.
class rtp_recorder {
public:
  rtp_recorder() {
    thread_ = std::thread([this] {
      while (!stop_) {
        auto d = sock_.receive(100ms);
        if (!d) continue;
        auto p = sip_test::parse_rtp(*d);
        if (!p || (p->pt != 0 && p->pt != 8)) continue;
        std::vector<std::int16_t> pcm;
        for (unsigned char b : p->payload)
          pcm.push_back(p->pt == 0 ? config::ulaw_to_linear(b) : config::alaw_to_linear(b));
        std::lock_guard lock{m_};
        frames_.push_back({std::chrono::steady_clock::now(), std::move(pcm)});
      }
    });
  }
  ~rtp_recorder() {
    stop_ = true;
    thread_.join();
  }
  int port() const { return sock_.port(); }
  /// Every sample received between `from` and `to`.
  std::vector<std::int16_t> between(std::chrono::steady_clock::time_point from,
                                    std::chrono::steady_clock::time_point to) {
    std::lock_guard lock{m_};
    std::vector<std::int16_t> out;
    for (const auto& [at, pcm] : frames_)
      if (at >= from && at < to) out.insert(out.end(), pcm.begin(), pcm.end());
    return out;
  }
  /// 20 ms frames received whose level is above `rms` (speech or tone, not silence).
  int loud_frames(std::chrono::steady_clock::time_point from, double rms = 300) {
    std::lock_guard lock{m_};
    int n = 0;
    for (const auto& [at, pcm] : frames_)
      if (at >= from && test::rms(pcm) > rms) ++n;
    return n;
  }

private:
  sip_test::udp sock_;
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::vector<std::int16_t>>> frames_;
  std::thread thread_;
};

/// Entry point 300 runs flow `shop`: language (a recorded tone in zh, text
/// otherwise) -> menu (1 order, 0 agent) -> collect 5 digits -> `lookup`
/// (its keys given) -> status spoken -> queue sales with the order attached;
/// a failed lookup says sorry and queues too.
std::string shop_flow(const std::string& dir, const std::string& lookup_keys) {
  std::filesystem::create_directories(dir + "/prompts/zh");
  test::write_wav(dir + "/prompts/zh/choose.wav", test::tone(440, 1.0));
  std::ofstream(dir + "/orders.csv") << "order,status\n81234,shipped yesterday\n";
  return "[[entry_points]]\ndialed = \"300\"\nflow = \"shop\"\n\n"
         "[[flows]]\nid = \"shop\"\nstart = \"lang\"\nlanguages = [\"zh\", \"en\"]\n"
         "prompts = \"" +
         dir +
         "/prompts\"\n\n"
         "  [[flows.nodes]]\n  id = \"lang\"\n  type = \"language\"\n  prompt = \"choose\"\n"
         "  text = \"For English, press 2.\"\n  choices = { 1 = \"zh\", 2 = \"en\" }\n"
         "  timeout_s = 10\n  next = \"main\"\n\n"
         "  [[flows.nodes]]\n  id = \"main\"\n  type = \"menu\"\n"
         "  text = \"For the status of an order, press 1. For an agent, press 0.\"\n"
         "  choices = { 1 = \"order\", 0 = \"agent\" }\n  timeout_s = 10\n  default = \"agent\"\n\n"
         "  [[flows.nodes]]\n  id = \"order\"\n  type = \"collect\"\n"
         "  text = \"Please key in your order number.\"\n  variable = \"order\"\n"
         "  min_digits = 5\n  max_digits = 5\n  timeout_s = 10\n  next = \"find\"\n"
         "  default = \"agent\"\n\n"
         "  [[flows.nodes]]\n  id = \"find\"\n  type = \"lookup\"\n" +
         lookup_keys +
         "  key = \"${order}\"\n  next = \"status\"\n  not_found = \"agent\"\n"
         "  on_failure = \"sorry\"\n\n"
         "  [[flows.nodes]]\n  id = \"status\"\n  type = \"play\"\n"
         "  text = \"Your order ${order} was ${order_status}.\"\n  next = \"agent\"\n\n"
         "  [[flows.nodes]]\n  id = \"sorry\"\n  type = \"play\"\n"
         "  text = \"Sorry, we cannot look your order up now.\"\n  next = \"agent\"\n\n"
         "  [[flows.nodes]]\n  id = \"agent\"\n  type = \"queue\"\n  queue = \"sales\"\n"
         "  attach = [\"order\", \"order_status\"]\n";
}

void require_ivr_tools() {
  std::string out;
  REQUIRE_MESSAGE(testing::run_capture({"sh", "-c", "command -v espeak-ng"}, out, 10s) == 0,
                  "espeak-ng is not installed: apt-get install espeak-ng");
  REQUIRE_MESSAGE(geteuid() == 0, "sipp plays RFC 4733 digits from a pcap file, which needs root");
}

/// The IVR session's events and the call's attached data, as lines.
struct ivr_story {
  std::vector<std::string> ivr;
  std::map<std::string, std::string> attached;
};

ivr_story story_of(const sip_node& n) {
  auto store = drivers::rocksdb_event_store::open(n.dir.path() + "/store");
  REQUIRE_MESSAGE(store, (store ? "" : store.error().message()));
  auto all = (*store)->read_all(1, SIZE_MAX);
  REQUIRE(all);
  ivr_story s;
  const auto& codec = events::event_codec::standard();
  for (const auto& e : *all) {
    auto ev = codec.decode(e);
    REQUIRE(ev);
    if (const auto* x = std::get_if<events::call_data_attached>(&*ev))
      for (const auto& [k, v] : x->data)
        s.attached[k] = v;
    if (e.stream.rfind("ivr-", 0) != 0) continue;
    std::string line = e.type;
    if (const auto* x = std::get_if<events::ivr_menu_chosen>(&*ev))
      line += " " + x->node + " " + x->digit + (x->language.empty() ? "" : " " + x->language);
    else if (const auto* x = std::get_if<events::ivr_input>(&*ev))
      line += " " + x->node + " " + x->digits;
    else if (const auto* x = std::get_if<events::ivr_lookup_done>(&*ev))
      line += " " + x->node + (x->found ? " found" : " not_found");
    else if (const auto* x = std::get_if<events::ivr_lookup_failed>(&*ev))
      line += " " + x->node;
    else if (const auto* x = std::get_if<events::ivr_exited>(&*ev))
      line += " " + std::string{events::to_wire(x->way)} + " " + x->target;
    else
      continue;
    s.ivr.push_back(line);
  }
  return s;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += l + "\n";
  return out;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

} // namespace

TEST_CASE("ivr over sip: a caller picks English by RFC 4733, the menu and an order number by SIP "
          "INFO, hears the status spoken and reaches the agent with the order attached") {
  require_ivr_tools();
  const int a1 = free_udp_port();
  testing::temp_dir flows;
  center_options o{4, {{"a1", a1}}, false};
  o.extra_toml = shop_flow(flows.path(), "  table = \"" + flows.path() +
                                             "/orders.csv\"\n  key_column = \"order\"\n"
                                             "  fields = { status = \"order_status\" }\n");
  sip_node n{o};
  rtp_recorder caller_ear;
  auto agent = phone("agent_answers.xml", a1, 40);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(n.call("caller_ivr.xml", "300", 40, 0,
               {"-set", "rtp", std::to_string(caller_ear.port())}) == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  INFO(n.log);

  // What the caller heard: the recorded prompt (440 Hz) in its first second,
  // then, from the order number on (about 4.5 s in), speech, not silence.
  auto first = caller_ear.between(t0, t0 + 2'500ms);
  REQUIRE(first.size() > 4'000);
  CHECK(test::energy_share_at(first, 440) > 0.3);
  CHECK(caller_ear.loud_frames(t0 + 4'500ms) > 50); // > 1 s of the status spoken

  auto s = story_of(n);
  INFO(joined(s.ivr));
  CHECK(has(s.ivr, "ivr.menu_chosen lang 2 en"));
  CHECK(has(s.ivr, "ivr.menu_chosen main 1"));
  CHECK(has(s.ivr, "ivr.input order 81234"));
  CHECK(has(s.ivr, "ivr.lookup_done find found"));
  CHECK(has(s.ivr, "ivr.exited queue sales"));
  CHECK(s.attached["order"] == "81234");
  CHECK(s.attached["order_status"] == "shipped yesterday");
  auto c = n.only_call();
  CHECK(c.agent == "a1");
  CHECK(c.outcome == "completed");
}

TEST_CASE("ivr over sip: an HTTP lookup to a system that never answers times out and the caller "
          "takes the flow's fallback branch to an agent") {
  require_ivr_tools();
  // A server that takes connections and never answers them.
  int silent = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(silent >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(silent, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(listen(silent, 16) == 0);
  socklen_t len = sizeof a;
  getsockname(silent, reinterpret_cast<sockaddr*>(&a), &len);
  const int http_port = ntohs(a.sin_port);

  const int a1 = free_udp_port();
  testing::temp_dir flows;
  center_options o{4, {{"a1", a1}}, false};
  o.extra_toml = shop_flow(
      flows.path(), "  source = \"http\"\n  url = \"http://127.0.0.1:" + std::to_string(http_port) +
                        "/orders/${order}\"\n  timeout_ms = 400\n"
                        "  retries = 1\n"
                        "  fields = { \"/status\" = \"order_status\" }\n");
  sip_node n{o};
  rtp_recorder caller_ear;
  auto agent = phone("agent_answers.xml", a1, 40);
  CHECK(n.call("caller_ivr.xml", "300", 40, 0,
               {"-set", "rtp", std::to_string(caller_ear.port())}) == 0);
  CHECK(agent.get() == 0);
  CHECK(n.stop() == 0);
  close(silent);
  INFO(n.log);
  auto s = story_of(n);
  INFO(joined(s.ivr));
  CHECK(has(s.ivr, "ivr.input order 81234"));
  CHECK(has(s.ivr, "ivr.lookup_failed find"));
  CHECK(has(s.ivr, "ivr.exited queue sales"));
  CHECK(s.attached["order"] == "81234");
  CHECK(n.only_call().agent == "a1");
}

TEST_CASE("ivr over sip: a caller leaves a voicemail after the beep and # ends it: the message is "
          "in the mailbox's list and plays through the API, and it became a call back") {
  require_ivr_tools();
  center_options o{4, {}, false};
  o.api = true;
  o.sip_users = {{"a1", ""}}; // an agent of queue sales: may hear its mailbox
  o.extra_toml = "[[entry_points]]\ndialed = \"301\"\nflow = \"vm\"\n\n"
                 "[[flows]]\nid = \"vm\"\nstart = \"ask\"\nlanguages = [\"en\"]\n\n"
                 "  [[flows.nodes]]\n  id = \"ask\"\n  type = \"play\"\n"
                 "  text = \"Please leave a message after the tone.\"\n  next = \"box\"\n\n"
                 "  [[flows.nodes]]\n  id = \"box\"\n  type = \"voicemail\"\n"
                 "  mailbox = \"sales\"\n";
  sip_node n{o};
  rtp_recorder caller_ear;
  CHECK(n.call("caller_voicemail.xml", "301", 40, 0,
               {"-set", "rtp", std::to_string(caller_ear.port())}) == 0);

  // The mailbox through the API, while the node runs.
  hotline::test::api::client a1{n.api_url, {}, nullptr};
  auto r = a1.call("POST", "/api/login",
                   nlohmann::json{{"username", "a1"}, {"password", "login-password-1"}}.dump());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  auto set = r.header("set-cookie");
  a1.cookie = set.substr(0, set.find(';'));
  auto listed = a1.get("/api/voicemail?mailbox=sales");
  INFO(listed.dump());
  REQUIRE(listed["messages"].size() == 1);
  const auto m = listed["messages"][0];
  const auto id = m["id"].get<std::string>();
  CHECK(m["duration_ms"].get<std::int64_t>() > 5'000); // the 7 s spoken, cut by #
  auto audio = a1.call("GET", "/api/voicemail/" + id + "/audio");
  REQUIRE(audio.status == 200);
  CHECK(audio.header("content-type") == "audio/wav");
  const auto wav = n.dir.path() + "/played.wav";
  std::ofstream(wav, std::ios::binary) << audio.body;
  auto samples = test::read_wav(wav);
  REQUIRE(samples);
  CHECK(test::rms(*samples) > 300); // the caller's words, not silence
  CHECK(n.stop() == 0);
  INFO(n.log);

  // The beep (1 kHz) reached the caller before the recording.
  bool beeped = false;
  const auto start = std::chrono::steady_clock::now() - 60s;
  auto heard = caller_ear.between(start, std::chrono::steady_clock::now());
  for (std::size_t at = 0; at + 1'600 <= heard.size() && !beeped; at += 160)
    beeped = test::energy_share_at({heard.begin() + at, heard.begin() + at + 1'600}, 1'000) > 0.5;
  CHECK(beeped);

  auto s = story_of(n);
  INFO(joined(s.ivr));
  CHECK(has(s.ivr, "ivr.exited voicemail sales"));
  auto c = n.only_call();
  CHECK(std::find(c.types.begin(), c.types.end(), "call.callback_scheduled") != c.types.end());
}

TEST_CASE("ivr over sip: a flow's transfer node carries the caller to the number through the "
          "trunk: the carrier is rung, bridged, and its BYE hangs the caller up") {
  require_ivr_tools();
  center_options o{4, {}, false};
  o.extra_toml = "[[entry_points]]\ndialed = \"302\"\nflow = \"out\"\n\n"
                 "[[flows]]\nid = \"out\"\nstart = \"hello\"\nlanguages = [\"en\"]\n\n"
                 "  [[flows.nodes]]\n  id = \"hello\"\n  type = \"play\"\n"
                 "  text = \"Connecting you to our partner.\"\n  next = \"partner\"\n\n"
                 "  [[flows.nodes]]\n  id = \"partner\"\n  type = \"transfer\"\n"
                 "  number = \"5550100\"\n";
  sip_node n{o};
  auto carrier = n.carrier("carrier_answers.xml"); // on the trunk peer's port
  CHECK(n.call("caller_is_hung_up.xml", "302", 30, free_udp_port()) == 0);
  CHECK(carrier.get() == 0); // rung as sip:5550100@peer, answered, its BYE
  CHECK(n.stop() == 0);
  INFO(n.log);
  auto s = story_of(n);
  INFO(joined(s.ivr));
  CHECK(has(s.ivr, "ivr.exited transfer 5550100"));
  auto c = n.only_call();
  CHECK(c.outcome == "transferred_out");
  CHECK(c.reason == "ivr_transfer");
}

TEST_CASE("ivr over sip: a node without an API still leaves the message (voicemail.left in its "
          "store)") {
  require_ivr_tools();
  center_options o{4, {}, false};
  o.extra_toml = "[[entry_points]]\ndialed = \"301\"\nflow = \"vm\"\n\n"
                 "[[flows]]\nid = \"vm\"\nstart = \"box\"\nlanguages = [\"en\"]\n\n"
                 "  [[flows.nodes]]\n  id = \"box\"\n  type = \"voicemail\"\n"
                 "  mailbox = \"sales\"\n";
  sip_node n{o};
  CHECK(n.call("caller_voicemail.xml", "301", 40, 0,
               {"-set", "rtp", std::to_string(free_udp_port())}) == 0);
  CHECK(n.stop() == 0);
  INFO(n.log);
  auto store = drivers::rocksdb_event_store::open(n.dir.path() + "/store");
  REQUIRE(store);
  auto all = (*store)->read_all(1, SIZE_MAX);
  REQUIRE(all);
  int left = 0;
  for (const auto& e : *all)
    if (e.type == "voicemail.left") ++left;
  CHECK(left == 1);
}
