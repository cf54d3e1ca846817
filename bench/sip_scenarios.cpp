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

} // namespace

scenario_files write_scenarios(const std::string& dir) {
  scenario_files f{dir + "/phone.xml", dir + "/caller.xml"};
  write_file(f.phone, phone_xml);
  write_file(f.caller,
             replaced(replaced(caller_xml, "{MEDIA_PORT}", "[media_port]"), "{AUDIO}", ""));
  return f;
}

std::string write_caller_with_audio(const std::string& dir, const std::string& audio) {
  const auto path = dir + "/caller_with_audio.xml";
  write_file(path,
             replaced(replaced(caller_xml, "{MEDIA_PORT}", "[sink_port]"), "{AUDIO}",
                      "\n  <nop><action><exec rtp_stream=\"" + audio + ",1,8\"/></action></nop>"));
  return path;
}

void write_pcma_raw(const std::string& path, int packets) {
  if (packets < 1)
    throw std::invalid_argument("write_pcma_raw: packets must be at least 1, not " +
                                std::to_string(packets));
  constexpr std::size_t payload = 160; // 20 ms of 8 kHz G.711
  std::string out;
  out.reserve(payload * static_cast<std::size_t>(packets));
  for (int i = 0; i < packets; ++i)
    for (std::size_t k = 0; k < payload; ++k)
      out += static_cast<char>(0xd5 ^ ((k + static_cast<std::size_t>(i)) & 0x0f)); // near silence
  write_file(path, out);
}

} // namespace hotline::bench
