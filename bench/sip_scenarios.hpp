#pragma once
/// What `hotline bench sip` gives sipp: the scenarios of the callers and of
/// the agents' phones, and the callers' audio, written into a scratch
/// directory at run time (the binary needs no file from the source tree).
#include <string>

namespace hotline::bench {

/// Paths of the sipp scenarios written by `write_scenarios`.
struct scenario_files {
  /// The agents' phone (UAS): INVITE, then 180 and 200 at once (SDP: PCMA on
  /// sipp's media port), ACK, and the BYE answered 200. Copies any
  /// Record-Route, so it works behind a proxy too.
  std::string phone;
  /// A caller (UAC) dialing 100: INVITE offering PCMA (on sipp's media port),
  /// 100/180/183 optional, 200 (start of the response time: INVITE → 200),
  /// ACK, a pause of sipp's -d, BYE, 200. ACK and BYE carry the route set.
  std::string caller;
  /// The same caller with audio: its SDP offers the port `-key sink_port`,
  /// and after the ACK it plays the pcap `-key audio` (play_pcap_audio:
  /// needs root, for sipp's raw socket).
  std::string caller_with_audio;
};

/// Writes the three scenarios into `dir` (which must exist); their paths.
/// Throws std::runtime_error naming the file when one cannot be written.
scenario_files write_scenarios(const std::string& dir);

/// Writes a pcap of `packets` RTP packets (G.711 A-law, payload type 8,
/// 160 bytes each, 20 ms apart, one SSRC, Ethernet/IPv4/UDP 127.0.0.1) to
/// `path`, for sipp's play_pcap_audio (which replaces the addresses and
/// ports and paces by the capture's timestamps).
/// REQUIRES: packets >= 1. Throws std::invalid_argument otherwise, and
/// std::runtime_error naming the file when it cannot be written.
void write_pcma_pcap(const std::string& path, int packets);

} // namespace hotline::bench
