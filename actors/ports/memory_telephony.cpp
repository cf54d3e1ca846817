#include "actors/ports/memory_telephony.hpp"

#include <algorithm>

namespace hotline::ports {

void memory_telephony::set_sink(telephony_sink sink) {
  std::lock_guard lock{m_};
  sink_ = std::move(sink);
}

void memory_telephony::record(std::string line) {
  commands_.push_back(std::move(line));
}

void memory_telephony::answer(const leg_id& leg) {
  std::lock_guard lock{m_};
  if (!gone(leg)) record("answer " + leg);
}

void memory_telephony::reject(const leg_id& leg, reject_cause cause, std::int32_t retry_after_s) {
  std::lock_guard lock{m_};
  if (gone(leg)) return;
  record("reject " + leg + " " + std::string{to_string(cause)} +
         (retry_after_s > 0 ? " retry-after " + std::to_string(retry_after_s) : ""));
  ended_.insert(leg);
}

leg_id memory_telephony::ring(const ring_request& r) {
  std::lock_guard lock{m_};
  auto leg = "M" + std::to_string(++next_leg_);
  record("ring " + leg + " " + r.contact + " caller " + r.caller + " call " + r.call_id +
         (r.trunk.empty() ? "" : " trunk " + r.trunk));
  return leg;
}

void memory_telephony::bridge(const leg_id& a, const leg_id& b) {
  std::lock_guard lock{m_};
  if (!gone(a) && !gone(b)) record("bridge " + a + " " + b);
}

void memory_telephony::play(const leg_id& leg, media_kind what) {
  std::lock_guard lock{m_};
  if (!gone(leg)) record("play " + leg + " " + std::string{to_string(what)});
}

void memory_telephony::announce(const leg_id& leg, std::vector<std::string> prompts) {
  std::lock_guard lock{m_};
  if (gone(leg)) return;
  std::string line = "announce " + leg;
  for (const auto& p : prompts)
    line += " " + p;
  record(line);
}

void memory_telephony::record_message(const message_request& r) {
  std::lock_guard lock{m_};
  record("record_message " + r.message + " " + r.leg + " " + r.path + " " +
         std::to_string(r.max_ms));
}

void memory_telephony::stop_message(const std::string& message) {
  std::lock_guard lock{m_};
  record("stop_message " + message);
}

void memory_telephony::play_prompt(const leg_id& leg, const std::string& wav_path,
                                   std::uint64_t tag) {
  std::lock_guard lock{m_};
  if (gone(leg)) return;
  record("play_prompt " + leg + " " + wav_path + " " + std::to_string(tag));
}

void memory_telephony::hang_up(const leg_id& leg, hangup_cause cause) {
  std::lock_guard lock{m_};
  if (gone(leg)) return;
  record("hang_up " + leg + " " + std::string{to_string(cause)});
  ended_.insert(leg);
}

void memory_telephony::mix(const mix_request& m) {
  std::lock_guard lock{m_};
  record("mix " + describe(m));
}

void memory_telephony::transfer_result(const leg_id& leg, transfer_outcome outcome) {
  std::lock_guard lock{m_};
  if (!gone(leg)) record("transfer_result " + leg + " " + std::string{to_string(outcome)});
}

void memory_telephony::start_recording(const recording_request& r) {
  std::lock_guard lock{m_};
  record("record " + r.recording + " " + r.caller + " " + r.agent + " " + r.path);
}

void memory_telephony::pause_recording(const std::string& recording) {
  std::lock_guard lock{m_};
  record("pause_recording " + recording);
}

void memory_telephony::resume_recording(const std::string& recording) {
  std::lock_guard lock{m_};
  record("resume_recording " + recording);
}

void memory_telephony::stop_recording(const std::string& recording) {
  std::lock_guard lock{m_};
  record("stop_recording " + recording);
}

void memory_telephony::inject(const telephony_event& e) {
  telephony_sink sink;
  {
    std::lock_guard lock{m_};
    if (const auto* x = std::get_if<ended>(&e)) ended_.insert(x->leg);
    if (const auto* x = std::get_if<failed>(&e)) ended_.insert(x->leg);
    sink = sink_;
  }
  if (sink) sink(e);
}

std::vector<std::string> memory_telephony::commands() const {
  std::lock_guard lock{m_};
  return commands_;
}

bool memory_telephony::has(const std::string& line) const {
  std::lock_guard lock{m_};
  return std::find(commands_.begin(), commands_.end(), line) != commands_.end();
}

void memory_telephony::clear() {
  std::lock_guard lock{m_};
  commands_.clear();
}

} // namespace hotline::ports
