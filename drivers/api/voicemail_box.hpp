#pragma once
/// The node's voicemail messages (F6; docs/ivr.md "Voicemail", docs/api.md
/// "Voicemail"): the `voicemail-<message>` streams folded into memory, and
/// the one writer of them, like webhook_registry.
///
/// `execute` is the entity loop of events/voicemail/voicemail.hpp: fold
/// (the box's state of the stream), decide, append with the expected
/// revision (blocking until the store commits), evolve. One command at a
/// time (a mutex), so the state is the stream's; an append the store
/// refuses leaves it as it was and answers "store_failed". Messages are
/// a few a minute at most: no actor. The telephony side leaves messages
/// through it (the composition root passes the recorder's result); the
/// API lists, plays (every play a `voicemail.listened`) and marks them.
///
/// `verify_file` checks a message's WAV against the SHA-256 recorded when
/// it was left, before anyone hears it: a file changed on disk is refused.
///
/// Thread safety: every member may be called from any thread.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "events/envelope.hpp"
#include "events/voicemail/voicemail.hpp"

namespace hotline::drivers::api {

struct voicemail_entry {
  events::voicemail::state s;
  std::int64_t left_at_ns = 0;     ///< when voicemail.left was recorded
  std::uint64_t last_revision = 0; ///< of its stream
};

class voicemail_box {
public:
  /// `site` stamps the events it writes.
  voicemail_box(ports::event_store& store, std::string site);

  /// Folds every voicemail stream of the store.
  events::status recover();

  /// The verdict on `cmd` for message `id` by `author` at `now_ns`: the
  /// entry after it (unchanged for a no-op) or the rejection.
  std::variant<voicemail_entry, events::rejection> execute(const std::string& id,
                                                           const events::voicemail::command& cmd,
                                                           const events::principal& author,
                                                           std::int64_t now_ns);

  std::optional<voicemail_entry> find(const std::string& id) const;
  /// The messages of `mailbox` (every mailbox when empty) in `tenant`
  /// ("*": every tenant), oldest first.
  std::vector<voicemail_entry> list(const std::string& tenant, const std::string& mailbox) const;

  /// Empty when `e`'s file exists and its SHA-256 is the one left; else why not.
  static std::string verify_file(const voicemail_entry& e);

private:
  void apply(const std::string& id, std::uint64_t revision, std::int64_t at_ns,
             const events::voicemail::event& e);

  ports::event_store& store_;
  std::string site_;
  mutable std::mutex m_; ///< guards entries_
  std::mutex writer_;    ///< one command at a time
  std::map<std::string, voicemail_entry> entries_;
};

} // namespace hotline::drivers::api
