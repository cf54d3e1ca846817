#pragma once
/// Call recordings off the media thread (docs/telephony.md "Recording"):
/// the SIP stack's thread hands each party's decoded 20 ms frames to this
/// writer, whose own thread places them on the recording's timeline and
/// writes a stereo WAV (8 kHz, 16-bit PCM; channel 0 left = the caller,
/// channel 1 right = the agent). No libre in here.
///
/// Timeline: a frame carries its position `at` in samples since the
/// recording began (the stack derives it from RTP timestamps anchored to
/// arrival). What no frame covers is silence; so is every span between
/// `pause(at)` and `resume(at)`, whatever the frames say (the timeline
/// stays true and the words said while paused are not in the file). The
/// two channels are written together, one `reorder_window_samples` behind
/// the later channel; a frame that arrives later than that is dropped
/// (counted as dropped).
///
/// Back-pressure: at most `max_queued_frames` frames wait for the writer;
/// `write` on a full queue drops the frame, counts it and returns false at
/// once: the media thread never waits for the disk. Control calls (open,
/// pause, resume, close) are never dropped.
///
/// `close` finishes the file (header sizes), computes its SHA-256 (OpenSSL)
/// and reports a `recording_result` through `done`, on the writer's thread.
/// The destructor closes what is still open (each reported) and joins.
///
/// Thread safety: the members may be called from any thread; one producer
/// per recording keeps its frames in order.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hotline::drivers::sip {

struct recording_writer_options {
  /// Frames queued at most before `write` drops. Default: 4,096 (82 s of
  /// one party, or 40 s of a call's two; about 1.3 MiB).
  std::size_t max_queued_frames = 4'096;
  /// How far behind the later channel the file is written, in samples. Default: 8,000 (1 s).
  std::int64_t reorder_window_samples = 8'000;
};

/// A finished recording, as `done` reports it.
struct recording_result {
  std::uint64_t id = 0;
  std::string path;
  std::int64_t duration_ms = 0; ///< samples per channel / 8
  std::int64_t bytes = 0;       ///< the file's size, header included
  std::string sha256;           ///< lowercase hex; empty when the file could not be written
  std::int64_t dropped_frames = 0;
  std::string error; ///< empty: the file is complete
};

class recording_writer {
public:
  static constexpr int sample_rate = 8'000;
  static constexpr std::size_t frame_samples = 160; ///< 20 ms

  using done_fn = std::function<void(recording_result)>;
  /// Starts the writer's thread.
  recording_writer(recording_writer_options opts, done_fn done);
  /// Closes every recording still open (each reported), then joins.
  ~recording_writer();
  recording_writer(const recording_writer&) = delete;
  recording_writer& operator=(const recording_writer&) = delete;

  /// Begins recording `id` into `path` (created or truncated; its
  /// directory must exist). A failure shows in the result at close.
  void open(std::uint64_t id, std::string path);
  /// One party's audio: `n` ≤ frame_samples samples at `at` samples since
  /// the start. `channel` 0 (left) or 1 (right). False: dropped (queue full).
  bool write(std::uint64_t id, int channel, std::int64_t at, const std::int16_t* pcm,
             std::size_t n);
  /// Silence from `at` (samples since the start) until `resume`.
  void pause(std::uint64_t id, std::int64_t at);
  void resume(std::uint64_t id, std::int64_t at);
  /// Finishes the file; `done` follows. Unknown ids are ignored.
  void close(std::uint64_t id);

  /// Recordings opened and not yet reported done.
  std::size_t open_count() const;

private:
  enum class kind : std::uint8_t { open, frame, pause, resume, close };
  struct item {
    kind k = kind::frame;
    std::uint64_t id = 0;
    int channel = 0;
    std::int64_t at = 0;
    std::uint16_t n = 0;
    std::int16_t pcm[frame_samples] = {};
    std::string path; ///< open only
  };
  struct file_state;

  void push_control(item it);
  void run();
  void handle(item& it);
  void place(file_state& f, int channel, std::int64_t at, const std::int16_t* pcm, std::size_t n);
  void flush(file_state& f, std::int64_t upto);
  void finish(std::uint64_t id, file_state& f);

  recording_writer_options opts_;
  done_fn done_;
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::vector<item> queue_;
  std::size_t queued_frames_ = 0;
  std::map<std::uint64_t, std::int64_t> dropped_; ///< by id, under m_
  std::size_t open_ = 0;                          ///< under m_
  bool stopping_ = false;
  // writer thread only
  std::map<std::uint64_t, std::unique_ptr<file_state>> files_;
  std::thread thread_;
};

/// SHA-256 of a file, lowercase hex; empty (and `why` set) when it cannot be read.
std::string sha256_of_file(const std::string& path, std::string& why);

} // namespace hotline::drivers::sip
