#pragma once
// Test support: a UDP port on 127.0.0.1 that nobody uses now (the kernel's
// pick), for a SIP node or a sipp peer about to bind it, and whether a port
// is bound yet (to wait for a peer started as a child process).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
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
