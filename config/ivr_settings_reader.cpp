#include "config/ivr_settings_reader.hpp"

#include <filesystem>

namespace hotline::config::detail {

namespace {

/// A directory path relative to the file that names it.
void read_dir(table_reader& r, const char* key, std::string& out, const char* default_text) {
  std::string dir;
  if (!r.read(key, dir)) return;
  if (dir.empty()) {
    r.error(key, std::string("expected a directory path (leave it out for ") + default_text + ")");
    return;
  }
  const auto* node = r.get(key);
  const auto written_in = node->source().path ? *node->source().path : std::string{};
  out = (std::filesystem::path(written_in).parent_path() / dir).lexically_normal().string();
}

} // namespace

void read_ivr_settings(table_reader& root, ivr_settings& out) {
  root.with_table("ivr", [&](table_reader& r) {
    if (r.read("tts_engine", out.tts_engine) && out.tts_engine.empty())
      r.error("tts_engine", "expected a program, e.g. \"espeak-ng\" or \"/usr/bin/espeak-ng\"");
    read_dir(r, "tts_cache", out.tts_cache, "<store>/tts-cache");
    int ms = static_cast<int>(out.tts_timeout_ms);
    if (r.read("tts_timeout_ms", ms, 100, 600'000, "milliseconds from 100 to 600000"))
      out.tts_timeout_ms = ms;
    ms = static_cast<int>(out.dynamic_tts_budget_ms);
    if (r.read("dynamic_tts_budget_ms", ms, 10, 60'000, "milliseconds from 10 to 60000"))
      out.dynamic_tts_budget_ms = ms;
    r.read("lookup_breaker_failures", out.lookup_breaker_failures, 0, 1'000,
           "a count of failures from 0 (never open) to 1000");
    int s = static_cast<int>(out.lookup_breaker_open_ms / 1000);
    if (r.read("lookup_breaker_open_s", s, 1, 86'400, "whole seconds from 1 to 86400"))
      out.lookup_breaker_open_ms = static_cast<std::int64_t>(s) * 1000;
    read_dir(r, "voicemail_dir", out.voicemail_dir, "<store>/voicemail");
    s = static_cast<int>(out.voicemail_max_ms / 1000);
    if (r.read("voicemail_max_s", s, 1, 3'600, "whole seconds from 1 to 3600"))
      out.voicemail_max_ms = static_cast<std::int64_t>(s) * 1000;
  });
}

} // namespace hotline::config::detail
