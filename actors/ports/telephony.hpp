#pragma once
/// The telephony port: what the node asks of a telephone stack and what it
/// hears back, in hotline's words (legs, ringing, answered, busy), not in a
/// protocol's. The SIP adapter (drivers/sip) implements it with libre; the
/// in-memory fake (memory_telephony.hpp) records the commands and lets a
/// test play the far ends. The telephony actor (actors/telephony_actor.hpp)
/// is its only user: it maps legs to call and agent actors.
///
/// A *leg* is one party's line: an inbound call from a trunk (the caller),
/// or the line the node opened to an agent's phone. The stack names every
/// leg with a `leg_id` unique for its lifetime. A leg the far end ends is
/// reported exactly once: `ended` (it had been answered, or it was an
/// inbound leg the caller cancelled) or `failed` (an outbound leg that
/// never connected). A leg the node ends itself (reject, hang_up) ends
/// without an event. A command for a leg that has already ended is ignored
/// (it crossed the far end's hang-up): callers need not track that race.
///
/// Thread safety: every command may be called from any thread; it queues
/// and returns. Events reach the `telephony_sink` given to the stack at
/// start, on the stack's own thread, one at a time, in the order the stack
/// saw them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hotline::ports {

/// One party's line, named by the stack ("L17"). Never empty.
using leg_id = std::string;

/// Why the node turns an inbound call away before answering it.
enum class reject_cause : std::uint8_t {
  busy,              ///< nobody can take it (SIP 486)
  not_found,         ///< the number dialed is no entry point here (SIP 404)
  unavailable,       ///< no line or capacity now; try later (SIP 503, Retry-After)
  unsupported_media, ///< no codec in common (SIP 488)
  forbidden,         ///< the node will not place this call (SIP 403): e.g. a phone's call it
                     ///< cannot attach to anything (docs/telephony.md, "Calls a phone places")
  declined,          ///< the far end of a phone's own call out declined it (SIP 603)
  no_answer,         ///< the far end of a phone's own call out did not answer (SIP 480)
};

/// Why an outbound leg (an agent's phone) never connected.
enum class failure_cause : std::uint8_t {
  busy,        ///< the phone is in use or on do-not-disturb (SIP 486, 600)
  rejected,    ///< the person declined (SIP 603, other 4xx-6xx)
  no_answer,   ///< it rang until the stack gave up (SIP 408, transaction timeout)
  unreachable, ///< no such phone, or no route to it (transport error, 404, 480)
};

/// Who ended a leg that was up.
enum class ended_by : std::uint8_t {
  far_end, ///< the other party hung up (BYE) or cancelled before the answer (CANCEL)
  node,    ///< the node hung it up (hang_up), or the stack lost it (session timer, error)
  lost,    ///< the other party vanished: it never ACKed the node's answer (64×T1)
};

/// Why the node hangs a leg up.
enum class hangup_cause : std::uint8_t {
  normal,      ///< the call is over
  withdrawn,   ///< an offer to an agent's phone ended before it answered (CANCEL)
  off_line,    ///< the caller left the line for a call back
  media_error, ///< the stack could not carry the media
};

/// How a digit arrived.
enum class dtmf_method : std::uint8_t {
  rfc4733,  ///< RTP telephone-event
  sip_info, ///< SIP INFO (application/dtmf-relay)
  inband,   ///< tones in the audio
};

/// What to play to a leg.
enum class media_kind : std::uint8_t {
  /// The configured music, looped until something else happens to the leg;
  /// it replaces a bridged party (the bridge is broken: a hold), and with
  /// no music configured the leg gets silence.
  music_on_hold,
  silence, ///< stop playing
};

// -- events ------------------------------------------------------------------------------

/// A new inbound call from a trunk, or from an agent's registered phone
/// (`agent` set); the stack has acknowledged it (SIP 100 Trying, 180
/// Ringing) and waits for answer, reject or play.
struct incoming {
  leg_id leg;
  std::string from;   ///< the caller's number (user part of From), may be empty
  std::string to;     ///< the number dialed (user part of the request URI)
  std::string trunk;  ///< the trunk group it came in on (the configured peer it came from)
  std::string source; ///< the network address it came from, "ip:port"
  /// The trunk's calls-per-second limit is exceeded: the node must turn
  /// the call away (it counts as blocked; the stack answers 503 with
  /// Retry-After when told `reject unavailable`).
  bool over_rate = false;
  /// Non-empty: the call comes from this agent's registered phone (the
  /// INVITE came from its binding's address, From its SIP user): a call the
  /// agent places (a consultation), not a caller's; `trunk` is empty.
  std::string agent{};
};
/// The phone of an outbound leg rings (SIP 180/183).
struct ringing {
  leg_id leg;
};
/// An outbound leg was answered (SIP 200, acknowledged).
struct answered {
  leg_id leg;
};
/// An outbound leg never connected.
struct failed {
  leg_id leg;
  failure_cause cause = failure_cause::unreachable;
  int code = 0; ///< the protocol's status, for the log (e.g. 486); 0: none
};
/// A leg that was up (or an inbound leg not yet answered) is gone.
struct ended {
  leg_id leg;
  ended_by by = ended_by::far_end;
};
/// A digit from a leg.
struct dtmf {
  leg_id leg;
  char digit = '0'; ///< 0-9, *, #, A-D
  dtmf_method method = dtmf_method::rfc4733;
};

/// A phone registered for an agent, or refreshed or moved its binding
/// (SIP REGISTER with digest authentication): the agent's offers ring
/// `contact` until `unregistered`.
struct registered {
  std::string agent;   ///< the agent id of the account that registered
  std::string user;    ///< the account's username (the digest user)
  std::string contact; ///< where to ring it, "sip:user@ip:port"
  std::string source;  ///< where the REGISTER came from, "ip:port"
  std::int32_t expires_s = 0;
  bool refresh = false; ///< the same contact as before, registered again
};
/// An agent's phone binding is gone.
struct unregistered {
  std::string agent;
  std::string user;
  std::string contact;
  std::string reason; ///< "unregistered" (Expires: 0), "expired", "node_stopped"
};

/// A trunk's peer stopped answering the stack's keepalive (SIP OPTIONS):
/// no response in time, a 5xx or a transport error, `failures` times in a
/// row. Delivered once per change; `trunk_peer_up` follows when it answers
/// again.
struct trunk_peer_down {
  std::string trunk;  ///< the trunk group ([[sip.trunk]] group)
  std::string peer;   ///< "ip:port"
  std::string reason; ///< "timeout", "503 Service Unavailable", "transport error: ..."
};
/// A trunk's peer answered the keepalive again (any response, even 404/405).
struct trunk_peer_up {
  std::string trunk;
  std::string peer;
};

/// A recording's file is finished (its WAV header written) and will not
/// change; delivered exactly once for each `start_recording`, after
/// `stop_recording`, or by itself when one of its legs ends.
struct recording_done {
  std::string recording;        ///< the name it was started with (the call id)
  std::string path;             ///< the WAV
  std::string reason;           ///< "call_ended" (stop_recording) | "leg_ended" (a party hung up)
  std::int64_t duration_ms = 0; ///< the audio's length, paused spans included
  std::int64_t bytes = 0;       ///< the file's size
  std::string sha256;           ///< of the whole file, lowercase hex
  std::int64_t dropped_frames = 0; ///< 20 ms frames lost before the writer (silence instead)
  std::string error;               ///< non-empty: the file could not be written
};

/// The far end of a leg that is up put it on hold (SIP re-INVITE whose
/// offer is `sendonly` or `inactive`: on = true) or took it back
/// (`sendrecv` or `recvonly` again: on = false). Delivered on each change only.
struct held {
  leg_id leg;
  bool on = true;
};

/// The far end of a leg that is up asks the node to transfer the other
/// party to `target` (SIP REFER, Refer-To's user part): the stack has
/// accepted it (SIP 202) and waits for `transfer_result`. A request the
/// stack cannot read (no Refer-To, not a SIP URI, a malformed Replaces) it
/// refuses itself (400), and one whose Replaces names no dialog of the
/// stack's (481), with a log line, and does not deliver.
struct transfer_requested {
  leg_id leg;
  std::string target; ///< a number or an agent id (Refer-To's user part)
  std::string uri;    ///< the whole Refer-To URI, for the log
  /// An attended transfer (Refer-To with Replaces, RFC 3891): the leg whose
  /// dialog the Replaces names (the phone's other call, through the node).
  /// Empty: a blind transfer.
  leg_id replaces{};
};

/// A prompt asked for with `play_prompt` played to its end (not cut short
/// by `play`, a bridge, a mix, another prompt or a hang-up), or could not
/// be played at all (`error`: the file is missing or not a WAV the stack
/// plays; delivered at once then).
struct prompt_played {
  leg_id leg;
  std::uint64_t tag = 0; ///< the tag it was asked with
  std::string error;     ///< non-empty: nothing was played, and why
};

/// A caller's message (voicemail) is finished: its mono WAV is complete.
/// Delivered exactly once for each `record_message`.
struct message_recorded {
  std::string message; ///< the name it was started with
  std::string path;
  /// "stopped" (stop_message: the caller's #), "max_length", "leg_ended"
  /// (the caller hung up: the usual end), "replaced"
  std::string reason;
  std::int64_t duration_ms = 0;
  std::int64_t bytes = 0;
  std::string sha256; ///< of the whole file, lowercase hex
  std::string error;  ///< non-empty: the file could not be written
};

using telephony_event = std::variant<incoming, ringing, answered, failed, ended, dtmf, registered,
                                     unregistered, trunk_peer_down, trunk_peer_up, recording_done,
                                     held, transfer_requested, prompt_played, message_recorded>;

/// Where the stack delivers its events (see the thread-safety note above).
using telephony_sink = std::function<void(telephony_event)>;

/// What the registrar needs to know of a SIP user: one of the node's
/// accounts (events/identity/user.hpp) with a SIP password.
struct sip_user {
  std::string agent_id; ///< empty: the account acts as no agent (its phone is refused)
  std::string realm;    ///< the realm its HA1 was made for; empty: no SIP password set
  std::string ha1;      ///< MD5(username:realm:SIP password), hex
  bool disabled = false;
};
/// Looks a SIP user up by username; nullopt: no such account. Called on the
/// stack's thread for each authenticated REGISTER: thread-safe, and quick.
using sip_user_lookup = std::function<std::optional<sip_user>(const std::string& username)>;

/// What `ring` needs besides the phone's address.
struct ring_request {
  std::string contact; ///< the phone's address, e.g. "sip:a1@127.0.0.1:5070"
  std::string caller;  ///< shown on the phone as the calling number (may be empty)
  std::string call_id; ///< the call it rings for, for the log and a header
  /// Non-empty: the far end of an outbound call, reached through this
  /// trunk group's peer (`contact` is "sip:NUMBER@peer"). Its final
  /// responses read as a carrier's: 486/600 busy; 603/403 rejected;
  /// 408/480 no_answer; 404, 503 and transport errors unreachable.
  /// Empty: an agent's phone (480 is unreachable there).
  std::string trunk{};
};

/// What became of a transfer a leg asked for (transfer_requested).
enum class transfer_outcome : std::uint8_t {
  done,      ///< the call went where asked (SIP NOTIFY sipfrag 200 OK)
  not_found, ///< no queue, agent or route has that number (sipfrag 404 Not Found)
  refused,   ///< the node would not (not the leg's call to move, a rule) (sipfrag 603 Declined)
};

/// One party of a mix: its leg, and whose audio it hears (summed).
struct mix_party {
  leg_id leg;
  std::vector<leg_id> hears;
};
/// A mix of several legs' audio (a conference, a supervisor's listen,
/// whisper or barge): each party hears the sum of the legs it `hears`.
struct mix_request {
  std::string mix; ///< its name (the call id), unique while it runs
  std::vector<mix_party> parties;
};

/// What `start_recording` needs: whose audio goes where.
struct recording_request {
  std::string recording; ///< its name (the call id), unique while it runs
  leg_id caller;         ///< heard on the left channel
  leg_id agent;          ///< heard on the right channel
  std::string path;      ///< the WAV to write; its directory exists
};

/// What `record_message` needs: one caller's audio into a message.
struct message_request {
  std::string message; ///< its name (the call id), unique while it runs
  leg_id leg;
  std::string path;              ///< the mono WAV to write; its directory exists
  std::int64_t max_ms = 120'000; ///< cut there ("max_length")
};

class telephony {
public:
  virtual ~telephony() = default;

  /// Answer an inbound leg (SIP 200 with the media answer).
  virtual void answer(const leg_id& leg) = 0;
  /// Turn an inbound leg away before answering it. `retry_after_s` > 0
  /// tells the peer when to try again (with `unavailable`).
  virtual void reject(const leg_id& leg, reject_cause cause, std::int32_t retry_after_s = 0) = 0;
  /// Ring a phone: a new outbound leg whose fate comes back as ringing,
  /// answered or failed (and ended once answered). Returns its id at once.
  virtual leg_id ring(const ring_request& r) = 0;
  /// Connect the media of two legs both ways (each hears the other); what
  /// either heard before (music) stops.
  virtual void bridge(const leg_id& a, const leg_id& b) = 0;
  /// Play to a leg. On an inbound leg not answered yet the stack opens
  /// early media (SIP 183 with the media answer) and does not answer it.
  virtual void play(const leg_id& leg, media_kind what) = 0;
  /// Speak recorded prompts to a leg that waits (not bridged), in order
  /// (names as events/acd/queue_announcement.hpp gives them; a name the
  /// stack has no recording of is skipped), then go back to what it heard
  /// before (its music, or silence). A bridge, `play` or a hang-up cuts it
  /// short; a new announcement replaces one still playing. On an inbound
  /// leg not answered yet it opens early media as `play` does.
  virtual void announce(const leg_id& leg, std::vector<std::string> prompts) = 0;
  /// Play one audio file to a leg that waits (an IVR's prompt): a WAV,
  /// 8 kHz mono, 16-bit PCM, A-law or µ-law (recorded prompts, TTS output).
  /// It replaces what the leg heard (music, an announcement, another
  /// prompt); afterwards the leg hears silence. `prompt_played` with `tag`
  /// follows when it played to its end or could not be read; `play`
  /// (silence, to cut it short), a bridge, a mix or a hang-up end it with
  /// no event. On an inbound leg not answered yet it opens early media as
  /// `play` does. Reads the file on the calling thread.
  virtual void play_prompt(const leg_id& leg, const std::string& wav_path, std::uint64_t tag) = 0;
  /// Hang a leg up: BYE once answered, CANCEL while an outbound leg rings,
  /// a final error on an inbound leg not answered.
  virtual void hang_up(const leg_id& leg, hangup_cause cause) = 0;

  /// Mix legs' audio (replacing the mix of that name): every party's leg
  /// leaves its bridge, its music or another mix, and hears, every 20 ms,
  /// the sum of what the legs it `hears` said (G.711 decoded, summed with
  /// saturation, encoded for its own codec). No parties: the mix ends, its
  /// legs hear silence until bridged or played to. `bridge` or `play` on a
  /// party takes it out of its mix. A leg gone meanwhile just drops out.
  virtual void mix(const mix_request& m) = 0;
  /// Tell the leg that asked for a transfer (transfer_requested) what came of it.
  virtual void transfer_result(const leg_id& leg, transfer_outcome outcome) = 0;

  /// Record two legs' audio into a stereo WAV (8 kHz, 16-bit PCM; the
  /// caller left, the agent right), from now until `stop_recording` or
  /// one of the legs ends; `recording_done` follows either way. A leg
  /// already gone: the file is finished at once (empty).
  virtual void start_recording(const recording_request& r) = 0;
  /// Silence in the file from now until `resume_recording` (the timeline
  /// goes on). Unknown or stopped recordings: ignored, like the next two.
  virtual void pause_recording(const std::string& recording) = 0;
  virtual void resume_recording(const std::string& recording) = 0;
  virtual void stop_recording(const std::string& recording) = 0;

  /// Record what a leg says into a mono WAV (8 kHz, 16-bit PCM: a
  /// voicemail message, after the beep the node played) until
  /// `stop_message`, `max_ms`, or the leg's end; `message_recorded`
  /// follows each way. A leg already gone: `message_recorded` with an error.
  virtual void record_message(const message_request& r) = 0;
  /// Finish a message now (the caller pressed #). Unknown names: ignored.
  virtual void stop_message(const std::string& message) = 0;
};

std::string_view to_string(reject_cause c) noexcept;
std::string_view to_string(failure_cause c) noexcept;
std::string_view to_string(ended_by b) noexcept;
std::string_view to_string(hangup_cause c) noexcept;
std::string_view to_string(dtmf_method m) noexcept;
std::string_view to_string(media_kind m) noexcept;
std::string_view to_string(transfer_outcome o) noexcept;
/// "sip-L1 L1<M1+M2 M1<L1 M2<L1+M1": each party, then whom it hears.
std::string describe(const mix_request& m);
/// One line for a log or a test: "failed L3 busy 486".
std::string describe(const telephony_event& e);

} // namespace hotline::ports
