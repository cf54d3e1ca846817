#pragma once
/// One voicemail message, stream `voicemail-<message>` (F6; docs/ivr.md
/// "Voicemail"). The telephony side records the file (drivers/sip's
/// voicemail_recorder) and leaves it; the API plays it and marks it:
///
///   none --leave--> new                 voicemail.left {call, caller, mailbox, file, duration,
///   sha256} new|listened --listen--> listened   voicemail.listened {by}     (every play: the
///   audit) new|listened --handle--> handled    voicemail.handled {by, how, note} handled
///   --listen--> handled         voicemail.listened {by}     (hearing it again is allowed)
///
/// Leaving the same message again with the same file is a no-op; handling
/// it again by the same user the same way is a no-op (retries are
/// harmless).
///
/// Rejections (the API answers 404 for not_found, 409 for the others, 400
/// for invalid_argument):
///   not_found        listen or handle a message never left
///   already_left     leave again with another file
///   already_handled  handle a handled message (another user or way)
///   invalid_argument leave without a mailbox, file or SHA-256, or a
///                    negative duration; listen or handle without a user;
///                    handle with a `how` not in handled_ways()
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "events/outcome.hpp"
#include "events/voicemail_events.hpp"

namespace hotline::events::voicemail {

/// `voicemail-<message_id>`
std::string stream_name(const std::string& message_id);

enum class phase : std::uint8_t { none, fresh, listened, handled };
/// "none", "new", "listened", "handled".
const char* to_string(phase p) noexcept;

/// called_back, resolved, no_action.
const std::vector<std::string>& handled_ways();

struct state {
  std::string message_id;
  phase at = phase::none;
  voicemail_left left; ///< as left (valid once at != none)
  std::int32_t listens = 0;
  std::string handled_by;
  std::string handled_how;
};

struct leave {
  std::string call_id;
  std::string caller;
  std::string mailbox;
  std::string tenant;
  std::string file;
  std::int64_t duration_ms = 0;
  std::string sha256;
};
struct listen {
  std::string by;
};
struct handle {
  std::string by;
  std::string how;
  std::string note;
};
using command = std::variant<leave, listen, handle>;
using event = std::variant<voicemail_left, voicemail_listened, voicemail_handled>;

state initial_state(std::string message_id);
outcome<event> decide(const command& cmd, const state& s);
state evolve(state s, const event& e);
inline bool is_terminal(const state& s) noexcept {
  return s.at == phase::handled;
}

/// The file name of a message: its id with every character but letters,
/// digits, '-', '_' and '.' replaced by '_', then ".wav" (an id never
/// becomes a path outside the voicemail directory).
std::string file_name(const std::string& message_id);

} // namespace hotline::events::voicemail
