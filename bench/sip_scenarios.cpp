#include "bench/sip_scenarios.hpp"

#include <cstdint>
#include <fstream>
#include <stdexcept>

namespace hotline::bench {

namespace {

// The phone answers at once: post-dial delay then measures the node, not
// the phone. [last_Record-Route:] is empty (its line dropped by sipp)
// when nothing recorded a route, as with the node.
constexpr const char* phone_xml = R"(<?xml version="1.0" encoding="ISO-8859-1" ?>
<!-- hotline bench sip: every agent's phone. Rings and answers at once. -->
<scenario name="bench phone">
  <recv request="INVITE" crlf="true"/>
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_Record-Route:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_Record-Route:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=phone 1 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8
      a=rtpmap:8 PCMA/8000
    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
  <recv request="BYE"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
</scenario>
)";

// {MEDIA_PORT} and {AUDIO} are replaced to make the two callers.
constexpr const char* caller_xml = R"(<?xml version="1.0" encoding="ISO-8859-1" ?>
<!-- hotline bench sip: a caller dialing [service]. INVITE -> 200 is the response time. -->
<scenario name="bench caller">
  <send retrans="500" start_rtd="1">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:+86138[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=caller 1 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio {MEDIA_PORT} RTP/AVP 8
      a=rtpmap:8 PCMA/8000
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="1" rrs="true"/>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: sipp <sip:+86138[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>{AUDIO}
  <pause/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: sipp <sip:+86138[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
</scenario>
)";

std::string replaced(std::string text, const std::string& what, const std::string& with) {
  const auto at = text.find(what);
  if (at != std::string::npos) text.replace(at, what.size(), with);
  return text;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + path);
}

void put16be(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v >> 8);
  s += static_cast<char>(v & 0xff);
}
void put32be(std::string& s, std::uint32_t v) {
  put16be(s, static_cast<std::uint16_t>(v >> 16));
  put16be(s, static_cast<std::uint16_t>(v & 0xffff));
}
void put16le(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>(v >> 8);
}
void put32le(std::string& s, std::uint32_t v) {
  put16le(s, static_cast<std::uint16_t>(v & 0xffff));
  put16le(s, static_cast<std::uint16_t>(v >> 16));
}

} // namespace

scenario_files write_scenarios(const std::string& dir) {
  scenario_files f{dir + "/phone.xml", dir + "/caller.xml", dir + "/caller_with_audio.xml"};
  write_file(f.phone, phone_xml);
  write_file(f.caller,
             replaced(replaced(caller_xml, "{MEDIA_PORT}", "[media_port]"), "{AUDIO}", ""));
  write_file(f.caller_with_audio,
             replaced(replaced(caller_xml, "{MEDIA_PORT}", "[sink_port]"), "{AUDIO}",
                      "\n  <nop><action><exec play_pcap_audio=\"[audio]\"/></action></nop>"));
  return f;
}

void write_pcma_pcap(const std::string& path, int packets) {
  if (packets < 1)
    throw std::invalid_argument("write_pcma_pcap: packets must be at least 1, not " +
                                std::to_string(packets));
  constexpr std::size_t payload = 160; // 20 ms of 8 kHz G.711
  std::string out;
  // pcap global header (little endian, microseconds, Ethernet).
  put32le(out, 0xa1b2c3d4);
  put16le(out, 2);
  put16le(out, 4);
  put32le(out, 0);
  put32le(out, 0);
  put32le(out, 65'535);
  put32le(out, 1);
  for (int i = 0; i < packets; ++i) {
    std::string pkt;
    // Ethernet: destination, source, IPv4.
    pkt.append(12, '\0');
    put16be(pkt, 0x0800);
    // IPv4 header, 127.0.0.1 -> 127.0.0.1, UDP.
    const auto udp_len = static_cast<std::uint16_t>(8 + 12 + payload);
    std::string ip;
    ip += static_cast<char>(0x45);
    ip += '\0';
    put16be(ip, static_cast<std::uint16_t>(20 + udp_len));
    put16be(ip, static_cast<std::uint16_t>(i));
    put16be(ip, 0x4000); // don't fragment
    ip += static_cast<char>(64);
    ip += static_cast<char>(17);
    put16be(ip, 0); // checksum, below
    put32be(ip, 0x7f000001);
    put32be(ip, 0x7f000001);
    std::uint32_t sum = 0;
    for (std::size_t k = 0; k < ip.size(); k += 2)
      sum += (static_cast<std::uint8_t>(ip[k]) << 8) | static_cast<std::uint8_t>(ip[k + 1]);
    while (sum >> 16)
      sum = (sum & 0xffff) + (sum >> 16);
    const auto check = static_cast<std::uint16_t>(~sum);
    ip[10] = static_cast<char>(check >> 8);
    ip[11] = static_cast<char>(check & 0xff);
    pkt += ip;
    // UDP (sipp rewrites the ports and the checksum).
    put16be(pkt, 6'000);
    put16be(pkt, 6'000);
    put16be(pkt, udp_len);
    put16be(pkt, 0);
    // RTP: version 2, marker on the first packet, PCMA.
    pkt += static_cast<char>(0x80);
    pkt += static_cast<char>((i == 0 ? 0x80 : 0x00) | 8);
    put16be(pkt, static_cast<std::uint16_t>(i));
    put32be(pkt, static_cast<std::uint32_t>(i) * payload);
    put32be(pkt, 0x5eed0001);
    for (std::size_t k = 0; k < payload; ++k)
      pkt += static_cast<char>(0xd5 ^ ((k + static_cast<std::size_t>(i)) & 0x0f)); // near silence
    // Record header: 20 ms apart.
    const auto usec = static_cast<std::uint64_t>(i) * 20'000;
    put32le(out, static_cast<std::uint32_t>(usec / 1'000'000));
    put32le(out, static_cast<std::uint32_t>(usec % 1'000'000));
    put32le(out, static_cast<std::uint32_t>(pkt.size()));
    put32le(out, static_cast<std::uint32_t>(pkt.size()));
    out += pkt;
  }
  write_file(path, out);
}

} // namespace hotline::bench
