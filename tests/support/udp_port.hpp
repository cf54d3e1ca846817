#pragma once
// Test support: a UDP port on 127.0.0.1 that nobody uses now (the kernel's
// pick), for a SIP node or a sipp peer about to bind it; a run of free ports
// for a sipp's media (it binds -mp and the ports after it); and whether a
// port is bound yet (to wait for a peer started as a child process).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <string>

namespace hotline::test {

inline int free_udp_port() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t n = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  close(fd);
  return ntohs(a.sin_port);
}

/// The first of `span` consecutive ports on 127.0.0.1 that are free now
/// for UDP (and for TCP too with `tcp`), picked at random in
/// 12,000..19,999: below the ephemeral range (32,768..) that the kernel
/// hands out to anybody's sockets and outgoing connections, and the node's
/// RTP range (20,000..29,999 by default), so that only another test's pick
/// can take it, rarely. Thread-safe; a run is never handed out twice (it is
/// not bound until its peer starts).
inline int free_port_run(int span, bool tcp) {
  static std::mutex m;
  static std::set<int> given;
  static std::mt19937 pick(static_cast<unsigned>(
      std::chrono::steady_clock::now().time_since_epoch().count() ^ (getpid() << 16)));
  std::lock_guard lock{m};
  std::uniform_int_distribution<int> base(3'000, 4'998); // x 4: 12,000..19,992
  auto bindable = [](int type, int port) {
    int fd = socket(AF_INET, type, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
  };
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int first = base(pick) * 4;
    if (given.size() > 1'500) given.clear(); // a long run: the first ones are long gone
    if (given.count(first)) continue;
    bool free = true;
    for (int p = first; p < first + span && free; ++p)
      free = bindable(SOCK_DGRAM, p) && (!tcp || bindable(SOCK_STREAM, p));
    if (free) {
      given.insert(first);
      return first;
    }
  }
  FAIL("no run of " << span << " free ports in 12,000..19,999");
  return 0;
}

/// sipp's `-mp`: it binds the audio port and the video port two above it
/// (a kernel-picked port's neighbours may be anybody's).
inline int free_media_port() {
  return free_port_run(4, false);
}

/// baresip's `sip_listen` port: it binds UDP and TCP there and TLS (TCP) on
/// the port above.
inline int free_sip_port() {
  return free_port_run(2, true);
}

/// Whether some socket is bound to UDP `port` (read from /proc/net/udp, so
/// that looking never races the process that is about to bind it).
inline bool udp_port_bound(int port) {
  std::ifstream in("/proc/net/udp");
  char want[8];
  std::snprintf(want, sizeof want, ":%04X ", port);
  std::string line;
  std::getline(in, line); // header
  while (std::getline(in, line)) {
    // "  sl  local_address rem_address ...": the local address is the 2nd field.
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto local = line.substr(colon + 2, 14);
    if (local.find(want) != std::string::npos) return true;
  }
  return false;
}

} // namespace hotline::test
