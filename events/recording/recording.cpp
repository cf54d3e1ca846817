#include "events/recording/recording.hpp"

namespace hotline::events::recording {

std::string stream_name(const std::string& call_id) {
  return "recording-" + call_id;
}

const char* to_string(phase p) noexcept {
  switch (p) {
  case phase::none:
    return "none";
  case phase::recording:
    return "recording";
  case phase::paused:
    return "paused";
  case phase::stopped:
    return "stopped";
  }
  return "?";
}

state initial_state(std::string call_id) {
  state s;
  s.call_id = std::move(call_id);
  return s;
}

std::string file_name(const std::string& call_id) {
  std::string out;
  for (char c : call_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
  return out + ".wav";
}

namespace {

using result = outcome<event>;

std::int64_t ms_between(std::int64_t from_ns, std::int64_t to_ns) {
  return to_ns > from_ns ? (to_ns - from_ns) / 1'000'000 : 0;
}

rejection not_recorded(const state& s) {
  return {"not_recorded", "call " + s.call_id + " is not being recorded" +
                              (s.at == phase::stopped ? " (its recording is over)" : "")};
}

result decide_one(const start& c, const state& s) {
  if (s.call_id.empty() || c.file.empty())
    return rejection{"invalid_argument", "a recording needs a call id and a file"};
  if (s.at == phase::stopped)
    return rejection{"already_stopped", "call " + s.call_id + "'s recording is over"};
  if (s.at != phase::none) return result::nothing();
  return event{recording_started{s.call_id, c.queue, c.agent_id, c.file, c.policy}};
}

result decide_one(const pause& c, const state& s) {
  if (!is_active(s)) return not_recorded(s);
  if (s.at == phase::paused)
    return rejection{"already_paused", "call " + s.call_id + "'s recording is paused already"};
  return event{recording_paused{s.call_id, ms_between(s.started_ns, c.now_ns)}};
}

result decide_one(const resume& c, const state& s) {
  if (!is_active(s)) return not_recorded(s);
  if (s.at == phase::recording)
    return rejection{"not_paused", "call " + s.call_id + "'s recording is not paused"};
  return event{recording_resumed{s.call_id, ms_between(s.started_ns, c.now_ns),
                                 ms_between(s.paused_since_ns, c.now_ns)}};
}

result decide_one(const stop& c, const state& s) {
  if (s.at == phase::stopped) return result::nothing();
  if (s.at == phase::none) return not_recorded(s);
  const std::int64_t open = s.at == phase::paused ? ms_between(s.paused_since_ns, c.now_ns) : 0;
  return event{recording_stopped{s.call_id, s.file, c.reason.empty() ? "call_ended" : c.reason,
                                 c.duration_ms, c.bytes, c.sha256, s.paused_ms + open, s.pauses,
                                 c.dropped_frames, c.error}};
}

} // namespace

outcome<event> decide(const command& cmd, const state& s) {
  return std::visit([&](const auto& c) { return decide_one(c, s); }, cmd);
}

state evolve(state s, const event& e, std::int64_t at_ns) {
  std::visit(
      [&](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<E, recording_started>) {
          s.at = phase::recording;
          s.file = ev.file;
          s.started_ns = at_ns;
        } else if constexpr (std::is_same_v<E, recording_paused>) {
          s.at = phase::paused;
          s.paused_since_ns = at_ns;
          ++s.pauses;
        } else if constexpr (std::is_same_v<E, recording_resumed>) {
          s.at = phase::recording;
          s.paused_ms += ev.paused_ms;
          s.paused_since_ns = 0;
        } else {
          s.at = phase::stopped;
          s.paused_ms = ev.paused_ms;
          s.paused_since_ns = 0;
        }
      },
      e);
  return s;
}

} // namespace hotline::events::recording
