// [sip]: where the node listens, its trunks, the agents' phones and the
// music on hold; every bad value is an error with file, line and column.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "config/wav.hpp"
#include "events/acd/queue_announcement.hpp"
#include "tests/config/config_files.hpp"

using namespace hotline;
using namespace hotline::config;
using hotline::config::testing::config_files;
using hotline::config::testing::listing;
using hotline::config::testing::only;
using hotline::config::testing::valid_center;

namespace {

load_outcome load_with(config_files& files, const std::string& tail) {
  files.write("c.toml", std::string(valid_center) + tail);
  return files.load("c.toml");
}

/// A WAV file: `format` 1 (16-bit PCM), 6 (A-law) or 7 (µ-law).
std::string wav(std::uint16_t format, std::uint16_t channels, std::uint32_t rate,
                const std::string& data) {
  auto u32 = [](std::uint32_t v) {
    return std::string{char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff),
                       char((v >> 24) & 0xff)};
  };
  auto u16 = [](std::uint16_t v) { return std::string{char(v & 0xff), char((v >> 8) & 0xff)}; };
  const std::uint16_t bits = format == 1 ? 16 : 8;
  std::string fmt = u16(format) + u16(channels) + u32(rate) + u32(rate * channels * bits / 8) +
                    u16(static_cast<std::uint16_t>(channels * bits / 8)) + u16(bits);
  std::string body = "WAVE" + std::string("fmt ") + u32(16) + fmt + "data" +
                     u32(static_cast<std::uint32_t>(data.size())) + data;
  return "RIFF" + u32(static_cast<std::uint32_t>(body.size())) + body;
}

} // namespace

TEST_CASE("a [sip] section with a trunk, a phone and music on hold loads") {
  config_files files;
  files.write("moh.wav", wav(1, 1, 8000, std::string("\x10\x00\xf0\xff", 4)));
  auto loaded = load_with(files, R"(
[sip]
listen = "127.0.0.1:5080"
music_on_hold = "moh.wav"
retry_after_s = 60

[[sip.trunk]]
group = "pstn"
peer = "10.0.0.1:5060"

[[sip.phone]]
agent = "ann"
contact = "sip:ann@127.0.0.1:5070"
)");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& sip = loaded.config.sip;
  CHECK(sip.enabled);
  CHECK(sip.listen.text() == "127.0.0.1:5080");
  CHECK(sip.retry_after_s == 60);
  CHECK(sip.music_on_hold == files.path("moh.wav"));
  CHECK(sip.music_on_hold_pcm == std::vector<std::int16_t>{16, -16});
  REQUIRE(sip.trunks.size() == 1);
  CHECK(sip.trunks[0].group == "pstn");
  CHECK(sip.trunks[0].peer.text() == "10.0.0.1:5060");
  CHECK(sip.trunks[0].allow == std::vector<std::string>{"10.0.0.1"}); // default: the peer
  REQUIRE(sip.phones.size() == 1);
  CHECK(sip.phones[0].agent == "ann");
  CHECK(sip.phones[0].user == "ann");
  CHECK(sip.phones[0].address.text() == "127.0.0.1:5070");
}

TEST_CASE("without [sip] telephony is off") {
  config_files files;
  auto loaded = load_with(files, "");
  REQUIRE(loaded.ok());
  CHECK_FALSE(loaded.config.sip.enabled);
}

TEST_CASE("a bad listen address names the key, line and what is expected") {
  config_files files;
  for (const char* bad : {"localhost:5060", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:99999",
                          "300.1.1.1:5060", "127.0.0.1:50x"}) {
    auto loaded = load_with(files, std::string("[sip]\nlisten = \"") + bad + "\"\n");
    auto d = only(loaded.problems, "sip.listen");
    CHECK(d.line == 18);
    CHECK(d.column > 0);
    CHECK(d.file == files.path("c.toml"));
  }
  auto loaded = load_with(files, "[sip]\nlisten = \"localhost:5060\"\n");
  CHECK(only(loaded.problems, "sip.listen").message.find("not an IPv4 address") !=
        std::string::npos);
}

TEST_CASE("a trunk of an unknown group, without a peer, or with a bad allowed source") {
  config_files files;
  auto loaded = load_with(files, R"(
[[sip.trunk]]
group = "nope"
peer = "10.0.0.1:5060"

[[sip.trunk]]
group = "pstn"
allow = ["10.0.0.300"]
)");
  auto g = only(loaded.problems, "sip.trunk[0].group");
  CHECK(g.line == 19);
  CHECK(g.message.find("no trunk group 'nope'") != std::string::npos);
  CHECK(only(loaded.problems, "sip.trunk[1].peer").message.find("missing") != std::string::npos);
  auto a = only(loaded.problems, "sip.trunk[1].allow");
  CHECK(a.message.find("'10.0.0.300' is not an IPv4 address") != std::string::npos);
}

TEST_CASE("a trunk group with two peers is an error") {
  config_files files;
  auto loaded = load_with(files, R"(
[[sip.trunk]]
group = "pstn"
peer = "10.0.0.1:5060"
[[sip.trunk]]
group = "pstn"
peer = "10.0.0.2:5060"
)");
  CHECK(only(loaded.problems, "sip.trunk[1].group").message.find("two") != std::string::npos);
}

TEST_CASE("a phone for an unknown agent, twice for one agent, or at a bad address") {
  config_files files;
  auto loaded = load_with(files, R"(
[[sip.phone]]
agent = "bob"
contact = "sip:bob@127.0.0.1:5070"
[[sip.phone]]
agent = "ann"
contact = "tel:+123"
[[sip.phone]]
agent = "ann"
contact = "sip:@127.0.0.1"
)");
  CHECK(only(loaded.problems, "sip.phone[0].agent").message.find("no agent 'bob'") !=
        std::string::npos);
  auto c = only(loaded.problems, "sip.phone[1].contact");
  CHECK(c.line == 23);
  CHECK(c.message.find("not a SIP address") != std::string::npos);
  CHECK(only(loaded.problems, "sip.phone[2].agent").message.find("two phones") !=
        std::string::npos);
  CHECK(only(loaded.problems, "sip.phone[2].contact").message.find("no user") != std::string::npos);
}

TEST_CASE("music on hold that is missing, not a WAV, or not 8 kHz mono is refused") {
  config_files files;
  files.write("stereo.wav", wav(1, 2, 8000, std::string(8, '\0')));
  files.write("cd.wav", wav(1, 1, 44100, std::string(8, '\0')));
  files.write("text.wav", "hello, not a sound");
  files.write("float.wav", wav(3, 1, 8000, std::string(8, '\0')));
  files.write("empty.wav", wav(1, 1, 8000, ""));
  struct {
    const char* file;
    const char* says;
  } cases[] = {{"missing.wav", "cannot read file"},
               {"stereo.wav", "expected mono at 8000 Hz"},
               {"cd.wav", "44100 Hz"},
               {"text.wav", "not a WAV file"},
               {"float.wav", "expected 16-bit PCM (1), A-law (6) or"},
               {"empty.wav", "no samples"}};
  for (const auto& c : cases) {
    auto loaded = load_with(files, std::string("[sip]\nmusic_on_hold = \"") + c.file + "\"\n");
    auto d = only(loaded.problems, "sip.music_on_hold");
    INFO(c.file << ": " << d.message);
    CHECK(d.line == 18);
    CHECK(d.message.find(c.says) != std::string::npos);
  }
}

TEST_CASE("A-law and µ-law music on hold is expanded to linear samples") {
  config_files files;
  files.write("a.wav", wav(6, 1, 8000, std::string("\xd5\x55", 2)));
  files.write("u.wav", wav(7, 1, 8000, std::string("\xff\x7f", 2)));
  std::string why;
  auto a = read_wav_8k_mono(files.path("a.wav"), why);
  REQUIRE(a);
  CHECK(*a == std::vector<std::int16_t>{8, -8});
  auto u = read_wav_8k_mono(files.path("u.wav"), why);
  REQUIRE(u);
  CHECK(*u == std::vector<std::int16_t>{0, 0});
}

TEST_CASE("RTP ports and Retry-After out of range are errors") {
  config_files files;
  auto loaded = load_with(files, R"(
[sip]
rtp_port_min = 30000
rtp_port_max = 30001
retry_after_s = 0
)");
  CHECK(only(loaded.problems, "sip.rtp_port_max").message.find("no room") != std::string::npos);
  CHECK(only(loaded.problems, "sip.retry_after_s").line == 21);
}

TEST_CASE("an unknown key under [sip] is reported with a suggestion") {
  config_files files;
  auto loaded = load_with(files, "[sip]\nlisen = \"127.0.0.1:5060\"\n");
  auto d = only(loaded.problems, "sip.lisen");
  CHECK(d.message.find("listen") != std::string::npos);
}

TEST_CASE("the registration keys load, with their defaults") {
  config_files files;
  auto plain = load_with(files, "[sip]\n");
  REQUIRE(plain.ok());
  CHECK(plain.config.sip.realm == "hotline");
  CHECK(plain.config.sip.nonce_ttl_s == 300);
  CHECK(plain.config.sip.register_min_expires_s == 60);
  CHECK(plain.config.sip.register_max_expires_s == 3600);
  auto loaded = load_with(files, R"(
[sip]
realm = "acme.example"
nonce_ttl_s = 60
register_min_expires_s = 30
register_max_expires_s = 600
)");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  CHECK(loaded.config.sip.realm == "acme.example");
  CHECK(loaded.config.sip.nonce_ttl_s == 60);
  CHECK(loaded.config.sip.register_min_expires_s == 30);
  CHECK(loaded.config.sip.register_max_expires_s == 600);
}

TEST_CASE("a bad realm, nonce life or Expires bounds are errors") {
  config_files files;
  auto loaded = load_with(files, R"(
[sip]
realm = "a\"b"
nonce_ttl_s = 5
register_min_expires_s = 120
register_max_expires_s = 60
)");
  CHECK(only(loaded.problems, "sip.realm").message.find("quotes") != std::string::npos);
  CHECK(only(loaded.problems, "sip.nonce_ttl_s").line == 20);
  CHECK(only(loaded.problems, "sip.register_max_expires_s").message.find("below") !=
        std::string::npos);
  auto empty = load_with(files, "[sip]\nrealm = \"\"\n");
  CHECK(only(empty.problems, "sip.realm").message.find("non-empty") != std::string::npos);
}

TEST_CASE("a trunk's calls-per-second limit loads, and a negative one is an error") {
  config_files files;
  auto loaded = load_with(files, R"(
[[sip.trunk]]
group = "pstn"
peer = "10.0.0.1:5060"
cps = 5
)");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  REQUIRE(loaded.config.sip.trunks.size() == 1);
  CHECK(loaded.config.sip.trunks[0].cps == 5);
  auto none = load_with(files, "[[sip.trunk]]\ngroup = \"pstn\"\npeer = \"10.0.0.1:5060\"\n");
  REQUIRE(none.ok());
  CHECK(none.config.sip.trunks[0].cps == 0);
  auto bad =
      load_with(files, "[[sip.trunk]]\ngroup = \"pstn\"\npeer = \"10.0.0.1:5060\"\ncps = -1\n");
  CHECK(only(bad.problems, "sip.trunk[0].cps").message.find("0..100000") != std::string::npos);
}

TEST_CASE("a trunk's OPTIONS keepalive keys load with their defaults") {
  config_files files;
  auto loaded = load_with(files, R"(
[sip]
outbound_trunk = "pstn"
outbound_ring_timeout_s = 45

[[sip.trunk]]
group = "pstn"
peer = "10.0.0.1:5060"
options_interval_s = 10
options_timeout_s = 2
options_failures = 4
)");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& sip = loaded.config.sip;
  REQUIRE(sip.trunks.size() == 1);
  CHECK(sip.trunks[0].options_interval_s == 10);
  CHECK(sip.trunks[0].options_timeout_s == 2);
  CHECK(sip.trunks[0].options_failures == 4);
  CHECK(sip.outbound_trunk == "pstn");
  CHECK(sip.outbound_ring_timeout_s == 45);
  REQUIRE(sip.trunk("pstn"));
  CHECK(sip.trunk("nowhere") == nullptr);
  auto plain = load_with(files, "[[sip.trunk]]\ngroup = \"pstn\"\npeer = \"10.0.0.1:5060\"\n");
  REQUIRE(plain.ok());
  CHECK(plain.config.sip.trunks[0].options_interval_s == 30);
  CHECK(plain.config.sip.trunks[0].options_timeout_s == 5);
  CHECK(plain.config.sip.trunks[0].options_failures == 3);
  CHECK(plain.config.sip.outbound_trunk.empty());
  CHECK(plain.config.sip.outbound_ring_timeout_s == 60);
  auto off = load_with(files, "[[sip.trunk]]\ngroup = \"pstn\"\npeer = \"10.0.0.1:5060\"\n"
                              "options_interval_s = 0\noptions_timeout_s = 9\n");
  CHECK(off.ok()); // no keepalive: the timeout does not matter
}

TEST_CASE("bad keepalive values and an outbound trunk no [[sip.trunk]] binds are errors") {
  config_files files;
  auto loaded = load_with(files, R"(
[sip]
outbound_trunk = "nowhere"
outbound_ring_timeout_s = 0

[[sip.trunk]]
group = "pstn"
peer = "10.0.0.1:5060"
options_interval_s = -1
options_timeout_s = 0
options_failures = 0
)");
  CHECK(only(loaded.problems, "sip.outbound_trunk").message.find("no [[sip.trunk]]") !=
        std::string::npos);
  CHECK(only(loaded.problems, "sip.outbound_ring_timeout_s").message.find("1..600") !=
        std::string::npos);
  CHECK(only(loaded.problems, "sip.trunk[0].options_interval_s").message.find("0..3600") !=
        std::string::npos);
  CHECK(only(loaded.problems, "sip.trunk[0].options_timeout_s").message.find("1..60") !=
        std::string::npos);
  CHECK(only(loaded.problems, "sip.trunk[0].options_failures").message.find("1..100") !=
        std::string::npos);
  auto longer = load_with(files, "[[sip.trunk]]\ngroup = \"pstn\"\npeer = \"10.0.0.1:5060\"\n"
                                 "options_interval_s = 5\noptions_timeout_s = 10\n");
  CHECK(only(longer.problems, "sip.trunk[0].options_timeout_s").message.find("longer") !=
        std::string::npos);
}

TEST_CASE("announcements load every prompt of a directory laid out as Asterisk's sounds") {
  config_files files;
  const auto one = wav(1, 1, 8000, std::string("\x10\x00\xf0\xff", 4));
  for (const auto& name : events::acd::announcement_prompt_names())
    files.write("sounds/" + name + ".wav", one);
  auto loaded = load_with(files, "[sip]\nannouncements = \"sounds\"\n");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& sip = loaded.config.sip;
  CHECK(sip.announcements == files.path("sounds"));
  CHECK(sip.announcement_pcm.size() == events::acd::announcement_prompt_names().size());
  CHECK(sip.announcement_pcm.at("digits/7") == std::vector<std::int16_t>{16, -16});
}

TEST_CASE("announcements from a directory that is missing, or lacks a prompt, are refused") {
  config_files files;
  const auto one = wav(1, 1, 8000, std::string("\x10\x00\xf0\xff", 4));
  for (const auto& name : events::acd::announcement_prompt_names()) {
    if (name != "digits/13") files.write("lacking/" + name + ".wav", one);
    files.write("wideband/" + name + ".wav",
                name == "queue-thankyou" ? wav(1, 1, 16000, std::string(8, '\0')) : one);
  }
  struct {
    const char* dir;
    const char* says;
  } cases[] = {{"nowhere", "nowhere: not a directory"},
               {"lacking", "digits/13.wav: cannot read file"},
               {"wideband", "queue-thankyou.wav: "},
               {"", "expected the path of a directory"}};
  for (const auto& c : cases) {
    auto loaded = load_with(files, std::string("[sip]\nannouncements = \"") + c.dir + "\"\n");
    auto d = only(loaded.problems, "sip.announcements");
    INFO(c.dir << ": " << d.message);
    CHECK(d.line == 18);
    CHECK(d.message.find(c.says) != std::string::npos);
    CHECK(loaded.config.sip.announcement_pcm.empty());
  }
}

TEST_CASE("announcements load Debian's Asterisk English sound pack as it is installed") {
  const std::string pack = "/usr/share/asterisk/sounds/en";
  REQUIRE_MESSAGE(std::filesystem::is_directory(pack),
                  pack << " is missing: apt-get install asterisk-core-sounds-en-wav");
  config_files files;
  auto loaded = load_with(files, "[sip]\nannouncements = \"" + pack + "\"\n");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& pcm = loaded.config.sip.announcement_pcm;
  CHECK(pcm.size() == events::acd::announcement_prompt_names().size());
  // Recorded speech, not silence: the first prompt has a clear level.
  const auto& next = pcm.at("queue-youarenext");
  REQUIRE(next.size() > 8000); // over a second
  double energy = 0;
  for (auto v : next)
    energy += double(v) * v;
  CHECK(std::sqrt(energy / double(next.size())) > 300);
}

TEST_CASE("[sip] inband_dtmf is off by default, on when true, and a non-boolean names its line") {
  config_files files;
  auto plain = load_with(files, "[sip]\n");
  REQUIRE(plain.ok());
  CHECK_FALSE(plain.config.sip.inband_dtmf);
  auto on = load_with(files, "[sip]\ninband_dtmf = true\n");
  INFO(listing(on.problems));
  REQUIRE(on.ok());
  CHECK(on.config.sip.inband_dtmf);
  auto bad = load_with(files, "[sip]\ninband_dtmf = \"yes\"\n");
  auto d = only(bad.problems, "sip.inband_dtmf");
  CHECK(d.line == 18);
  CHECK(d.file == files.path("c.toml"));
}

TEST_CASE("[sip] media_threads: unset means one per core, 0..64 taken, others name their line") {
  config_files files;
  auto plain = load_with(files, "[sip]\n");
  REQUIRE(plain.ok());
  CHECK(plain.config.sip.media_threads == -1);
  auto none = load_with(files, "[sip]\nmedia_threads = 0\n");
  INFO(listing(none.problems));
  REQUIRE(none.ok());
  CHECK(none.config.sip.media_threads == 0);
  auto four = load_with(files, "[sip]\nmedia_threads = 4\n");
  REQUIRE(four.ok());
  CHECK(four.config.sip.media_threads == 4);
  for (const char* bad_value : {"65", "-1", "\"two\""}) {
    auto bad = load_with(files, std::string("[sip]\nmedia_threads = ") + bad_value + "\n");
    auto d = only(bad.problems, "sip.media_threads");
    CHECK(d.line == 18);
    CHECK(d.file == files.path("c.toml"));
    CHECK(d.message.find("0..64") != std::string::npos);
  }
}
