#pragma once
/// The IVR over telephony (issue 23, docs/ivr.md "Over SIP"): the caller's
/// side of the IVR sessions of calls that came in through the telephony
/// port. It implements ports::ivr_media by messages to the telephony actor
/// (actors/telephony_actor.hpp), which owns the calls' legs:
///
///   open      the caller's leg is answered (an IVR answers the call: SIP 200);
///             the session's reports go to its sink from now on
///   play      the prompt's audio is found (ivr_prompt_resolver: a recording,
///             or speech from the cache at once; speech still to render on a
///             worker of its own, never the actor's thread) and played to the
///             leg (telephony::play_prompt); a prompt asked for later wins
///   listen    nothing: a person needs no cue; the session times the wait
///   close     what still plays stops; the call goes on to a queue or ends
///   dtmf      a digit of the caller's leg (RFC 4733, SIP INFO, in-band) is the
///             session's key; it cuts an interruptible prompt short first
///   take_message   (a flow's voicemail node, from the call) the beep, then the
///             caller's words into `<voicemail_dir>/<file_name(call id)>` until #,
///             the maximum length or the hang-up (which, then, is no abandon); a
///             message of at least half a second is left (leave_voicemail) and the
///             answer is true: the call becomes a call back from the mailbox's queue
///   prompt_played  the prompt the session waits for played out: prompt_finished;
///             one that could not be played (a missing file, speech failed)
///             counts as played, with a log line, so the caller is not stuck
///
/// Sessions of other calls (the simulator's callers, in a node or demo
/// that also runs a simulated day) go to `other`, chosen at `open` by the
/// call id's prefix; with no `other` such calls are not served (`serves`
/// false: they skip the flow, to their entry point's queue).
///
/// Thread safety: the ivr_media members may be called from any thread.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <caf/all.hpp>

#include "actors/ports/ivr_media.hpp"

namespace hotline::actors {

using tivr_open_atom = caf::atom_constant<caf::atom("tivr_open")>;
using tivr_play_atom = caf::atom_constant<caf::atom("tivr_play")>;
using tivr_audio_atom = caf::atom_constant<caf::atom("tivr_audio")>;
using tivr_close_atom = caf::atom_constant<caf::atom("tivr_close")>;
/// call → telephony: take the caller's message for `mailbox` (a flow's
/// voicemail node); the answer, once the message is finished, is true
/// when one was recorded and left (see telephony_options::leave_voicemail).
using take_message_atom = caf::atom_constant<caf::atom("take_msg")>;

/// Where a prompt's audio is.
struct ivr_audio {
  std::string path;     ///< the WAV to play; empty: nothing (see `error`, `pending`)
  std::string error;    ///< why there is nothing to play
  bool pending = false; ///< only when asked not to block: the text must be spoken first
};

/// A message recorded for a mailbox, to be left (`voicemail.left`).
struct voicemail_message {
  std::string message_id; ///< the call id
  std::string call_id;
  std::string caller;
  std::string mailbox; ///< a queue id
  std::string tenant;
  std::string path;
  std::int64_t duration_ms = 0;
  std::string sha256;
};

/// Finds a prompt's audio. With `may_block` false it must answer at once
/// (a recording, a cached render, or `pending`); with true it may render
/// speech (it runs on a worker then). Called from any thread.
using ivr_prompt_resolver = std::function<ivr_audio(const ports::ivr_prompt&, bool may_block)>;

class telephony_ivr_media final : public ports::ivr_media {
public:
  /// Sessions of calls whose id starts with `call_id_prefix` are the
  /// telephony actor's; the others go to `other` (may be null: they are
  /// told at once that the caller is gone). Lifetime: `other` outlives this.
  telephony_ivr_media(std::string call_id_prefix, ports::ivr_media* other);
  /// The telephony actor; REQUIRES: set before the first call enters a flow.
  void attach(caf::actor telephony);

  void open(const ports::ivr_caller& c, ports::ivr_media_sink sink) override;
  void play(const std::string& session, const ports::ivr_prompt& p) override;
  void listen(const std::string& session, const ports::ivr_listen& l) override;
  void close(const std::string& session, events::ivr_exit_way way) override;
  /// The telephony actor's calls, and the others when `other` serves them.
  bool serves(const std::string& call_id) const override;

private:
  /// Null: the session is not the telephony actor's (`other`'s, or unknown).
  bool ours(const std::string& session);

  std::string prefix_;
  ports::ivr_media* other_;
  caf::actor telephony_;
  std::mutex m_;
  std::map<std::string, bool> sessions_; ///< session -> the telephony actor's
};

} // namespace hotline::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::ports::ivr_media_sink)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::ports::ivr_prompt)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::actors::ivr_audio)
