#pragma once
/// The in-memory caller side of IVR sessions (actors/ports/ivr_media.hpp):
/// records every command as a line of text ("open S1 call C1 flow F",
/// "play S1 welcome step 1 prompt welcome", "play S1 status step 4 text
/// Order 81234: shipped", "listen S1 main step 2 5000ms", "close S1 queue")
/// and lets a test play the caller: `finish_prompt` (the newest prompt
/// played to its end), `press`, `hang_up`, or `report` with any step, to
/// send a late or stale report on purpose.
///
/// It keeps the port's promise that a closed session reports nothing: the
/// test's reports for it are dropped.
///
/// Thread safety: one mutex; sinks are called without it held.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "actors/ports/ivr_media.hpp"

namespace hotline::ports {

class memory_ivr_media final : public ivr_media {
public:
  void open(const ivr_caller& c, ivr_media_sink sink) override;
  void play(const std::string& session, const ivr_prompt& p) override;
  void listen(const std::string& session, const ivr_listen& l) override;
  void close(const std::string& session, events::ivr_exit_way way) override;

  /// The newest prompt asked of `session` played to its end (false: none open).
  bool finish_prompt(const std::string& session);
  /// The caller of `session` presses each key of `keys` in turn.
  bool press(const std::string& session, const std::string& keys);
  /// The caller of `session` hangs up.
  bool hang_up(const std::string& session);
  /// Any report, as is (false: the session is not open).
  bool report(const std::string& session, const ivr_media_event& e);

  /// The commands so far, in order.
  std::vector<std::string> commands() const;
  bool has(const std::string& line) const;
  /// The step of the newest prompt asked of `session` (0: none).
  std::uint64_t last_play_step(const std::string& session) const;
  bool is_open(const std::string& session) const;

private:
  struct session_side {
    ivr_media_sink sink;
    std::uint64_t play_step = 0;
    bool open = false;
  };
  void record(std::string line);

  mutable std::mutex m_;
  std::map<std::string, session_side> sessions_;
  std::vector<std::string> commands_;
};

} // namespace hotline::ports
