#pragma once
/// The in-memory telephony stack: records every command as a line of text
/// ("answer L1", "reject L2 not_found", "ring L3 sip:a1@host caller +86... call C",
/// "... trunk pstn" for a far end through a trunk),
/// names the legs it rings "M1", "M2", …, and lets a test play the far ends
/// by injecting events, which go to the sink at once on the caller's thread.
///
/// It keeps the port's promise that a command for an ended leg is ignored:
/// after `ended` or `failed` is injected for a leg (or the node hung it up
/// or rejected it), later commands for it are not recorded.
///
/// Thread safety: commands and `inject` may be called from any thread
/// (one mutex); the sink is called without it held.
#include <mutex>
#include <set>
#include <vector>

#include "actors/ports/telephony.hpp"

namespace hotline::ports {

class memory_telephony final : public telephony {
public:
  memory_telephony() = default;
  /// REQUIRES: called before the first inject.
  void set_sink(telephony_sink sink);

  void answer(const leg_id& leg) override;
  void reject(const leg_id& leg, reject_cause cause, std::int32_t retry_after_s = 0) override;
  leg_id ring(const ring_request& r) override;
  void bridge(const leg_id& a, const leg_id& b) override;
  void play(const leg_id& leg, media_kind what) override;
  /// Recorded as "announce L1 queue-thereare digits/3 ...".
  void announce(const leg_id& leg, std::vector<std::string> prompts) override;
  /// Recorded as "play_prompt L1 /prompts/en/welcome.wav 3" (a test
  /// injects `prompt_played` to finish it).
  void play_prompt(const leg_id& leg, const std::string& wav_path, std::uint64_t tag) override;
  void hang_up(const leg_id& leg, hangup_cause cause) override;
  /// "mix sip-L1 L1<M1+M2 M1<L1 ..." (describe(mix_request)).
  void mix(const mix_request& m) override;
  /// "transfer_result M1 done".
  void transfer_result(const leg_id& leg, transfer_outcome outcome) override;
  /// "record sip-L1 L1 M1 /dir/sip-L1.wav", "pause_recording sip-L1",
  /// "resume_recording sip-L1", "stop_recording sip-L1" (a test injects
  /// `recording_done` to finish it).
  void start_recording(const recording_request& r) override;
  void pause_recording(const std::string& recording) override;
  void resume_recording(const std::string& recording) override;
  void stop_recording(const std::string& recording) override;
  /// "record_message sip-L1 L1 /dir/m.wav 120000", "stop_message sip-L1"
  /// (a test injects `message_recorded` to finish it).
  void record_message(const message_request& r) override;
  void stop_message(const std::string& message) override;

  /// Plays a far end: hands `e` to the sink (ended/failed also end the leg here).
  void inject(const telephony_event& e);
  /// The commands so far, in order.
  std::vector<std::string> commands() const;
  /// Whether `line` is among the commands.
  bool has(const std::string& line) const;
  /// Forget the commands recorded so far (not the legs).
  void clear();

private:
  bool gone(const leg_id& leg) const { return ended_.count(leg) > 0; }
  void record(std::string line);

  mutable std::mutex m_;
  telephony_sink sink_;
  std::vector<std::string> commands_;
  std::set<leg_id> ended_;
  std::uint64_t next_leg_ = 0;
};

} // namespace hotline::ports
