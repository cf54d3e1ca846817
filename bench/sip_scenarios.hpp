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
};

/// Writes the two scenarios into `dir` (which must exist); their paths.
/// Throws std::runtime_error naming the file when one cannot be written.
scenario_files write_scenarios(const std::string& dir);

/// Writes `dir`/caller_with_audio.xml and returns its path: the caller with
/// audio. Its SDP offers the port `-key sink_port`, and after the ACK it
/// streams the A-law file `audio` (rtp_stream, from sipp's media socket;
/// sipp substitutes no -key in rtp_stream, hence a scenario per file). Not
/// play_pcap_audio: its raw socket per call is handed a copy of every UDP
/// datagram of the host, and at 1,000 calls that kernel work, charged to
/// whoever sends, was most of the node's CPU. Throws std::runtime_error
/// naming the file when it cannot be written.
std::string write_caller_with_audio(const std::string& dir, const std::string& audio);

/// Writes `packets` × 160 bytes of G.711 A-law (near silence, headerless)
/// to `path`, for sipp's rtp_stream with payload type 8 (160 bytes a
/// packet, 20 ms apart).
/// REQUIRES: packets >= 1. Throws std::invalid_argument otherwise, and
/// std::runtime_error naming the file when it cannot be written.
void write_pcma_raw(const std::string& path, int packets);

} // namespace hotline::bench
