// Speech for IVR prompts (drivers/tts, docs/ivr.md "Speech"): espeak-ng
// renders each of the seeds' languages to a WAV the node plays (8 kHz mono
// 16-bit PCM, and speech, not silence); the cache serves a text again
// without the engine; a missing engine, a slow one and a text full of
// shell metacharacters each give what a caller (and an operator) should
// see. A fake engine (a shell script the test writes) records the
// arguments it was given, to prove the text arrives as one argument.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "config/wav.hpp"
#include "drivers/tts/child_process.hpp"
#include "drivers/tts/espeak_speech.hpp"
#include "drivers/tts/prompt_audio.hpp"
#include "drivers/tts/resampler.hpp"
#include "tests/support/process.hpp"

using namespace hotline;
using namespace std::chrono_literals;
namespace tts = hotline::drivers::tts;

namespace {

/// The tests that speak need the real engine: say which package is missing.
void require_espeak() {
  REQUIRE_MESSAGE(tts::program_available("espeak-ng"),
                  "espeak-ng is not installed: apt-get install espeak-ng (Debian package "
                  "espeak-ng; see README test command)");
}

std::vector<std::int16_t> sine(double hz, std::uint32_t rate, double seconds, double amplitude) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(rate * seconds));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::int16_t>(amplitude * std::sin(2 * std::numbers::pi * hz * i / rate));
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A fake engine: writes each argument on a line of `args`, copies `wav`
/// to the path after -w, after sleeping `sleep_s` seconds.
std::string fake_engine(const std::string& dir, const std::string& wav, int sleep_s = 0) {
  const auto path = dir + "/fake-espeak";
  std::ofstream out(path);
  out << "#!/bin/sh\n"
      << (sleep_s ? "sleep " + std::to_string(sleep_s) + "\n" : "") << "out=\"\"; prev=\"\"\n"
      << "for a in \"$@\"; do [ \"$prev\" = \"-w\" ] && out=\"$a\"; prev=\"$a\"; done\n"
      << "for a in \"$@\"; do printf '%s\\n' \"$a\"; done >> '" << dir << "/args'\n"
      << "cp '" << wav << "' \"$out\"\n";
  out.close();
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

} // namespace

TEST_CASE("tts: espeak-ng speaks Mandarin, Cantonese and English as non-silent 8 kHz mono WAVs") {
  require_espeak();
  testing::temp_dir dir;
  tts::espeak_speech speech({.cache_dir = dir.path() + "/cache"});
  const std::vector<std::pair<std::string, std::string>> texts{{"zh", "您的订单已发货"},
                                                               {"yue", "你嘅訂單已經寄出"},
                                                               {"zh-HK", "多謝你嘅來電"},
                                                               {"en", "Your order has shipped"}};
  for (const auto& [language, text] : texts) {
    CAPTURE(language);
    auto r = speech.render({text, language, 20s});
    REQUIRE_MESSAGE(r.ok(), r.error);
    CHECK_FALSE(r.cached);
    std::string why;
    auto samples = config::read_wav_8k_mono(r.path, why); // 8 kHz mono, or why not
    REQUIRE_MESSAGE(samples, why);
    CHECK(samples->size() > 4'000); // more than half a second of speech
    CHECK(tts::rms(*samples) > 500.0);
  }
  CHECK(speech.engine_runs() == 4);
}

TEST_CASE("tts: the language codes map to espeak-ng voices") {
  CHECK(tts::espeak_voice("zh") == "cmn");
  CHECK(tts::espeak_voice("zh-CN") == "cmn");
  CHECK(tts::espeak_voice("yue") == "yue");
  CHECK(tts::espeak_voice("zh-HK") == "yue");
  CHECK(tts::espeak_voice("en") == "en");
  CHECK(tts::espeak_voice("en-GB") == "en");
  CHECK_FALSE(tts::espeak_voice("fr"));
  tts::espeak_speech speech({.program = "/nonexistent/espeak-ng"});
  auto r = speech.render({"bonjour", "fr", 1s});
  CHECK(r.error ==
        "no espeak-ng voice for language 'fr' (zh, zh-CN, cmn: Mandarin; yue, zh-HK, zh-TW: "
        "Cantonese; en)");
}

TEST_CASE("tts: a cached text is served again without running the engine") {
  testing::temp_dir dir;
  const auto wav = dir.path() + "/22k.wav";
  std::string why;
  REQUIRE(config::write_wav_pcm16_mono(wav, 22'050, sine(440, 22'050, 1.0, 8'000), why));
  tts::espeak_speech speech(
      {.program = fake_engine(dir.path(), wav), .cache_dir = dir.path() + "/cache"});
  auto first = speech.render({"Welcome to ACME", "en", 5s});
  REQUIRE_MESSAGE(first.ok(), first.error);
  CHECK_FALSE(first.cached);
  auto again = speech.render({"Welcome to ACME", "en", 5s});
  REQUIRE(again.ok());
  CHECK(again.cached);
  CHECK(again.path == first.path);
  CHECK(speech.engine_runs() == 1);
  // The engine ran once: its argument log has one render's arguments.
  const auto args = read_file(dir.path() + "/args");
  CHECK(std::count(args.begin(), args.end(), '\n') == 8);
  // Another voice of the same text is another file.
  auto chinese = speech.render({"Welcome to ACME", "zh", 5s});
  REQUIRE(chinese.ok());
  CHECK(chinese.path != first.path);
  CHECK(speech.engine_runs() == 2);
  // What is cached plays at 8 kHz: the fake's 22,050 Hz was resampled.
  auto samples = config::read_wav_8k_mono(first.path, why);
  REQUIRE_MESSAGE(samples, why);
  CHECK(samples->size() == 8'000);
}

TEST_CASE("tts: a missing engine is a clear error naming the package") {
  testing::temp_dir dir;
  tts::espeak_speech speech(
      {.program = "espeak-ng-not-installed-here", .cache_dir = dir.path() + "/cache"});
  auto r = speech.render({"hello", "en", 5s});
  CHECK_FALSE(r.ok());
  CHECK(r.path.empty());
  CHECK(r.error == "TTS engine 'espeak-ng-not-installed-here' could not run: not found (install "
                   "the Debian package espeak-ng)");
  CHECK_FALSE(tts::program_available("espeak-ng-not-installed-here"));
}

TEST_CASE("tts: an engine slower than the budget is stopped and the render fails with timeout") {
  testing::temp_dir dir;
  const auto wav = dir.path() + "/22k.wav";
  std::string why;
  REQUIRE(config::write_wav_pcm16_mono(wav, 22'050, sine(440, 22'050, 0.2, 8'000), why));
  tts::espeak_speech speech(
      {.program = fake_engine(dir.path(), wav, 30), .cache_dir = dir.path() + "/cache"});
  auto r = speech.render({"Your balance is ${balance}", "en", 200ms});
  CHECK(r.error == "timeout after 200 ms (" + dir.path() + "/fake-espeak was stopped)");
  CHECK(r.path.empty());
  // Nothing half-written is left in the cache.
  std::size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path() + "/cache"))
    ++files;
  CHECK(files == 0);
}

TEST_CASE("tts: a text with shell metacharacters is spoken literally, as one argument") {
  testing::temp_dir dir;
  const std::string evil = dir.path() + "/evil.wav";
  const std::string text =
      "-w " + evil + "; $(touch PWNED) `touch PWNED2` | rm -rf . && echo \"'\" > y";
  const auto wav = dir.path() + "/22k.wav";
  std::string why;
  REQUIRE(config::write_wav_pcm16_mono(wav, 22'050, sine(440, 22'050, 0.2, 8'000), why));
  tts::espeak_speech fake(
      {.program = fake_engine(dir.path(), wav), .cache_dir = dir.path() + "/cache"});
  REQUIRE(fake.render({text, "en", 5s}).ok());
  // The last argument is the text, whole; `--` before it ends the options.
  auto args = read_file(dir.path() + "/args");
  CHECK(args.ends_with("--\n" + text + "\n"));
  CHECK_FALSE(std::filesystem::exists("PWNED"));
  CHECK_FALSE(std::filesystem::exists("PWNED2"));
  require_espeak();
  tts::espeak_speech real({.cache_dir = dir.path() + "/real"});
  auto r = real.render({text, "en", 20s});
  REQUIRE_MESSAGE(r.ok(), r.error);
  auto samples = config::read_wav_8k_mono(r.path, why);
  REQUIRE(samples);
  CHECK(tts::rms(*samples) > 500.0);
  CHECK_FALSE(std::filesystem::exists("PWNED"));
  CHECK_FALSE(std::filesystem::exists(evil));
}

TEST_CASE("tts: resampling 22,050 Hz to 8 kHz keeps the voice band and removes what would alias") {
  const auto in_band = tts::resample(sine(1'000, 22'050, 1.0, 10'000), 22'050, 8'000);
  CHECK(in_band.size() == 8'000);
  // A 1 kHz sine of amplitude 10,000 has an RMS of 7,071.
  CHECK(tts::rms(in_band) == doctest::Approx(7'071).epsilon(0.03));
  // 6 kHz would fold to 2 kHz at 8 kHz: the filter takes it out.
  const auto above = tts::resample(sine(6'000, 22'050, 1.0, 10'000), 22'050, 8'000);
  CHECK(tts::rms(above) < 200.0);
}

namespace {

/// The resampler's formula evaluated directly at every tap (three sin/cos
/// each), as it was before its per-phase tables: the reference.
std::vector<std::int16_t> direct_resample(const std::vector<std::int16_t>& in, double from,
                                          double to) {
  const double ratio = from / to, cutoff = 0.45 * std::min(from, to) / from * 2.0;
  const double span = 32 / std::min(1.0, cutoff), pi = std::numbers::pi;
  const auto n = static_cast<long>(in.size());
  std::vector<std::int16_t> out;
  for (std::size_t j = 0; j < static_cast<std::size_t>(static_cast<double>(n) / ratio); ++j) {
    const double c = static_cast<double>(j) * ratio;
    double acc = 0, weight = 0;
    for (long i = std::max(0L, static_cast<long>(std::ceil(c - span)));
         i <= std::min(n - 1, static_cast<long>(std::floor(c + span))); ++i) {
      const double x = static_cast<double>(i) - c, arg = cutoff * x;
      const double k = (arg == 0 ? 1.0 : std::sin(pi * arg) / (pi * arg)) *
                       (0.42 + 0.5 * std::cos(pi * x / span) + 0.08 * std::cos(2 * pi * x / span));
      acc += k * in[static_cast<std::size_t>(i)];
      weight += k;
    }
    out.push_back(
        static_cast<std::int16_t>(std::clamp(std::lround(acc / weight), -32768L, 32767L)));
  }
  return out;
}

} // namespace

TEST_CASE("tts: resampling with per-phase tables gives the direct formula's samples") {
  std::vector<std::int16_t> noise(22'050);
  std::uint32_t x = 12'345;
  for (auto& s : noise) { // a full-scale pseudo-random signal: every tap matters
    x = x * 1'103'515'245u + 12'345u;
    s = static_cast<std::int16_t>(static_cast<int>(x >> 16) - 32'768);
  }
  for (auto [from, to] : {std::pair{22'050u, 8'000u}, {16'000u, 8'000u}, {8'000u, 22'050u}}) {
    const auto fast = tts::resample(noise, from, to);
    const auto ref = direct_resample(noise, from, to);
    REQUIRE(fast.size() == ref.size());
    int worst = 0;
    for (std::size_t i = 0; i < fast.size(); ++i)
      worst = std::max(worst, std::abs(fast[i] - ref[i]));
    CHECK_MESSAGE(worst <= 1, from << " -> " << to << ": differs by " << worst);
  }
}

TEST_CASE("tts: a recorded prompt plays where it exists, its text is spoken elsewhere") {
  testing::temp_dir dir;
  std::filesystem::create_directories(dir.path() + "/prompts/en");
  std::string why;
  REQUIRE(config::write_wav_pcm16_mono(dir.path() + "/prompts/en/welcome.wav", 8'000,
                                       sine(440, 8'000, 0.1, 5'000), why));
  events::ivr::flow f;
  f.id = "orders";
  f.languages = {"zh", "en"};
  f.prompts = dir.path() + "/prompts";
  events::ivr::node n;
  n.id = "welcome";
  n.kind = events::ivr::node_kind::play;
  n.prompt = {"welcome", "Welcome"};
  f.nodes.push_back(n);
  events::ivr::node status;
  status.id = "status";
  status.kind = events::ivr::node_kind::play;
  status.prompt = {"", "Order ${order} has shipped"};
  f.nodes.push_back(status);
  ports::memory_speech speech;

  auto en = tts::resolve_prompt(f, n.prompt, "en", {}, speech, 1s);
  CHECK(en.path == dir.path() + "/prompts/en/welcome.wav");
  CHECK_FALSE(en.spoken);
  CHECK(speech.requests().empty());

  auto zh = tts::resolve_prompt(f, n.prompt, "zh", {}, speech, 1s);
  CHECK(zh.spoken);
  CHECK(zh.error.empty());
  REQUIRE(speech.requests().size() == 1);
  CHECK(speech.requests()[0].text == "Welcome");
  CHECK(speech.requests()[0].language == "zh");

  auto dynamic = tts::resolve_prompt(f, status.prompt, "en", {{"order", "80001"}}, speech, 300ms);
  CHECK(dynamic.text == "Order 80001 has shipped");
  CHECK(speech.requests().back().budget == 300ms);

  // Ahead of time: the static text in zh only (en is recorded); the
  // dynamic one waits for its variables.
  ports::memory_speech ahead;
  auto report = tts::prerender_flow(f, ahead);
  CHECK(report.errors.empty());
  CHECK(report.rendered == 1);
  REQUIRE(ahead.requests().size() == 1);
  CHECK(ahead.requests()[0].language == "zh");
  CHECK(tts::has_text_prompts(f));

  ahead.fail_with("espeak-ng not installed");
  auto failed = tts::prerender_flow(f, ahead);
  REQUIRE(failed.errors.size() == 1);
  CHECK(failed.errors[0] == "flow orders node welcome (text, zh): espeak-ng not installed");
}

TEST_CASE("tts: a program's exit code and error output are reported") {
  auto r = tts::run_program({"sh", "-c", "echo oops >&2; exit 3"}, 5s);
  CHECK(r.started);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 3);
  CHECK(r.stderr_text == "oops\n");
}
