#pragma once
/// A voicemail message's recording (F6; docs/ivr.md "Voicemail"): the
/// caller's audio after the beep, into a mono WAV (8 kHz, 16-bit PCM),
/// finished with its duration and SHA-256 for `voicemail.left`. The
/// telephony side plays `beep()`, then appends the caller's decoded frames
/// until `#`, the hang-up or `append` saying the maximum length is
/// reached, then calls `finish`. No libre in here.
///
/// The file is written as it goes (a 44-byte header first, its sizes
/// patched by `finish`), so a message is bounded by the disk, not memory.
/// A recorder destroyed without `finish` finishes the file (nobody hears
/// the result: the file is kept, readable, for an operator).
///
/// Thread safety: none; one recorder per message, used from one thread at
/// a time. Writes are buffered (a 20 ms frame is 320 bytes); for many
/// simultaneous messages hand the frames to a worker thread.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace hotline::drivers::sip {

struct voicemail_options {
  /// The longest message; `append` stops at it. Default: 120 s.
  std::int64_t max_ms = 120'000;
};

struct voicemail_recording {
  std::string path;
  std::int64_t duration_ms = 0;
  std::int64_t bytes = 0;   ///< the file's size, header included
  std::string sha256;       ///< lowercase hex; empty on error
  bool reached_max = false; ///< cut at max_ms
  std::string error;        ///< empty: the file is complete
};

class voicemail_recorder {
public:
  static constexpr int sample_rate = 8'000;

  /// Starts `path` (created or truncated; its directory must exist). A
  /// failure to open shows in `finish`'s error (and `append` is false).
  voicemail_recorder(std::string path, voicemail_options opts = {});
  ~voicemail_recorder();
  voicemail_recorder(const voicemail_recorder&) = delete;
  voicemail_recorder& operator=(const voicemail_recorder&) = delete;

  /// Appends `n` samples at 8 kHz. False when nothing more is taken: the
  /// maximum length is reached (the part that fits is kept), the file
  /// could not be written, or the recording is finished.
  bool append(const std::int16_t* pcm, std::size_t n);
  std::int64_t duration_ms() const noexcept { return samples_ * 1000 / sample_rate; }

  /// Completes the header, closes the file and hashes it. Once; later
  /// calls answer the same result.
  voicemail_recording finish();

  /// `<dir>/<events::voicemail::file_name(message_id)>`
  static std::string path_for(const std::string& dir, const std::string& message_id);

  /// The beep before recording: `ms` of a `hz` sine at 8 kHz, -12 dBFS,
  /// with 5 ms fades. Default: 400 ms of 1 kHz.
  static std::vector<std::int16_t> beep(int ms = 400, int hz = 1'000);

private:
  voicemail_options opts_;
  std::string path_;
  std::ofstream out_;
  std::int64_t samples_ = 0;
  bool reached_max_ = false;
  bool finished_ = false;
  std::string error_;
  voicemail_recording result_;
};

} // namespace hotline::drivers::sip
