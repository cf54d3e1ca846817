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

/// The first of `span` consecutive UDP ports on 127.0.0.1 that are free now,
/// for sipp's `-mp` (it binds the audio port and the video port two above
/// it: a kernel-picked port's neighbours may be anybody's). Picked at random
/// in 12,000..19,999: below the ephemeral range (32,768..) that the kernel
/// hands out and the node's RTP range (20,000..29,999 by default), so that
/// only another test's pick can take it, rarely.
inline int free_media_port(int span = 4) {
  // Tests pick from several threads at once (peers started with std::async),
  // and a run handed out is not bound until its sipp starts: never twice.
  static std::mutex m;
  static std::set<int> given;
  static std::mt19937 pick(static_cast<unsigned>(
      std::chrono::steady_clock::now().time_since_epoch().count() ^ (getpid() << 16)));
  std::lock_guard lock{m};
  std::uniform_int_distribution<int> base(3'000, 4'998); // x 4: 12,000..19,992
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int first = base(pick) * 4;
    if (given.size() > 1'500) given.clear(); // a long run: the first ones are long gone
    if (given.count(first)) continue;
    bool free = true;
    for (int p = first; p < first + span && free; ++p) {
      int fd = socket(AF_INET, SOCK_DGRAM, 0);
      REQUIRE(fd >= 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<std::uint16_t>(p));
      free = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      close(fd);
    }
    if (free) {
      given.insert(first);
      return first;
    }
  }
  FAIL("no run of " << span << " free UDP ports in 12,000..19,999");
  return 0;
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
