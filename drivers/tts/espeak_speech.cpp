#include "drivers/tts/espeak_speech.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "config/wav.hpp"
#include "drivers/tts/child_process.hpp"
#include "drivers/tts/resampler.hpp"

namespace hotline::drivers::tts {

namespace {

constexpr std::uint32_t node_rate = 8'000;
const std::string engine_name = "espeak-ng";

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

} // namespace

std::optional<std::string> espeak_voice(const std::string& language) {
  const auto l = lower(language);
  if (l == "zh" || l == "zh-cn" || l == "cmn" || l == "zh-hans") return "cmn";
  if (l == "yue" || l == "zh-hk" || l == "zh-tw" || l == "zh-mo" || l == "zh-hant") return "yue";
  if (l == "en" || l.rfind("en-", 0) == 0) return "en";
  return std::nullopt;
}

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

bool program_available(const std::string& program) {
  if (program.empty()) return false;
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  return false;
}

espeak_speech::espeak_speech(espeak_options opts) : opts_(std::move(opts)) {}

std::optional<std::filesystem::path> espeak_speech::cache_path(const std::string& text,
                                                               const std::string& language) const {
  auto voice = espeak_voice(language);
  if (!voice) return std::nullopt;
  // The speed changes the audio: it is part of the key, like the voice.
  const auto key =
      engine_name + '\n' + *voice + '\n' + std::to_string(opts_.words_per_minute) + '\n' + text;
  return opts_.cache_dir / (sha256_hex(key) + ".wav");
}

std::string espeak_speech::cached(const ports::speech_request& r) {
  auto target = cache_path(r.text, r.language);
  std::error_code ec;
  return target && std::filesystem::exists(*target, ec) ? target->string() : std::string{};
}

ports::speech_result espeak_speech::render(const ports::speech_request& r) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  ports::speech_result out;
  const auto finish = [&](ports::speech_result& res) -> ports::speech_result {
    res.latency = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started);
    return std::move(res);
  };
  const auto voice = espeak_voice(r.language);
  if (!voice) {
    out.error = "no espeak-ng voice for language '" + r.language +
                "' (zh, zh-CN, cmn: Mandarin; yue, zh-HK, zh-TW: Cantonese; en)";
    return finish(out);
  }
  if (r.text.empty()) {
    out.error = "nothing to say (empty text)";
    return finish(out);
  }
  const auto target = *cache_path(r.text, r.language);
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) {
    out.path = target.string();
    out.cached = true;
    return finish(out);
  }
  std::filesystem::create_directories(opts_.cache_dir, ec);
  if (ec) {
    out.error = "cannot create the TTS cache " + opts_.cache_dir.string() + ": " + ec.message();
    return finish(out);
  }
  const auto unique = std::to_string(::getpid()) + "-" + std::to_string(++seq_);
  const auto raw = opts_.cache_dir / (target.stem().string() + "." + unique + ".raw.wav");
  const auto part = opts_.cache_dir / (target.stem().string() + "." + unique + ".part");
  const auto budget = r.budget.count() > 0 ? r.budget : opts_.timeout;
  ++runs_;
  const auto run =
      run_program({opts_.program, "-v", *voice, "-s", std::to_string(opts_.words_per_minute), "-w",
                   raw.string(), "--", r.text},
                  budget);
  const auto cleanup = [&] {
    std::error_code ignored;
    std::filesystem::remove(raw, ignored);
    std::filesystem::remove(part, ignored);
  };
  if (!run.started) {
    out.error = "TTS engine '" + opts_.program + "' could not run: " + run.error +
                (run.error == "not found" ? " (install the Debian package espeak-ng)" : "");
    cleanup();
    return finish(out);
  }
  if (run.timed_out) {
    out.error = "timeout after " + std::to_string(budget.count()) + " ms (" + opts_.program +
                " was stopped)";
    cleanup();
    return finish(out);
  }
  if (run.exit_code != 0) {
    auto why = run.stderr_text;
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r'))
      why.pop_back();
    out.error = opts_.program + " failed (exit " + std::to_string(run.exit_code) + ")" +
                (why.empty() ? "" : ": " + why);
    cleanup();
    return finish(out);
  }
  std::uint32_t rate = 0;
  std::string why;
  auto samples = config::read_wav_pcm16_mono(raw, rate, why);
  if (!samples) {
    out.error = opts_.program + " wrote no usable WAV: " + why;
    cleanup();
    return finish(out);
  }
  const auto at_8k = resample(*samples, rate, node_rate);
  if (!config::write_wav_pcm16_mono(part, node_rate, at_8k, why)) {
    out.error = why;
    cleanup();
    return finish(out);
  }
  std::filesystem::rename(part, target, ec);
  if (ec) {
    out.error = "cannot store " + target.string() + ": " + ec.message();
    cleanup();
    return finish(out);
  }
  cleanup();
  out.path = target.string();
  return finish(out);
}

} // namespace hotline::drivers::tts
