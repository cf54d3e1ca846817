#pragma once
/// What the IVR's drivers need from a configuration, section [ivr]
/// (docs/config.md; docs/ivr.md "Speech", "HTTP lookups", "Voicemail"):
/// the TTS engine and its cache, the latency budget of text spoken at run
/// time, the HTTP lookups' circuit breaker, where voicemail is kept.
/// Paths are relative to the file that names them.
#include <cstdint>
#include <string>

namespace hotline::config {

struct ivr_settings {
  /// The TTS program ([ivr] tts_engine). Default: "espeak-ng".
  std::string tts_engine = "espeak-ng";
  /// Rendered prompts ([ivr] tts_cache). Default: empty, `<store>/tts-cache`.
  std::string tts_cache;
  /// Rendering a static text ahead of time, at most ([ivr] tts_timeout_ms). Default: 10 s.
  std::int64_t tts_timeout_ms = 10'000;
  /// A dynamic text (`${variables}`) at run time, at most; past it the
  /// node's error path ([ivr] dynamic_tts_budget_ms). Default: 1.5 s.
  std::int64_t dynamic_tts_budget_ms = 1'500;
  /// Consecutive failed HTTP lookups of one node that open its circuit
  /// ([ivr] lookup_breaker_failures; 0: never). Default: 5.
  std::int32_t lookup_breaker_failures = 5;
  /// How long an open circuit refuses before a probe ([ivr] lookup_breaker_open_s). Default: 30 s.
  std::int64_t lookup_breaker_open_ms = 30'000;
  /// Voicemail messages ([ivr] voicemail_dir). Default: empty, `<store>/voicemail`.
  std::string voicemail_dir;
  /// The longest message ([ivr] voicemail_max_s). Default: 120 s.
  std::int64_t voicemail_max_ms = 120'000;

  bool operator==(const ivr_settings&) const = default;
};

} // namespace hotline::config
