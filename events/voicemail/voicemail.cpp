#include "events/voicemail/voicemail.hpp"

#include <algorithm>
#include <type_traits>

namespace hotline::events::voicemail {

std::string stream_name(const std::string& message_id) {
  return "voicemail-" + message_id;
}

const char* to_string(phase p) noexcept {
  switch (p) {
  case phase::none:
    return "none";
  case phase::fresh:
    return "new";
  case phase::listened:
    return "listened";
  case phase::handled:
    return "handled";
  }
  return "?";
}

const std::vector<std::string>& handled_ways() {
  static const std::vector<std::string> ways{"called_back", "resolved", "no_action"};
  return ways;
}

state initial_state(std::string message_id) {
  state s;
  s.message_id = std::move(message_id);
  return s;
}

std::string file_name(const std::string& message_id) {
  std::string out;
  for (char c : message_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
  return out + ".wav";
}

namespace {

using result = outcome<event>;

rejection not_found(const state& s) {
  return {"not_found", "no voicemail message " + s.message_id};
}

result decide_one(const leave& c, const state& s) {
  if (s.message_id.empty() || c.mailbox.empty() || c.file.empty() || c.sha256.empty() ||
      c.duration_ms < 0)
    return rejection{"invalid_argument",
                     "a voicemail needs a message id, a mailbox, a file, its SHA-256 and a "
                     "duration of 0 ms or more"};
  if (s.at != phase::none) {
    if (s.left.file == c.file && s.left.sha256 == c.sha256) return result::nothing();
    return rejection{"already_left",
                     "voicemail " + s.message_id + " was left already (file " + s.left.file + ")"};
  }
  return event{voicemail_left{s.message_id, c.call_id, c.caller, c.mailbox, c.tenant, c.file,
                              c.duration_ms, c.sha256}};
}

result decide_one(const listen& c, const state& s) {
  if (s.at == phase::none) return not_found(s);
  if (c.by.empty()) return rejection{"invalid_argument", "who listened? (no user)"};
  return event{voicemail_listened{s.message_id, c.by}};
}

result decide_one(const handle& c, const state& s) {
  if (s.at == phase::none) return not_found(s);
  if (c.by.empty()) return rejection{"invalid_argument", "who handled it? (no user)"};
  const auto& ways = handled_ways();
  if (std::find(ways.begin(), ways.end(), c.how) == ways.end())
    return rejection{"invalid_argument",
                     "'" + c.how +
                         "' is not a way to handle a voicemail (called_back, resolved, "
                         "no_action)"};
  if (s.at == phase::handled) {
    if (s.handled_by == c.by && s.handled_how == c.how) return result::nothing();
    return rejection{"already_handled", "voicemail " + s.message_id + " was handled by " +
                                            s.handled_by + " (" + s.handled_how + ")"};
  }
  return event{voicemail_handled{s.message_id, c.by, c.how, c.note}};
}

} // namespace

outcome<event> decide(const command& cmd, const state& s) {
  return std::visit([&](const auto& c) { return decide_one(c, s); }, cmd);
}

state evolve(state s, const event& e) {
  std::visit(
      [&](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, voicemail_left>) {
          s.left = ev;
          s.at = phase::fresh;
        } else if constexpr (std::is_same_v<T, voicemail_listened>) {
          ++s.listens;
          if (s.at == phase::fresh) s.at = phase::listened;
        } else {
          s.handled_by = ev.by;
          s.handled_how = ev.how;
          s.at = phase::handled;
        }
      },
      e);
  return s;
}

} // namespace hotline::events::voicemail
