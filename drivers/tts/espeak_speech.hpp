#pragma once
/// The speech port (actors/ports/speech.hpp) on espeak-ng (Debian
/// `espeak-ng`, GPL-3: run as a program, never linked). docs/ivr.md
/// "Speech".
///
/// Rendering: `espeak-ng -v <voice> -w <tmp.wav> -- <text>` run without a
/// shell (drivers/tts/child_process.hpp; `--` ends the options, so a text
/// that begins with '-' is spoken too), bounded by the request's budget or
/// `timeout`; its 22,050 Hz output resampled to the 8 kHz mono 16-bit PCM
/// WAV the node plays.
///
/// Cache: `<cache_dir>/<sha256(engine, voice, text)>.wav`. A hit runs no
/// engine. Files appear by rename, complete or not at all, so concurrent
/// renders of one text and a crash mid-render are harmless. Nothing is
/// evicted: the static prompts of the flows are a bounded set; dynamic
/// texts grow it (delete old files with cron if it matters).
///
/// Languages → voices: zh, zh-CN, cmn → cmn (Mandarin); yue, zh-HK,
/// zh-TW → yue (Cantonese); en, en-* → en. Any other language is an error
/// naming it.
///
/// Thread safety: `render` may be called from any thread, concurrently.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "actors/ports/speech.hpp"

namespace hotline::drivers::tts {

struct espeak_options {
  /// The program, looked up in PATH unless it has a '/'. Default: "espeak-ng".
  std::string program = "espeak-ng";
  /// Where rendered prompts are kept (created if missing). Default: "tts-cache".
  std::filesystem::path cache_dir = "tts-cache";
  /// A render's limit when the request gives no budget. Default: 10 s.
  std::chrono::milliseconds timeout{10'000};
  /// Words per minute (espeak-ng -s). Default: 150.
  int words_per_minute = 150;
};

/// The espeak-ng voice for a flow language, or nullopt.
std::optional<std::string> espeak_voice(const std::string& language);

class espeak_speech final : public ports::speech {
public:
  explicit espeak_speech(espeak_options opts);

  ports::speech_result render(const ports::speech_request& r) override;
  /// The cache file of the text when it is there (one stat).
  std::string cached(const ports::speech_request& r) override;

  /// Where `render` would put (or find) this text: its cache file, or
  /// nullopt when the language has no voice.
  std::optional<std::filesystem::path> cache_path(const std::string& text,
                                                  const std::string& language) const;
  /// How many times the engine ran (cache misses that got as far).
  std::uint64_t engine_runs() const noexcept { return runs_.load(); }

private:
  espeak_options opts_;
  std::atomic<std::uint64_t> runs_{0};
  std::atomic<std::uint64_t> seq_{0};
};

/// Whether `program` can be run (found in PATH, or an executable path).
bool program_available(const std::string& program);

/// SHA-256 of `data`, lowercase hex.
std::string sha256_hex(const std::string& data);

} // namespace hotline::drivers::tts
