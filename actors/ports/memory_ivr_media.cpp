#include "actors/ports/memory_ivr_media.hpp"

#include <algorithm>

namespace hotline::ports {

void memory_ivr_media::record(std::string line) {
  commands_.push_back(std::move(line));
}

void memory_ivr_media::open(const ivr_caller& c, ivr_media_sink sink) {
  std::lock_guard lock{m_};
  auto& s = sessions_[c.session];
  s.sink = std::move(sink);
  s.open = true;
  record("open " + c.session + " call " + c.call_id + " flow " + c.flow);
}

void memory_ivr_media::play(const std::string& session, const ivr_prompt& p) {
  std::lock_guard lock{m_};
  auto it = sessions_.find(session);
  if (it == sessions_.end() || !it->second.open) return;
  it->second.play_step = p.step;
  record("play " + session + " " + p.node + " step " + std::to_string(p.step) +
         (p.name.empty() ? " text " + p.text : " prompt " + p.name));
}

void memory_ivr_media::listen(const std::string& session, const ivr_listen& l) {
  std::lock_guard lock{m_};
  auto it = sessions_.find(session);
  if (it == sessions_.end() || !it->second.open) return;
  record("listen " + session + " " + l.node + " step " + std::to_string(l.step) + " " +
         std::to_string(l.timeout_ms) + "ms");
}

void memory_ivr_media::close(const std::string& session, events::ivr_exit_way way) {
  std::lock_guard lock{m_};
  auto it = sessions_.find(session);
  if (it == sessions_.end() || !it->second.open) return;
  it->second.open = false;
  record("close " + session + " " + std::string{events::to_wire(way)});
}

bool memory_ivr_media::report(const std::string& session, const ivr_media_event& e) {
  ivr_media_sink sink;
  {
    std::lock_guard lock{m_};
    auto it = sessions_.find(session);
    if (it == sessions_.end() || !it->second.open) return false;
    sink = it->second.sink;
  }
  sink(e);
  return true;
}

bool memory_ivr_media::finish_prompt(const std::string& session) {
  return report(session, ivr_prompt_finished{last_play_step(session)});
}

bool memory_ivr_media::press(const std::string& session, const std::string& keys) {
  for (char k : keys)
    if (!report(session, ivr_key{k})) return false;
  return true;
}

bool memory_ivr_media::hang_up(const std::string& session) {
  return report(session, ivr_caller_gone{});
}

std::vector<std::string> memory_ivr_media::commands() const {
  std::lock_guard lock{m_};
  return commands_;
}

bool memory_ivr_media::has(const std::string& line) const {
  std::lock_guard lock{m_};
  return std::find(commands_.begin(), commands_.end(), line) != commands_.end();
}

std::uint64_t memory_ivr_media::last_play_step(const std::string& session) const {
  std::lock_guard lock{m_};
  auto it = sessions_.find(session);
  return it == sessions_.end() ? 0 : it->second.play_step;
}

bool memory_ivr_media::is_open(const std::string& session) const {
  std::lock_guard lock{m_};
  auto it = sessions_.find(session);
  return it != sessions_.end() && it->second.open;
}

} // namespace hotline::ports
