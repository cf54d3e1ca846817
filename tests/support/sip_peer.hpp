#pragma once
// The SIP adapter's tests (tests/drivers/sip_*_test.cpp) play callers and
// phones with plain UDP sockets: these are their helpers (SIP messages by
// hand, RTP packets, G.711 bytes, the port's events as text).
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "actors/ports/telephony.hpp"
#include "config/sip.hpp"
#include "config/wav.hpp"
#include "drivers/sip/digest.hpp"

namespace hotline::sip_test {

using namespace std::chrono_literals;
namespace tp = hotline::ports;

/// A UDP socket on 127.0.0.1 with a kernel-chosen port.
class udp {
public:
  udp() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t n = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &n);
    port_ = ntohs(a.sin_port);
  }
  ~udp() { close(fd_); }
  udp(const udp&) = delete;
  udp& operator=(const udp&) = delete;
  int port() const { return port_; }
  void send(const std::string& bytes, int to_port) const {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(to_port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  std::optional<std::string> receive(std::chrono::milliseconds timeout) const {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char buf[4096];
    auto n = recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }
  /// The next datagram starting with `start` (others are skipped), or nullopt.
  std::optional<std::string> expect(const std::string& start,
                                    std::chrono::milliseconds timeout = 3s) const {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      auto d = receive(left);
      if (d && d->rfind(start, 0) == 0) return d;
    }
    return std::nullopt;
  }

private:
  int fd_ = -1;
  int port_ = 0;
};

/// A port nobody uses on 127.0.0.1 now (the kernel's pick).
inline int free_port() {
  udp u;
  return u.port();
}

/// The value of header `name` in a SIP message ("" if none).
inline std::string header(const std::string& msg, const std::string& name) {
  auto at = msg.find("\r\n" + name + ":");
  if (at == std::string::npos) return {};
  at += name.size() + 3;
  while (at < msg.size() && msg[at] == ' ')
    ++at;
  return msg.substr(at, msg.find("\r\n", at) - at);
}

/// The port of the SDP's audio line.
inline int media_port(const std::string& msg) {
  auto at = msg.find("m=audio ");
  REQUIRE_MESSAGE(at != std::string::npos, msg);
  return std::stoi(msg.substr(at + 8));
}

/// Registers `phone` as SIP user `user` (password `password`, realm
/// hotline) at the node on `port`: REGISTER, the 401's nonce, REGISTER with
/// digest credentials (RFC 2069 style). `contact_params` follow its Contact
/// (";expires=1"). Whether the node answered the credentials 200.
inline bool register_with_digest(const udp& phone, int port, const std::string& user,
                                 const std::string& password,
                                 const std::string& contact_params = "") {
  const std::string uri = "sip:127.0.0.1:" + std::to_string(port);
  auto reg = [&](int cseq, const std::string& extra) {
    phone.send("REGISTER " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" +
                   std::to_string(phone.port()) + ";branch=z9hG4bKreg" + std::to_string(cseq) +
                   "\r\nFrom: <sip:" + user + "@127.0.0.1>;tag=r\r\nTo: <sip:" + user +
                   "@127.0.0.1>\r\nCall-ID: reg-" + user + "\r\nCSeq: " + std::to_string(cseq) +
                   " REGISTER\r\nMax-Forwards: 70\r\nContact: <sip:" + user +
                   "@127.0.0.1:" + std::to_string(phone.port()) + ">" + contact_params + "\r\n" +
                   extra + "Content-Length: 0\r\n\r\n",
               port);
  };
  reg(1, "");
  auto challenge = phone.expect("SIP/2.0 401");
  if (!challenge) return false;
  const auto h = header(*challenge, "WWW-Authenticate");
  const auto at = h.find("nonce=\"") + 7;
  const auto nonce = h.substr(at, h.find('"', at) - at);
  const auto ha1 = drivers::sip::digest_ha1(user, "hotline", password);
  const auto response = drivers::sip::digest_response(ha1, "REGISTER", uri, nonce, "", "", "");
  reg(2, "Authorization: Digest username=\"" + user + "\", realm=\"hotline\", nonce=\"" + nonce +
             "\", uri=\"" + uri + "\", response=\"" + response + "\"\r\n");
  return phone.expect("SIP/2.0 200").has_value();
}

inline std::string sdp(int rtp_port, const std::string& formats) {
  std::string lines = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                      "m=audio " +
                      std::to_string(rtp_port) + " RTP/AVP " + formats + "\r\n";
  return lines;
}

struct rtp_packet {
  std::uint8_t pt = 0;
  std::uint16_t seq = 0;
  std::uint32_t ts = 0, ssrc = 0;
  std::string payload;
};

inline std::optional<rtp_packet> parse_rtp(const std::string& d) {
  if (d.size() < 12 || (static_cast<unsigned char>(d[0]) >> 6) != 2) return std::nullopt;
  auto u = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(d[i]));
  };
  rtp_packet p;
  p.pt = static_cast<std::uint8_t>(u(1) & 0x7f);
  p.seq = static_cast<std::uint16_t>((u(2) << 8) | u(3));
  p.ts = (u(4) << 24) | (u(5) << 16) | (u(6) << 8) | u(7);
  p.ssrc = (u(8) << 24) | (u(9) << 16) | (u(10) << 8) | u(11);
  p.payload = d.substr(12 + 4 * (u(0) & 0x0f));
  return p;
}

inline std::string make_rtp(std::uint8_t pt, std::uint16_t seq, std::uint32_t ts,
                            std::uint32_t ssrc, const std::string& payload) {
  std::string d(12, '\0');
  d[0] = static_cast<char>(0x80);
  d[1] = static_cast<char>(pt);
  d[2] = static_cast<char>(seq >> 8);
  d[3] = static_cast<char>(seq & 0xff);
  for (int i = 0; i < 4; ++i) {
    d[4 + i] = static_cast<char>((ts >> (24 - 8 * i)) & 0xff);
    d[8 + i] = static_cast<char>((ssrc >> (24 - 8 * i)) & 0xff);
  }
  return d + payload;
}

/// The µ-law byte whose value is nearest `v`.
inline std::uint8_t ulaw_of(std::int16_t v) {
  int best = 0;
  for (int b = 1; b < 256; ++b)
    if (std::abs(config::ulaw_to_linear(static_cast<std::uint8_t>(b)) - v) <
        std::abs(config::ulaw_to_linear(static_cast<std::uint8_t>(best)) - v))
      best = b;
  return static_cast<std::uint8_t>(best);
}

/// The A-law byte whose value is nearest `v`.
inline std::uint8_t alaw_of(std::int16_t v) {
  int best = 0;
  for (int b = 1; b < 256; ++b)
    if (std::abs(config::alaw_to_linear(static_cast<std::uint8_t>(b)) - v) <
        std::abs(config::alaw_to_linear(static_cast<std::uint8_t>(best)) - v))
      best = b;
  return static_cast<std::uint8_t>(best);
}

/// The port's events, as they arrive on the stack's thread.
struct event_log {
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::string> lines;
  tp::telephony_sink sink() {
    return [this](tp::telephony_event e) {
      std::lock_guard lock{m};
      lines.push_back(tp::describe(e));
      cv.notify_all();
    };
  }
  /// The next event, if one comes within `timeout`.
  std::string next(std::chrono::milliseconds timeout = 3s) {
    std::unique_lock lock{m};
    if (!cv.wait_for(lock, timeout, [&] { return !lines.empty(); })) return "(none)";
    auto l = lines.front();
    lines.pop_front();
    return l;
  }
};

inline config::sip_definition definition(int port) {
  config::sip_definition d;
  d.enabled = true;
  d.listen = {"127.0.0.1", static_cast<std::uint16_t>(port)};
  d.trunks.push_back({"pstn", {"127.0.0.1", 5060}, {"127.0.0.1"}});
  d.trunks.back().options_interval_s = 0; // no keepalive here: its own tests below
  d.music_on_hold_pcm.assign(800, 1000);  // a constant level, easy to recognise
  d.rtp_port_min = 40'000;
  d.rtp_port_max = 40'999;
  return d;
}

} // namespace hotline::sip_test
