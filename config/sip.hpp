#pragma once
/// What the SIP adapter (drivers/sip) needs from a configuration: where it
/// listens, the trunks that may send calls, the agents' phones and the music
/// on hold (docs/config.md, section [sip]; docs/telephony.md).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hotline::config {

/// An IPv4 address and a port, as written "127.0.0.1:5060".
struct host_port {
  std::string host; ///< dotted IPv4
  std::uint16_t port = 0;
  std::string text() const { return host + ":" + std::to_string(port); }
  bool operator==(const host_port&) const = default;
};

/// A SIP peer whose calls come in on one trunk group of the center.
struct sip_trunk_definition {
  std::string group;              ///< a trunk group id of the center ([[trunks]])
  host_port peer;                 ///< where the carrier or SBC sends from
  std::vector<std::string> allow; ///< source addresses accepted (IPv4); default: the peer's host
  /// New calls accepted per second from this peer (a token bucket of this
  /// size, refilled at this rate); the excess is blocked (503). 0: no limit.
  std::int32_t cps = 0;
  /// Trunk health (docs/telephony.md): an OPTIONS to the peer every this
  /// many seconds; 0: none (the peer is taken to be up). Any response,
  /// even 404 or 405, means up; no response within `options_timeout_s`, a
  /// 5xx or a transport error is a failure, and `options_failures` in a
  /// row mark the peer down (new outbound calls skip its group).
  std::int32_t options_interval_s = 30;
  std::int32_t options_timeout_s = 5;
  std::int32_t options_failures = 3;
};

/// An agent's phone at a static address (no registration yet): the agent
/// is logged in and ready while the node runs (a static queue member).
struct sip_phone_definition {
  std::string agent;   ///< an agent id of the center
  std::string contact; ///< "sip:user@ipv4[:port]", as written
  std::string user;    ///< the user part
  host_port address;   ///< where INVITEs go (port 5060 when not written)
};

struct sip_definition {
  bool enabled = false;                        ///< a [sip] section is present
  host_port listen{"127.0.0.1", 5060};         ///< [sip] listen; --sip-listen overrides
  std::string music_on_hold;                   ///< path of the WAV file (resolved); empty: none
  std::vector<std::int16_t> music_on_hold_pcm; ///< its samples, 8 kHz mono, 16-bit linear
  /// [sip] announcements: a directory of recorded prompts laid out as
  /// Asterisk's sound packs (events/acd/queue_announcement.hpp names every
  /// file it needs, e.g. queue-thereare.wav, digits/7.wav); resolved.
  /// Empty: no position / expected-wait announcements are spoken.
  std::string announcements;
  /// Those prompts' samples by name ("digits/7"), 8 kHz mono, 16-bit linear.
  std::map<std::string, std::vector<std::int16_t>> announcement_pcm;
  std::int32_t retry_after_s = 30;     ///< told to callers turned away with 503
  std::uint16_t rtp_port_min = 20'000; ///< RTP ports the node opens (even numbers)
  std::uint16_t rtp_port_max = 29'999;
  /// Registration of agents' phones (docs/telephony.md): the digest realm,
  /// the life of a nonce, and the bounds of a binding's Expires.
  std::string realm = "hotline";
  std::int32_t nonce_ttl_s = 300;
  std::int32_t register_min_expires_s = 60;    ///< shorter: 423 Interval Too Brief
  std::int32_t register_max_expires_s = 3'600; ///< longer: granted this long
  /// Outbound calls (an agent's dial-out): the [[sip.trunk]] group they
  /// leave by; empty: the group of the queue's `outbound_trunk_group`
  /// when a [[sip.trunk]] binds it, else agents' dial-outs do not reach a
  /// far end (they connect when the agent's leg does, as without SIP).
  std::string outbound_trunk;
  /// How long the far end of an outbound call may ring before the call
  /// ends `not_connected`, reason `no_answer` (CANCEL to the far end).
  std::int32_t outbound_ring_timeout_s = 60;
  /// Where call recordings go ([sip] recordings_dir, relative to the file
  /// that names it). Default: empty, the node's `<store>/recordings`.
  std::string recordings_dir;
  /// Recording frames (20 ms, one party) the media thread may have handed
  /// to the writer thread and not yet written; more are dropped and
  /// counted, never waited for ([sip] recording_queue_frames).
  std::int32_t recording_queue_frames = 4'096;
  /// Detect DTMF tones in the audio of inbound legs (callers) and deliver
  /// them like RFC 4733 digits ([sip] inband_dtmf; needs a build with
  /// spandsp, Debian libspandsp-dev). Costs a decode and a tone detector per
  /// caller packet. Default: false.
  bool inband_dtmf = false;
  /// Threads that relay the RTP of bridged calls off the SIP thread
  /// ([sip] media_threads, 0..64; docs/telephony.md "Threads"): a pair of
  /// legs that only relay each other's packets (no music, mix, recording,
  /// message or tone detector) moves to the least busy one. 0: every
  /// packet on the SIP thread. Default: the machine's cores (at least 1).
  std::int32_t media_threads = -1; ///< -1: not written, the cores
  std::vector<sip_trunk_definition> trunks;
  std::vector<sip_phone_definition> phones;

  /// The [[sip.trunk]] of group `group`, or nullptr.
  const sip_trunk_definition* trunk(const std::string& group) const {
    for (const auto& t : trunks)
      if (t.group == group) return &t;
    return nullptr;
  }
};

/// "a.b.c.d:port" with a dotted IPv4 address and a port 1..65535; false
/// (and `why` says what is wrong) otherwise.
bool parse_host_port(const std::string& text, host_port& out, std::string& why);
/// A dotted IPv4 address.
bool is_ipv4(const std::string& text);
/// "sip:user@a.b.c.d[:port]" into `out` (user, address); false with `why`.
bool parse_sip_contact(const std::string& text, sip_phone_definition& out, std::string& why);

} // namespace hotline::config
