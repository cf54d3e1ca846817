// The SIP adapter on libre (sip_stack.hpp). Everything below `namespace
// loop` runs on libre's thread only; the public members only queue commands.
#include "drivers/sip/sip_stack.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>

// libre's headers want the platform's bool and integer types announced
// (its own build passes these as -D flags).
#define HAVE_STDBOOL_H 1
#define HAVE_INTTYPES_H 1
#include <re.h>
#define DEBUG_MODULE "hotline-sip"
#define DEBUG_LEVEL 4
#include <re_dbg.h>
extern "C" {
#include <rem_g711.h>
}

#include "config/wav.hpp"
#include "drivers/log/log.hpp"
#include "drivers/sip/digest.hpp"
#include "drivers/sip/inband_dtmf.hpp"
#include "drivers/sip/media_threads.hpp"
#include "drivers/sip/recording_writer.hpp"
#include "drivers/sip/refer_notifier.hpp"
#include "drivers/sip/replaces.hpp"
#include "drivers/sip/voicemail_recorder.hpp"

namespace hotline::drivers::sip {

namespace {

namespace tp = hotline::ports;

constexpr std::uint8_t pt_pcmu = 0;
constexpr std::uint8_t pt_pcma = 8;
constexpr std::size_t samples_per_packet = 160; // 20 ms at 8 kHz
/// How long a BYE waits for a phone to answer its transfer's final NOTIFY.
constexpr std::uint32_t notify_patience_ms = 2'000;

enum class command_kind {
  answer,
  reject,
  ring,
  bridge,
  play,
  announce,
  play_prompt,
  record_message,
  stop_message,
  hang_up,
  stop,
  record_start,
  record_pause,
  record_resume,
  record_stop,
  record_done, ///< from the writer's thread: a file is finished
  mix,
  transfer_result,
};

struct command {
  explicit command(command_kind k) : kind(k) {}
  command_kind kind;
  tp::leg_id leg;
  tp::leg_id other; ///< bridge
  tp::reject_cause reject = tp::reject_cause::busy;
  std::int32_t retry_after_s = 0;
  tp::ring_request ring;
  tp::media_kind media = tp::media_kind::silence;
  std::vector<std::string> prompts;                      ///< announce
  std::shared_ptr<const std::vector<std::int16_t>> clip; ///< play_prompt (null: `error`)
  std::uint64_t tag = 0;                                 ///< play_prompt
  tp::message_request message;                           ///< record_message, stop_message
  std::string error;                                     ///< play_prompt
  tp::hangup_cause hangup = tp::hangup_cause::normal;
  tp::recording_request record;   ///< record_start; record.recording names the others
  recording_result record_result; ///< record_done
  tp::mix_request mix;            ///< mix
  tp::transfer_outcome outcome = tp::transfer_outcome::done; ///< transfer_result
};

std::string text_of(const pl& p) {
  return p.p ? std::string(p.p, p.l) : std::string{};
}

std::string address_of(const sa& a) {
  char ip[64] = {};
  sa_ntop(&a, ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(sa_port(&a));
}

std::uint8_t alaw_to_ulaw(std::uint8_t a) {
  return g711_pcm2ulaw(g711_alaw2pcm(a));
}
std::uint8_t ulaw_to_alaw(std::uint8_t u) {
  return g711_pcm2alaw(g711_ulaw2pcm(u));
}

} // namespace

struct leg;

/// A mix of legs' audio (sip_stack.hpp, "Mixes"), loop-only: each member
/// hears the sum of the members it `hears`, every 20 ms.
struct mixer {
  sip_stack::impl* stack = nullptr;
  std::string name;
  struct member {
    leg* l = nullptr;
    std::vector<leg*> hears;
  };
  std::vector<member> members;
  tmr tick{};
  std::uint64_t started_ms = 0; ///< tmr_jiffies() of its first tick
  std::uint64_t ticks = 0;
};

/// A call's recording while it runs (loop-only): its two legs feed the
/// writer thread (recording_writer.hpp).
struct recording_session {
  std::string name;
  std::uint64_t id = 0;
  std::string path;
  std::uint64_t start_ms = 0; ///< tmr_jiffies() at the start: the timeline's zero
  leg* left = nullptr;        ///< the caller
  leg* right = nullptr;       ///< the agent
};

/// One party's line, owned by the loop.
struct leg {
  sip_stack::impl* stack = nullptr;
  tp::leg_id id;
  bool inbound = true;
  sipsess* sess = nullptr;
  sdp_session* sdp = nullptr;
  sdp_media* media = nullptr;
  struct rtp_sock* rtp = nullptr;
  sa remote{};
  bool have_remote = false;
  std::uint8_t pt = pt_pcmu;
  int telephone_event_pt = -1; ///< the far end's RFC 4733 payload type; -1: none
  std::uint32_t last_digit_ts = 0;
  bool digit_seen = false;
  bool early = false;     ///< inbound: 183 sent
  bool answered = false;  ///< inbound: 200 sent; outbound: 200 received
  bool rang = false;      ///< outbound: ringing delivered
  bool far_end = false;   ///< outbound through a trunk (a carrier's answers)
  bool closing = false;   ///< its end is known: nothing more is delivered
  leg* peer = nullptr;    ///< bridged to
  bool ts_synced = false; ///< the relay's timestamp offset into this leg is set
  std::uint32_t ts_delta = 0;
  std::uint32_t next_ts = 0; ///< the next timestamp this leg sends
  bool first_packet = true;
  // music on hold, and an announcement spoken over it (one timer feeds both)
  bool music = false;
  std::size_t music_at = 0;
  tmr music_timer{};
  bool announcing = false;
  std::vector<const std::vector<std::int16_t>*> announcement; ///< its prompts' samples
  std::size_t announce_clip = 0, announce_at = 0;
  // an IVR prompt (play_prompt): its samples, kept alive while it plays, and its tag
  std::shared_ptr<const std::vector<std::int16_t>> prompt_clip;
  std::uint64_t prompt_tag = 0;
  bool prompting = false;
  // a caller's message being recorded (record_message)
  std::unique_ptr<voicemail_recorder> message;
  std::string message_name;
  tmr reap_timer{};
  // the mix it is in: its decoded audio waits here for the mix's next tick
  mixer* mixed = nullptr;
  std::deque<std::int16_t> inbox;
  bool primed = false; ///< a frame of slack has arrived (a 20 ms jitter buffer)
  // the far end's own hold (its re-INVITE's direction)
  bool remote_hold = false;
  // a REFER it sent: the subscription that tells it the outcome (NOTIFY)
  std::unique_ptr<refer_notifier> refer;
  // the REFER leg whose final NOTIFY this leg's BYE waits for (the dialog
  // an attended transfer replaces), and a hang-up waiting for it
  tp::leg_id bye_after_notify_of;
  tmr bye_timer{};
  // the dialog as a Replaces names it: inbound, its INVITE's Call-ID (else
  // libre's); the far end's tag (inbound: its From's; outbound: its 200's To)
  std::string dialog_call_id;
  std::string remote_tag;
  std::unique_ptr<inband_dtmf> inband; ///< [sip] inband_dtmf: a tone detector on its audio
  // recording: where this leg's audio goes, and its RTP clock's anchor on the timeline
  recording_session* rec = nullptr;
  int rec_channel = 0;
  bool rec_anchored = false;
  std::uint32_t rec_anchor_ts = 0;
  std::int64_t rec_anchor_at = 0;
  /// The media thread relaying its RTP now (media_threads.hpp), with its
  /// peer's; -1: this loop. Set and cleared on the loop only.
  int media_thread = -1;
};

/// A trunk's calls-per-second limit: a token bucket of `cps` tokens,
/// refilled at `cps` per second; an INVITE takes one.
struct rate_bucket {
  double tokens = 0;
  std::int64_t at_ms = -1; ///< when it was last refilled (steady clock)
  std::uint64_t refused = 0;
  std::int64_t warned_at_ms = -1'000'000;
  std::uint64_t warned_refused = 0;
};

/// A registered phone (one per SIP user: the latest REGISTER wins).
struct binding {
  sip_stack::impl* stack = nullptr;
  std::string user;
  std::string agent;
  std::string contact;
  std::string source;
  tmr expiry{};
};

/// A trunk's peer and its keepalive (OPTIONS every `options_interval_s`).
struct peer_health {
  sip_stack::impl* stack = nullptr;
  const config::sip_trunk_definition* trunk = nullptr;
  std::string peer;          ///< "ip:port"
  std::int32_t failures = 0; ///< in a row
  bool down = false;
  struct sip_request* req = nullptr; ///< the OPTIONS in flight
  tmr every{};
  tmr deadline{};
};

struct sip_stack::impl {
  config::sip_definition def;
  tp::sip_user_lookup users;
  std::unique_ptr<nonce_signer> nonces;
  std::string site;
  tp::telephony_sink sink;
  std::thread thread;
  std::atomic<std::uint64_t> next_leg{0};
  std::atomic<std::size_t> leg_count{0};
  // loop-only
  mqueue* mq = nullptr;
  struct ::sip* sip = nullptr;
  sipsess_sock* sock = nullptr;
  sa local{};
  tmr stop_timer{};
  std::map<tp::leg_id, std::unique_ptr<leg>> legs;
  std::map<std::string, std::unique_ptr<binding>> bindings; ///< by SIP user
  std::map<std::string, rate_bucket> rates;                 ///< by trunk group
  std::vector<std::unique_ptr<peer_health>> peers;          ///< trunks with a keepalive
  sip_lsnr* requests = nullptr;                             ///< REGISTER (and OPTIONS)
  // recordings: the writer (its own thread), the sessions running, and the
  // name and reason of each closed one until its file is finished
  std::unique_ptr<recording_writer> writer;
  std::atomic<bool> take_results{true}; ///< false once the loop has ended
  std::uint64_t next_recording = 0;
  std::map<std::string, std::unique_ptr<recording_session>> recordings;
  std::map<std::string, std::unique_ptr<mixer>> mixes;
  sipevent_sock* events = nullptr; ///< answers SUBSCRIBEs (481: none is refreshable)
  std::map<std::uint64_t, std::pair<std::string, std::string>> closing_recordings;
  std::unique_ptr<media_threads> relays;     ///< null: every packet on this loop
  std::atomic<std::size_t> relayed_pairs{0}; ///< pairs on the media threads now
  std::uint64_t stop_waited_ms = 0;
  bool own_400 = false;  ///< a 400 this adapter sends (and logs) itself: not traced again
  bool stopping = false; ///< command_kind::stop ran: hang-ups wait for nothing
  // IVR prompts read by play_prompt's callers (any thread), by path, with
  // the file's time: a prompt re-recorded is read again
  std::mutex prompt_m;
  std::map<std::string, std::pair<std::filesystem::file_time_type,
                                  std::shared_ptr<const std::vector<std::int16_t>>>>
      prompt_cache;

  void push(command* c) {
    if (!mq || mqueue_push(mq, 0, c) != 0) delete c;
  }
  void warn(const std::string& line) { log::warning("sip", line, site); }
  void info(const std::string& line) { log::info("sip", line, site); }
  void deliver(tp::telephony_event e) {
    if (sink) sink(std::move(e));
  }

  // -- legs ------------------------------------------------------------------------------
  /// The leg, taken back from a media thread (a command is about to touch it).
  leg* find(const tp::leg_id& id) {
    auto it = legs.find(id);
    if (it == legs.end() || it->second->closing) return nullptr;
    settle(*it->second);
    return it->second.get();
  }
  leg* make_leg(tp::leg_id id, bool inbound);
  bool open_media(leg& l);
  void destroy(leg& l);
  void reap_later(leg& l);
  void hang_up_all();
  /// Takes the leg's RTP (and its peer's) back from the media thread
  /// relaying it, if any: called before the loop touches a leg.
  void settle(leg& l);
  /// Hands a bridged pair that only relays each other to a media thread.
  void offload(leg& a, leg& b);

  // -- media -----------------------------------------------------------------------------
  void send_payload(leg& to, const std::uint8_t* linear_or_coded, std::size_t n, bool marker,
                    std::uint32_t ts, mbuf* mb);
  void start_music(leg& l);
  void stop_music(leg& l);
  void capture(leg& l, const rtp_header* hdr, mbuf* mb);
  void do_mix(const tp::mix_request& m);
  void leave_mix(leg& l);
  void end_mix(mixer& m);
  void mix_tick(mixer& m);
  void do_transfer_result(leg& l, tp::transfer_outcome outcome);

  // -- recordings ------------------------------------------------------------------------
  void do_record_start(const tp::recording_request& r);
  void do_record_pause(const std::string& name, bool pause);
  void end_recording(recording_session& r, const std::string& reason);
  void record_done(recording_result& r);

  // -- commands --------------------------------------------------------------------------
  void run(command& c);
  void do_answer(leg& l);
  void do_reject(leg& l, tp::reject_cause cause, std::int32_t retry_after_s);
  void do_ring(const tp::leg_id& id, const tp::ring_request& r);
  void do_bridge(leg& a, leg& b);
  void do_play(leg& l, tp::media_kind what);
  void do_announce(leg& l, const std::vector<std::string>& prompts);
  void do_play_prompt(leg& l, command& c);
  void do_record_message(const tp::message_request& r);
  /// Finishes the leg's message, if any, and delivers message_recorded.
  void finish_message(leg& l, const std::string& reason);
  /// The samples of an IVR prompt's WAV (cached), or null with `why`. Any thread.
  std::shared_ptr<const std::vector<std::int16_t>> read_prompt(const std::string& path,
                                                               std::string& why);
  bool open_early_media(leg& l);
  void do_hang_up(leg& l);

  // -- SIP -------------------------------------------------------------------------------
  void on_invite(const sip_msg* msg);
  /// The registered phone an INVITE comes from (its binding's source address
  /// and SIP user), or null: a call an agent places (docs/telephony.md).
  const binding* phone_of(const sip_msg* msg) const;
  /// A phone's INVITE carries its SIP user's digest credentials (challenged
  /// 401 like REGISTER): true when it does; otherwise the answer (401, 400,
  /// 403) has gone, with a log line.
  bool phone_authenticated(const sip_msg* msg, const binding& b);
  /// The live leg whose dialog a Replaces names (Call-ID, and the far end's
  /// tag as either tag when known), or null.
  leg* leg_of_dialog(const std::string& call_id, const std::string& tag_a,
                     const std::string& tag_b);
  void on_register(const sip_msg* msg);
  void on_options(const sip_msg* msg);
  void start_keepalives();
  void probe(peer_health& p);
  void probe_answered(peer_health& p, int err, const sip_msg* msg);
  void probe_failed(peer_health& p, const std::string& why);
  void challenge(const sip_msg* msg, bool stale);
  void reply_400(const sip_msg* msg, const std::string& why);
  void drop_binding(const std::string& user, const std::string& reason);
  void restore_bindings(const std::vector<events::telephony::phone_binding>& restored);
  const config::sip_trunk_definition* trunk_of(const sa& src) const;
  bool within_rate(const config::sip_trunk_definition& t);
  bool decode_sdp(leg& l, mbuf* mb, bool offer);
  mbuf* encode_sdp(leg& l, bool offer);
};

namespace {

// -- libre callbacks (C signatures) ------------------------------------------------------

void on_command(int, void* data, void* arg) {
  std::unique_ptr<command> c{static_cast<command*>(data)};
  static_cast<sip_stack::impl*>(arg)->run(*c);
}

void on_conn(const sip_msg* msg, void* arg) {
  static_cast<sip_stack::impl*>(arg)->on_invite(msg);
}

int on_offer(mbuf** descp, const sip_msg* msg, void* arg) {
  // A re-INVITE with a new offer: take it, answer with what we have.
  auto* l = static_cast<leg*>(arg);
  l->stack->settle(*l); // the offer may move its RTP
  if (!l->stack->decode_sdp(*l, msg->mb, true)) return EPROTO;
  *descp = l->stack->encode_sdp(*l, false);
  if (!*descp) return ENOMEM;
  // A phone that holds sends `sendonly` (or `inactive`); `sendrecv` takes
  // it back. libre keeps the far end's direction as seen from here: its
  // `sendonly` is our RECVONLY.
  const auto dir = sdp_media_rdir(l->media);
  const bool hold = dir == SDP_RECVONLY || dir == SDP_INACTIVE;
  if (hold != l->remote_hold && l->answered && !l->closing) {
    l->remote_hold = hold;
    l->stack->info("leg " + l->id + (hold ? " holds (we may " : " resumes (we may ") +
                   sdp_dir_name(dir) + ")");
    l->stack->deliver(tp::held{l->id, hold});
  }
  if (l->peer) l->stack->offload(*l, *l->peer); // a refresh changed nothing: relaying again
  return 0;
}

int on_answer(const sip_msg* msg, void* arg) {
  auto* l = static_cast<leg*>(arg);
  l->stack->settle(*l); // the far end's SDP may move its RTP
  if (mbuf_get_left(msg->mb)) l->stack->decode_sdp(*l, msg->mb, false);
  if (l->peer) l->stack->offload(*l, *l->peer);
  return 0;
}

void on_progress(const sip_msg* msg, void* arg) {
  auto* l = static_cast<leg*>(arg);
  if (l->closing || l->rang) return;
  if (msg->scode == 180 || msg->scode == 183) {
    l->rang = true;
    l->stack->deliver(tp::ringing{l->id});
  }
}

void on_established(const sip_msg* msg, void* arg) {
  auto* l = static_cast<leg*>(arg);
  if (l->closing || l->inbound || l->answered) return;
  if (msg) l->remote_tag = text_of(msg->to.tag); // the phone's tag: a Replaces may name it
  l->answered = true;
  l->stack->deliver(tp::answered{l->id});
}

tp::failure_cause failure_of(int err, const sip_msg* msg, bool far_end) {
  if (far_end && msg && msg->scode >= 300) {
    // A carrier's answers for a number (docs/telephony.md, outbound calls).
    switch (msg->scode) {
    case 486:
    case 600:
      return tp::failure_cause::busy;
    case 403:
    case 603:
      return tp::failure_cause::rejected;
    case 408:
    case 480:
    case 487:
      return tp::failure_cause::no_answer;
    default:
      return msg->scode >= 400 && msg->scode < 500 && msg->scode != 404 && msg->scode != 410 &&
                     msg->scode != 484
                 ? tp::failure_cause::rejected
                 : tp::failure_cause::unreachable;
    }
  }
  if (msg && msg->scode >= 300) {
    switch (msg->scode) {
    case 486:
    case 600:
      return tp::failure_cause::busy;
    case 408:
    case 487:
      return tp::failure_cause::no_answer;
    case 404:
    case 410:
    case 480:
    case 484:
    case 502:
    case 503:
      return tp::failure_cause::unreachable;
    default:
      return tp::failure_cause::rejected;
    }
  }
  return err == ETIMEDOUT && !far_end ? tp::failure_cause::no_answer
                                      : tp::failure_cause::unreachable;
}

void on_close(int err, const sip_msg* msg, void* arg) {
  auto* l = static_cast<leg*>(arg);
  l->stack->settle(*l); // `closing` is read by the relay
  auto* s = l->stack;
  if (l->closing) return;
  l->closing = true;
  if (!l->inbound && !l->answered) {
    tp::failed f{l->id, failure_of(err, msg, l->far_end), msg ? msg->scode : 0};
    s->deliver(f);
  } else {
    // libre ends a session whose 200 was never ACKed with ETIMEDOUT.
    s->deliver(tp::ended{l->id, err == ETIMEDOUT ? tp::ended_by::lost : tp::ended_by::far_end});
  }
  s->reap_later(*l);
}

// RFC 4733: a digit is reported once, at the first packet with the end
// bit of its event (the end packet is sent three times, one timestamp).
void on_telephone_event(leg& l, const rtp_header* hdr, mbuf* mb) {
  if (mbuf_get_left(mb) < 4) return;
  const auto* p = mbuf_buf(mb);
  const bool end = (p[1] & 0x80) != 0;
  if (!end || (l.digit_seen && l.last_digit_ts == hdr->ts)) return;
  l.digit_seen = true;
  l.last_digit_ts = hdr->ts;
  static constexpr char digits[] = "0123456789*#ABCD";
  if (p[0] > 15) return; // a tone that is no digit (flash, fax, ...)
  l.stack->deliver(tp::dtmf{l.id, digits[p[0]], tp::dtmf_method::rfc4733});
}

// SIP INFO with application/dtmf-relay ("Signal=5\r\nDuration=160"): a
// digit; anything else in an INFO is acknowledged and ignored.
void on_info(struct ::sip* sip, const sip_msg* msg, void* arg) {
  auto* l = static_cast<leg*>(arg);
  if (l->closing || !msg_ctype_cmp(&msg->ctyp, "application", "dtmf-relay")) {
    sip_reply(sip, msg, 200, "OK");
    return;
  }
  // re_regex captures every bracket expression, the blanks too.
  pl blank1{}, blank2{}, signal{};
  const char* body = reinterpret_cast<const char*>(mbuf_buf(msg->mb));
  if (re_regex(body, mbuf_get_left(msg->mb), "Signal[ \t]*=[ \t]*[0-9*#A-Da-d]+", &blank1, &blank2,
               &signal) != 0 ||
      signal.l != 1) {
    l->stack->own_400 = true;
    sip_reply(sip, msg, 400, "Bad Request");
    l->stack->own_400 = false;
    l->stack->warn("leg " + l->id + ": SIP INFO dtmf-relay without a Signal digit, answered 400");
    return;
  }
  sip_reply(sip, msg, 200, "OK");
  const char d = static_cast<char>(std::toupper(static_cast<unsigned char>(signal.p[0])));
  l->stack->deliver(tp::dtmf{l->id, d, tp::dtmf_method::sip_info});
}

void on_rtp(const sa*, const rtp_header* hdr, mbuf* mb, void* arg) {
  auto* l = static_cast<leg*>(arg);
  if (l->closing) return;
  if (l->telephone_event_pt >= 0 && hdr->pt == l->telephone_event_pt)
    return on_telephone_event(*l, hdr, mb);
  if (hdr->pt != l->pt) return;               // comfort noise and the like: not relayed
  if (l->rec) l->stack->capture(*l, hdr, mb); // before the relay transcodes it in place
  if (l->message) {
    const auto* p = mbuf_buf(mb);
    const std::size_t n = std::min(mbuf_get_left(mb), std::size_t{1'024});
    std::int16_t pcm[1'024];
    for (std::size_t i = 0; i < n; ++i)
      pcm[i] = l->pt == pt_pcmu ? g711_ulaw2pcm(p[i]) : g711_alaw2pcm(p[i]);
    if (!l->message->append(pcm, n)) l->stack->finish_message(*l, "max_length");
  }
  if (l->inband) {
    const auto* p = mbuf_buf(mb);
    const std::size_t n = std::min(mbuf_get_left(mb), std::size_t{1'024});
    std::int16_t pcm[1'024];
    for (std::size_t i = 0; i < n; ++i)
      pcm[i] = l->pt == pt_pcmu ? g711_ulaw2pcm(p[i]) : g711_alaw2pcm(p[i]);
    l->inband->feed(pcm, n); // digits: on_inband_digits
  }
  if (l->mixed) {
    // Decoded for the mix's next tick; at most 80 ms wait (a late burst drops the oldest).
    const auto* p = mbuf_buf(mb);
    const std::size_t n = mbuf_get_left(mb);
    for (std::size_t i = 0; i < n; ++i)
      l->inbox.push_back(l->pt == pt_pcmu ? g711_ulaw2pcm(p[i]) : g711_alaw2pcm(p[i]));
    while (l->inbox.size() > 4 * samples_per_packet)
      l->inbox.pop_front();
    if (l->inbox.size() >= 2 * samples_per_packet) l->primed = true;
    return;
  }
  auto* to = l->peer;
  if (!to || to->closing || !to->have_remote || !to->rtp) return;
  const std::size_t n = mbuf_get_left(mb);
  if (!to->ts_synced) {
    to->ts_delta = to->next_ts - hdr->ts;
    to->ts_synced = true;
  }
  if (to->pt != l->pt) {
    auto* p = mbuf_buf(mb);
    for (std::size_t i = 0; i < n; ++i)
      p[i] = to->pt == pt_pcmu ? alaw_to_ulaw(p[i]) : ulaw_to_alaw(p[i]);
  }
  const std::uint32_t ts = hdr->ts + to->ts_delta;
  const bool marker = hdr->m || to->first_packet;
  to->first_packet = false;
  rtp_send(to->rtp, &to->remote, false, marker, to->pt, ts, mb);
  to->next_ts = ts + static_cast<std::uint32_t>(n);
}

/// The next sample a waiting leg hears: the announcement while it lasts,
/// else the music (where it left off), else silence.
std::int16_t next_waiting_sample(leg& l, const std::vector<std::int16_t>& music) {
  if (l.announcing) {
    const auto& clip = *l.announcement[l.announce_clip];
    const auto v = clip[l.announce_at];
    if (++l.announce_at == clip.size()) {
      l.announce_at = 0;
      if (++l.announce_clip == l.announcement.size()) {
        l.announcing = false;
        l.announcement.clear();
        if (std::exchange(l.prompting, false)) { // an IVR prompt played to its end
          l.prompt_clip.reset();
          l.stack->deliver(tp::prompt_played{l.id, l.prompt_tag, {}});
        }
      }
    }
    return v;
  }
  if (!l.music || music.empty()) return 0;
  const auto v = music[l.music_at];
  l.music_at = (l.music_at + 1) % music.size();
  return v;
}

void on_music_tick(void* arg) {
  auto* l = static_cast<leg*>(arg);
  auto* s = l->stack;
  if (!(l->music || l->announcing) || l->closing) return;
  tmr_start(&l->music_timer, 20, on_music_tick, l);
  const auto& pcm = s->def.music_on_hold_pcm;
  if (!l->have_remote || !l->rtp) return;
  mbuf* mb = mbuf_alloc(RTP_HEADER_SIZE + samples_per_packet);
  if (!mb) return;
  mb->pos = RTP_HEADER_SIZE;
  mb->end = RTP_HEADER_SIZE;
  for (std::size_t i = 0; i < samples_per_packet; ++i) {
    const auto v = next_waiting_sample(*l, pcm);
    mbuf_write_u8(mb, l->pt == pt_pcmu ? g711_pcm2ulaw(v) : g711_pcm2alaw(v));
  }
  mb->pos = RTP_HEADER_SIZE;
  rtp_send(l->rtp, &l->remote, false, l->first_packet, l->pt, l->next_ts, mb);
  l->first_packet = false;
  l->next_ts += samples_per_packet;
  mem_deref(mb);
  if (!l->music && !l->announcing) tmr_cancel(&l->music_timer); // an announcement over silence
}

// The tone detector heard digits in a leg's audio (each once, when its tone ends).
void on_inband_digits(void* arg, const char* digits, int len) {
  auto* l = static_cast<leg*>(arg);
  if (l->closing) return;
  for (int i = 0; i < len; ++i)
    l->stack->deliver(tp::dtmf{l->id, digits[i], tp::dtmf_method::inband});
}

void on_mix_tick(void* arg) {
  auto* m = static_cast<mixer*>(arg);
  m->stack->mix_tick(*m);
}

// REFER (RFC 3515) inside a leg's dialog: the far end asks the node to
// transfer the other party. 202 with an implicit subscription, NOTIFY
// "100 Trying" at once (refer_notifier.hpp); the node's verdict follows
// (transfer_result), and the phone's dialogs are hung up only after it.
void on_refer(struct ::sip* sip, const sip_msg* msg, void* arg) {
  auto* l = static_cast<leg*>(arg);
  auto* s = l->stack;
  const auto from = address_of(msg->src);
  auto refuse = [&](std::uint16_t code, const char* reason, const std::string& why) {
    s->warn("REFER on leg " + l->id + " from " + from + " refused " + std::to_string(code) + ": " +
            why);
    s->own_400 = code == 400;
    sip_reply(sip, msg, code, reason);
    s->own_400 = false;
  };
  if (l->closing || !l->answered) return refuse(481, "Call Does Not Exist", "the call is not up");
  const sip_hdr* hdr = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
  if (!hdr) return refuse(400, "Missing Refer-To", "no Refer-To header");
  sip_addr addr{};
  if (sip_addr_decode(&addr, &hdr->val) != 0 || pl_strcasecmp(&addr.uri.scheme, "sip") != 0 ||
      !pl_isset(&addr.uri.user))
    return refuse(400, "Bad Refer-To",
                  "Refer-To '" + text_of(hdr->val) + "' is no sip: URI with a user part");
  // An attended transfer names the phone's other dialog (replaces.hpp).
  auto replaces = parse_replaces(text_of(addr.uri.headers));
  if (!replaces) return refuse(400, "Bad Replaces", replaces.error().detail());
  tp::leg_id replaced;
  if (*replaces) {
    const auto& r = **replaces;
    leg* other = s->leg_of_dialog(r.call_id, r.to_tag, r.from_tag);
    if (!other)
      return refuse(481, "Call Does Not Exist",
                    "its Replaces names no call through this node (Call-ID " + r.call_id +
                        ", to-tag " + r.to_tag + ", from-tag " + r.from_tag + ")");
    if (other == l) return refuse(400, "Bad Replaces", "its Replaces names the REFER's own dialog");
    replaced = other->id;
  }
  if (l->refer && !l->refer->settled())
    return refuse(491, "Request Pending", "a transfer it asked for is still running");
  l->refer = refer_notifier::accept(sip, msg, sipsess_dialog(l->sess), notify_patience_ms);
  if (!l->refer) {
    s->warn("REFER on leg " + l->id + ": cannot accept (no 202 could be sent)");
    return;
  }
  if (!replaced.empty()) s->legs[replaced]->bye_after_notify_of = l->id;
  const auto uri = text_of(hdr->val);
  s->info("REFER on leg " + l->id + " to " + uri + ": accepted (202)");
  s->deliver(tp::transfer_requested{l->id, text_of(addr.uri.user), uri, replaced});
}

void on_reap(void* arg) {
  auto* l = static_cast<leg*>(arg);
  l->stack->destroy(*l);
}

void on_deferred_bye(void* arg) {
  auto* l = static_cast<leg*>(arg);
  if (!l->closing) l->stack->do_hang_up(*l);
}

// Requests libre answers itself with 400 (a header missing, CSeq not
// matching the method) would leave no trace in hotline's log otherwise.
// (A datagram that is no SIP at all is dropped by libre with a line of its
// own on standard error: "sip: msg decode err".)
void on_trace(bool tx, enum sip_transp, const sa*, const sa* dst, const std::uint8_t* pkt,
              std::size_t len, void* arg) {
  static constexpr std::string_view bad = "SIP/2.0 400 ";
  auto* s = static_cast<sip_stack::impl*>(arg);
  if (!tx || s->own_400 || len < bad.size() ||
      std::string_view(reinterpret_cast<const char*>(pkt), bad.size()) != bad)
    return;
  s->warn("malformed request from " + address_of(*dst) +
          " answered 400 Bad Request (a required header is "
          "missing, or CSeq does not match the method)");
}

bool on_request(const sip_msg* msg, void* arg) {
  auto* s = static_cast<sip_stack::impl*>(arg);
  if (pl_strcmp(&msg->met, "REGISTER") == 0) {
    s->on_register(msg);
    return true;
  }
  if (pl_strcmp(&msg->met, "OPTIONS") == 0) {
    s->on_options(msg);
    return true;
  }
  return false; // libre answers 501
}

void on_probe_due(void* arg) {
  auto* p = static_cast<peer_health*>(arg);
  p->stack->probe(*p);
}

void on_probe_response(int err, const sip_msg* msg, void* arg) {
  auto* p = static_cast<peer_health*>(arg);
  if (!err && msg && msg->scode < 200) return; // provisional: the final one follows
  p->req = nullptr;                            // libre is done with it
  p->stack->probe_answered(*p, err, msg);
}

void on_probe_deadline(void* arg) {
  auto* p = static_cast<peer_health*>(arg);
  // Dereferencing a pending stateful request cancels it: its handler is not called.
  p->req = static_cast<struct sip_request*>(mem_deref(p->req));
  p->stack->probe_failed(*p, "timeout");
}

void on_binding_expired(void* arg) {
  auto* b = static_cast<binding*>(arg);
  b->stack->drop_binding(b->user, "expired");
}

std::int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A whole number of seconds ("3600"); -1 when it is none.
std::int64_t seconds_of(const pl& p) {
  if (!pl_isset(&p) || p.l == 0 || p.l > 9) return -1;
  std::int64_t v = 0;
  for (std::size_t i = 0; i < p.l; ++i) {
    if (p.p[i] < '0' || p.p[i] > '9') return -1;
    v = v * 10 + (p.p[i] - '0');
  }
  return v;
}

void on_stop_timer(void* arg) {
  auto* s = static_cast<sip_stack::impl*>(arg);
  // Recordings closed by the hang-ups are being finished: their events
  // should still leave (a few seconds at most).
  if (s->writer && s->writer->open_count() > 0 && s->stop_waited_ms < 5'000) {
    s->stop_waited_ms += 50;
    tmr_start(&s->stop_timer, 50, on_stop_timer, s);
    return;
  }
  re_cancel();
}

void on_libre_log(int level, const char* p, std::size_t len, void* arg) {
  auto* s = static_cast<sip_stack::impl*>(arg);
  std::string line(p, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.pop_back();
  if (line.empty()) return;
  if (level <= DBG_WARNING)
    s->warn("libre: " + line);
  else
    s->info("libre: " + line);
}

} // namespace

// -- legs --------------------------------------------------------------------------------

leg* sip_stack::impl::make_leg(tp::leg_id id, bool inbound) {
  auto l = std::make_unique<leg>();
  l->stack = this;
  l->id = std::move(id);
  l->inbound = inbound;
  l->next_ts = static_cast<std::uint32_t>(rand_u32());
  tmr_init(&l->music_timer);
  tmr_init(&l->reap_timer);
  tmr_init(&l->bye_timer);
  auto* raw = l.get();
  legs[raw->id] = std::move(l);
  leg_count.store(legs.size(), std::memory_order_relaxed);
  return raw;
}

bool sip_stack::impl::open_media(leg& l) {
  sa ip = local;
  sa_set_port(&ip, 0);
  if (int err = rtp_listen(&l.rtp, IPPROTO_UDP, &ip, def.rtp_port_min, def.rtp_port_max, false,
                           on_rtp, nullptr, &l)) {
    warn("leg " + l.id + ": no RTP port free in " + std::to_string(def.rtp_port_min) + ".." +
         std::to_string(def.rtp_port_max) + " (" + std::strerror(err) + ")");
    return false;
  }
  // Room for a burst while the loop is busy elsewhere (the kernel caps it at
  // net.core.rmem_max): a full default buffer drops packets at 1,000 calls.
  udp_sockbuf_set(static_cast<udp_sock*>(rtp_sock(l.rtp)), 256 * 1024);
  if (sdp_session_alloc(&l.sdp, &ip) != 0 ||
      sdp_media_add(&l.media, l.sdp, "audio", sa_port(rtp_local(l.rtp)), "RTP/AVP") != 0 ||
      sdp_format_add(nullptr, l.media, false, "0", "PCMU", 8000, 1, nullptr, nullptr, nullptr,
                     false, nullptr) != 0 ||
      sdp_format_add(nullptr, l.media, false, "8", "PCMA", 8000, 1, nullptr, nullptr, nullptr,
                     false, nullptr) != 0 ||
      sdp_format_add(nullptr, l.media, false, "101", "telephone-event", 8000, 1, nullptr, nullptr,
                     nullptr, false, "0-15") != 0) {
    warn("leg " + l.id + ": cannot build its SDP");
    return false;
  }
  return true;
}

void sip_stack::impl::destroy(leg& l) {
  settle(l);
  if (l.rec) end_recording(*l.rec, "leg_ended");
  finish_message(l, "leg_ended");
  if (l.mixed) leave_mix(l);
  if (l.refer) {
    // Hang-ups that waited for its final NOTIFY go now (on their own timers).
    for (auto& then : l.refer->take_waiting())
      then();
    l.refer.reset();
  }
  l.inband.reset();
  tmr_cancel(&l.music_timer);
  tmr_cancel(&l.reap_timer);
  tmr_cancel(&l.bye_timer);
  if (l.peer) l.peer->peer = nullptr;
  l.peer = nullptr;
  // Dereferencing an unterminated session sends what its state needs
  // (libre: 486 to an inbound INVITE not answered, CANCEL, or BYE).
  l.sess = static_cast<sipsess*>(mem_deref(l.sess));
  l.rtp = static_cast<struct rtp_sock*>(mem_deref(l.rtp));
  l.media = nullptr;
  l.sdp = static_cast<sdp_session*>(mem_deref(l.sdp));
  legs.erase(l.id); // frees l
  leg_count.store(legs.size(), std::memory_order_relaxed);
}

// A session's handler may not free the session it runs in: later.
void sip_stack::impl::reap_later(leg& l) {
  settle(l);
  if (l.rec) end_recording(*l.rec, "leg_ended");
  if (l.mixed) leave_mix(l);
  l.music = false;
  tmr_cancel(&l.music_timer);
  tmr_cancel(&l.bye_timer);
  if (l.peer) l.peer->peer = nullptr;
  l.peer = nullptr;
  tmr_start(&l.reap_timer, 0, on_reap, &l);
}

void sip_stack::impl::settle(leg& l) {
  if (l.media_thread < 0) return;
  const int at = l.media_thread;
  std::vector<udp_sock*> socks;
  for (leg* x : {&l, l.peer})
    if (x && x->media_thread == at) {
      socks.push_back(static_cast<udp_sock*>(rtp_sock(x->rtp)));
      x->media_thread = -1;
    }
  relays->give_back(at, socks);
  relayed_pairs.fetch_sub(1, std::memory_order_relaxed);
}

// Only a plain relay leaves the loop: whatever else a leg does (music,
// prompts, a mix, a recording, a message, a tone detector) runs on timers
// and state of this loop.
void sip_stack::impl::offload(leg& a, leg& b) {
  if (!relays || a.media_thread >= 0 || b.media_thread >= 0 || a.peer != &b || b.peer != &a) return;
  for (const leg* x : {&a, &b})
    if (!x->rtp || !x->have_remote || x->closing || x->music || x->announcing || x->prompting ||
        x->mixed || x->rec || x->message || x->inband)
      return;
  const int at = relays->take(
      {static_cast<udp_sock*>(rtp_sock(a.rtp)), static_cast<udp_sock*>(rtp_sock(b.rtp))});
  if (at < 0) return;
  a.media_thread = at;
  b.media_thread = at;
  relayed_pairs.fetch_add(1, std::memory_order_relaxed);
}

void sip_stack::impl::hang_up_all() {
  std::vector<leg*> all;
  for (auto& [id, l] : legs)
    all.push_back(l.get());
  for (auto* l : all) {
    if (!l->closing) do_hang_up(*l);
  }
}

// -- SDP ---------------------------------------------------------------------------------

bool sip_stack::impl::decode_sdp(leg& l, mbuf* mb, bool offer) {
  const auto pos = mb->pos;
  const int err = sdp_decode(l.sdp, mb, offer);
  mb->pos = pos;
  if (err) return false;
  // The first of the far end's formats that is a codec we speak (its
  // list may start with telephone-event).
  const sdp_format* codec = nullptr;
  const le* e = nullptr;
  LIST_FOREACH(sdp_media_format_lst(l.media, false), e) {
    const auto* f = static_cast<const sdp_format*>(e->data);
    // Static payload types may come without a=rtpmap: no name, the number says it.
    const bool g711 = f->name ? !str_casecmp(f->name, "PCMU") || !str_casecmp(f->name, "PCMA")
                              : f->pt == pt_pcmu || f->pt == pt_pcma;
    if (f->sup && g711) {
      codec = f;
      break;
    }
  }
  if (!codec) return false;
  l.pt = static_cast<std::uint8_t>(codec->pt);
  const auto* telev = sdp_media_rformat(l.media, "telephone-event");
  l.telephone_event_pt = telev ? telev->pt : -1;
  const auto* raddr = sdp_media_raddr(l.media);
  if (raddr && sa_isset(raddr, SA_ALL)) {
    l.remote = *raddr;
    l.have_remote = true;
  }
  return true;
}

mbuf* sip_stack::impl::encode_sdp(leg& l, bool offer) {
  mbuf* mb = nullptr;
  if (sdp_encode(&mb, l.sdp, offer) != 0) return nullptr;
  return mb;
}

// -- inbound -----------------------------------------------------------------------------

const config::sip_trunk_definition* sip_stack::impl::trunk_of(const sa& src) const {
  char ip[64] = {};
  sa_ntop(&src, ip, sizeof ip);
  for (const auto& t : def.trunks)
    if (std::find(t.allow.begin(), t.allow.end(), std::string(ip)) != t.allow.end()) return &t;
  return nullptr;
}

bool sip_stack::impl::within_rate(const config::sip_trunk_definition& t) {
  if (t.cps <= 0) return true;
  auto& b = rates[t.group];
  const std::int64_t now = static_cast<std::int64_t>(tmr_jiffies());
  if (b.at_ms < 0) {
    b.tokens = t.cps;
  } else {
    b.tokens = std::min<double>(t.cps, b.tokens + (now - b.at_ms) * t.cps / 1000.0);
  }
  b.at_ms = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  ++b.refused;
  // One line a second at most, with the count since the last one.
  if (now - b.warned_at_ms >= 1000) {
    warn("trunk " + t.group + ": over its limit of " + std::to_string(t.cps) +
         " calls per second, " + std::to_string(b.refused - b.warned_refused) +
         " INVITE(s) turned away (blocked, 503)");
    b.warned_at_ms = now;
    b.warned_refused = b.refused;
  }
  return false;
}

void sip_stack::impl::on_invite(const sip_msg* msg) {
  const auto from = address_of(msg->src);
  // libre 1.1.0 hands on requests without these; a dialog needs them all.
  const char* missing = !pl_isset(&msg->from.auri)                 ? "From"
                        : !pl_isset(&msg->to.auri)                 ? "To"
                        : !pl_isset(&msg->callid)                  ? "Call-ID"
                        : !pl_isset(&msg->via.branch)              ? "a Via branch"
                        : !pl_isset(&msg->maxfwd)                  ? "Max-Forwards"
                        : pl_strcmp(&msg->cseq.met, "INVITE") != 0 ? "CSeq INVITE"
                                                                   : nullptr;
  if (missing) {
    warn("malformed INVITE from " + from + " answered 400 Bad Request: no " + missing);
    own_400 = true;
    sip_reply(sip, msg, 400, "Bad Request");
    own_400 = false;
    return;
  }
  const auto* phone = phone_of(msg);
  if (phone && !phone_authenticated(msg, *phone)) return;
  const auto* trunk = phone ? nullptr : trunk_of(msg->src);
  if (!trunk && !phone) {
    warn("INVITE from " + from + " refused 403: no [[sip.trunk]] allows that address");
    sip_treply(nullptr, sip, msg, 403, "Forbidden");
    return;
  }
  sip_reply(sip, msg, 100, "Trying");
  const auto id = "L" + std::to_string(++next_leg);
  auto* l = make_leg(id, true);
  if (!open_media(*l)) {
    sip_treplyf(nullptr, nullptr, sip, msg, false, 503, "Service Unavailable",
                "Retry-After: %d\r\nContent-Length: 0\r\n\r\n", def.retry_after_s);
    destroy(*l);
    return;
  }
  if (!mbuf_get_left(msg->mb)) {
    warn("INVITE " + id + " from " + from + " refused 488: no SDP offer (late offer unsupported)");
    sip_treply(nullptr, sip, msg, 488, "Not Acceptable Here");
    destroy(*l);
    return;
  }
  if (!decode_sdp(*l, msg->mb, true)) {
    warn("INVITE " + id + " from " + from +
         " refused 488: its SDP offers neither PCMU nor PCMA, or does not decode");
    sip_treply(nullptr, sip, msg, 488, "Not Acceptable Here");
    destroy(*l);
    return;
  }
  if (int err = sipsess_accept(&l->sess, sock, msg, 180, "Ringing", "hotline", "application/sdp",
                               nullptr, nullptr, nullptr, false, on_offer, on_answer,
                               on_established, on_info, on_refer, on_close, l, nullptr)) {
    warn("INVITE " + id + " from " + from + ": cannot accept (" + std::strerror(err) + ")");
    sip_treply(nullptr, sip, msg, 500, "Server Internal Error");
    destroy(*l);
    return;
  }
  if (def.inband_dtmf) l->inband = inband_dtmf::make(on_inband_digits, l);
  l->dialog_call_id = text_of(msg->callid);
  l->remote_tag = text_of(msg->from.tag);
  tp::incoming e;
  e.leg = id;
  e.from = text_of(msg->from.uri.user);
  e.to = text_of(msg->uri.user);
  e.source = from;
  if (phone) {
    info("INVITE " + id + " to " + e.to + " from the phone of agent " + phone->agent + " (" +
         phone->user + ") at " + from);
    e.agent = phone->agent;
  } else {
    e.trunk = trunk->group;
    e.over_rate = !within_rate(*trunk);
  }
  deliver(std::move(e));
}

// A phone registered here calls through the node (RFC 3261 §8.1: its
// INVITE comes from where its REGISTER did, From its own address of
// record); the INVITE is then challenged with digest like REGISTER
// (phone_authenticated).
const binding* sip_stack::impl::phone_of(const sip_msg* msg) const {
  const auto source = address_of(msg->src);
  const auto user = text_of(msg->from.uri.user);
  for (const auto& [name, b] : bindings)
    if (b->source == source && name == user) return b.get();
  return nullptr;
}

// RFC 3261 §22.3: the node is the phone's UAS, so 401 with
// WWW-Authenticate, checked as the registrar checks REGISTER (digest.hpp).
bool sip_stack::impl::phone_authenticated(const sip_msg* msg, const binding& b) {
  const auto from = address_of(msg->src);
  auto refuse = [&](std::uint16_t code, const char* reason, const std::string& why) {
    warn("INVITE from the phone of agent " + b.agent + " (" + b.user + ") at " + from +
         " refused " + std::to_string(code) + ": " + why);
    own_400 = code == 400;
    sip_treply(nullptr, sip, msg, code, reason);
    own_400 = false;
    return false;
  };
  const sip_hdr* auth = sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION);
  if (!auth) {
    challenge(msg, false);
    return false;
  }
  auto creds = parse_digest_authorization(std::string_view(auth->val.p, auth->val.l));
  if (!creds) return refuse(400, "Bad Request", creds.error().detail());
  if (creds->username != b.user)
    return refuse(403, "Forbidden", "digest user '" + creds->username + "' is not the phone's");
  std::optional<tp::sip_user> account;
  if (users) account = users(b.user);
  if (!account || account->disabled || account->ha1.empty() || account->realm != def.realm ||
      account->agent_id != b.agent)
    return refuse(403, "Forbidden", "the account no longer places calls here");
  switch (verify_digest(*creds, "INVITE", account->ha1, def.realm, *nonces, unix_now_s())) {
  case digest_verdict::ok:
    return true;
  case digest_verdict::stale_nonce:
    challenge(msg, true);
    return false;
  case digest_verdict::unknown_nonce:
  case digest_verdict::wrong_realm:
    challenge(msg, false);
    return false;
  case digest_verdict::wrong_response:
    return refuse(403, "Forbidden", "wrong password");
  }
  return false;
}

leg* sip_stack::impl::leg_of_dialog(const std::string& call_id, const std::string& tag_a,
                                    const std::string& tag_b) {
  for (auto& [id, l] : legs) {
    if (l->closing || !l->sess) continue;
    const auto* dlg = sipsess_dialog(l->sess);
    const char* own = dlg ? sip_dialog_callid(dlg) : nullptr;
    const std::string dialog = !l->dialog_call_id.empty() ? l->dialog_call_id
                               : own                      ? std::string(own)
                                                          : std::string{};
    if (dialog != call_id) continue;
    if (!l->remote_tag.empty() && l->remote_tag != tag_a && l->remote_tag != tag_b) continue;
    return l.get();
  }
  return nullptr;
}

// -- trunk health ------------------------------------------------------------------------

// RFC 3261 §11.2: the node's capabilities; carriers probe with OPTIONS too.
void sip_stack::impl::on_options(const sip_msg* msg) {
  const char* missing = !pl_isset(&msg->from.auri)                  ? "From"
                        : !pl_isset(&msg->to.auri)                  ? "To"
                        : !pl_isset(&msg->callid)                   ? "Call-ID"
                        : pl_strcmp(&msg->cseq.met, "OPTIONS") != 0 ? "CSeq OPTIONS"
                                                                    : nullptr;
  if (missing) {
    warn("malformed OPTIONS from " + address_of(msg->src) + " answered 400 Bad Request: no " +
         missing);
    own_400 = true;
    sip_reply(sip, msg, 400, "Bad Request");
    own_400 = false;
    return;
  }
  sip_treplyf(nullptr, nullptr, sip, msg, false, 200, "OK",
              "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REGISTER, REFER, NOTIFY\r\n"
              "Accept: application/sdp, application/dtmf-relay\r\n"
              "Content-Length: 0\r\n\r\n");
}

void sip_stack::impl::start_keepalives() {
  for (const auto& t : def.trunks) {
    if (t.options_interval_s <= 0) continue;
    auto p = std::make_unique<peer_health>();
    p->stack = this;
    p->trunk = &t;
    p->peer = t.peer.text();
    tmr_init(&p->every);
    tmr_init(&p->deadline);
    tmr_start(&p->every, 0, on_probe_due, p.get()); // at once: the first verdict comes early
    peers.push_back(std::move(p));
  }
}

void sip_stack::impl::probe(peer_health& p) {
  tmr_start(&p.every, static_cast<std::uint64_t>(p.trunk->options_interval_s) * 1000, on_probe_due,
            &p);
  if (p.req) return; // the last one is still out (its deadline counts it)
  const std::string uri = "sip:" + p.peer;
  const std::string from = "sip:hotline@" + address_of(local);
  int err = sip_requestf(&p.req, sip, true, "OPTIONS", uri.c_str(), nullptr, nullptr, nullptr,
                         on_probe_response, &p,
                         "To: <%s>\r\n"
                         "From: <%s>;tag=%016llx\r\n"
                         "Call-ID: %016llx@hotline\r\n"
                         "CSeq: 1 OPTIONS\r\n"
                         "Max-Forwards: 70\r\n"
                         "Accept: application/sdp\r\n"
                         "Content-Length: 0\r\n\r\n",
                         uri.c_str(), from.c_str(), static_cast<unsigned long long>(rand_u64()),
                         static_cast<unsigned long long>(rand_u64()));
  if (err) {
    p.req = nullptr;
    return probe_failed(p, std::string("transport error: ") + std::strerror(err));
  }
  tmr_start(&p.deadline, static_cast<std::uint64_t>(p.trunk->options_timeout_s) * 1000,
            on_probe_deadline, &p);
}

void sip_stack::impl::probe_answered(peer_health& p, int err, const sip_msg* msg) {
  tmr_cancel(&p.deadline);
  if (err || !msg)
    return probe_failed(p, err == ETIMEDOUT ? std::string("timeout")
                                            : std::string("transport error: ") +
                                                  std::strerror(err ? err : EPROTO));
  if (msg->scode >= 500 && msg->scode < 600)
    return probe_failed(p, std::to_string(msg->scode) + " " + text_of(msg->reason));
  // Any other answer (200, and the 404/405 many carriers give) proves it is there.
  p.failures = 0;
  if (!p.down) return;
  p.down = false;
  info("trunk " + p.trunk->group + ": peer " + p.peer + " answers again (" +
       std::to_string(msg->scode) + "): up");
  deliver(tp::trunk_peer_up{p.trunk->group, p.peer});
}

void sip_stack::impl::probe_failed(peer_health& p, const std::string& why) {
  ++p.failures;
  if (p.down || p.failures < p.trunk->options_failures) return;
  p.down = true;
  warn("ALARM trunk " + p.trunk->group + ": peer " + p.peer + " is down (" + why + ", " +
       std::to_string(p.failures) + " OPTIONS in a row unanswered): new outbound calls skip it");
  deliver(tp::trunk_peer_down{p.trunk->group, p.peer, why});
}

// -- registrar ---------------------------------------------------------------------------

void sip_stack::impl::reply_400(const sip_msg* msg, const std::string& why) {
  warn("REGISTER from " + address_of(msg->src) + " answered 400 Bad Request: " + why);
  own_400 = true;
  sip_treply(nullptr, sip, msg, 400, "Bad Request");
  own_400 = false;
}

void sip_stack::impl::challenge(const sip_msg* msg, bool stale) {
  const auto value = digest_challenge(def.realm, nonces->make(unix_now_s()), stale);
  sip_treplyf(nullptr, nullptr, sip, msg, false, 401, "Unauthorized",
              "WWW-Authenticate: %s\r\nContent-Length: 0\r\n\r\n", value.c_str());
}

// Bindings from before a restart: each runs for what is left of its
// lifetime (by the wall clock the events were stamped with).
void sip_stack::impl::restore_bindings(
    const std::vector<events::telephony::phone_binding>& restored) {
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (const auto& r : restored) {
    const auto left_ms = (r.expires_at_ns() - now_ns) / 1'000'000;
    if (left_ms <= 0 || r.user.empty() || bindings.count(r.user)) continue;
    auto b = std::make_unique<binding>();
    b->stack = this;
    b->user = r.user;
    b->agent = r.agent_id;
    b->contact = r.contact;
    b->source = r.source;
    tmr_init(&b->expiry);
    auto& kept = *bindings.emplace(r.user, std::move(b)).first->second;
    tmr_start(&kept.expiry, static_cast<std::uint64_t>(left_ms), on_binding_expired, &kept);
    info("phone of agent " + kept.agent + " (" + kept.user + ") at " + kept.contact +
         " restored for " + std::to_string((left_ms + 999) / 1000) + " s");
  }
}

void sip_stack::impl::drop_binding(const std::string& user, const std::string& reason) {
  auto it = bindings.find(user);
  if (it == bindings.end()) return;
  auto b = std::move(it->second);
  bindings.erase(it);
  tmr_cancel(&b->expiry);
  info("phone of agent " + b->agent + " (" + user + ") at " + b->contact + " " + reason);
  deliver(tp::unregistered{b->agent, b->user, b->contact, reason});
}

// RFC 3261 §10.3 with digest (RFC 2617, qop=auth): a REGISTER without
// credentials is challenged 401; malformed credentials 400; a user the node
// does not know 404; a wrong password, an account that is disabled, has no
// SIP password or acts as no agent 403; an expired nonce 401 stale=true.
// One binding per user: the first Contact counts, a new one replaces it.
void sip_stack::impl::on_register(const sip_msg* msg) {
  const auto from = address_of(msg->src);
  const auto to_user = text_of(msg->to.uri.user);
  if (to_user.empty()) return reply_400(msg, "the To URI has no user");
  if (!pl_isset(&msg->callid) || !pl_isset(&msg->via.branch))
    return reply_400(msg, "no Call-ID or Via branch");
  const sip_hdr* auth = sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION);
  if (!auth) return challenge(msg, false);
  auto creds = parse_digest_authorization(std::string_view(auth->val.p, auth->val.l));
  if (!creds) return reply_400(msg, creds.error().detail());
  if (creds->username != to_user) {
    warn("REGISTER from " + from + " refused 403: digest user '" + creds->username +
         "' registers another user's address ('" + to_user + "')");
    sip_treply(nullptr, sip, msg, 403, "Forbidden");
    return;
  }
  std::optional<tp::sip_user> account;
  if (users) account = users(creds->username);
  if (!account) {
    warn("REGISTER from " + from + " refused 404: no user '" + creds->username + "'");
    sip_treply(nullptr, sip, msg, 404, "Not Found");
    return;
  }
  auto refuse = [&](const std::string& why) {
    warn("REGISTER of " + creds->username + " from " + from + " refused 403: " + why);
    sip_treply(nullptr, sip, msg, 403, "Forbidden");
  };
  if (account->disabled) return refuse("the account is disabled");
  if (account->ha1.empty())
    return refuse("the account has no SIP password (hotline users sip-password)");
  if (account->realm != def.realm)
    return refuse("its SIP password was set for realm '" + account->realm + "', this node's is '" +
                  def.realm + "': set it again");
  switch (verify_digest(*creds, "REGISTER", account->ha1, def.realm, *nonces, unix_now_s())) {
  case digest_verdict::ok:
    break;
  case digest_verdict::stale_nonce:
    return challenge(msg, true);
  case digest_verdict::unknown_nonce:
  case digest_verdict::wrong_realm:
    return challenge(msg, false);
  case digest_verdict::wrong_response:
    return refuse("wrong password");
  }
  if (account->agent_id.empty()) return refuse("the account acts as no agent");

  // The binding asked for.
  const sip_hdr* contact = sip_msg_hdr(msg, SIP_HDR_CONTACT);
  const std::int64_t header_expires = seconds_of(msg->expires);
  if (pl_isset(&msg->expires) && header_expires < 0)
    return reply_400(msg, "Expires is not a whole number of seconds");
  auto it = bindings.find(creds->username);
  if (!contact) { // a query: the current binding
    if (it == bindings.end()) {
      sip_treply(nullptr, sip, msg, 200, "OK");
    } else {
      const auto left = static_cast<int>(tmr_get_expire(&it->second->expiry) / 1000);
      sip_treplyf(nullptr, nullptr, sip, msg, false, 200, "OK",
                  "Contact: <%s>;expires=%d\r\nContent-Length: 0\r\n\r\n",
                  it->second->contact.c_str(), left);
    }
    return;
  }
  const std::string value(contact->val.p, contact->val.l);
  if (value == "*") {
    if (header_expires != 0) return reply_400(msg, "Contact: * needs Expires: 0");
    drop_binding(creds->username, "unregistered");
    sip_treply(nullptr, sip, msg, 200, "OK");
    return;
  }
  sip_addr addr{};
  if (sip_addr_decode(&addr, &contact->val) != 0 || !pl_isset(&addr.auri))
    return reply_400(msg, "Contact '" + value + "' is no SIP address");
  const std::string uri = text_of(addr.auri);
  if (uri.compare(0, 4, "sip:") != 0) return reply_400(msg, "Contact '" + uri + "' is no sip: URI");
  std::int64_t expires = header_expires >= 0 ? header_expires : def.register_max_expires_s;
  pl param{};
  if (msg_param_decode(&addr.params, "expires", &param) == 0) {
    expires = seconds_of(param);
    if (expires < 0)
      return reply_400(msg, "the Contact's expires is not a whole number of seconds");
  }
  if (expires == 0) {
    if (it != bindings.end() && it->second->contact == uri)
      drop_binding(creds->username, "unregistered");
    sip_treply(nullptr, sip, msg, 200, "OK");
    return;
  }
  if (expires < def.register_min_expires_s) {
    sip_treplyf(nullptr, nullptr, sip, msg, false, 423, "Interval Too Brief",
                "Min-Expires: %d\r\nContent-Length: 0\r\n\r\n", def.register_min_expires_s);
    return;
  }
  expires = std::min<std::int64_t>(expires, def.register_max_expires_s);
  const bool refresh =
      it != bindings.end() && it->second->contact == uri && it->second->agent == account->agent_id;
  if (it == bindings.end()) {
    auto b = std::make_unique<binding>();
    b->stack = this;
    b->user = creds->username;
    tmr_init(&b->expiry);
    it = bindings.emplace(creds->username, std::move(b)).first;
  }
  auto& b = *it->second;
  b.agent = account->agent_id;
  b.contact = uri;
  b.source = from;
  tmr_start(&b.expiry, static_cast<std::uint64_t>(expires) * 1000, on_binding_expired, &b);
  sip_treplyf(nullptr, nullptr, sip, msg, false, 200, "OK",
              "Contact: <%s>;expires=%d\r\nContent-Length: 0\r\n\r\n", uri.c_str(),
              static_cast<int>(expires));
  if (!refresh)
    info("phone of agent " + b.agent + " (" + b.user + ") registered at " + uri + " from " + from +
         " for " + std::to_string(expires) + " s");
  deliver(tp::registered{b.agent, b.user, uri, from, static_cast<std::int32_t>(expires), refresh});
}

// -- commands ----------------------------------------------------------------------------

void sip_stack::impl::run(command& c) {
  if (c.kind == command_kind::stop) {
    stopping = true;
    for (auto& p : peers)
      tmr_cancel(&p->every);
    hang_up_all();
    tmr_start(&stop_timer, 200, on_stop_timer, this); // let BYEs and CANCELs leave
    return;
  }
  switch (c.kind) {
  case command_kind::ring:
    return do_ring(c.leg, c.ring);
  case command_kind::record_start:
    return do_record_start(c.record);
  case command_kind::record_pause:
  case command_kind::record_resume:
    return do_record_pause(c.record.recording, c.kind == command_kind::record_pause);
  case command_kind::record_stop:
    if (auto it = recordings.find(c.record.recording); it != recordings.end())
      end_recording(*it->second, "call_ended");
    return;
  case command_kind::record_done:
    return record_done(c.record_result);
  case command_kind::mix:
    return do_mix(c.mix);
  case command_kind::record_message:
    return do_record_message(c.message);
  case command_kind::stop_message:
    for (auto& [id, l] : legs)
      if (l->message && l->message_name == c.message.message) finish_message(*l, "stopped");
    return;
  default:
    break;
  }
  leg* l = find(c.leg);
  if (!l) return; // ended already: the port ignores it
  [&] {
    switch (c.kind) {
    case command_kind::answer:
      return do_answer(*l);
    case command_kind::reject:
      return do_reject(*l, c.reject, c.retry_after_s);
    case command_kind::bridge:
      if (leg* b = find(c.other)) do_bridge(*l, *b);
      return;
    case command_kind::play:
      return do_play(*l, c.media);
    case command_kind::announce:
      return do_announce(*l, c.prompts);
    case command_kind::play_prompt:
      return do_play_prompt(*l, c);
    case command_kind::hang_up:
      return do_hang_up(*l);
    case command_kind::transfer_result:
      return do_transfer_result(*l, c.outcome);
    default:
      return;
    }
  }();
  // A bridge the command left as it was (an announcement to a leg that is
  // talking, say) relays off the loop again.
  if (auto it = legs.find(c.leg); it != legs.end() && !it->second->closing && it->second->peer)
    offload(*it->second, *it->second->peer);
}

void sip_stack::impl::do_answer(leg& l) {
  if (!l.inbound || l.answered || !l.sess) return;
  mbuf* desc = encode_sdp(l, false);
  int err = sipsess_answer(l.sess, 200, "OK", desc, nullptr);
  mem_deref(desc);
  if (err) {
    warn("leg " + l.id + ": cannot answer (" + std::strerror(err) + ")");
    return;
  }
  l.answered = true;
}

void sip_stack::impl::do_reject(leg& l, tp::reject_cause cause, std::int32_t retry_after_s) {
  if (!l.inbound || l.answered || !l.sess) return;
  int err = 0;
  switch (cause) {
  case tp::reject_cause::busy:
    err = sipsess_reject(l.sess, 486, "Busy Here", nullptr);
    break;
  case tp::reject_cause::not_found:
    err = sipsess_reject(l.sess, 404, "Not Found", nullptr);
    break;
  case tp::reject_cause::unsupported_media:
    err = sipsess_reject(l.sess, 488, "Not Acceptable Here", nullptr);
    break;
  case tp::reject_cause::forbidden:
    err = sipsess_reject(l.sess, 403, "Forbidden", nullptr);
    break;
  case tp::reject_cause::declined:
    err = sipsess_reject(l.sess, 603, "Decline", nullptr);
    break;
  case tp::reject_cause::no_answer:
    err = sipsess_reject(l.sess, 480, "Temporarily Unavailable", nullptr);
    break;
  case tp::reject_cause::unavailable:
    if (retry_after_s > 0)
      err = sipsess_reject(l.sess, 503, "Service Unavailable",
                           "Retry-After: %d\r\nContent-Length: 0\r\n\r\n", retry_after_s);
    else
      err = sipsess_reject(l.sess, 503, "Service Unavailable", nullptr);
    break;
  }
  if (err) warn("leg " + l.id + ": cannot reject (" + std::strerror(err) + ")");
  l.closing = true;
  destroy(l);
}

void sip_stack::impl::do_ring(const tp::leg_id& id, const tp::ring_request& r) {
  auto* l = make_leg(id, false);
  l->far_end = !r.trunk.empty();
  auto fail = [&](const std::string& why) {
    warn("ring " + id + " " + r.contact + " for call " + r.call_id + ": " + why);
    l->closing = true;
    deliver(tp::failed{id, tp::failure_cause::unreachable, 0});
    destroy(*l);
  };
  if (!open_media(*l)) return fail("no media");
  mbuf* desc = encode_sdp(*l, true);
  if (!desc) return fail("cannot build the SDP offer");
  const std::string user = r.caller.empty() ? "hotline" : r.caller;
  const std::string from_uri = "sip:" + user + "@" + address_of(local);
  int err = sipsess_connect(&l->sess, sock, r.contact.c_str(), user.c_str(), from_uri.c_str(),
                            "hotline", nullptr, 0, "application/sdp", desc, nullptr, nullptr, false,
                            on_offer, on_answer, on_progress, on_established, on_info, on_refer,
                            on_close, l, "X-Hotline-Call: %s\r\n", r.call_id.c_str());
  mem_deref(desc);
  if (err) return fail(std::string("cannot send the INVITE (") + std::strerror(err) + ")");
}

void sip_stack::impl::do_bridge(leg& a, leg& b) {
  if (&a == &b) return;
  for (leg* x : {&a, &b}) {
    if (x->mixed) leave_mix(*x);
    stop_music(*x);
    if (x->peer && x->peer != &a && x->peer != &b) x->peer->peer = nullptr;
    x->ts_synced = false;
  }
  a.peer = &b;
  b.peer = &a;
  offload(a, b);
}

// An inbound leg not answered yet hears what is played as early media (183).
bool sip_stack::impl::open_early_media(leg& l) {
  if (!l.inbound || l.answered || l.early || !l.sess) return true;
  mbuf* desc = encode_sdp(l, false);
  int err = sipsess_progress(l.sess, 183, "Session Progress", desc, nullptr);
  mem_deref(desc);
  if (err) {
    warn("leg " + l.id + ": cannot open early media (" + std::strerror(err) + ")");
    return false;
  }
  l.early = true;
  return true;
}

void sip_stack::impl::do_play(leg& l, tp::media_kind what) {
  if (what == tp::media_kind::silence) return stop_music(l);
  if (open_early_media(l)) start_music(l);
}

// Prompts by name over whatever the waiting leg hears (a bridged leg is
// talking: not interrupted); names without a recording are skipped.
void sip_stack::impl::do_announce(leg& l, const std::vector<std::string>& prompts) {
  if (l.peer || l.mixed || l.closing) return;
  std::vector<const std::vector<std::int16_t>*> clips;
  for (const auto& name : prompts)
    if (auto it = def.announcement_pcm.find(name);
        it != def.announcement_pcm.end() && !it->second.empty())
      clips.push_back(&it->second);
  if (clips.empty() || !open_early_media(l)) return;
  const bool ticking = l.music || l.announcing;
  l.prompting = false; // an IVR prompt it replaces is cut short
  l.prompt_clip.reset();
  l.announcement = std::move(clips);
  l.announce_clip = 0;
  l.announce_at = 0;
  l.announcing = true;
  if (!ticking) {
    l.ts_synced = false;
    tmr_start(&l.music_timer, 0, on_music_tick, &l);
  }
}

// An IVR prompt replaces what the leg hears; afterwards it hears silence.
void sip_stack::impl::do_play_prompt(leg& l, command& c) {
  if (!c.clip || c.clip->empty()) {
    if (!c.clip) warn("leg " + l.id + ": prompt not played: " + c.error);
    deliver(tp::prompt_played{l.id, c.tag, c.clip ? std::string{} : c.error});
    return;
  }
  if (!open_early_media(l)) {
    deliver(tp::prompt_played{l.id, c.tag, "cannot open early media"});
    return;
  }
  if (l.mixed) leave_mix(l);
  if (l.peer) {
    l.peer->peer = nullptr;
    l.peer = nullptr;
  }
  const bool ticking = l.music || l.announcing;
  l.music = false;
  l.prompt_clip = std::move(c.clip);
  l.prompt_tag = c.tag;
  l.prompting = true;
  l.announcement = {l.prompt_clip.get()};
  l.announce_clip = 0;
  l.announce_at = 0;
  l.announcing = true;
  if (!ticking) {
    l.ts_synced = false;
    tmr_start(&l.music_timer, 0, on_music_tick, &l);
  }
}

void sip_stack::impl::do_record_message(const tp::message_request& r) {
  leg* l = find(r.leg);
  if (!l) {
    deliver(tp::message_recorded{r.message, r.path, "leg_ended", 0, 0, {}, "the leg is gone"});
    return;
  }
  finish_message(*l, "replaced");
  voicemail_options o;
  o.max_ms = r.max_ms;
  l->message = std::make_unique<voicemail_recorder>(r.path, o);
  l->message_name = r.message;
}

void sip_stack::impl::finish_message(leg& l, const std::string& reason) {
  if (!l.message) return;
  auto done = l.message->finish();
  l.message.reset();
  if (!done.error.empty()) warn("message " + l.message_name + ": " + done.error);
  deliver(tp::message_recorded{l.message_name, done.path,
                               done.reached_max ? std::string{"max_length"} : reason,
                               done.duration_ms, done.bytes, done.sha256, done.error});
}

std::shared_ptr<const std::vector<std::int16_t>>
sip_stack::impl::read_prompt(const std::string& path, std::string& why) {
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path, ec);
  if (ec) {
    why = path + ": " + ec.message();
    return nullptr;
  }
  {
    std::lock_guard lock{prompt_m};
    if (auto it = prompt_cache.find(path); it != prompt_cache.end() && it->second.first == mtime)
      return it->second.second;
  }
  auto pcm = config::read_wav_8k_mono(path, why);
  if (!pcm) {
    why = path + ": " + why;
    return nullptr;
  }
  auto clip = std::make_shared<const std::vector<std::int16_t>>(std::move(*pcm));
  std::lock_guard lock{prompt_m};
  if (prompt_cache.size() >= 1'024) prompt_cache.clear(); // dynamic texts: bounded, simply
  prompt_cache[path] = {mtime, clip};
  return clip;
}

void sip_stack::impl::do_hang_up(leg& l) {
  // A phone that asked for a transfer hears its outcome before the BYE of
  // either dialog the transfer named (refer_notifier.hpp).
  leg* told = l.refer ? &l : nullptr;
  if (!told && !l.bye_after_notify_of.empty())
    if (auto it = legs.find(l.bye_after_notify_of); it != legs.end() && it->second->refer)
      told = it->second.get();
  if (told && !stopping && told->refer->has_final() && !told->refer->settled()) {
    told->refer->after_final([this, id = l.id] {
      if (auto it = legs.find(id); it != legs.end())
        tmr_start(&it->second->bye_timer, 0, on_deferred_bye, it->second.get());
    });
    return;
  }
  settle(l);
  l.closing = true;
  if (l.inbound && !l.answered && l.sess)
    sipsess_reject(l.sess, 480, "Temporarily Unavailable", nullptr);
  destroy(l);
}

void sip_stack::impl::start_music(leg& l) {
  if (l.mixed) leave_mix(l);
  if (l.peer) { // music (or, with none configured, silence) replaces the other party
    l.peer->peer = nullptr;
    l.peer = nullptr;
  }
  if (def.music_on_hold_pcm.empty() || l.music) return;
  l.music = true;
  if (l.announcing) return; // its timer goes on into the music
  l.ts_synced = false;
  tmr_start(&l.music_timer, 0, on_music_tick, &l);
}

void sip_stack::impl::stop_music(leg& l) {
  l.music = false;
  l.announcing = false;
  l.announcement.clear();
  l.prompting = false; // an IVR prompt cut short: no prompt_played
  l.prompt_clip.reset();
  tmr_cancel(&l.music_timer);
}

// -- mixes -------------------------------------------------------------------------------

void sip_stack::impl::do_mix(const tp::mix_request& m) {
  auto it = mixes.find(m.mix);
  if (it != mixes.end()) {
    for (auto& x : it->second->members)
      x.l->mixed = nullptr;
    it->second->members.clear();
  }
  std::vector<std::pair<leg*, const tp::mix_party*>> joining;
  for (const auto& p : m.parties)
    if (leg* l = find(p.leg)) joining.emplace_back(l, &p);
  if (joining.empty()) {
    if (it != mixes.end()) end_mix(*it->second);
    return;
  }
  if (it == mixes.end()) {
    auto mx = std::make_unique<mixer>();
    mx->stack = this;
    mx->name = m.mix;
    tmr_init(&mx->tick);
    it = mixes.emplace(m.mix, std::move(mx)).first;
  }
  auto& mx = *it->second;
  for (auto& [l, p] : joining) {
    if (l->mixed) leave_mix(*l); // another mix's
    stop_music(*l);
    if (l->peer) {
      l->peer->peer = nullptr;
      l->peer = nullptr;
    }
    l->mixed = &mx;
    l->inbox.clear();
    l->primed = false;
    mx.members.push_back({l, {}});
  }
  // Whom each hears: members only (a leg outside the mix has no audio here).
  for (auto& [l, p] : joining) {
    auto& me = *std::find_if(mx.members.begin(), mx.members.end(),
                             [l = l](const mixer::member& x) { return x.l == l; });
    for (const auto& h : p->hears)
      if (leg* o = find(h); o && o != l && o->mixed == &mx) me.hears.push_back(o);
  }
  if (!tmr_isrunning(&mx.tick)) {
    mx.started_ms = tmr_jiffies();
    mx.ticks = 0;
    tmr_start(&mx.tick, 20, on_mix_tick, &mx);
  }
  std::string parties;
  for (const auto& x : mx.members)
    parties += (parties.empty() ? "" : ", ") + x.l->id + " hears " + std::to_string(x.hears.size());
  info("mix " + m.mix + ": " + parties);
}

void sip_stack::impl::leave_mix(leg& l) {
  mixer* m = l.mixed;
  l.mixed = nullptr;
  l.inbox.clear();
  if (!m) return;
  auto& ms = m->members;
  ms.erase(std::remove_if(ms.begin(), ms.end(), [&](const mixer::member& x) { return x.l == &l; }),
           ms.end());
  for (auto& x : ms)
    x.hears.erase(std::remove(x.hears.begin(), x.hears.end(), &l), x.hears.end());
  if (ms.empty()) end_mix(*m);
}

void sip_stack::impl::end_mix(mixer& m) {
  tmr_cancel(&m.tick);
  for (auto& x : m.members)
    x.l->mixed = nullptr;
  const auto name = m.name;
  mixes.erase(name); // frees m
}

// Every 20 ms: one frame from each member (silence when its audio is late),
// then to each member the sum of those it hears, saturated to 16 bits and
// encoded for its own codec.
void sip_stack::impl::mix_tick(mixer& m) {
  ++m.ticks;
  const std::uint64_t now = tmr_jiffies();
  std::uint64_t due = m.started_ms + (m.ticks + 1) * 20;
  if (due + 100 < now + 20) { // fell far behind (a stalled loop): start the schedule again
    m.started_ms = now - m.ticks * 20;
    due = now + 20;
  }
  tmr_start(&m.tick, due > now ? due - now : 0, on_mix_tick, &m);
  const std::size_t n = m.members.size();
  std::vector<std::array<std::int16_t, samples_per_packet>> frames(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& in = m.members[i].l->inbox;
    auto& f = frames[i];
    f.fill(0);
    if (!m.members[i].l->primed) continue;
    const std::size_t k = std::min(samples_per_packet, in.size());
    std::copy_n(in.begin(), k, f.begin());
    in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(k));
    if (k < samples_per_packet) m.members[i].l->primed = false; // ran dry: wait for slack again
  }
  for (std::size_t i = 0; i < n; ++i) {
    leg& to = *m.members[i].l;
    if (to.closing || !to.have_remote || !to.rtp) continue;
    std::array<std::int32_t, samples_per_packet> sum{};
    for (leg* h : m.members[i].hears) {
      std::size_t j = 0;
      while (j < n && m.members[j].l != h)
        ++j;
      if (j == n) continue;
      for (std::size_t t = 0; t < samples_per_packet; ++t)
        sum[t] += frames[j][t];
    }
    mbuf* mb = mbuf_alloc(RTP_HEADER_SIZE + samples_per_packet);
    if (!mb) return;
    mb->pos = RTP_HEADER_SIZE;
    mb->end = RTP_HEADER_SIZE;
    for (std::size_t t = 0; t < samples_per_packet; ++t) {
      const auto v = static_cast<std::int16_t>(std::clamp<std::int32_t>(sum[t], -32768, 32767));
      mbuf_write_u8(mb, to.pt == pt_pcmu ? g711_pcm2ulaw(v) : g711_pcm2alaw(v));
    }
    mb->pos = RTP_HEADER_SIZE;
    rtp_send(to.rtp, &to.remote, false, to.first_packet, to.pt, to.next_ts, mb);
    to.first_packet = false;
    to.next_ts += samples_per_packet;
    to.ts_synced = false; // a bridge afterwards re-anchors its timestamps
    mem_deref(mb);
  }
}

// -- transfers asked by a leg (REFER) ----------------------------------------------------

void sip_stack::impl::do_transfer_result(leg& l, tp::transfer_outcome outcome) {
  if (!l.refer || l.refer->has_final()) return;
  l.refer->final(outcome == tp::transfer_outcome::done        ? "SIP/2.0 200 OK"
                 : outcome == tp::transfer_outcome::not_found ? "SIP/2.0 404 Not Found"
                                                              : "SIP/2.0 603 Declined");
  info("leg " + l.id + ": its transfer " + std::string{tp::to_string(outcome)});
}

// -- recordings --------------------------------------------------------------------------

void sip_stack::impl::do_record_start(const tp::recording_request& r) {
  if (!writer || recordings.count(r.recording)) return;
  auto rec = std::make_unique<recording_session>();
  rec->name = r.recording;
  rec->id = ++next_recording;
  rec->path = r.path;
  rec->start_ms = tmr_jiffies();
  rec->left = find(r.caller);
  rec->right = find(r.agent);
  writer->open(rec->id, rec->path);
  auto* raw = rec.get();
  recordings[r.recording] = std::move(rec);
  if (!raw->left || !raw->right) {
    warn("recording " + r.recording + ": leg " + (raw->left ? r.agent : r.caller) +
         " is gone already: the file stays empty");
    return end_recording(*raw, "leg_ended");
  }
  for (leg* l : {raw->left, raw->right}) {
    if (l->rec) end_recording(*l->rec, "leg_ended"); // one recording per leg
    l->rec = raw;
    l->rec_channel = l == raw->left ? 0 : 1;
    l->rec_anchored = false;
  }
  info("recording " + r.recording + " (" + r.caller + " left, " + r.agent + " right) into " +
       r.path);
}

void sip_stack::impl::do_record_pause(const std::string& name, bool pause) {
  auto it = recordings.find(name);
  if (it == recordings.end()) return;
  const auto at = static_cast<std::int64_t>(tmr_jiffies() - it->second->start_ms) *
                  (recording_writer::sample_rate / 1000);
  if (pause)
    writer->pause(it->second->id, at);
  else
    writer->resume(it->second->id, at);
}

void sip_stack::impl::end_recording(recording_session& r, const std::string& reason) {
  for (leg* l : {r.left, r.right})
    if (l && l->rec == &r) l->rec = nullptr;
  closing_recordings[r.id] = {r.name, reason};
  writer->close(r.id);
  const auto name = r.name;
  recordings.erase(name); // frees r
}

void sip_stack::impl::record_done(recording_result& r) {
  auto it = closing_recordings.find(r.id);
  if (it == closing_recordings.end()) return;
  tp::recording_done e;
  e.recording = it->second.first;
  e.reason = it->second.second;
  closing_recordings.erase(it);
  e.path = r.path;
  e.duration_ms = r.duration_ms;
  e.bytes = r.bytes;
  e.sha256 = r.sha256;
  e.dropped_frames = r.dropped_frames;
  e.error = r.error;
  if (!e.error.empty()) warn("recording " + e.recording + ": " + e.error);
  deliver(std::move(e));
}

// A leg's audio into its recording, decoded from G.711, placed on the
// timeline by its RTP timestamp, anchored to the arrival of its first
// packet (and again after a jump of more than a second: a new source, a
// clock that drifted).
void sip_stack::impl::capture(leg& l, const rtp_header* hdr, mbuf* mb) {
  auto& r = *l.rec;
  constexpr std::int64_t per_ms = recording_writer::sample_rate / 1000;
  const auto arrival = static_cast<std::int64_t>(tmr_jiffies() - r.start_ms) * per_ms;
  std::int64_t at = arrival;
  if (l.rec_anchored) {
    at = l.rec_anchor_at + static_cast<std::int32_t>(hdr->ts - l.rec_anchor_ts);
    if (at < 0 || at - arrival > recording_writer::sample_rate ||
        arrival - at > recording_writer::sample_rate) {
      at = arrival;
      l.rec_anchored = false;
    }
  }
  if (!l.rec_anchored) {
    l.rec_anchored = true;
    l.rec_anchor_ts = hdr->ts;
    l.rec_anchor_at = at;
  }
  const std::uint8_t* p = mbuf_buf(mb);
  const std::size_t n = mbuf_get_left(mb);
  std::int16_t pcm[recording_writer::frame_samples];
  for (std::size_t done = 0; done < n; done += recording_writer::frame_samples) {
    const std::size_t k = std::min(recording_writer::frame_samples, n - done);
    for (std::size_t i = 0; i < k; ++i)
      pcm[i] = l.pt == pt_pcmu ? g711_ulaw2pcm(p[done + i]) : g711_alaw2pcm(p[done + i]);
    writer->write(r.id, l.rec_channel, at + static_cast<std::int64_t>(done), pcm, k);
  }
}

// -- the thread --------------------------------------------------------------------------

namespace {

void raise_open_files() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

/// libre's poll set: as many descriptors as the process may open, at most 65,536.
int fd_budget() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return 1024;
  return static_cast<int>(std::min<rlim_t>(r.rlim_cur, 65'536));
}

} // namespace

events::result<std::unique_ptr<sip_stack>>
sip_stack::start(const config::sip_definition& def, std::string site, ports::telephony_sink sink,
                 ports::sip_user_lookup users,
                 std::vector<events::telephony::phone_binding> restored) {
  if (def.inband_dtmf && !inband_dtmf_supported())
    return events::status{events::errc::invalid_argument,
                          "sip: [sip] inband_dtmf: " + inband_dtmf::available()};
  raise_open_files();
  auto p = std::make_unique<impl>();
  p->def = def;
  p->users = std::move(users);
  p->site = std::move(site);
  p->sink = std::move(sink);
  {
    recording_writer_options wo;
    wo.max_queued_frames = static_cast<std::size_t>(std::max(16, def.recording_queue_frames));
    auto* raw = p.get();
    // Finished files go back to the loop, which delivers their events.
    p->writer = std::make_unique<recording_writer>(wo, [raw](recording_result r) {
      if (!raw->take_results.load()) return;
      auto* c = new command(command_kind::record_done);
      c->record_result = std::move(r);
      raw->push(c);
    });
  }
  std::promise<std::string> started; // empty: listening
  auto ready = started.get_future();
  auto* s = p.get();
  p->thread = std::thread([s, &started, &restored] {
    auto fail = [&](const std::string& why) { started.set_value(why); };
    if (int err = libre_init()) return fail(std::string("libre_init: ") + std::strerror(err));
    fd_setsize(fd_budget());
    dbg_init(DBG_WARNING, DBG_NONE);
    dbg_handler_set(on_libre_log, s);
    std::string why;
    if (int err = sa_set_str(&s->local, s->def.listen.host.c_str(), s->def.listen.port))
      why = "listen address " + s->def.listen.text() + ": " + std::strerror(err);
    else if (int err = mqueue_alloc(&s->mq, on_command, s))
      why = std::string("mqueue: ") + std::strerror(err);
    else if (int err = sip_alloc(&s->sip, nullptr, 32, 32, 32, "hotline", nullptr, s))
      why = std::string("sip_alloc: ") + std::strerror(err);
    else if (int err = sip_transp_add(s->sip, SIP_TRANSP_UDP, &s->local))
      why = "cannot listen on UDP " + s->def.listen.text() + ": " + std::strerror(err);
    else if (int err = sipsess_listen(&s->sock, s->sip, 32, on_conn, s))
      why = std::string("sipsess_listen: ") + std::strerror(err);
    else if (int err = sip_listen(&s->requests, s->sip, true, on_request, s))
      why = std::string("sip_listen: ") + std::strerror(err);
    else if (int err = sipevent_listen(&s->events, s->sip, 32, 32, nullptr, nullptr))
      why = std::string("sipevent_listen: ") + std::strerror(err);
    else {
      sip_set_trace_handler(s->sip, on_trace);
      // The nonces' secret: made here, never stored (a restart invalidates
      // the nonces out there: phones are challenged again).
      char secret[64];
      std::snprintf(secret, sizeof secret, "%016llx%016llx",
                    static_cast<unsigned long long>(rand_u64()),
                    static_cast<unsigned long long>(rand_u64()));
      s->nonces = std::make_unique<nonce_signer>(secret, s->def.nonce_ttl_s);
    }
    if (!why.empty()) {
      mem_deref(s->events);
      mem_deref(s->requests);
      mem_deref(s->sock);
      if (s->sip) sip_close(s->sip, true);
      mem_deref(s->sip);
      s->mq = static_cast<mqueue*>(mem_deref(s->mq));
      dbg_handler_set(nullptr, nullptr);
      libre_close();
      return fail(why);
    }
    tmr_init(&s->stop_timer);
    if (const int n = s->def.media_threads < 0
                          ? std::max(1, static_cast<int>(std::thread::hardware_concurrency()))
                          : s->def.media_threads;
        n > 0) {
      std::string media_why;
      s->relays = media_threads::start(n, fd_budget(), media_why);
      if (!s->relays) s->warn(media_why + ": bridged calls' RTP stays on the SIP thread");
    }
    s->restore_bindings(restored);
    s->start_keepalives();
    started.set_value({});
    re_main(nullptr);
    // Stopped: every leg was hung up (command_kind::stop).
    while (!s->legs.empty())
      s->destroy(*s->legs.begin()->second);
    s->relays.reset(); // every socket is back: the legs are gone
    // Files still being finished are finished, unreported: the writer goes
    // before the mqueue its results would be pushed to.
    s->take_results.store(false);
    s->writer.reset();
    tmr_cancel(&s->stop_timer);
    for (auto& p : s->peers) {
      tmr_cancel(&p->every);
      tmr_cancel(&p->deadline);
      p->req = static_cast<struct sip_request*>(mem_deref(p->req));
    }
    for (auto& [user, b] : s->bindings)
      tmr_cancel(&b->expiry);
    s->bindings.clear();
    s->requests = static_cast<sip_lsnr*>(mem_deref(s->requests));
    s->events = static_cast<sipevent_sock*>(mem_deref(s->events));
    sipsess_close_all(s->sock);
    s->sock = static_cast<sipsess_sock*>(mem_deref(s->sock));
    sip_close(s->sip, true);
    s->sip = static_cast<struct ::sip*>(mem_deref(s->sip));
    s->mq = static_cast<mqueue*>(mem_deref(s->mq));
    dbg_handler_set(nullptr, nullptr);
    libre_close();
  });
  auto why = ready.get();
  if (!why.empty()) {
    p->thread.join();
    return events::status{events::errc::unavailable, "sip: " + why};
  }
  p->info("listening on UDP " + def.listen.text() + " (" + std::to_string(def.trunks.size()) +
          " trunks, " + std::to_string(def.phones.size()) + " phones, music on hold " +
          (def.music_on_hold_pcm.empty()
               ? std::string{"none"}
               : (def.music_on_hold.empty() ? std::string{"given"} : def.music_on_hold) + ", " +
                     std::to_string(def.music_on_hold_pcm.size() / 8) + " ms") +
          ", announcements " +
          (def.announcement_pcm.empty()
               ? std::string{"none"}
               : (def.announcements.empty() ? std::string{"given"} : def.announcements)) +
          ")");
  return std::unique_ptr<sip_stack>(new sip_stack(std::move(p)));
}

sip_stack::sip_stack(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

sip_stack::~sip_stack() {
  impl_->push(new command(command_kind::stop));
  if (impl_->thread.joinable()) impl_->thread.join();
}

bool sip_stack::inband_dtmf_supported() noexcept {
  return inband_dtmf::available().empty();
}

std::size_t sip_stack::legs() const noexcept {
  return impl_->leg_count.load(std::memory_order_relaxed);
}

std::size_t sip_stack::relayed_off_loop() const noexcept {
  return impl_->relayed_pairs.load(std::memory_order_relaxed);
}

void sip_stack::answer(const ports::leg_id& leg) {
  auto* c = new command(command_kind::answer);
  c->leg = leg;
  impl_->push(c);
}

void sip_stack::reject(const ports::leg_id& leg, ports::reject_cause cause,
                       std::int32_t retry_after_s) {
  auto* c = new command(command_kind::reject);
  c->leg = leg;
  c->reject = cause;
  c->retry_after_s = retry_after_s;
  impl_->push(c);
}

ports::leg_id sip_stack::ring(const ports::ring_request& r) {
  auto* c = new command(command_kind::ring);
  c->leg = "R" + std::to_string(++impl_->next_leg);
  c->ring = r;
  auto id = c->leg;
  impl_->push(c);
  return id;
}

void sip_stack::bridge(const ports::leg_id& a, const ports::leg_id& b) {
  auto* c = new command(command_kind::bridge);
  c->leg = a;
  c->other = b;
  impl_->push(c);
}

void sip_stack::announce(const ports::leg_id& leg, std::vector<std::string> prompts) {
  auto* c = new command(command_kind::announce);
  c->leg = leg;
  c->prompts = std::move(prompts);
  impl_->push(c);
}

void sip_stack::play_prompt(const ports::leg_id& leg, const std::string& wav_path,
                            std::uint64_t tag) {
  auto* c = new command(command_kind::play_prompt);
  c->leg = leg;
  c->tag = tag;
  c->clip = impl_->read_prompt(wav_path, c->error);
  impl_->push(c);
}

void sip_stack::record_message(const ports::message_request& r) {
  auto* c = new command(command_kind::record_message);
  c->message = r;
  impl_->push(c);
}

void sip_stack::stop_message(const std::string& message) {
  auto* c = new command(command_kind::stop_message);
  c->message.message = message;
  impl_->push(c);
}

void sip_stack::play(const ports::leg_id& leg, ports::media_kind what) {
  auto* c = new command(command_kind::play);
  c->leg = leg;
  c->media = what;
  impl_->push(c);
}

void sip_stack::mix(const ports::mix_request& m) {
  auto* c = new command(command_kind::mix);
  c->mix = m;
  impl_->push(c);
}

void sip_stack::transfer_result(const ports::leg_id& leg, ports::transfer_outcome outcome) {
  auto* c = new command(command_kind::transfer_result);
  c->leg = leg;
  c->outcome = outcome;
  impl_->push(c);
}

void sip_stack::start_recording(const ports::recording_request& r) {
  auto* c = new command(command_kind::record_start);
  c->record = r;
  impl_->push(c);
}

void sip_stack::pause_recording(const std::string& recording) {
  auto* c = new command(command_kind::record_pause);
  c->record.recording = recording;
  impl_->push(c);
}

void sip_stack::resume_recording(const std::string& recording) {
  auto* c = new command(command_kind::record_resume);
  c->record.recording = recording;
  impl_->push(c);
}

void sip_stack::stop_recording(const std::string& recording) {
  auto* c = new command(command_kind::record_stop);
  c->record.recording = recording;
  impl_->push(c);
}

void sip_stack::hang_up(const ports::leg_id& leg, ports::hangup_cause cause) {
  auto* c = new command(command_kind::hang_up);
  c->leg = leg;
  c->hangup = cause;
  impl_->push(c);
}

} // namespace hotline::drivers::sip
