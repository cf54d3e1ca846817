#pragma once
/// The SIP adapter: the telephony port (actors/ports/telephony.hpp) over
/// libre (SIP, SDP, RTP). One thread runs libre's loop (`re_main`) and owns
/// every libre object; the port's commands reach it through libre's
/// `mqueue`, and its events leave through the sink, called on that thread.
/// docs/telephony.md describes the dialogs, the media and the limits.
///
/// Inbound (trunks): an INVITE from an address no [[sip.trunk]] allows is
/// refused 403; one without an SDP offer, or whose offer has neither PCMU
/// nor PCMA, 488; otherwise 100 Trying and 180 Ringing go out at once (so
/// that a CANCEL is followed), and `incoming` is delivered. `play` opens
/// early media (183 with the SDP answer) and loops the music on hold;
/// `answer` sends 200 with the SDP answer; `reject` sends 486, 404,
/// 503 (+Retry-After) or 488. A CANCEL is answered 487 and a BYE 200, both
/// delivered as `ended` by the far end.
///
/// A trunk with `cps` > 0 takes that many new calls per second (a token
/// bucket as deep as one second's worth); an INVITE over it is delivered
/// with `over_rate` (the node blocks the call and rejects it 503 with
/// Retry-After), and a warning line a second at most counts them.
///
/// An INVITE from the source address a phone registered from (below), From
/// its SIP user, is that agent's own call: challenged with digest as
/// REGISTER is (401; 400 malformed, 403 wrong), then delivered as
/// `incoming` with `agent` (no trunk, no rate limit), whatever the trunks
/// allow.
///
/// REFER inside a dialog: 202 with an implicit subscription, NOTIFY 100
/// Trying, `transfer_requested`; `transfer_result` sends the final NOTIFY.
/// Refer-To with Replaces (replaces.hpp): the leg whose dialog it names
/// (Call-ID, the far end's tag as either tag) is `replaces`; 400 when it is
/// malformed, 481 when it names no dialog here.
///
/// Outbound (agents' phones): `ring` sends an INVITE offering PCMU and
/// PCMA; 180/183 is `ringing`, 200 (acknowledged) `answered`; 486/600 are
/// `failed busy`, 603 and other final errors `failed rejected`, 404/480 and
/// transport errors `failed unreachable`, 408 or the transaction timeout
/// `failed no_answer`. `hang_up` sends CANCEL while it rings, BYE once up.
/// A far end through a trunk (`ring_request::trunk`) reads a carrier's
/// answers: 486/600 busy, 603/403 (and other 4xx) rejected, 408/480
/// no_answer, 404/410/484, 5xx, other 6xx, no response and transport
/// errors unreachable.
///
/// Trunk health: each [[sip.trunk]] with `options_interval_s` > 0 gets an
/// OPTIONS at start and then every interval; no answer within
/// `options_timeout_s`, a 5xx or a transport error `options_failures`
/// times in a row is `trunk_peer_down` (and a warning line starting
/// "ALARM"); any other answer afterwards (404 and 405 too) is
/// `trunk_peer_up`. OPTIONS sent to the node are answered 200 with Allow
/// and Accept.
///
/// Registration (agents' phones): REGISTER is challenged with digest
/// (digest.hpp; realm `[sip] realm`, qop=auth, nonces that expire after
/// `nonce_ttl_s`, then stale=true); the credentials are checked against the
/// HA1 `users` returns. 400 for malformed credentials or Contact, 404 for
/// an unknown user, 403 for a wrong password or an account that is
/// disabled, has no SIP password or acts as no agent, 423 for an Expires
/// below `register_min_expires_s`. One binding per user (the first
/// Contact; a new one replaces it), granted at most
/// `register_max_expires_s`; Expires: 0 (or Contact: *) removes it, and so
/// does its expiry. Each change is delivered: `registered` (refresh=true
/// when the same contact registers again) or `unregistered`. Bindings
/// recorded before a restart are given to `start` (`restored`): they ring
/// and expire as if never lost, and a phone's refresh of one is a refresh.
///
/// DTMF: RFC 4733 telephone-event (101) is offered and answered; each digit
/// is delivered once, at its end packet, as `dtmf`. SIP INFO with
/// application/dtmf-relay ("Signal=5") is answered 200 and delivered too.
/// With `inband_dtmf`, tones in a caller's audio are detected (spandsp's
/// DTMF receiver on the decoded G.711, inband_dtmf.hpp) and delivered as
/// `dtmf` inband.
///
/// Announcements: `announce` speaks the prompts of `[sip] announcements`
/// (config loaded them) in order over the leg's music, which goes on where
/// it left off afterwards; with no music, silence before and after.
///
/// IVR prompts: `play_prompt` reads the WAV on the caller's thread (8 kHz
/// mono PCM, A-law or µ-law; kept by path and modification time, at most
/// 1,024 files) and plays it once on the loop, where music would go;
/// `prompt_played` follows at its end, or at once with the reason when the
/// file cannot be read.
///
/// Messages (voicemail): `record_message` feeds the leg's decoded audio to
/// a voicemail_recorder (voicemail_recorder.hpp; written on this thread,
/// buffered: a message is a few a minute) until `stop_message`, its
/// maximum length or the leg's end, then delivers `message_recorded`.
///
/// Media: each leg has its own RTP socket. `bridge` relays RTP between two
/// legs: payloads are forwarded with the outgoing leg's own SSRC, sequence
/// and continuous timestamps; PCMU and PCMA are transcoded when the legs
/// negotiated different codecs. Music on hold is the configured WAV,
/// encoded for the leg's codec, 20 ms per packet.
///
/// Recording: `start_recording` taps both legs' incoming RTP (decoded
/// from G.711 on this thread) into a recording_writer (its own thread,
/// recording_writer.hpp) that writes the stereo WAV; a full hand-off queue
/// drops frames (counted in `recording_done`), never delays the relay. The
/// finished file's `recording_done` is delivered on this thread. On stop,
/// the stack waits up to 5 s for files being finished to be reported.
///
/// Thread safety: every member may be called from any thread.
#include <cstdint>
#include <memory>
#include <string>

#include "actors/ports/telephony.hpp"
#include "config/sip.hpp"
#include "events/status.hpp"
#include "events/telephony/phone_binding.hpp"

namespace hotline::drivers::sip {

class sip_stack final : public ports::telephony {
public:
  /// Raises the process's open-file limit to its hard limit, starts libre's
  /// thread, binds UDP `def.listen` and returns once it listens (or why it
  /// cannot: the address is in use, libre failed to start). `site` labels
  /// the log lines. `users` answers the registrar's look-ups (empty: every
  /// REGISTER with credentials is refused 404). `restored`: the phone
  /// bindings the node had before it stopped (by user; the events'
  /// wall-clock expiry counts, one already lapsed is skipped), kept and
  /// expired like fresh ones; no `registered` is delivered for them.
  static events::result<std::unique_ptr<sip_stack>>
  start(const config::sip_definition& def, std::string site, ports::telephony_sink sink,
        ports::sip_user_lookup users = {},
        std::vector<events::telephony::phone_binding> restored = {});
  /// Hangs up every leg (BYE, CANCEL or a final error), stops the thread.
  ~sip_stack() override;

  void answer(const ports::leg_id& leg) override;
  void reject(const ports::leg_id& leg, ports::reject_cause cause,
              std::int32_t retry_after_s = 0) override;
  ports::leg_id ring(const ports::ring_request& r) override;
  void bridge(const ports::leg_id& a, const ports::leg_id& b) override;
  void play(const ports::leg_id& leg, ports::media_kind what) override;
  void announce(const ports::leg_id& leg, std::vector<std::string> prompts) override;
  void play_prompt(const ports::leg_id& leg, const std::string& wav_path,
                   std::uint64_t tag) override;
  void hang_up(const ports::leg_id& leg, ports::hangup_cause cause) override;
  void mix(const ports::mix_request& m) override;
  void transfer_result(const ports::leg_id& leg, ports::transfer_outcome outcome) override;
  void start_recording(const ports::recording_request& r) override;
  void pause_recording(const std::string& recording) override;
  void resume_recording(const std::string& recording) override;
  void stop_recording(const std::string& recording) override;
  void record_message(const ports::message_request& r) override;
  void stop_message(const std::string& message) override;

  /// Whether in-band DTMF can be detected here ([sip] inband_dtmf: spandsp,
  /// Debian libspandsp2, loads; inband_dtmf.hpp). Without it `start`
  /// refuses inband_dtmf.
  static bool inband_dtmf_supported() noexcept;

  /// Legs alive now (inbound and outbound), for the node's status line and tests.
  std::size_t legs() const noexcept;
  /// Bridged pairs whose RTP a media thread relays now ([sip] media_threads;
  /// docs/telephony.md "Layers and threads"), for tests and the bench.
  std::size_t relayed_off_loop() const noexcept;

  struct impl;

private:
  explicit sip_stack(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace hotline::drivers::sip
