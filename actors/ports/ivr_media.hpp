#pragma once
/// The IVR media port: the caller's side of an IVR session (issue 23,
/// docs/ivr.md "Running flows"). The IVR actor (actors/ivr_actor.hpp) asks
/// it to play prompts and to listen for keys; it reports back when a
/// prompt has played to its end, each key the caller presses, and the
/// caller hanging up. The traffic simulator implements it with simulated
/// callers on its virtual clock (drivers/sim/simulated_ivr_callers.hpp:
/// prompt durations, drawn choices, patience); telephony will implement it
/// with audio to the caller's leg and DTMF from SIP (RFC 4733, SIP INFO).
/// The in-memory fake (memory_ivr_media.hpp) records the commands and lets
/// a test play the caller.
///
/// Contract:
///  - `open` comes first for a session, `close` last; after `close` the
///    side reports nothing more for that session and ignores its commands.
///  - `play` replaces whatever the session was playing (a prompt of a node
///    left behind simply stops). A prompt played to its end is reported
///    once with `prompt_finished` and the `step` it was asked with; a
///    prompt cut short (by a key, when `interruptible`, or replaced) is not.
///  - Keys may be reported at any time while the session is open: the
///    session decides what a key means where it is (ignored while a
///    prompt that cannot be interrupted plays).
///  - `listen` says that the session now waits for keys at `node` (after
///    its prompt): a human caller needs no such hint, a simulated one
///    answers it. The session times the wait itself.
///  - Reports go to the `ivr_media_sink` given with `open`, on any thread,
///    one at a time, in the order they happened.
///
/// Thread safety: commands may be called from any thread.
#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "events/ivr_events.hpp"

namespace hotline::ports {

/// One caller entering an IVR flow.
struct ivr_caller {
  std::string session; ///< the IVR session id (its stream is `ivr-<session>`)
  std::string call_id;
  std::string flow;
  std::string caller; ///< the calling number
  std::string dialed;
  std::string tenant;
};

/// A prompt to play: a recording by name (`<prompts>/<language>/<name>.wav`)
/// or, when `name` is empty, `text` to speak (variables already filled in).
struct ivr_prompt {
  std::string node;
  std::uint64_t step = 0; ///< report it back with prompt_finished
  std::string name;
  std::string text;
  std::string language;
  std::string prompts;        ///< the flow's folder of recorded prompts (may be empty)
  bool interruptible = false; ///< a key stops it (menus, collect and language nodes)
};

/// The session waits for keys at `node` for `timeout_ms`.
struct ivr_listen {
  std::string node;
  std::uint64_t step = 0;
  std::int64_t timeout_ms = 0;
};

// -- reports ----------------------------------------------------------------------

/// The prompt asked for with `step` played to its end.
struct ivr_prompt_finished {
  std::uint64_t step = 0;
};
/// The caller pressed a key: '0'..'9', '*', '#'.
struct ivr_key {
  char digit = '0';
};
/// The caller hung up.
struct ivr_caller_gone {};

using ivr_media_event = std::variant<ivr_prompt_finished, ivr_key, ivr_caller_gone>;
/// Where one session's reports go.
using ivr_media_sink = std::function<void(ivr_media_event)>;

class ivr_media {
public:
  virtual ~ivr_media() = default;
  /// A caller entered a flow; its reports go to `sink` until `close`.
  virtual void open(const ivr_caller& c, ivr_media_sink sink) = 0;
  virtual void play(const std::string& session, const ivr_prompt& p) = 0;
  virtual void listen(const std::string& session, const ivr_listen& l) = 0;
  /// The session ended with `way` (the caller goes on to a queue, or the
  /// call ends): stop playing, report nothing more.
  virtual void close(const std::string& session, events::ivr_exit_way way) = 0;
  /// Whether this side can carry the caller of call `call_id` at all (a
  /// node whose telephony runs flows, beside simulated callers it has no
  /// side for). False: the call skips its flow (to the entry point's
  /// queue). Default: every call.
  virtual bool serves(const std::string& /*call_id*/) const { return true; }
};

} // namespace hotline::ports
