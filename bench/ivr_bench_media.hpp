#pragma once
/// The caller side of `hotline bench ivr` (bench/ivr_bench.cpp): an
/// implementation of the IVR media port (actors/ports/ivr_media.hpp) that
/// plays every open session's caller on the wall clock and measures, for
/// each key that completes an entry (the last digit of a menu choice or of
/// a collected number), the time until the next prompt is playable.
///
/// A caller:
///  - hears each prompt for `prompt` (then reports `prompt_finished`);
///  - answers `listen` after `think` by pressing the keys the script gives
///    for that node, `digit_gap` apart;
///  - never barges in and never stays silent.
///
/// "Playable" is what a telephony side needs before it sends the first RTP
/// packet: `play` called, the prompt resolved to its audio file with
/// drivers/tts's `resolve_prompt` (the recording if there is one, else the
/// TTS cache, else a render), and the file's first 20 ms frame read. That
/// work runs on the side's one thread, as a media side would, not on the
/// actor that called `play`.
///
/// Thread safety: the port's commands may be called from any thread;
/// `start_thread` before the first session, `stop_thread` after the last.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "actors/ports/ivr_media.hpp"
#include "actors/ports/speech.hpp"
#include "events/ivr/flow.hpp"

namespace hotline::bench {

struct ivr_caller_options {
  /// From `listen` to the first key. Default: 100 ms.
  std::chrono::milliseconds think{100};
  /// Between the keys of one entry. Default: 50 ms.
  std::chrono::milliseconds digit_gap{50};
  /// How long every prompt plays before `prompt_finished`. Default: 300 ms.
  std::chrono::milliseconds prompt{300};
  /// The budget `resolve_prompt` gets for a text not in the cache. Default: 1.5 s.
  std::chrono::milliseconds tts_budget{1'500};
};

/// One measured entry: from its last key to the next prompt.
struct next_prompt_sample {
  std::string node;     ///< the node whose prompt came next
  double to_play_ms;    ///< until `play` was called
  double to_audio_ms;   ///< until the audio was resolved and its first frame read
  bool spoken = false;  ///< the audio came from TTS (the cache or a render)
  bool resolved = true; ///< false: no audio (see `errors`)
};

class bench_ivr_media final : public ports::ivr_media {
public:
  using clock = std::chrono::steady_clock;
  /// The keys a caller of `session` presses at `node` (empty: none).
  using script_fn = std::function<std::string(const std::string& session, const std::string& node)>;

  /// `tts`: the speech adapter the prompts resolve through (not owned; outlives this).
  bench_ivr_media(ivr_caller_options opts, ports::speech& tts, script_fn script);
  ~bench_ivr_media() override;
  bench_ivr_media(const bench_ivr_media&) = delete;
  bench_ivr_media& operator=(const bench_ivr_media&) = delete;

  /// A flow whose sessions this side may open (prompts resolve against it).
  void add_flow(std::shared_ptr<const events::ivr::flow> f);
  /// Runs on this side's thread after each session closed (the bench
  /// enters a new caller from it).
  void on_closed(std::function<void(const std::string& session)> f);

  void start_thread();
  /// Stops the thread; pending timers are dropped.
  void stop_thread();
  /// Runs `f` on this side's thread at `at`.
  void post_at(clock::time_point at, std::function<void()> f);

  // ports::ivr_media
  void open(const ports::ivr_caller& c, ports::ivr_media_sink sink) override;
  void play(const std::string& session, const ports::ivr_prompt& p) override;
  void listen(const std::string& session, const ports::ivr_listen& l) override;
  void close(const std::string& session, events::ivr_exit_way way) override;

  /// Every open session's caller hangs up.
  void hang_up_all();
  std::size_t open_sessions() const;
  /// The samples since the last call, and the count of entries completed.
  std::vector<next_prompt_sample> take_samples();
  std::uint64_t entries() const;
  std::uint64_t closed() const;
  /// Sessions closed so far by how they left ("contained", "queue", ...).
  std::map<std::string, std::uint64_t> exits() const;
  /// Why prompts had no audio: the first few distinct reasons.
  std::vector<std::string> errors() const;

private:
  struct side {
    ports::ivr_media_sink sink;
    std::string flow;
    std::uint64_t play_step = 0;
    /// When the caller pressed the last key of an entry whose next prompt
    /// has not come yet (epoch: none).
    clock::time_point last_key{};
    /// The node whose entry the caller is typing (or typed) since the last
    /// prompt: the session listens again after each key, and the caller
    /// must not start the entry again.
    std::string typing;
  };
  struct timer {
    clock::time_point at;
    std::uint64_t seq;
    std::function<void()> f;
    bool operator>(const timer& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  void run();
  void resolve(const std::string& session, const ports::ivr_prompt& p,
               std::shared_ptr<const events::ivr::flow> f, clock::time_point last_key,
               clock::time_point played);
  /// Presses `keys[i]` for `session`, then schedules the next key.
  void press(const std::string& session, const std::string& keys, std::size_t i);
  void finish(const std::string& session, std::uint64_t step);
  ports::ivr_media_sink sink_of(const std::string& session);

  ivr_caller_options opts_;
  ports::speech& tts_;
  script_fn script_;

  mutable std::mutex m_;
  std::unordered_map<std::string, side> sessions_;
  std::map<std::string, std::shared_ptr<const events::ivr::flow>> flows_;
  std::function<void(const std::string&)> on_closed_;
  std::vector<next_prompt_sample> samples_;
  std::vector<std::string> errors_;
  std::uint64_t entries_ = 0;
  std::uint64_t closed_ = 0;
  std::map<std::string, std::uint64_t> exits_;

  std::mutex q_m_;
  std::condition_variable q_cv_;
  std::priority_queue<timer, std::vector<timer>, std::greater<>> timers_;
  std::uint64_t seq_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

/// Opens `path` (a WAV), finds its data chunk and reads its first 20 ms;
/// false with `why` when it cannot.
bool read_first_frame(const std::string& path, std::string& why);

} // namespace hotline::bench
