#pragma once
/// Events of the `voicemail-<message>` streams: one voicemail message (F6,
/// docs/ivr.md "Voicemail"). The aggregate is events/voicemail/voicemail.hpp.
///
/// A stream per message, not per mailbox: a message is listened to and
/// handled on its own (two supervisors handling two messages of one
/// mailbox never contend for one stream's revision), and a mailbox's list
/// is a fold over the `voicemail-` prefix selected by `mailbox`.
#include "events/event_type.hpp"

namespace hotline::events {

/// A caller left a message: `file` is a mono WAV (8 kHz, 16-bit PCM) whose
/// SHA-256 is `sha256` (the API checks it before playing the file).
struct voicemail_left {
  static constexpr std::string_view type_name = "voicemail.left";
  static constexpr std::uint16_t version = 1;
  std::string message_id;
  std::string call_id;
  std::string caller;  ///< the caller's number (to call back)
  std::string mailbox; ///< a queue id: its supervisors and members hear it
  std::string tenant;
  std::string file; ///< the WAV's path on the node
  std::int64_t duration_ms = 0;
  std::string sha256; ///< of the whole file, lowercase hex
};
HOTLINE_EVENT_FIELDS(voicemail_left, message_id, call_id, caller, mailbox, tenant, file,
                     duration_ms, sha256)

/// Someone played the message (every play, the first and the later ones:
/// the audit of who heard what).
struct voicemail_listened {
  static constexpr std::string_view type_name = "voicemail.listened";
  static constexpr std::uint16_t version = 1;
  std::string message_id;
  std::string by; ///< the user who played it
};
HOTLINE_EVENT_FIELDS(voicemail_listened, message_id, by)

/// The message's business is done: `how` is called_back, resolved or
/// no_action; `note` is free text. Terminal.
struct voicemail_handled {
  static constexpr std::string_view type_name = "voicemail.handled";
  static constexpr std::uint16_t version = 1;
  std::string message_id;
  std::string by;
  std::string how;
  std::string note;
};
HOTLINE_EVENT_FIELDS(voicemail_handled, message_id, by, how, note)

} // namespace hotline::events
