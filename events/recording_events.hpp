#pragma once
/// Events of the `recording-<call>` streams: a call's recording (F14,
/// docs/telephony.md "Recording"). The telephony actor records them through
/// the recording decider (events/recording/recording.hpp) when a recorded
/// call is bridged to an agent, when the agent pauses or resumes it (e.g.
/// while a card number is read), and when the SIP adapter has finished the
/// file. Offsets are milliseconds into the recording (its timeline: paused
/// spans are in the file, as silence).
///
/// A stream of its own, not the call's: the file is finished (and its
/// SHA-256 known) after `call.ended`, the call's terminal event; and an
/// auditor selects every recording by the `recording-` prefix.
#include "events/event_type.hpp"

namespace hotline::events {

/// Recording began: `file` is written as a stereo WAV (8 kHz, 16-bit PCM;
/// the caller left, the agent right).
struct recording_started {
  static constexpr std::string_view type_name = "recording.started";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string queue;
  std::string agent_id;
  std::string file;   ///< the WAV's path on the node
  std::string policy; ///< why it is recorded: "always" (the queue's or its tenant's policy)
};
HOTLINE_EVENT_FIELDS(recording_started, call_id, queue, agent_id, file, policy)

/// Recording paused: from `offset_ms` on, the file holds silence.
struct recording_paused {
  static constexpr std::string_view type_name = "recording.paused";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::int64_t offset_ms = 0; ///< where the silent span begins
};
HOTLINE_EVENT_FIELDS(recording_paused, call_id, offset_ms)

/// Recording resumed: the silent span [offset_ms - paused_ms, offset_ms) ends.
struct recording_resumed {
  static constexpr std::string_view type_name = "recording.resumed";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::int64_t offset_ms = 0;
  std::int64_t paused_ms = 0; ///< how long this pause lasted
};
HOTLINE_EVENT_FIELDS(recording_resumed, call_id, offset_ms, paused_ms)

/// The file is complete (its header finalized) and will not change: its
/// SHA-256 is the tamper evidence. `error` non-empty: the file could not
/// be written (what is there, if anything, is incomplete).
struct recording_stopped {
  static constexpr std::string_view type_name = "recording.stopped";
  static constexpr std::uint16_t version = 1;
  std::string call_id;
  std::string file;
  /// "leg_ended" (a party hung up: the usual end) | "call_ended" (the node ended the call first)
  std::string reason;
  std::int64_t duration_ms = 0; ///< the audio's length (paused spans included)
  std::int64_t bytes = 0;       ///< the file's size
  std::string sha256;           ///< of the whole file, lowercase hex
  std::int64_t paused_ms = 0;   ///< silent spans, in all
  std::int32_t pauses = 0;      ///< how many
  /// 20 ms frames the media thread could not hand to the writer (its queue
  /// was full): their time is silence in the file.
  std::int64_t dropped_frames = 0;
  std::string error;
};
HOTLINE_EVENT_FIELDS(recording_stopped, call_id, file, reason, duration_ms, bytes, sha256,
                     paused_ms, pauses, dropped_frames, error)

} // namespace hotline::events
