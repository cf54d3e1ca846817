#pragma once
/// A call's recording, stream `recording-<call>` (F14; docs/telephony.md
/// "Recording"). The telephony actor runs it: the SIP adapter writes the
/// file, this aggregate records what happened to it, once each:
///
///   none --start--> recording            recording.started {file, queue, agent, policy}
///   recording --pause--> paused          recording.paused {offset_ms}
///   paused --resume--> recording         recording.resumed {offset_ms, paused_ms}
///   recording|paused --stop--> stopped   recording.stopped {duration, bytes, sha256, ...}
///
/// Offsets are measured from the start command's time with the commands'
/// own clock (`now_ns`), the same timeline the adapter writes (a paused span
/// is silence in the file). A stop while paused closes the open span.
/// Starting again the same recording, or stopping a stopped one, is a
/// no-op (retries are harmless).
///
/// Rejections (the API answers them 409 with the code):
///   not_recorded     pause/resume/stop of a call with no recording (never
///                    started, or over already)
///   already_paused   pause while paused
///   not_paused       resume while recording
///   already_stopped  start after the recording ended
///   invalid_argument start without a call id or file
#include <cstdint>
#include <string>
#include <variant>

#include "events/outcome.hpp"
#include "events/recording_events.hpp"

namespace hotline::events::recording {

/// `recording-<call_id>`
std::string stream_name(const std::string& call_id);

enum class phase : std::uint8_t { none, recording, paused, stopped };
const char* to_string(phase p) noexcept;

struct state {
  std::string call_id;
  phase at = phase::none;
  std::string file;
  std::int64_t started_ns = 0;
  std::int64_t paused_since_ns = 0; ///< while paused: when the span began
  std::int64_t paused_ms = 0;       ///< closed spans, in all
  std::int32_t pauses = 0;
  bool operator==(const state&) const = default;
};

struct start {
  std::string queue;
  std::string agent_id;
  std::string file;
  std::string policy;
  std::int64_t now_ns = 0;
};
struct pause {
  std::int64_t now_ns = 0;
};
struct resume {
  std::int64_t now_ns = 0;
};
/// What the adapter reports of the finished file (ports::recording_stopped).
struct stop {
  std::string reason;
  std::int64_t duration_ms = 0;
  std::int64_t bytes = 0;
  std::string sha256;
  std::int64_t dropped_frames = 0;
  std::string error;
  std::int64_t now_ns = 0;
};
using command = std::variant<start, pause, resume, stop>;
using event =
    std::variant<recording_started, recording_paused, recording_resumed, recording_stopped>;

state initial_state(std::string call_id);
outcome<event> decide(const command& cmd, const state& s);
/// `at_ns`: the time the event was recorded (its envelope's time).
state evolve(state s, const event& e, std::int64_t at_ns);
inline bool is_terminal(const state& s) noexcept {
  return s.at == phase::stopped;
}
/// Recording or paused: the adapter is writing its file.
inline bool is_active(const state& s) noexcept {
  return s.at == phase::recording || s.at == phase::paused;
}

/// The WAV's file name for a call: its id with every character but
/// letters, digits, '-', '_' and '.' replaced by '_', then ".wav"
/// (a call id never becomes a path outside the recordings directory).
std::string file_name(const std::string& call_id);

} // namespace hotline::events::recording
