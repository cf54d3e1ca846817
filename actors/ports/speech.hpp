#pragma once
/// The speech port: text in a language → a WAV file the node can play
/// (8 kHz, mono, 16-bit PCM), or an error. The IVR's `text` prompts are
/// spoken through it (docs/ivr.md "Speech"): the static ones ahead of
/// time when the node starts, the dynamic ones (`${variables}` filled) at
/// run time within `budget`.
///
/// The espeak-ng adapter (drivers/tts/espeak_speech.hpp) runs the engine as
/// a program and caches its output on disk; `memory_speech` below is the
/// fake for tests of the session side.
///
/// Thread safety: `render` may be called from any thread, concurrently. It
/// blocks for at most about `budget` (never call it on an actor's or a
/// media thread: hand it to a worker and send the answer back).
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace hotline::ports {

struct speech_request {
  std::string text;     ///< what to say, variables already filled in
  std::string language; ///< the flow's language code: "zh", "yue", "zh-HK", "en", ...
  /// How long the caller may wait for it; 0: the adapter's own limit.
  /// Past it the render fails with error "timeout ..." (the IVR takes its
  /// error path). Default: 0.
  std::chrono::milliseconds budget{0};
};

struct speech_result {
  std::string path; ///< the WAV (8 kHz mono 16-bit PCM); empty on error
  std::string
      error; ///< why there is no file ("timeout after 300 ms", "espeak-ng not installed ...")
  bool cached = false; ///< served from the cache: no engine ran
  std::chrono::milliseconds latency{0};

  bool ok() const noexcept { return error.empty(); }
};

class speech {
public:
  virtual ~speech() = default;
  /// Never throws: every failure is an `error`.
  virtual speech_result render(const speech_request& r) = 0;
  /// The file `render` would answer with at once, with no engine run (a
  /// cached render), or empty; never blocks. Default: empty (no cache).
  virtual std::string cached(const speech_request&) { return {}; }
};

/// The fake: answers every request with `path_for(request)` (or `error`,
/// when set) and remembers the requests.
class memory_speech final : public speech {
public:
  speech_result render(const speech_request& r) override {
    std::lock_guard lock(m_);
    requests_.push_back(r);
    speech_result out;
    if (!error_.empty())
      out.error = error_;
    else
      out.path = "memory-speech/" + r.language + "/" + std::to_string(requests_.size()) + ".wav";
    return out;
  }
  void fail_with(std::string error) {
    std::lock_guard lock(m_);
    error_ = std::move(error);
  }
  std::vector<speech_request> requests() const {
    std::lock_guard lock(m_);
    return requests_;
  }

private:
  mutable std::mutex m_;
  std::vector<speech_request> requests_;
  std::string error_;
};

} // namespace hotline::ports
