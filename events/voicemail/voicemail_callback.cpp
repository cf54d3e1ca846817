#include "events/voicemail/voicemail_callback.hpp"

namespace hotline::events::voicemail {

std::optional<handle> handling_on_call_end(const state& s, const call_ended& e) {
  if (s.at == phase::none || s.at == phase::handled) return std::nullopt;
  if (e.call_id.empty() || e.call_id != s.left.call_id) return std::nullopt;
  if (e.outcome != call_outcome::callback_completed || e.agent_id.empty()) return std::nullopt;
  return handle{e.agent_id, "called_back", callback_note(e.call_id)};
}

std::string callback_note(const std::string& call_id) {
  return "the call back " + call_id + " completed";
}

} // namespace hotline::events::voicemail
