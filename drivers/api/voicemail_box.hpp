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
/// A message's call back marks it (events/voicemail/voicemail_callback.hpp):
/// the box watches the store for the `call.ended` of the calls that left
/// its messages, and one that ends `callback_completed` marks its message
/// handled (how = called_back, by = the agent, author the agent) through
/// the same `execute`. `recover` catches up too: a call back that
/// completed while no box ran (a crash between the call's end and the
/// mark) is marked then, and one marked already is not marked again (the
/// decider sees a handled message), so replaying the store never marks
/// twice. The event's time is the call end's, so a catch-up writes the
/// time the call back completed.
///
/// `verify_file` checks a message's WAV against the SHA-256 recorded when
/// it was left, before anyone hears it: a file changed on disk is refused.
///
/// Thread safety: every member may be called from any thread.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "events/call_events.hpp"
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
  /// Stops watching (joins the subscription's thread).
  ~voicemail_box();
  voicemail_box(const voicemail_box&) = delete;
  voicemail_box& operator=(const voicemail_box&) = delete;

  /// Folds every voicemail stream of the store, then marks the messages
  /// whose call back completed meanwhile (see the header comment).
  events::status recover();

  /// Watches the store from where `recover` stopped (the start when it did
  /// not run): every later call end goes through `observe`. Once; a second
  /// call does nothing.
  void watch();

  /// One event of the store: a `call.ended` of a call that left a message
  /// marks it as the header comment says; every other event is ignored.
  /// Answers the verdict when a mark was attempted (a rejection is also
  /// logged), else nothing.
  std::optional<std::variant<voicemail_entry, events::rejection>>
  observe(const events::recorded_event& rec);

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
  /// The message left by `call_id`, if any (under m_).
  std::optional<std::string> message_of_call(const std::string& call_id) const;
  std::optional<std::variant<voicemail_entry, events::rejection>>
  mark_called_back(const std::string& id, const events::call_ended& e, std::int64_t at_ns);

  ports::event_store& store_;
  std::string site_;
  mutable std::mutex m_; ///< guards entries_
  std::mutex writer_;    ///< one command at a time
  std::map<std::string, voicemail_entry> entries_;
  std::map<std::string, std::string> by_call_;    ///< call id -> message id (guarded by m_)
  std::uint64_t recovered_to_ = 0;                ///< the last position `recover` saw
  std::unique_ptr<ports::subscription> watching_; ///< last: stopped first
};

} // namespace hotline::drivers::api
