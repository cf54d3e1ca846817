// The SIP adapter through its port (drivers/sip/sip_stack.hpp), against
// a caller and an agent's phone played by plain UDP sockets in the test:
// the SIP messages each side sees, the port's events, and the media —
// music on hold as early media, then RTP relayed between the bridged legs,
// transcoded from µ-law to A-law, with the outgoing leg's own SSRC and
// consecutive sequence numbers.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/wav.hpp"
#include "drivers/sip/digest.hpp"
#include "drivers/sip/recording_writer.hpp"
#include "drivers/sip/sip_stack.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sip_peer.hpp"
#include "tests/support/wav_audio.hpp"

using namespace hotline;
using namespace std::chrono_literals;
namespace tp = hotline::ports;

using namespace hotline::sip_test;

TEST_CASE("sip stack: music as early media, digits, a phone rung and answered, RTP bridged and "
          "transcoded, BYE both ways") {
  const int port = free_port();
  udp caller, caller_rtp, phone, phone_rtp;
  event_log events;
  std::unique_ptr<drivers::sip::sip_stack> stack;
  auto started = drivers::sip::sip_stack::start(definition(port), "t", events.sink());
  REQUIRE_MESSAGE(started, (started ? "" : started.error().message()));
  stack = std::move(*started);

  // -- the caller's INVITE: 100 and 180 at once, `incoming` to the node ----------------
  const std::string call_id = "call-1@test";
  const std::string via = "SIP/2.0/UDP 127.0.0.1:" + std::to_string(caller.port());
  const std::string from =
      "<sip:+8613800001111@127.0.0.1:" + std::to_string(caller.port()) + ">;tag=caller1";
  const std::string offer =
      sdp(caller_rtp.port(), "0 101") + "a=rtpmap:101 telephone-event/8000\r\n";
  caller.send(
      "INVITE sip:100@127.0.0.1:" + std::to_string(port) + " SIP/2.0\r\nVia: " + via +
          ";branch=z9hG4bKinv1\r\nFrom: " + from +
          "\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: " + call_id +
          "\r\nCSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:" + std::to_string(caller.port()) +
          ">\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: " +
          std::to_string(offer.size()) + "\r\n\r\n" + offer,
      port);
  REQUIRE(caller.expect("SIP/2.0 100"));
  REQUIRE(caller.expect("SIP/2.0 180"));
  const auto incoming = events.next();
  REQUIRE(incoming == "incoming L1 from +8613800001111 to 100 trunk pstn");

  // -- music on hold: 183 with SDP, then PCMU packets of the music -----------------------
  stack->play("L1", tp::media_kind::music_on_hold);
  auto progress = caller.expect("SIP/2.0 183");
  REQUIRE(progress);
  const int node_caller_rtp = media_port(*progress);
  auto music = caller_rtp.receive(2s);
  REQUIRE(music);
  auto mp = parse_rtp(*music);
  REQUIRE(mp);
  CHECK(mp->pt == 0);
  CHECK(mp->payload.size() == 160);
  CHECK(std::abs(config::ulaw_to_linear(static_cast<std::uint8_t>(mp->payload[0])) - 1000) < 64);

  // -- a digit by RFC 4733: reported once, at its end ---------------------------------------
  auto digit = [&](char event, bool end, std::uint16_t seq) {
    std::string payload{event, static_cast<char>(end ? 0x8a : 0x0a), 0x03, 0x20};
    caller_rtp.send(make_rtp(101, seq, 4000, 0xAAAA, payload), node_caller_rtp);
  };
  digit(5, false, 1);
  for (std::uint16_t i = 2; i <= 4; ++i)
    digit(5, true, i); // the end packet, three times
  CHECK(events.next() == "dtmf L1 5 rfc4733");
  CHECK(events.next(200ms) == "(none)");

  // -- the agent's phone: INVITE offering PCMU and PCMA, 180, 200 with PCMA, ACK --------
  const auto leg =
      stack->ring({"sip:a1@127.0.0.1:" + std::to_string(phone.port()), "+861", "c1", ""});
  auto invite = phone.expect("INVITE sip:a1@127.0.0.1");
  REQUIRE(invite);
  CHECK(invite->find("m=audio") != std::string::npos);
  CHECK(invite->find("RTP/AVP 0 8 101") != std::string::npos);
  CHECK(header(*invite, "X-Hotline-Call") == "c1");
  const int node_phone_rtp = media_port(*invite);
  auto reply = [&](const std::string& status, const std::string& body) {
    std::string r = "SIP/2.0 " + status + "\r\nVia: " + header(*invite, "Via") +
                    "\r\nFrom: " + header(*invite, "From") + "\r\nTo: " + header(*invite, "To") +
                    ";tag=phone1\r\nCall-ID: " + header(*invite, "Call-ID") +
                    "\r\nCSeq: " + header(*invite, "CSeq") +
                    "\r\nContact: <sip:a1@127.0.0.1:" + std::to_string(phone.port()) + ">\r\n";
    if (!body.empty()) r += "Content-Type: application/sdp\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    phone.send(r, port);
  };
  reply("180 Ringing", "");
  CHECK(events.next() == "ringing " + leg);
  reply("200 OK", sdp(phone_rtp.port(), "8"));
  REQUIRE(phone.expect("ACK "));
  CHECK(events.next() == "answered " + leg);

  // -- the caller is answered (200, ACK) and bridged to the phone --------------------------
  stack->answer("L1");
  auto ok = caller.expect("SIP/2.0 200");
  REQUIRE(ok);
  const std::string to_tagged = header(*ok, "To");
  const std::string node_contact = header(*ok, "Contact");
  REQUIRE(!node_contact.empty());
  const auto uri = node_contact.substr(node_contact.find('<') + 1,
                                       node_contact.find('>') - node_contact.find('<') - 1);
  caller.send("ACK " + uri + " SIP/2.0\r\nVia: " + via + ";branch=z9hG4bKack1\r\nFrom: " + from +
                  "\r\nTo: " + to_tagged + "\r\nCall-ID: " + call_id +
                  "\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
              port);
  // A digit by SIP INFO (application/dtmf-relay) in the caller's dialog.
  const std::string relay = "Signal=7\r\nDuration=160\r\n";
  caller.send("INFO " + uri + " SIP/2.0\r\nVia: " + via + ";branch=z9hG4bKinfo1\r\nFrom: " + from +
                  "\r\nTo: " + to_tagged + "\r\nCall-ID: " + call_id +
                  "\r\nCSeq: 2 INFO\r\nMax-Forwards: 70\r\nContent-Type: "
                  "application/dtmf-relay\r\nContent-Length: " +
                  std::to_string(relay.size()) + "\r\n\r\n" + relay,
              port);
  auto info_reply = caller.receive(2s);
  REQUIRE(info_reply);
  CHECK_MESSAGE(info_reply->rfind("SIP/2.0 200", 0) == 0, *info_reply);
  // ... and one without a digit is refused 400, with no event.
  caller.send("INFO " + uri + " SIP/2.0\r\nVia: " + via + ";branch=z9hG4bKinfo2\r\nFrom: " + from +
                  "\r\nTo: " + to_tagged + "\r\nCall-ID: " + call_id +
                  "\r\nCSeq: 3 INFO\r\nMax-Forwards: 70\r\nContent-Type: "
                  "application/dtmf-relay\r\nContent-Length: 9\r\n\r\nSignal=xy",
              port);
  auto refused = caller.receive(2s);
  REQUIRE(refused);
  CHECK_MESSAGE(refused->rfind("SIP/2.0 400", 0) == 0, *refused);
  CHECK(events.next() == "dtmf L1 7 sip_info");
  stack->bridge("L1", leg);
  std::this_thread::sleep_for(100ms);
  while (caller_rtp.receive(0ms)) {
  } // the music so far

  // -- the caller speaks PCMU; the phone hears PCMA, in one stream of its own ------------
  const std::string spoken(160, static_cast<char>(ulaw_of(2000)));
  for (int i = 0; i < 5; ++i)
    caller_rtp.send(
        make_rtp(0, static_cast<std::uint16_t>(100 + i), 8000u + 160u * i, 0xAAAA, spoken),
        node_caller_rtp);
  std::vector<rtp_packet> heard;
  while (heard.size() < 5) {
    auto d = phone_rtp.receive(2s);
    if (!d) break;
    if (auto p = parse_rtp(*d)) heard.push_back(*p);
  }
  REQUIRE(heard.size() == 5);
  for (std::size_t i = 0; i < heard.size(); ++i) {
    CHECK(heard[i].pt == 8);
    CHECK(heard[i].payload.size() == 160);
    CHECK(std::abs(config::alaw_to_linear(static_cast<std::uint8_t>(heard[i].payload[7])) - 2000) <
          128);
    CHECK(heard[i].ssrc == heard[0].ssrc);
    CHECK(heard[i].ssrc != 0xAAAA);
    CHECK(heard[i].seq == static_cast<std::uint16_t>(heard[0].seq + i));
    CHECK(heard[i].ts == heard[0].ts + 160u * static_cast<std::uint32_t>(i));
  }
  // ... and the phone's PCMA reaches the caller as PCMU.
  phone_rtp.send(
      make_rtp(8, 1, 0, 0xBBBB, std::string(160, static_cast<char>(heard[0].payload[7]))),
      node_phone_rtp);
  auto back = caller_rtp.receive(2s);
  REQUIRE(back);
  auto bp = parse_rtp(*back);
  REQUIRE(bp);
  CHECK(bp->pt == 0);
  CHECK(std::abs(config::ulaw_to_linear(static_cast<std::uint8_t>(bp->payload[0])) - 2000) < 128);

  // -- the phone hangs up (BYE): `ended` by the far end; the node hangs up the caller ------
  phone.send("BYE " + uri +
                 " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(phone.port()) +
                 ";branch=z9hG4bKbye1\r\nFrom: " + header(*invite, "To") + ";tag=phone1\r\nTo: " +
                 header(*invite, "From") + "\r\nCall-ID: " + header(*invite, "Call-ID") +
                 "\r\nCSeq: 2 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
             port);
  CHECK(phone.expect("SIP/2.0 200"));
  CHECK(events.next() == "ended " + leg + " by far_end");
  stack->hang_up("L1", tp::hangup_cause::normal);
  auto bye = caller.expect("BYE ");
  REQUIRE(bye);
  CHECK(header(*bye, "Call-ID") == call_id);
  caller.send("SIP/2.0 200 OK\r\nVia: " + header(*bye, "Via") +
                  "\r\nFrom: " + header(*bye, "From") + "\r\nTo: " + header(*bye, "To") +
                  "\r\nCall-ID: " + call_id + "\r\nCSeq: " + header(*bye, "CSeq") +
                  "\r\nContent-Length: 0\r\n\r\n",
              port);
  // Every leg is gone once both sides hung up (libre's sessions are reaped).
  for (int i = 0; i < 50 && stack->legs() > 0; ++i)
    std::this_thread::sleep_for(20ms);
  CHECK(stack->legs() == 0);
  // The port's promise: commands for legs that ended (or never were) are ignored.
  stack->answer("L1");
  stack->reject("L1", tp::reject_cause::busy);
  stack->bridge("L1", leg);
  stack->play("nope", tp::media_kind::music_on_hold);
  stack->hang_up(leg, tp::hangup_cause::normal);
  CHECK_FALSE(caller.receive(200ms));
  CHECK_FALSE(phone.receive(0ms));
  CHECK(stack->legs() == 0);
  stack.reset();
  CHECK(events.next(200ms) == "(none)"); // the node's own hang-up is no event
}

namespace {
/// A caller's INVITE of 100 offering PCMU with its RTP at `rtp`.
void invite_100(const udp& caller, const udp& rtp, int port, const std::string& call_id) {
  const auto offer = sdp(rtp.port(), "0");
  caller.send(
      "INVITE sip:100@127.0.0.1:" + std::to_string(port) +
          " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(caller.port()) +
          ";branch=z9hG4bK" + call_id + "\r\nFrom: <sip:+861@127.0.0.1>;tag=c" + call_id +
          "\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: " + call_id +
          "\r\nCSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:" + std::to_string(caller.port()) +
          ">\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: " +
          std::to_string(offer.size()) + "\r\n\r\n" + offer,
      port);
}
/// The level of a PCMU packet's first sample, rounded to the prompts' levels.
int level_of(const std::string& packet) {
  auto p = parse_rtp(packet);
  REQUIRE(p);
  REQUIRE(p->payload.size() == 160);
  const int v = config::ulaw_to_linear(static_cast<std::uint8_t>(p->payload[0]));
  for (int level : {-5000, 0, 1000, 5000})
    if (std::abs(v - level) < 300) return level;
  return v;
}
} // namespace

TEST_CASE("sip stack: an announcement is spoken over the music, which goes on where it was") {
  const int port = free_port();
  auto def = definition(port);                              // music at level 1000
  def.announcement_pcm["queue-thereare"].assign(320, 5000); // two packets
  def.announcement_pcm["digits/3"].assign(160, -5000);      // one
  event_log events;
  auto started = drivers::sip::sip_stack::start(def, "t", events.sink());
  REQUIRE(started);
  auto& stack = *started;
  udp caller, caller_rtp;
  invite_100(caller, caller_rtp, port, "ann1");
  REQUIRE(events.next() == "incoming L1 from +861 to 100 trunk pstn");
  stack->play("L1", tp::media_kind::music_on_hold);
  REQUIRE(caller.expect("SIP/2.0 183"));
  auto first = caller_rtp.receive(2s);
  REQUIRE(first);
  CHECK(level_of(*first) == 1000);
  // A prompt the stack has no recording of is skipped.
  stack->announce("L1", {"queue-thereare", "no-such-prompt", "digits/3"});
  std::vector<int> heard;
  for (int i = 0; i < 40; ++i) {
    auto pkt = caller_rtp.receive(1s);
    REQUIRE(pkt);
    heard.push_back(level_of(*pkt));
  }
  // (Music until the command lands,) the prompts in order, then the music again.
  std::string seq; // m: music, a: the first prompt, -: the second; runs merged
  for (int level : heard) {
    const char c = level == 1000 ? 'm' : level == 5000 ? 'a' : level == -5000 ? '-' : '?';
    if (seq.empty() || seq.back() != c) seq += c;
  }
  CHECK_MESSAGE((seq == "a-m" || seq == "ma-m"), seq);
  CHECK(std::count(heard.begin(), heard.end(), 5000) == 2);
  CHECK(std::count(heard.begin(), heard.end(), -5000) == 1);
}

TEST_CASE("sip stack: an announcement without music opens early media and then falls silent") {
  const int port = free_port();
  auto def = definition(port);
  def.music_on_hold_pcm.clear();
  def.announcement_pcm["queue-youarenext"].assign(480, 5000); // three packets
  event_log events;
  auto started = drivers::sip::sip_stack::start(def, "t", events.sink());
  REQUIRE(started);
  auto& stack = *started;
  udp caller, caller_rtp;
  invite_100(caller, caller_rtp, port, "ann2");
  REQUIRE(events.next() == "incoming L1 from +861 to 100 trunk pstn");
  stack->announce("L1", {"queue-youarenext"});
  REQUIRE(caller.expect("SIP/2.0 183"));
  for (int i = 0; i < 3; ++i) {
    auto pkt = caller_rtp.receive(1s);
    REQUIRE(pkt);
    CHECK(level_of(*pkt) == 5000);
  }
  CHECK_FALSE(caller_rtp.receive(300ms)); // nothing after it
  // Nothing is spoken to a leg that is not there.
  stack->announce("L9", {"queue-youarenext"});
  CHECK_FALSE(caller_rtp.receive(200ms));
}

TEST_CASE("sip stack: a phone that is busy fails busy, one that declines fails rejected") {
  const int port = free_port();
  event_log events;
  auto started = drivers::sip::sip_stack::start(definition(port), "t", events.sink());
  REQUIRE(started);
  auto& stack = *started;
  udp phone;
  for (auto [code, cause] :
       {std::pair{"486 Busy Here", "busy 486"}, std::pair{"603 Decline", "rejected 603"},
        std::pair{"480 Temporarily Unavailable", "unreachable 480"}}) {
    const auto leg = stack->ring({"sip:a1@127.0.0.1:" + std::to_string(phone.port()), "", "c", ""});
    auto invite = phone.expect("INVITE ");
    REQUIRE(invite);
    phone.send(std::string("SIP/2.0 ") + code + "\r\nVia: " + header(*invite, "Via") +
                   "\r\nFrom: " + header(*invite, "From") + "\r\nTo: " + header(*invite, "To") +
                   ";tag=p\r\nCall-ID: " + header(*invite, "Call-ID") +
                   "\r\nCSeq: " + header(*invite, "CSeq") + "\r\nContent-Length: 0\r\n\r\n",
               port);
    CHECK(events.next() == "failed " + leg + " " + cause);
  }
}

TEST_CASE("sip stack: a port already in use is an error that names it") {
  udp taken;
  event_log events;
  auto started = drivers::sip::sip_stack::start(definition(taken.port()), "t", events.sink());
  REQUIRE_FALSE(started);
  CHECK(started.error().message().find("cannot listen on UDP 127.0.0.1:" +
                                       std::to_string(taken.port())) != std::string::npos);
}

TEST_CASE("sip stack: no codec in common is 488, a source no trunk allows is 403, no event") {
  auto invite = [](const udp& from, int port, const std::string& body, const std::string& branch) {
    from.send("INVITE sip:100@127.0.0.1:" + std::to_string(port) +
                  " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(from.port()) +
                  ";branch=" + branch +
                  "\r\nFrom: <sip:1@127.0.0.1>;tag=x\r\nTo: "
                  "<sip:100@127.0.0.1>\r\nCall-ID: " +
                  branch +
                  "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Type: "
                  "application/sdp\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body,
              port);
  };
  udp caller;
  {
    const int port = free_port();
    event_log events;
    auto started = drivers::sip::sip_stack::start(definition(port), "t", events.sink());
    REQUIRE(started);
    invite(caller, port, sdp(4000, "18") + "a=rtpmap:18 G729/8000\r\n", "z9hG4bKg729");
    CHECK(caller.expect("SIP/2.0 488"));
    CHECK(events.next(300ms) == "(none)");
  }
  {
    const int port = free_port();
    auto def = definition(port);
    def.trunks[0].allow = {"10.1.1.1"};
    event_log events;
    auto started = drivers::sip::sip_stack::start(def, "t", events.sink());
    REQUIRE(started);
    invite(caller, port, sdp(4000, "0"), "z9hG4bKforeign");
    CHECK(caller.expect("SIP/2.0 403"));
    CHECK(events.next(300ms) == "(none)");
  }
}

TEST_CASE("sip stack: the registrar challenges, binds, refreshes, refuses and unbinds") {
  const int port = free_port();
  auto def = definition(port);
  def.nonce_ttl_s = 2; // at least 1 s left for the steps before the wait
  def.register_min_expires_s = 30;
  def.register_max_expires_s = 600;
  const auto ha1 = drivers::sip::digest_ha1("a1", "hotline", "right-secret");
  tp::sip_user_lookup users = [&](const std::string& name) -> std::optional<tp::sip_user> {
    if (name == "a1") return tp::sip_user{"a1", "hotline", ha1, false};
    if (name == "a3") return tp::sip_user{"a3", "hotline", ha1, true};
    if (name == "a4") return tp::sip_user{"", "hotline", ha1, false};
    return std::nullopt;
  };
  event_log events;
  auto started = drivers::sip::sip_stack::start(def, "t", events.sink(), users);
  REQUIRE(started);
  udp phone;
  const std::string uri = "sip:127.0.0.1:" + std::to_string(port);
  const std::string contact = "sip:a1@127.0.0.1:" + std::to_string(phone.port());
  int cseq = 0;
  auto send = [&](const std::string& user, const std::string& extra) {
    ++cseq;
    phone.send("REGISTER " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" +
                   std::to_string(phone.port()) + ";branch=z9hG4bKr" + std::to_string(cseq) +
                   "\r\nFrom: <sip:" + user + "@127.0.0.1>;tag=r\r\nTo: <sip:" + user +
                   "@127.0.0.1>\r\nCall-ID: reg-1\r\nCSeq: " + std::to_string(cseq) +
                   " REGISTER\r\nMax-Forwards: 70\r\n" + extra + "Content-Length: 0\r\n\r\n",
               port);
  };
  auto nonce_of = [](const std::string& msg) {
    auto h = header(msg, "WWW-Authenticate");
    auto at = h.find("nonce=\"");
    REQUIRE_MESSAGE(at != std::string::npos, msg);
    at += 7;
    return h.substr(at, h.find('"', at) - at);
  };
  auto authorization = [&](const std::string& user, const std::string& nonce,
                           const std::string& secret) {
    const auto h = drivers::sip::digest_ha1(user, "hotline", secret);
    const auto response =
        drivers::sip::digest_response(h, "REGISTER", uri, nonce, "00000001", "c0ffee", "auth");
    return "Authorization: Digest username=\"" + user + "\", realm=\"hotline\", nonce=\"" + nonce +
           "\", uri=\"" + uri + "\", response=\"" + response +
           "\", qop=auth, nc=00000001, cnonce=\"c0ffee\", algorithm=MD5\r\n";
  };
  const std::string binding = "Contact: <" + contact + ">\r\n";

  send("a1", binding + "Expires: 1000\r\n");
  auto challenge = phone.expect("SIP/2.0 401");
  REQUIRE(challenge);
  CHECK(header(*challenge, "WWW-Authenticate").find("qop=\"auth\"") != std::string::npos);
  CHECK(header(*challenge, "WWW-Authenticate").find("stale") == std::string::npos);
  auto nonce = nonce_of(*challenge);

  send("a1", binding + "Expires: 1000\r\n" + authorization("a1", nonce, "right-secret"));
  auto ok = phone.expect("SIP/2.0 200");
  REQUIRE(ok);
  CHECK(header(*ok, "Contact") == "<" + contact + ">;expires=600"); // at most the maximum
  CHECK(events.next() == "registered a1 " + contact + " for 600 s");
  send("a1", binding + "Expires: 300\r\n" + authorization("a1", nonce, "right-secret"));
  CHECK(phone.expect("SIP/2.0 200"));
  CHECK(events.next() == "refreshed a1 " + contact + " for 300 s");
  // A query (no Contact) answers the binding.
  send("a1", authorization("a1", nonce, "right-secret"));
  auto query = phone.expect("SIP/2.0 200");
  REQUIRE(query);
  CHECK(header(*query, "Contact").rfind("<" + contact + ">;expires=", 0) == 0);
  // Too brief: 423 with Min-Expires.
  send("a1", binding + "Expires: 10\r\n" + authorization("a1", nonce, "right-secret"));
  auto brief = phone.expect("SIP/2.0 423");
  REQUIRE(brief);
  CHECK(header(*brief, "Min-Expires") == "30");
  // Wrong password, someone else's address, unknown, disabled, no agent.
  send("a1", binding + authorization("a1", nonce, "wrong-secret"));
  CHECK(phone.expect("SIP/2.0 403"));
  send("a4", binding + authorization("a1", nonce, "right-secret"));
  CHECK(phone.expect("SIP/2.0 403"));
  send("zz", binding + authorization("zz", nonce, "right-secret"));
  CHECK(phone.expect("SIP/2.0 404"));
  send("a3", binding + authorization("a3", nonce, "right-secret"));
  CHECK(phone.expect("SIP/2.0 403"));
  send("a4", binding + authorization("a4", nonce, "right-secret"));
  CHECK(phone.expect("SIP/2.0 403"));
  // Malformed: credentials, Expires, Contact, Contact * without Expires 0.
  send("a1", binding + "Authorization: Digest username=\"a1\r\n");
  CHECK(phone.expect("SIP/2.0 400"));
  send("a1", binding + "Expires: soon\r\n" + authorization("a1", nonce, "right-secret"));
  CHECK(phone.expect("SIP/2.0 400"));
  send("a1", "Contact: <tel:+123>\r\n" + authorization("a1", nonce, "right-secret"));
  CHECK(phone.expect("SIP/2.0 400"));
  send("a1", "Contact: *\r\n" + authorization("a1", nonce, "right-secret"));
  CHECK(phone.expect("SIP/2.0 400"));
  // A forged nonce: challenged afresh.
  send("a1",
       binding + authorization("a1", "ffffffff.00000000000000000000000000000000", "right-secret"));
  auto forged = phone.expect("SIP/2.0 401");
  REQUIRE(forged);
  CHECK(header(*forged, "WWW-Authenticate").find("stale") == std::string::npos);
  // The nonce expires (2 s): the right password is told stale=true.
  std::this_thread::sleep_for(3100ms);
  send("a1", binding + authorization("a1", nonce, "right-secret"));
  auto stale = phone.expect("SIP/2.0 401");
  REQUIRE(stale);
  CHECK(header(*stale, "WWW-Authenticate").find("stale=true") != std::string::npos);
  // Contact: * with Expires: 0 removes the binding.
  nonce = nonce_of(*stale);
  send("a1", "Contact: *\r\nExpires: 0\r\n" + authorization("a1", nonce, "right-secret"));
  CHECK(phone.expect("SIP/2.0 200"));
  CHECK(events.next() == "unregistered a1 " + contact + " unregistered");
  CHECK(events.next(300ms) == "(none)");
}

TEST_CASE("sip stack: a binding expires and is reported expired") {
  const int port = free_port();
  auto def = definition(port);
  def.register_min_expires_s = 1;
  const auto ha1 = drivers::sip::digest_ha1("a1", "hotline", "right-secret");
  event_log events;
  auto started = drivers::sip::sip_stack::start(def, "t", events.sink(), [&](const std::string&) {
    return std::optional{tp::sip_user{"a1", "hotline", ha1, false}};
  });
  REQUIRE(started);
  udp phone;
  CHECK(register_with_digest(phone, port, "a1", "right-secret", ";expires=1"));
  CHECK(events.next().rfind("registered a1 ", 0) == 0);
  CHECK(events.next(3s).find(" expired") != std::string::npos);
}

TEST_CASE("sip stack: bindings from before a restart are kept, refreshed and expired") {
  const int port = free_port();
  auto def = definition(port);
  def.register_min_expires_s = 1;
  const auto ha1 = drivers::sip::digest_ha1("a1", "hotline", "right-secret");
  udp phone;
  const std::string contact = "sip:a1@127.0.0.1:" + std::to_string(phone.port());
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  // a1 registered 10 s ago for 100 s; a2 for 2 s, 1 s ago; a3's lapsed.
  std::vector<events::telephony::phone_binding> restored{
      {"a1", "a1", contact, "127.0.0.1:1", now_ns - 10'000'000'000, 100},
      {"a2", "a2", "sip:a2@127.0.0.1:9", "127.0.0.1:9", now_ns - 1'000'000'000, 2},
      {"a3", "a3", "sip:a3@127.0.0.1:9", "127.0.0.1:9", now_ns - 5'000'000'000, 1}};
  event_log events;
  auto started = drivers::sip::sip_stack::start(
      def, "t", events.sink(),
      [&](const std::string& name) {
        return std::optional{tp::sip_user{name, "hotline", ha1, false}};
      },
      restored);
  REQUIRE(started);
  const std::string uri = "sip:127.0.0.1:" + std::to_string(port);
  auto reg = [&](int cseq, const std::string& extra) {
    phone.send("REGISTER " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" +
                   std::to_string(phone.port()) + ";branch=z9hG4bKy" + std::to_string(cseq) +
                   "\r\nFrom: <sip:a1@127.0.0.1>;tag=r\r\nTo: <sip:a1@127.0.0.1>\r\nCall-ID: "
                   "reg-3\r\nCSeq: " +
                   std::to_string(cseq) + " REGISTER\r\nMax-Forwards: 70\r\n" + extra +
                   "Content-Length: 0\r\n\r\n",
               port);
  };
  reg(1, "");
  auto challenge = phone.expect("SIP/2.0 401");
  REQUIRE(challenge);
  auto h = header(*challenge, "WWW-Authenticate");
  auto at = h.find("nonce=\"") + 7;
  auto nonce = h.substr(at, h.find('"', at) - at);
  const auto auth = "Authorization: Digest username=\"a1\", realm=\"hotline\", nonce=\"" + nonce +
                    "\", uri=\"" + uri + "\", response=\"" +
                    drivers::sip::digest_response(ha1, "REGISTER", uri, nonce, "", "", "") +
                    "\"\r\n";
  // A query answers the restored binding with what is left of its 100 s.
  reg(2, auth);
  auto query = phone.expect("SIP/2.0 200");
  REQUIRE(query);
  CHECK(header(*query, "Contact").rfind("<" + contact + ">;expires=", 0) == 0);
  const auto left = std::stoi(header(*query, "Contact").substr(contact.size() + 11));
  CHECK(left > 80);
  CHECK(left <= 90);
  // The phone's next REGISTER of the same contact is a refresh, not a new binding.
  reg(3, "Contact: <" + contact + ">\r\nExpires: 60\r\n" + auth);
  CHECK(phone.expect("SIP/2.0 200"));
  CHECK(events.next() == "refreshed a1 " + contact + " for 60 s");
  // a2's second left runs out as any binding's would; a3 was never kept.
  CHECK(events.next(3s) == "unregistered a2 sip:a2@127.0.0.1:9 expired");
  CHECK(events.next(300ms) == "(none)");
}

TEST_CASE("sip stack: INVITEs over a trunk's calls per second are delivered over_rate") {
  const int port = free_port();
  auto def = definition(port);
  def.trunks[0].cps = 2;
  event_log events;
  auto started = drivers::sip::sip_stack::start(def, "t", events.sink());
  REQUIRE(started);
  udp caller;
  const auto body = sdp(4000, "0");
  for (int i = 1; i <= 4; ++i)
    caller.send(
        "INVITE sip:100@127.0.0.1:" + std::to_string(port) +
            " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(caller.port()) +
            ";branch=z9hG4bKcps" + std::to_string(i) +
            "\r\nFrom: <sip:1@127.0.0.1>;tag=x\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: cps-" +
            std::to_string(i) +
            "\r\nCSeq: 1 INVITE\r\nContact: <sip:1@127.0.0.1:" + std::to_string(caller.port()) +
            ">\r\nMax-Forwards: 70\r\nContent-Type: "
            "application/sdp\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body,
        port);
  // A bucket of 2: the first two are let in, the next two (within ms) are not.
  CHECK(events.next() == "incoming L1 from 1 to 100 trunk pstn");
  CHECK(events.next() == "incoming L2 from 1 to 100 trunk pstn");
  CHECK(events.next() == "incoming L3 from 1 to 100 trunk pstn over_rate");
  CHECK(events.next() == "incoming L4 from 1 to 100 trunk pstn over_rate");
  (*started)->reject("L3", tp::reject_cause::unavailable, 30);
  auto refused = caller.expect("SIP/2.0 503");
  REQUIRE(refused);
  CHECK(header(*refused, "Retry-After") == "30");
  // A second later the bucket has refilled.
  std::this_thread::sleep_for(1100ms);
  caller.send(
      "INVITE sip:100@127.0.0.1:" + std::to_string(port) +
          " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(caller.port()) +
          ";branch=z9hG4bKcps9\r\nFrom: <sip:1@127.0.0.1>;tag=x\r\nTo: "
          "<sip:100@127.0.0.1>\r\nCall-ID: cps-9\r\nCSeq: 1 INVITE\r\nContact: <sip:1@127.0.0.1:" +
          std::to_string(caller.port()) +
          ">\r\nMax-Forwards: "
          "70\r\nContent-Type: application/sdp\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body,
      port);
  CHECK(events.next() == "incoming L5 from 1 to 100 trunk pstn");
}

TEST_CASE("sip stack: an INVITE turned away declined is 603, no_answer 480") {
  const int port = free_port();
  event_log events;
  auto started = drivers::sip::sip_stack::start(definition(port), "t", events.sink());
  REQUIRE(started);
  udp caller;
  const auto body = sdp(4000, "0");
  for (auto [i, cause, status] : {std::tuple{1, tp::reject_cause::declined, "SIP/2.0 603"},
                                  std::tuple{2, tp::reject_cause::no_answer, "SIP/2.0 480"}}) {
    CAPTURE(status);
    caller.send(
        "INVITE sip:100@127.0.0.1:" + std::to_string(port) +
            " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(caller.port()) +
            ";branch=z9hG4bKrej" + std::to_string(i) +
            "\r\nFrom: <sip:1@127.0.0.1>;tag=x\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: rej-" +
            std::to_string(i) +
            "\r\nCSeq: 1 INVITE\r\nContact: <sip:1@127.0.0.1:" + std::to_string(caller.port()) +
            ">\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body,
        port);
    const auto leg = "L" + std::to_string(i);
    REQUIRE(events.next() == "incoming " + leg + " from 1 to 100 trunk pstn");
    (*started)->reject(leg, cause);
    CHECK(caller.expect(status));
  }
}

// -- trunk health: OPTIONS keepalive to the trunk's peer, and OPTIONS answered ----------

namespace {

/// A response to request `req` with status line `status` ("404 Not Found").
std::string response_to(const std::string& req, const std::string& status) {
  return "SIP/2.0 " + status + "\r\nVia: " + header(req, "Via") +
         "\r\nFrom: " + header(req, "From") + "\r\nTo: " + header(req, "To") +
         ";tag=c\r\nCall-ID: " + header(req, "Call-ID") + "\r\nCSeq: " + header(req, "CSeq") +
         "\r\nContent-Length: 0\r\n\r\n";
}

/// For `d`, answers every OPTIONS `carrier` receives with `status` (the
/// retransmissions of probes already given up too: the current one is among them).
void answer_options(const udp& carrier, int node_port, const std::string& status,
                    std::chrono::milliseconds d) {
  auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    auto got = carrier.receive(100ms);
    if (got && got->rfind("OPTIONS ", 0) == 0) carrier.send(response_to(*got, status), node_port);
  }
}

} // namespace

TEST_CASE("sip stack: a trunk peer that stops answering OPTIONS goes down, and up when it "
          "answers anything") {
  const int port = free_port();
  udp carrier;
  const std::string peer = "127.0.0.1:" + std::to_string(carrier.port());
  auto def = definition(port);
  def.trunks.clear();
  config::sip_trunk_definition t;
  t.group = "pstn";
  t.peer = {"127.0.0.1", static_cast<std::uint16_t>(carrier.port())};
  t.allow = {"127.0.0.1"};
  t.options_interval_s = 1;
  t.options_timeout_s = 1;
  t.options_failures = 2;
  def.trunks.push_back(t);
  event_log events;
  auto started = drivers::sip::sip_stack::start(def, "t", events.sink());
  REQUIRE(started);

  // The first probe leaves at once; a 404 (what many carriers answer) means up: no event.
  auto options = carrier.expect("OPTIONS ");
  REQUIRE(options);
  CHECK(options->rfind("OPTIONS sip:" + peer + " SIP/2.0\r\n", 0) == 0);
  CHECK(header(*options, "CSeq") == "1 OPTIONS");
  CHECK(!header(*options, "Max-Forwards").empty());
  carrier.send(response_to(*options, "404 Not Found"), port);
  CHECK(events.next(1500ms) == "(none)");

  // Silence: two probes unanswered (1 s each) mark it down, once.
  CHECK(events.next(6s) == "trunk_peer_down pstn " + peer + " timeout");
  CHECK(events.next(1500ms) == "(none)");

  // It answers again, even 405: up.
  answer_options(carrier, port, "405 Method Not Allowed", 2500ms);
  CHECK(events.next() == "trunk_peer_up pstn " + peer);

  // 5xx is no answer: enough of them in a row mark it down with the status.
  answer_options(carrier, port, "503 Service Unavailable", 5000ms);
  CHECK(events.next() == "trunk_peer_down pstn " + peer + " 503 Service Unavailable");
}

TEST_CASE("sip stack: a trunk with options_interval_s = 0 is never probed") {
  const int port = free_port();
  udp carrier;
  auto def = definition(port);
  def.trunks[0].peer = {"127.0.0.1", static_cast<std::uint16_t>(carrier.port())};
  event_log events;
  auto started = drivers::sip::sip_stack::start(def, "t", events.sink());
  REQUIRE(started);
  CHECK_FALSE(carrier.expect("OPTIONS ", 1500ms));
}

TEST_CASE("sip stack: the node answers OPTIONS with 200, Allow and Accept, a malformed one 400") {
  const int port = free_port();
  event_log events;
  auto started = drivers::sip::sip_stack::start(definition(port), "t", events.sink());
  REQUIRE(started);
  udp prober;
  const auto via = "SIP/2.0/UDP 127.0.0.1:" + std::to_string(prober.port()) + ";branch=z9hG4bK-o1";
  prober.send("OPTIONS sip:127.0.0.1:" + std::to_string(port) + " SIP/2.0\r\nVia: " + via +
                  "\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
                  "Call-ID: opt-1\r\nCSeq: 7 OPTIONS\r\nMax-Forwards: 70\r\n"
                  "Content-Length: 0\r\n\r\n",
              port);
  auto ok = prober.expect("SIP/2.0 ");
  REQUIRE(ok);
  CHECK(ok->rfind("SIP/2.0 200 ", 0) == 0);
  CHECK(header(*ok, "Allow").find("INVITE") != std::string::npos);
  CHECK(header(*ok, "Allow").find("OPTIONS") != std::string::npos);
  CHECK(header(*ok, "Accept").find("application/sdp") != std::string::npos);
  CHECK(header(*ok, "CSeq") == "7 OPTIONS");
  // No CSeq matching the method: 400 (and a warning line); nothing reaches the port.
  prober.send("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: " + via +
                  "2\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
                  "Call-ID: opt-2\r\nCSeq: 8 INVITE\r\nMax-Forwards: 70\r\n"
                  "Content-Length: 0\r\n\r\n",
              port);
  auto bad = prober.expect("SIP/2.0 ");
  REQUIRE(bad);
  CHECK(bad->rfind("SIP/2.0 400 ", 0) == 0);
  CHECK(events.next(500ms) == "(none)");
}

TEST_CASE("sip stack: a far end through a trunk reads a carrier's answers") {
  const int port = free_port();
  event_log events;
  auto started = drivers::sip::sip_stack::start(definition(port), "t", events.sink());
  REQUIRE(started);
  auto& stack = *started;
  udp carrier;
  for (auto [code, cause] :
       {std::pair{"486 Busy Here", "busy 486"}, std::pair{"600 Busy Everywhere", "busy 600"},
        std::pair{"603 Decline", "rejected 603"}, std::pair{"403 Forbidden", "rejected 403"},
        std::pair{"480 Temporarily Unavailable", "no_answer 480"},
        std::pair{"408 Request Timeout", "no_answer 408"},
        std::pair{"404 Not Found", "unreachable 404"},
        std::pair{"503 Service Unavailable", "unreachable 503"}}) {
    CAPTURE(code);
    const tp::ring_request r{"sip:5550100@127.0.0.1:" + std::to_string(carrier.port()), "a1", "c",
                             "pstn"};
    const auto leg = stack->ring(r);
    auto invite = carrier.expect("INVITE ");
    REQUIRE(invite);
    CHECK(invite->rfind("INVITE sip:5550100@127.0.0.1:", 0) == 0);
    carrier.send(response_to(*invite, code), port);
    CHECK(events.next() == "failed " + leg + " " + cause);
  }
}

TEST_CASE("sip stack: a bridged call recorded in stereo, a paused span silent, the file's hash "
          "reported") {
  hotline::testing::temp_dir dir;
  const int port = free_port();
  udp caller, caller_rtp, phone, phone_rtp;
  event_log events;
  auto def = definition(port);
  def.music_on_hold_pcm.clear(); // no music: nothing but the parties on the lines
  auto started = drivers::sip::sip_stack::start(def, "t", events.sink());
  REQUIRE_MESSAGE(started, (started ? "" : started.error().message()));
  auto stack = std::move(*started);

  // The caller (PCMU) reaches the node; the agent's phone (PCMA) answers; both are bridged.
  const std::string call_id = "call-rec@test";
  const std::string via = "SIP/2.0/UDP 127.0.0.1:" + std::to_string(caller.port());
  const std::string from =
      "<sip:+8613800001111@127.0.0.1:" + std::to_string(caller.port()) + ">;tag=caller1";
  const std::string offer = sdp(caller_rtp.port(), "0");
  caller.send(
      "INVITE sip:100@127.0.0.1:" + std::to_string(port) + " SIP/2.0\r\nVia: " + via +
          ";branch=z9hG4bKrec1\r\nFrom: " + from +
          "\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: " + call_id +
          "\r\nCSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:" + std::to_string(caller.port()) +
          ">\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: " +
          std::to_string(offer.size()) + "\r\n\r\n" + offer,
      port);
  REQUIRE(events.next() == "incoming L1 from +8613800001111 to 100 trunk pstn");
  const auto leg =
      stack->ring({"sip:a1@127.0.0.1:" + std::to_string(phone.port()), "+861", "c1", ""});
  auto invite = phone.expect("INVITE sip:a1@127.0.0.1");
  REQUIRE(invite);
  const int node_phone_rtp = media_port(*invite);
  const std::string answer_sdp = sdp(phone_rtp.port(), "8");
  phone.send("SIP/2.0 200 OK\r\nVia: " + header(*invite, "Via") +
                 "\r\nFrom: " + header(*invite, "From") + "\r\nTo: " + header(*invite, "To") +
                 ";tag=phone1\r\nCall-ID: " + header(*invite, "Call-ID") +
                 "\r\nCSeq: " + header(*invite, "CSeq") +
                 "\r\nContact: <sip:a1@127.0.0.1:" + std::to_string(phone.port()) +
                 ">\r\nContent-Type: application/sdp\r\nContent-Length: " +
                 std::to_string(answer_sdp.size()) + "\r\n\r\n" + answer_sdp,
             port);
  REQUIRE(phone.expect("ACK "));
  REQUIRE(events.next() == "answered " + leg);
  stack->answer("L1");
  auto ok = caller.expect("SIP/2.0 200");
  REQUIRE(ok);
  const int node_caller_rtp = media_port(*ok);
  stack->bridge("L1", leg);
  const std::string path = dir.path() + "/c1.wav";
  stack->start_recording({"c1", "L1", leg, path});

  // 3 s of talk, paced like RTP: the caller's 1 kHz (µ-law), the agent's
  // 600 Hz (A-law), 20 ms a packet; paused from 1 s to 2 s.
  const auto caller_tone = test::tone(1000, 3.0);
  const auto agent_tone = test::tone(600, 3.0);
  auto next = std::chrono::steady_clock::now();
  for (std::size_t k = 0; k < 150; ++k) {
    if (k == 50) stack->pause_recording("c1");
    if (k == 100) stack->resume_recording("c1");
    std::string u, a;
    for (std::size_t i = 0; i < 160; ++i) {
      u += static_cast<char>(ulaw_of(caller_tone[k * 160 + i]));
      a += static_cast<char>(alaw_of(agent_tone[k * 160 + i]));
    }
    const auto ts = static_cast<std::uint32_t>(k * 160);
    caller_rtp.send(make_rtp(0, static_cast<std::uint16_t>(k), 1'000 + ts, 0xAAAA, u),
                    node_caller_rtp);
    phone_rtp.send(make_rtp(8, static_cast<std::uint16_t>(k), 70'000 + ts, 0xBBBB, a),
                   node_phone_rtp);
    next += 20ms;
    std::this_thread::sleep_until(next);
  }
  stack->stop_recording("c1");
  const auto done = events.next(10s);
  REQUIRE_MESSAGE(done.rfind("recording_done c1 " + path + " call_ended ", 0) == 0, done);
  stack->hang_up("L1", tp::hangup_cause::normal);
  stack->hang_up(leg, tp::hangup_cause::normal);
  stack.reset();

  int channels = 0;
  auto left = test::read_wav(path, nullptr, 0, &channels);
  auto right = test::read_wav(path, nullptr, 1);
  REQUIRE(left);
  REQUIRE(right);
  CHECK(channels == 2);
  CHECK(left->size() >= 22'000);   // ~3 s, whatever the scheduler did
  constexpr std::size_t s = 8'000; // samples a second
  auto part = [](const std::vector<std::int16_t>& x, std::size_t from, std::size_t to) {
    return std::vector<std::int16_t>(x.begin() + static_cast<std::ptrdiff_t>(from),
                                     x.begin() + static_cast<std::ptrdiff_t>(to));
  };
  // Before the pause and after it, each side holds its own party's tone.
  CHECK(test::energy_share_at(part(*left, s / 5, s * 9 / 10), 1000) > 0.8);
  CHECK(test::energy_share_at(part(*right, s / 5, s * 9 / 10), 600) > 0.8);
  CHECK(test::energy_share_at(part(*left, s * 22 / 10, s * 28 / 10), 1000) > 0.8);
  CHECK(test::energy_share_at(part(*right, s * 22 / 10, s * 28 / 10), 600) > 0.8);
  CHECK(test::energy_share_at(part(*right, s / 5, s * 9 / 10), 1000) < 0.05); // no cross-talk
  // The paused span is silence on both sides (margins for the scheduler).
  CHECK(test::rms(*left, s * 12 / 10, s * 18 / 10) == 0);
  CHECK(test::rms(*right, s * 12 / 10, s * 18 / 10) == 0);
  // The hash reported is the file's (tamper evidence), and so is the size.
  std::string why;
  const auto sha = drivers::sip::sha256_of_file(path, why);
  REQUIRE(sha.size() == 64);
  CHECK_MESSAGE(done.find(" sha256 " + sha + " ") != std::string::npos, done);
  CHECK_MESSAGE(done.find(" " + std::to_string(std::filesystem::file_size(path)) + " bytes ") !=
                    std::string::npos,
                done);
}
