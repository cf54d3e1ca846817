// The SIP adapter's mixes, a phone's own hold and REFER (sip_stack.hpp),
// against a caller and phones played by plain UDP sockets: what each party
// hears is checked by its content (Goertzel), not by packet counts.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "drivers/sip/digest.hpp"
#include "drivers/sip/sip_stack.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sip_peer.hpp"
#include "tests/support/wav_audio.hpp"

using namespace hotline;
using namespace hotline::sip_test;
using namespace std::chrono_literals;
namespace tp = hotline::ports;

namespace {

/// A party: its SIP socket, its RTP socket, its codec, and the node's RTP port for it.
struct party {
  udp sig, rtp;
  std::uint8_t pt = 0;
  int node_rtp = 0;
  tp::leg_id leg;
  std::string invite; ///< a phone: the node's INVITE (its dialog's headers)
  int cseq = 1;       ///< a phone: its own requests' CSeq
  std::string heard;  ///< payload bytes received, in order

  /// A request in the phone's dialog with the node (the phone is the UAS of the INVITE).
  std::string request(const std::string& method, const std::string& headers,
                      const std::string& body, int node_port) {
    const auto contact = header(invite, "Contact");
    const auto uri = contact.empty() ? "sip:hotline@127.0.0.1:" + std::to_string(node_port)
                                     : contact.substr(contact.find('<') + 1,
                                                      contact.find('>') - contact.find('<') - 1);
    const int n = method == "ACK" ? cseq : ++cseq; // a 2xx's ACK carries its INVITE's number
    std::string r = method + " " + uri +
                    " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(sig.port()) +
                    ";branch=z9hG4bK" + method + std::to_string(n) + leg +
                    "\r\nFrom: " + header(invite, "To") + ";tag=phone" + leg +
                    "\r\nTo: " + header(invite, "From") +
                    "\r\nCall-ID: " + header(invite, "Call-ID") + "\r\nCSeq: " + std::to_string(n) +
                    " " + method + "\r\nContact: <sip:p@127.0.0.1:" + std::to_string(sig.port()) +
                    ">\r\nMax-Forwards: 70\r\n" + headers;
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    sig.send(r, node_port);
    return std::to_string(n);
  }
  /// Answers a request the node sent this phone (NOTIFY) with 200.
  void ok_to(const std::string& req, int node_port) {
    sig.send("SIP/2.0 200 OK\r\nVia: " + header(req, "Via") + "\r\nFrom: " + header(req, "From") +
                 "\r\nTo: " + header(req, "To") + "\r\nCall-ID: " + header(req, "Call-ID") +
                 "\r\nCSeq: " + header(req, "CSeq") + "\r\nContent-Length: 0\r\n\r\n",
             node_port);
  }
  /// Everything received on its RTP socket so far, decoded.
  std::vector<std::int16_t> drain() {
    std::vector<std::int16_t> out;
    while (auto d = rtp.receive(0ms))
      if (auto p = parse_rtp(*d))
        for (unsigned char b : p->payload)
          out.push_back(p->pt == 0 ? config::ulaw_to_linear(b) : config::alaw_to_linear(b));
    return out;
  }
};

struct node {
  int port = free_port();
  event_log events;
  std::unique_ptr<drivers::sip::sip_stack> stack;

  /// `users`: the registrar's accounts; `media_threads`: [sip] media_threads
  /// (-1: one per core).
  explicit node(tp::sip_user_lookup users = {}, int media_threads = -1) {
    auto def = definition(port);
    def.music_on_hold_pcm.clear(); // nothing but the parties on the lines
    def.media_threads = media_threads;
    auto started = drivers::sip::sip_stack::start(def, "t", events.sink(), std::move(users));
    REQUIRE_MESSAGE(started, (started ? "" : started.error().message()));
    stack = std::move(*started);
  }

  /// The caller (PCMU) calls entry point 100 and is answered.
  void call_in(party& c) {
    c.pt = 0;
    const std::string offer = sdp(c.rtp.port(), "0");
    c.sig.send("INVITE sip:100@127.0.0.1:" + std::to_string(port) +
                   " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(c.sig.port()) +
                   ";branch=z9hG4bKmix1\r\nFrom: <sip:+8613800001111@127.0.0.1>;tag=c1\r\nTo: "
                   "<sip:100@127.0.0.1>\r\nCall-ID: mix-caller@test\r\nCSeq: 1 "
                   "INVITE\r\nContact: <sip:caller@127.0.0.1:" +
                   std::to_string(c.sig.port()) +
                   ">\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: " +
                   std::to_string(offer.size()) + "\r\n\r\n" + offer,
               port);
    REQUIRE(events.next() == "incoming L1 from +8613800001111 to 100 trunk pstn");
    c.leg = "L1";
    stack->answer("L1");
    auto ok = c.sig.expect("SIP/2.0 200");
    REQUIRE(ok);
    c.node_rtp = media_port(*ok);
  }

  /// Rings a phone that answers at once with codec `pt`.
  void ring(party& p, const std::string& user, std::uint8_t pt) {
    p.pt = pt;
    p.leg = stack->ring(
        {"sip:" + user + "@127.0.0.1:" + std::to_string(p.sig.port()), "+861", "c1", ""});
    auto invite = p.sig.expect("INVITE sip:" + user + "@127.0.0.1");
    REQUIRE(invite);
    p.invite = *invite;
    p.node_rtp = media_port(*invite);
    const std::string answer = sdp(p.rtp.port(), std::to_string(pt));
    p.sig.send("SIP/2.0 200 OK\r\nVia: " + header(*invite, "Via") +
                   "\r\nFrom: " + header(*invite, "From") + "\r\nTo: " + header(*invite, "To") +
                   ";tag=phone" + p.leg + "\r\nCall-ID: " + header(*invite, "Call-ID") +
                   "\r\nCSeq: " + header(*invite, "CSeq") + "\r\nContact: <sip:" + user +
                   "@127.0.0.1:" + std::to_string(p.sig.port()) +
                   ">\r\nContent-Type: application/sdp\r\nContent-Length: " +
                   std::to_string(answer.size()) + "\r\n\r\n" + answer,
               port);
    REQUIRE(p.sig.expect("ACK "));
    REQUIRE(events.next() == "answered " + p.leg);
  }
};

/// `seconds` of talk paced like RTP: each party sends its tone (20 ms a
/// packet, in its codec) and keeps what it hears.
void talk(std::vector<std::pair<party*, std::vector<std::int16_t>>> speakers, double seconds) {
  const auto packets = static_cast<std::size_t>(seconds * 50);
  auto next = std::chrono::steady_clock::now();
  for (std::size_t k = 0; k < packets; ++k) {
    for (auto& [p, tone] : speakers) {
      std::string payload;
      for (std::size_t i = 0; i < 160; ++i) {
        const auto v = tone[(k * 160 + i) % tone.size()];
        payload += static_cast<char>(p->pt == 0 ? ulaw_of(v) : alaw_of(v));
      }
      p->rtp.send(make_rtp(p->pt, static_cast<std::uint16_t>(k),
                           static_cast<std::uint32_t>(5'000 + k * 160), 0x1000u + p->pt, payload),
                  p->node_rtp);
    }
    next += 20ms;
    std::this_thread::sleep_until(next);
  }
}

/// The audio after the first `skip_s` seconds (the mix's start and jitter buffer).
std::vector<std::int16_t> settled(const std::vector<std::int16_t>& x, double skip_s = 0.3) {
  const auto skip = static_cast<std::size_t>(skip_s * 8'000);
  return x.size() > skip
             ? std::vector<std::int16_t>(x.begin() + static_cast<std::ptrdiff_t>(skip), x.end())
             : std::vector<std::int16_t>{};
}

} // namespace

TEST_CASE("sip stack: a mix by content: whisper (the caller does not hear the supervisor, the "
          "agent does), then barge (everyone hears everyone), then a bridge again") {
  node n;
  party caller, agent, sup;
  n.call_in(caller);
  n.ring(agent, "a1", 8); // A-law: the mix encodes per leg
  n.ring(sup, "s1", 0);
  const auto c_tone = test::tone(1000, 1.0), a_tone = test::tone(600, 1.0),
             s_tone = test::tone(1400, 1.0);

  // Whisper: the caller hears the agent; the agent the caller and the
  // supervisor; the supervisor the caller and the agent.
  n.stack->mix({"c1",
                {{caller.leg, {agent.leg}},
                 {agent.leg, {caller.leg, sup.leg}},
                 {sup.leg, {caller.leg, agent.leg}}}});
  talk({{&caller, c_tone}, {&agent, a_tone}, {&sup, s_tone}}, 1.5);
  std::this_thread::sleep_for(100ms);
  {
    const auto c = settled(caller.drain()), a = settled(agent.drain()), s = settled(sup.drain());
    REQUIRE(c.size() > 4'000);
    REQUIRE(a.size() > 4'000);
    REQUIRE(s.size() > 4'000);
    CHECK(test::energy_share_at(c, 600) > 0.7);
    CHECK(test::energy_share_at(c, 1400) < 0.02); // whisper: never the supervisor
    CHECK(test::energy_share_at(c, 1000) < 0.02); // nor its own voice
    CHECK(test::energy_share_at(a, 1000) > 0.25);
    CHECK(test::energy_share_at(a, 1400) > 0.25);
    CHECK(test::energy_share_at(a, 600) < 0.02);
    CHECK(test::energy_share_at(s, 1000) > 0.25);
    CHECK(test::energy_share_at(s, 600) > 0.25);
    CHECK(test::energy_share_at(s, 1400) < 0.02);
  }

  // Barge: everyone hears the two others.
  n.stack->mix({"c1",
                {{caller.leg, {agent.leg, sup.leg}},
                 {agent.leg, {caller.leg, sup.leg}},
                 {sup.leg, {caller.leg, agent.leg}}}});
  talk({{&caller, c_tone}, {&agent, a_tone}, {&sup, s_tone}}, 1.5);
  std::this_thread::sleep_for(100ms);
  {
    const auto c = settled(caller.drain());
    REQUIRE(c.size() > 4'000);
    CHECK(test::energy_share_at(c, 600) > 0.25);
    CHECK(test::energy_share_at(c, 1400) > 0.25);
  }

  // The supervisor hangs up: the mix goes on without it; a bridge takes
  // the two back (relayed, no mix): the caller hears the agent only.
  n.stack->hang_up(sup.leg, tp::hangup_cause::normal);
  REQUIRE(sup.sig.expect("BYE "));
  n.stack->bridge(caller.leg, agent.leg);
  std::this_thread::sleep_for(50ms);
  caller.drain();
  talk({{&caller, c_tone}, {&agent, a_tone}}, 0.6);
  std::this_thread::sleep_for(100ms);
  const auto c = caller.drain();
  REQUIRE(c.size() > 3'000);
  CHECK(test::energy_share_at(c, 600) > 0.7);
}

TEST_CASE("sip stack: loud parties are summed with saturation, not wrapped around") {
  node n;
  party caller, agent, sup;
  n.call_in(caller);
  n.ring(agent, "a1", 0);
  n.ring(sup, "s1", 0);
  // Two parties at +30000 each: the sum saturates at the top of the range.
  n.stack->mix({"c1", {{caller.leg, {agent.leg, sup.leg}}, {agent.leg, {}}, {sup.leg, {}}}});
  const std::vector<std::int16_t> loud(160, 30'000);
  talk({{&agent, loud}, {&sup, loud}}, 0.8);
  std::this_thread::sleep_for(100ms);
  const auto c = settled(caller.drain());
  REQUIRE(c.size() > 2'000);
  std::size_t top = 0, negative = 0;
  for (auto v : c) {
    if (v > 30'000) ++top;
    if (v < 0) ++negative;
  }
  CHECK(negative == 0);          // 60000 wrapped around would be -5536
  CHECK(top > c.size() * 3 / 4); // the rest: frames a late packet left silent
}

TEST_CASE("sip stack: a phone's re-INVITE sendonly is held, sendrecv again unheld") {
  node n;
  party caller, agent;
  n.call_in(caller);
  n.ring(agent, "a1", 8);
  auto reinvite = [&](const std::string& dir) {
    const std::string offer = sdp(agent.rtp.port(), "8") + "a=" + dir + "\r\n";
    agent.request("INVITE", "Content-Type: application/sdp\r\n", offer, n.port);
    auto ok = agent.sig.expect("SIP/2.0 200");
    REQUIRE(ok);
    agent.request("ACK", "", "", n.port);
    return *ok;
  };
  const auto ok = reinvite("sendonly");
  CHECK_MESSAGE(ok.find("a=recvonly") != std::string::npos, ok);
  CHECK(n.events.next() == "held " + agent.leg);
  reinvite("sendrecv");
  CHECK(n.events.next() == "unheld " + agent.leg);
  // The same direction again is no change: no event.
  reinvite("sendrecv");
  CHECK(n.events.next(300ms) == "(none)");
}

TEST_CASE("sip stack: REFER from a phone is accepted 202 with NOTIFY sipfrag, a bad one refused") {
  node n;
  party caller, agent;
  n.call_in(caller);
  n.ring(agent, "a1", 8);
  // No Refer-To: 400, no event.
  agent.request("REFER", "", "", n.port);
  auto bad = agent.sig.expect("SIP/2.0 4");
  REQUIRE(bad);
  CHECK_MESSAGE(bad->rfind("SIP/2.0 400", 0) == 0, *bad);
  // An attended transfer whose Replaces names no call here: 481; a
  // malformed Replaces: 400 (the attended transfers' own test is below).
  agent.request("REFER",
                "Refer-To: <sip:200@127.0.0.1?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2>\r\n", "",
                n.port);
  auto replaces = agent.sig.expect("SIP/2.0 4");
  REQUIRE(replaces);
  CHECK_MESSAGE(replaces->rfind("SIP/2.0 481", 0) == 0, *replaces);
  agent.request("REFER", "Refer-To: <sip:200@127.0.0.1?Replaces=abc%3Bto-tag%3D1>\r\n", "", n.port);
  auto malformed = agent.sig.expect("SIP/2.0 4");
  REQUIRE(malformed);
  CHECK_MESSAGE(malformed->rfind("SIP/2.0 400", 0) == 0, *malformed);
  CHECK(n.events.next(200ms) == "(none)");

  // A blind transfer to 200: 202, NOTIFY 100 Trying, the event; the node's
  // verdict is the final NOTIFY (200 OK, subscription terminated).
  agent.request("REFER", "Refer-To: <sip:200@127.0.0.1>\r\nReferred-By: <sip:a1@127.0.0.1>\r\n", "",
                n.port);
  auto accepted = agent.sig.expect("SIP/2.0 202");
  REQUIRE(accepted);
  auto trying = agent.sig.expect("NOTIFY ");
  REQUIRE(trying);
  CHECK(header(*trying, "Event").rfind("refer", 0) == 0);
  CHECK(header(*trying, "Content-Type") == "message/sipfrag");
  CHECK(trying->find("SIP/2.0 100 Trying") != std::string::npos);
  agent.ok_to(*trying, n.port);
  CHECK(n.events.next() == "transfer_requested " + agent.leg + " to 200 (<sip:200@127.0.0.1>)");
  n.stack->transfer_result(agent.leg, tp::transfer_outcome::done);
  auto done = agent.sig.expect("NOTIFY ");
  REQUIRE(done);
  CHECK(done->find("SIP/2.0 200 OK") != std::string::npos);
  CHECK(header(*done, "Subscription-State").rfind("terminated", 0) == 0);
  agent.ok_to(*done, n.port);

  // Another one, refused by the node: the final NOTIFY says 603.
  agent.request("REFER", "Refer-To: <sip:nobody@127.0.0.1>\r\n", "", n.port);
  REQUIRE(agent.sig.expect("SIP/2.0 202"));
  auto trying2 = agent.sig.expect("NOTIFY ");
  REQUIRE(trying2);
  agent.ok_to(*trying2, n.port);
  CHECK(n.events.next() ==
        "transfer_requested " + agent.leg + " to nobody (<sip:nobody@127.0.0.1>)");
  n.stack->transfer_result(agent.leg, tp::transfer_outcome::refused);
  auto declined = agent.sig.expect("NOTIFY ");
  REQUIRE(declined);
  CHECK(declined->find("SIP/2.0 603 Declined") != std::string::npos);
  agent.ok_to(*declined, n.port);
}

namespace {

/// Registers `phone` as SIP user a1 (agent a1, password "secret") with digest.
void register_a1(udp& phone, int port, event_log& events) {
  REQUIRE(register_with_digest(phone, port, "a1", "secret"));
  REQUIRE(events.next().rfind("registered a1 ", 0) == 0);
}

/// The registrar's accounts: SIP user a1 (agent a1, password "secret") only.
tp::sip_user_lookup only_a1() {
  return [ha1 = drivers::sip::digest_ha1("a1", "hotline", "secret")](
             const std::string& name) -> std::optional<tp::sip_user> {
    if (name == "a1") return tp::sip_user{"a1", "hotline", ha1, false};
    return std::nullopt;
  };
}

/// A caller's call answered by a1's registered phone (A-law).
void a1_talks_from_its_phone(node& n, party& caller, party& agent) {
  n.call_in(caller);
  register_a1(agent.sig, n.port, n.events);
  n.ring(agent, "a1", 8);
}

/// An INVITE from `from` (SIP user a1) to `user`@node, in a dialog of its
/// own; `extra` headers (credentials), CSeq `cseq`.
void invite_from(udp& from, int port, const std::string& user, const std::string& call_id,
                 int rtp_port, const std::string& extra = "", int cseq = 1) {
  const std::string offer = sdp(rtp_port, "0");
  from.send("INVITE sip:" + user + "@127.0.0.1:" + std::to_string(port) +
                " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(from.port()) +
                ";branch=z9hG4bK" + call_id + std::to_string(cseq) +
                "\r\nFrom: <sip:a1@127.0.0.1>;tag=pc" + call_id + "\r\nTo: <sip:" + user +
                "@127.0.0.1>\r\nCall-ID: " + call_id + "\r\nCSeq: " + std::to_string(cseq) +
                " INVITE\r\nContact: <sip:a1@127.0.0.1:" + std::to_string(from.port()) +
                ">\r\nMax-Forwards: 70\r\n" + extra +
                "Content-Type: application/sdp\r\nContent-Length: " + std::to_string(offer.size()) +
                "\r\n\r\n" + offer,
            port);
}

/// The phone's INVITE as a phone sends it: challenged 401 (ACKed), then
/// again with a1's digest credentials for `password`.
void invite_with_digest(udp& from, int port, const std::string& user, const std::string& call_id,
                        int rtp_port, const std::string& password = "secret") {
  invite_from(from, port, user, call_id, rtp_port);
  auto challenge = from.expect("SIP/2.0 401");
  REQUIRE(challenge);
  from.send("ACK sip:" + user + "@127.0.0.1:" + std::to_string(port) + " SIP/2.0\r\nVia: " +
                header(*challenge, "Via") + "\r\nFrom: " + header(*challenge, "From") +
                "\r\nTo: " + header(*challenge, "To") + "\r\nCall-ID: " + call_id +
                "\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
            port);
  auto h = header(*challenge, "WWW-Authenticate");
  auto at = h.find("nonce=\"") + 7;
  auto nonce = h.substr(at, h.find('"', at) - at);
  const auto uri = "sip:" + user + "@127.0.0.1:" + std::to_string(port);
  const auto ha1 = drivers::sip::digest_ha1("a1", "hotline", password);
  const auto response = drivers::sip::digest_response(ha1, "INVITE", uri, nonce, "", "", "");
  invite_from(from, port, user, call_id, rtp_port,
              "Authorization: Digest username=\"a1\", realm=\"hotline\", nonce=\"" + nonce +
                  "\", uri=\"" + uri + "\", response=\"" + response + "\"\r\n",
              2);
}

} // namespace

TEST_CASE("sip stack: an INVITE from a registered phone is the agent's own call, and its REFER "
          "with Replaces names the node's leg of that call") {
  node n(only_a1());
  party caller, agent;
  a1_talks_from_its_phone(n, caller, agent);
  // Its second call, to a2 through the node: from its binding's address,
  // challenged like REGISTER; a wrong password is 403 and no call.
  udp second_rtp;
  invite_with_digest(agent.sig, n.port, "a2", "wrong-1", second_rtp.port(), "not-the-secret");
  CHECK(agent.sig.expect("SIP/2.0 403"));
  CHECK(n.events.next(300ms) == "(none)");
  invite_with_digest(agent.sig, n.port, "a2", "consult-1", second_rtp.port());
  auto incoming = n.events.next();
  CHECK_MESSAGE(incoming.rfind("incoming ", 0) == 0, incoming);
  CHECK_MESSAGE(incoming.find(" from a1 to a2 phone of a1") != std::string::npos, incoming);
  const auto second = incoming.substr(9, incoming.find(' ', 9) - 9);
  REQUIRE(agent.sig.expect("SIP/2.0 180"));
  // The same INVITE from an address no phone registered from is a trunk's.
  udp stranger;
  invite_from(stranger, n.port, "100", "stranger-1", second_rtp.port());
  auto trunk_call = n.events.next();
  CHECK_MESSAGE(trunk_call.find(" trunk pstn") != std::string::npos, trunk_call);

  // A Replaces without a from-tag: 400; one that names no call here: 481.
  agent.request("REFER", "Refer-To: <sip:a2@127.0.0.1?Replaces=consult-1%3Bto-tag%3Dx>\r\n", "",
                n.port);
  auto bad = agent.sig.expect("SIP/2.0 4");
  REQUIRE(bad);
  CHECK_MESSAGE(bad->rfind("SIP/2.0 400", 0) == 0, *bad);
  agent.request(
      "REFER", "Refer-To: <sip:a2@127.0.0.1?Replaces=nothing-here%3Bto-tag%3Dx%3Bfrom-tag%3Dy>\r\n",
      "", n.port);
  auto unknown = agent.sig.expect("SIP/2.0 4");
  REQUIRE(unknown);
  CHECK_MESSAGE(unknown->rfind("SIP/2.0 481", 0) == 0, *unknown);
  // The right tags, in either order: the event names the second call's leg.
  agent.request(
      "REFER",
      "Refer-To: <sip:a2@127.0.0.1?Replaces=consult-1%3Bto-tag%3Dpcconsult-1%3Bfrom-tag%3Dz>\r\n",
      "", n.port);
  REQUIRE(agent.sig.expect("SIP/2.0 202"));
  auto trying = agent.sig.expect("NOTIFY ");
  REQUIRE(trying);
  agent.ok_to(*trying, n.port);
  auto refer = n.events.next();
  CHECK_MESSAGE(refer.rfind("transfer_requested " + agent.leg + " to a2 (", 0) == 0, refer);
  CHECK_MESSAGE(refer.find(" replaces " + second) != std::string::npos, refer);
  n.stack->transfer_result(agent.leg, tp::transfer_outcome::done);
  auto done = agent.sig.expect("NOTIFY ");
  REQUIRE(done);
  CHECK(done->find("SIP/2.0 200 OK") != std::string::npos);
  agent.ok_to(*done, n.port);
  // The node turns the second call away when it cannot attach it: 403.
  n.stack->reject(second, tp::reject_cause::forbidden);
  auto forbidden = agent.sig.expect("SIP/2.0 403");
  CHECK(forbidden);
}

namespace {

/// The first lines of the datagrams `phone` receives within `window`
/// ("NOTIFY 100", "NOTIFY 200", "BYE", …; a NOTIFY by its sipfrag's code).
std::vector<std::string> heard_within(udp& phone, std::chrono::milliseconds window,
                                      std::vector<std::string>* raw = nullptr) {
  std::vector<std::string> lines;
  const auto until = std::chrono::steady_clock::now() + window;
  while (std::chrono::steady_clock::now() < until) {
    auto d = phone.receive(std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now()));
    if (!d) continue;
    auto line = d->substr(0, d->find(' '));
    if (line == "NOTIFY") line += " " + d->substr(d->find("SIP/2.0 ", d->find("\r\n\r\n")) + 8, 3);
    lines.push_back(line);
    if (raw) raw->push_back(*d);
  }
  return lines;
}

} // namespace

TEST_CASE("sip stack: a phone hears its transfer's outcome before the BYE of either dialog the "
          "REFER named") {
  node n(only_a1());
  party caller, agent;
  a1_talks_from_its_phone(n, caller, agent);
  udp second_rtp;
  invite_with_digest(agent.sig, n.port, "a2", "consult-2", second_rtp.port());
  auto incoming = n.events.next();
  REQUIRE_MESSAGE(incoming.rfind("incoming ", 0) == 0, incoming);
  const auto second = incoming.substr(9, incoming.find(' ', 9) - 9);
  n.stack->answer(second);
  auto ok = agent.sig.expect("SIP/2.0 200");
  REQUIRE(ok);
  agent.sig.send("ACK sip:a2@127.0.0.1:" + std::to_string(n.port) +
                     " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(agent.sig.port()) +
                     ";branch=z9hG4bKack2\r\nFrom: " + header(*ok, "From") +
                     "\r\nTo: " + header(*ok, "To") +
                     "\r\nCall-ID: consult-2\r\nCSeq: 2 ACK\r\nMax-Forwards: 70\r\n"
                     "Content-Length: 0\r\n\r\n",
                 n.port);
  const auto to_tag = header(*ok, "To").substr(header(*ok, "To").find("tag=") + 4);

  // The REFER replacing the second call; its NOTIFY 100 stays unanswered a while.
  agent.request("REFER",
                "Refer-To: <sip:a2@127.0.0.1?Replaces=consult-2%3Bto-tag%3D" + to_tag +
                    "%3Bfrom-tag%3Dpcconsult-2>\r\n",
                "", n.port);
  REQUIRE(agent.sig.expect("SIP/2.0 202"));
  auto trying = agent.sig.expect("NOTIFY ");
  REQUIRE(trying);
  auto refer = n.events.next();
  CHECK_MESSAGE(refer.find(" replaces " + second) != std::string::npos, refer);
  // The verdict and both hang-ups at once, as the telephony actor sends them.
  n.stack->transfer_result(agent.leg, tp::transfer_outcome::done);
  n.stack->hang_up(second, tp::hangup_cause::normal);
  n.stack->hang_up(agent.leg, tp::hangup_cause::normal);
  // Nothing overtakes the NOTIFY in flight (a retransmission of it aside).
  for (const auto& line : heard_within(agent.sig, 300ms))
    CHECK_MESSAGE(line == "NOTIFY 100", line);
  agent.ok_to(*trying, n.port);
  std::vector<std::string> raw;
  auto lines = heard_within(agent.sig, 300ms, &raw);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.front() == "NOTIFY 200");
  CHECK(std::count(lines.begin(), lines.end(), "BYE") == 0); // not before its answer
  agent.ok_to(raw.front(), n.port);
  lines = heard_within(agent.sig, 500ms);
  CHECK(std::count(lines.begin(), lines.end(), "BYE") == 2); // both dialogs
}

TEST_CASE("sip stack: a phone that answers no NOTIFY of its transfer is hung up all the same") {
  node n;
  party caller, agent;
  n.call_in(caller);
  n.ring(agent, "a1", 0);
  agent.request("REFER", "Refer-To: <sip:200@127.0.0.1>\r\n", "", n.port);
  REQUIRE(agent.sig.expect("SIP/2.0 202"));
  REQUIRE(n.events.next().rfind("transfer_requested " + agent.leg, 0) == 0);
  n.stack->transfer_result(agent.leg, tp::transfer_outcome::done);
  n.stack->hang_up(agent.leg, tp::hangup_cause::normal);
  // Its BYE comes within the stack's patience (2 s), beside the NOTIFY
  // 100's retransmissions; the verdict never left (the 100 is unanswered).
  const auto lines = heard_within(agent.sig, 3'500ms);
  CHECK(std::count(lines.begin(), lines.end(), "BYE") >= 1); // retransmitted: not answered
  CHECK(std::count(lines.begin(), lines.end(), "NOTIFY 200") == 0);
}

TEST_CASE("sip stack: in-band DTMF in a caller's audio is delivered like RFC 4733 digits") {
  REQUIRE_MESSAGE(drivers::sip::sip_stack::inband_dtmf_supported(),
                  "spandsp cannot be loaded: apt-get install libspandsp2");
  const int port = free_port();
  event_log events;
  auto def = definition(port);
  def.music_on_hold_pcm.clear();
  def.inband_dtmf = true;
  auto started = drivers::sip::sip_stack::start(def, "t", events.sink());
  REQUIRE_MESSAGE(started, (started ? "" : started.error().message()));
  auto stack = std::move(*started);
  party caller;
  caller.pt = 0;
  const std::string offer = sdp(caller.rtp.port(), "0");
  caller.sig.send(
      "INVITE sip:100@127.0.0.1:" + std::to_string(port) +
          " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(caller.sig.port()) +
          ";branch=z9hG4bKdtmf1\r\nFrom: <sip:+8613800001111@127.0.0.1>;tag=c1\r\nTo: "
          "<sip:100@127.0.0.1>\r\nCall-ID: inband@test\r\nCSeq: 1 INVITE\r\nContact: "
          "<sip:caller@127.0.0.1:" +
          std::to_string(caller.sig.port()) +
          ">\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: " +
          std::to_string(offer.size()) + "\r\n\r\n" + offer,
      port);
  REQUIRE(events.next() == "incoming L1 from +8613800001111 to 100 trunk pstn");
  stack->answer("L1");
  auto ok = caller.sig.expect("SIP/2.0 200");
  REQUIRE(ok);
  caller.node_rtp = media_port(*ok);
  // '5' (770 + 1336 Hz) for 100 ms, 100 ms of silence, '#' (941 + 1477 Hz), silence.
  auto pair = [](double lo, double hi) {
    auto a = test::tone(lo, 0.1, 5'000), b = test::tone(hi, 0.1, 5'000);
    for (std::size_t i = 0; i < a.size(); ++i)
      a[i] = static_cast<std::int16_t>(a[i] + b[i]);
    return a;
  };
  std::vector<std::int16_t> audio;
  const std::vector<std::int16_t> quiet(800, 0);
  for (const auto& part : {pair(770, 1336), quiet, pair(941, 1477), quiet})
    audio.insert(audio.end(), part.begin(), part.end());
  talk({{&caller, audio}}, 0.4);
  CHECK(events.next() == "dtmf L1 5 inband");
  CHECK(events.next() == "dtmf L1 # inband");
  CHECK(events.next(300ms) == "(none)"); // each once
}

TEST_CASE("sip stack: without in-band detection, tones are only audio") {
  node n; // inband_dtmf false (the default)
  party caller;
  n.call_in(caller);
  talk({{&caller, test::tone(770, 0.2, 5'000)}}, 0.2);
  CHECK(n.events.next(300ms) == "(none)");
}

namespace {
/// Waits up to 2 s for the stack to relay `pairs` pairs off its loop.
bool relayed_off_loop(const node& n, std::size_t pairs) {
  for (int i = 0; i < 100 && n.stack->relayed_off_loop() != pairs; ++i)
    std::this_thread::sleep_for(20ms);
  return n.stack->relayed_off_loop() == pairs;
}
/// The caller and the agent talk for `seconds`: each hears the other's tone only.
void each_hears_the_other(party& caller, party& agent, double seconds) {
  caller.drain();
  agent.drain();
  talk({{&caller, test::tone(1000, 1.0)}, {&agent, test::tone(600, 1.0)}}, seconds);
  std::this_thread::sleep_for(100ms);
  const auto c = caller.drain(), a = agent.drain();
  REQUIRE(c.size() > 2'000);
  REQUIRE(a.size() > 2'000);
  CHECK(test::energy_share_at(c, 600) > 0.7);
  CHECK(test::energy_share_at(a, 1000) > 0.7);
}
} // namespace

TEST_CASE("sip stack: a bridged pair is relayed by a media thread, taken back for a re-INVITE, "
          "music or a hang-up, and handed out again when bridged") {
  node n;
  party caller, agent;
  n.call_in(caller);
  n.ring(agent, "a1", 8); // A-law to µ-law: the media thread transcodes too
  CHECK(n.stack->relayed_off_loop() == 0);
  n.stack->bridge(caller.leg, agent.leg);
  REQUIRE(relayed_off_loop(n, 1));
  each_hears_the_other(caller, agent, 0.8);

  // The phone's session refresh (re-INVITE, nothing changed): back on the
  // SIP thread for the SDP, then out again; the talk goes on.
  const std::string offer = sdp(agent.rtp.port(), "8") + "a=sendrecv\r\n";
  agent.request("INVITE", "Content-Type: application/sdp\r\n", offer, n.port);
  REQUIRE(agent.sig.expect("SIP/2.0 200"));
  agent.request("ACK", "", "", n.port);
  CHECK(relayed_off_loop(n, 1));
  each_hears_the_other(caller, agent, 0.6);

  // Music for the caller (a hold) ends the bridge: both legs back on the loop.
  n.stack->play(caller.leg, tp::media_kind::music_on_hold);
  CHECK(relayed_off_loop(n, 0));
  // Bridged again: out again.
  n.stack->bridge(caller.leg, agent.leg);
  REQUIRE(relayed_off_loop(n, 1));
  each_hears_the_other(caller, agent, 0.6);

  // The phone hangs up while its pair is out: taken back, ended, nothing left.
  agent.request("BYE", "", "", n.port);
  REQUIRE(agent.sig.expect("SIP/2.0 200"));
  CHECK(n.events.next() == "ended " + agent.leg + " by far_end");
  CHECK(relayed_off_loop(n, 0));
  n.stack->hang_up(caller.leg, tp::hangup_cause::normal);
  for (int i = 0; i < 50 && n.stack->legs() > 0; ++i)
    std::this_thread::sleep_for(20ms);
  CHECK(n.stack->legs() == 0);
}

TEST_CASE("sip stack: a recording started on a relayed pair takes it back to the SIP thread") {
  node n;
  party caller, agent;
  n.call_in(caller);
  n.ring(agent, "a1", 0);
  n.stack->bridge(caller.leg, agent.leg);
  REQUIRE(relayed_off_loop(n, 1));
  testing::temp_dir dir;
  n.stack->start_recording({"r1", caller.leg, agent.leg, dir.path() + "/r1.wav"});
  CHECK(relayed_off_loop(n, 0));
  each_hears_the_other(caller, agent, 0.6);
  // Stopped while bridged, the pair stays on the loop until the next bridge.
  n.stack->stop_recording("r1");
  n.stack->bridge(caller.leg, agent.leg);
  CHECK(relayed_off_loop(n, 1));
}

TEST_CASE("sip stack: with media_threads = 0 the SIP thread relays every bridge itself") {
  node n{{}, 0};
  party caller, agent;
  n.call_in(caller);
  n.ring(agent, "a1", 8);
  n.stack->bridge(caller.leg, agent.leg);
  each_hears_the_other(caller, agent, 0.6);
  CHECK(n.stack->relayed_off_loop() == 0);
}

TEST_CASE("sip stack: a node stopped with its calls relayed off the loop hangs them all up") {
  party caller, agent;
  {
    node n;
    n.call_in(caller);
    n.ring(agent, "a1", 0);
    n.stack->bridge(caller.leg, agent.leg);
    REQUIRE(relayed_off_loop(n, 1));
    n.stack.reset(); // takes the pair back, hangs both up, joins every thread
  }
  CHECK(agent.sig.expect("BYE ")); // the caller never ACKed here: libre owes it no BYE
}
