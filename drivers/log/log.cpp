#include "drivers/log/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "events/json_text.hpp"

namespace hotline::drivers::log {

namespace {

std::atomic<format> g_format{format::text};
std::atomic<level> g_min{level::info};
std::mutex g_out; // one line at a time, across stdout and stderr

const char* name_of(level lv) {
  switch (lv) {
  case level::debug:
    return "debug";
  case level::info:
    return "info";
  case level::warning:
    return "warning";
  case level::error:
    return "error";
  }
  return "info";
}

const char* text_name_of(level lv) {
  switch (lv) {
  case level::debug:
    return "DEBUG";
  case level::info:
    return "INFO ";
  case level::warning:
    return "WARN ";
  case level::error:
    return "ERROR";
  }
  return "INFO ";
}

void append_time(std::string& out, std::int64_t unix_ms) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96]; // wide enough for any int fields, so no truncation is possible
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  out += buf;
}

/// The message on one line: control characters (newlines included) as spaces.
void append_flat(std::string& out, std::string_view s) {
  for (char c : s)
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
}

} // namespace

void configure(const settings& s) {
  g_format = s.fmt;
  g_min = s.min;
}

settings current() {
  return {g_format.load(), g_min.load()};
}

std::optional<format> parse_format(std::string_view name) {
  if (name == "text") return format::text;
  if (name == "json") return format::json;
  return std::nullopt;
}

std::string render(format fmt, std::int64_t unix_ms, level lv, std::string_view component,
                   std::string_view message, std::string_view site) {
  std::string out;
  out.reserve(64 + message.size());
  if (fmt == format::json) {
    out += "{\"time\":\"";
    append_time(out, unix_ms);
    out += "\",\"level\":\"";
    out += name_of(lv);
    out += "\",\"component\":";
    events::append_json_string(out, component);
    if (!site.empty()) {
      out += ",\"site\":";
      events::append_json_string(out, site);
    }
    out += ",\"message\":";
    events::append_json_string(out, message);
    out += '}';
    return out;
  }
  append_time(out, unix_ms);
  out += ' ';
  out += text_name_of(lv);
  out += ' ';
  append_flat(out, component);
  if (!site.empty()) {
    out += " [";
    append_flat(out, site);
    out += ']';
  }
  out += ' ';
  append_flat(out, message);
  return out;
}

void write(level lv, std::string_view component, std::string_view message, std::string_view site) {
  if (lv < g_min.load()) return;
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto line = render(g_format.load(), now, lv, component, message, site);
  line += '\n';
  std::FILE* to = lv >= level::warning ? stderr : stdout;
  std::lock_guard lock{g_out};
  std::fwrite(line.data(), 1, line.size(), to);
  std::fflush(to);
}

} // namespace hotline::drivers::log
