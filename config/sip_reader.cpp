#include "config/sip_reader.hpp"

#include <charconv>
#include <set>

#include "config/wav.hpp"
#include "events/acd/queue_announcement.hpp"

namespace hotline::config {

bool is_ipv4(const std::string& text) {
  int parts = 0;
  std::size_t at = 0;
  while (at <= text.size()) {
    auto dot = text.find('.', at);
    auto end = dot == std::string::npos ? text.size() : dot;
    if (end == at || end - at > 3) return false;
    int v = 0;
    auto [p, ec] = std::from_chars(text.data() + at, text.data() + end, v);
    if (ec != std::errc{} || p != text.data() + end || v > 255) return false;
    ++parts;
    if (dot == std::string::npos) break;
    at = dot + 1;
  }
  return parts == 4;
}

bool parse_host_port(const std::string& text, host_port& out, std::string& why) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    why = "'" + text + "' has no port: expected IPV4:PORT, e.g. \"127.0.0.1:5060\"";
    return false;
  }
  auto host = text.substr(0, colon);
  if (!is_ipv4(host)) {
    why = "'" + host + "' is not an IPv4 address: expected IPV4:PORT, e.g. \"127.0.0.1:5060\"";
    return false;
  }
  int port = 0;
  const char* b = text.data() + colon + 1;
  const char* e = text.data() + text.size();
  auto [p, ec] = std::from_chars(b, e, port);
  if (b == e || ec != std::errc{} || p != e || port < 1 || port > 65535) {
    why = "'" + text.substr(colon + 1) + "' is not a port (1..65535)";
    return false;
  }
  out = {host, static_cast<std::uint16_t>(port)};
  return true;
}

bool parse_sip_contact(const std::string& text, sip_phone_definition& out, std::string& why) {
  const std::string scheme = "sip:";
  if (text.compare(0, scheme.size(), scheme) != 0) {
    why = "'" + text + "' is not a SIP address: expected \"sip:USER@IPV4[:PORT]\"";
    return false;
  }
  auto rest = text.substr(scheme.size());
  if (rest.find_first_of(";?> ") != std::string::npos) {
    why = "'" + text + "' has parameters or headers: expected \"sip:USER@IPV4[:PORT]\"";
    return false;
  }
  auto atsign = rest.find('@');
  if (atsign == 0 || atsign == std::string::npos) {
    why = "'" + text + "' has no user: expected \"sip:USER@IPV4[:PORT]\"";
    return false;
  }
  out.user = rest.substr(0, atsign);
  auto where = rest.substr(atsign + 1);
  if (where.find(':') == std::string::npos) where += ":5060";
  std::string inner;
  if (!parse_host_port(where, out.address, inner)) {
    why = "'" + text + "': " + inner;
    return false;
  }
  out.contact = text;
  return true;
}

namespace detail {

namespace {

bool read_address(table_reader& r, std::string_view key, host_port& out) {
  std::string text;
  if (!r.read(key, text)) return false;
  std::string why;
  if (!parse_host_port(text, out, why)) {
    r.error(key, why);
    return false;
  }
  return true;
}

} // namespace

void read_sip(table_reader& root, const events::center_definition& center, sip_definition& sip) {
  root.with_table("sip", [&](table_reader& r) {
    sip.enabled = true;
    read_address(r, "listen", sip.listen);
    r.read("retry_after_s", sip.retry_after_s, 1, 86'400, "whole seconds 1..86400");
    int lo = sip.rtp_port_min, hi = sip.rtp_port_max;
    r.read("rtp_port_min", lo, 1024, 65534, "a port 1024..65534");
    r.read("rtp_port_max", hi, 1025, 65535, "a port 1025..65535");
    if (hi - lo < 3)
      r.error("rtp_port_max", "the RTP ports " + std::to_string(lo) + ".." + std::to_string(hi) +
                                  " leave no room: give at least 4 ports above rtp_port_min");
    else {
      sip.rtp_port_min = static_cast<std::uint16_t>(lo);
      sip.rtp_port_max = static_cast<std::uint16_t>(hi);
    }
    if (r.read("realm", sip.realm) &&
        (sip.realm.empty() || sip.realm.find_first_of("\"\\\r\n") != std::string::npos)) {
      r.error("realm", "expected a non-empty realm without quotes, backslashes or line breaks");
      sip.realm = "hotline";
    }
    r.read("nonce_ttl_s", sip.nonce_ttl_s, 10, 86'400, "whole seconds 10..86400");
    r.read("register_min_expires_s", sip.register_min_expires_s, 1, 86'400,
           "whole seconds 1..86400");
    r.read("register_max_expires_s", sip.register_max_expires_s, 1, 604'800,
           "whole seconds 1..604800");
    if (sip.register_max_expires_s < sip.register_min_expires_s)
      r.error("register_max_expires_s", std::to_string(sip.register_max_expires_s) +
                                            " is below register_min_expires_s (" +
                                            std::to_string(sip.register_min_expires_s) + ")");
    std::string music;
    if (r.read("music_on_hold", music)) {
      // Relative to the file that names it, like `include`.
      const auto* node = r.get("music_on_hold");
      const auto written_in = node->source().path ? *node->source().path : std::string{};
      const auto path =
          (std::filesystem::path(written_in).parent_path() / music).lexically_normal();
      std::string why;
      if (music.empty())
        r.error("music_on_hold", "expected the path of a WAV file");
      else if (auto pcm = read_wav_8k_mono(path, why)) {
        sip.music_on_hold = path.string();
        sip.music_on_hold_pcm = std::move(*pcm);
      } else
        r.error("music_on_hold", path.string() + ": " + why);
    }
    std::string prompts;
    if (r.read("announcements", prompts)) {
      // A directory of prompts, relative to the file that names it; each
      // prompt the announcements use must be there (8 kHz mono WAV).
      const auto* node = r.get("announcements");
      const auto written_in = node->source().path ? *node->source().path : std::string{};
      const auto dir =
          (std::filesystem::path(written_in).parent_path() / prompts).lexically_normal();
      std::string why;
      if (prompts.empty()) {
        r.error("announcements", "expected the path of a directory of recorded prompts");
      } else if (!std::filesystem::is_directory(dir)) {
        r.error("announcements", dir.string() + ": not a directory");
      } else {
        for (const auto& name : events::acd::announcement_prompt_names()) {
          const auto file = dir / (name + ".wav");
          auto pcm = read_wav_8k_mono(file, why);
          if (!pcm) {
            r.error("announcements", file.string() + ": " + why);
            sip.announcement_pcm.clear();
            break;
          }
          sip.announcement_pcm[name] = std::move(*pcm);
        }
        if (!sip.announcement_pcm.empty()) sip.announcements = dir.string();
      }
    }
    std::string recordings;
    if (r.read("recordings_dir", recordings)) {
      const auto* node = r.get("recordings_dir");
      const auto written_in = node->source().path ? *node->source().path : std::string{};
      if (recordings.empty())
        r.error("recordings_dir",
                "expected a directory path (leave it out for <store>/recordings)");
      else
        sip.recordings_dir = (std::filesystem::path(written_in).parent_path() / recordings)
                                 .lexically_normal()
                                 .string();
    }
    r.read("inband_dtmf", sip.inband_dtmf);
    r.read("recording_queue_frames", sip.recording_queue_frames, 16, 1'000'000,
           "a count of 20 ms frames 16..1000000");
    r.read("media_threads", sip.media_threads, 0, 64, "a count of threads 0..64");
    std::set<std::string> groups;
    r.each_table("trunk", [&](table_reader& t, std::size_t) {
      sip_trunk_definition d;
      if (t.require("group", "the trunk group id ([[trunks]]) its calls seize"))
        if (t.read_id("group", d.group)) {
          if (!center.find_trunk(d.group))
            t.error("group", "no trunk group '" + d.group + "' in [[trunks]]");
          else if (!groups.insert(d.group).second)
            t.error("group", "trunk group '" + d.group + "' has two [[sip.trunk]] peers");
        }
      if (t.require("peer", "the peer's address IPV4:PORT")) read_address(t, "peer", d.peer);
      if (t.read("allow", d.allow)) {
        for (const auto& a : d.allow)
          if (!is_ipv4(a)) t.error("allow", "'" + a + "' is not an IPv4 address");
      }
      if (d.allow.empty() && !d.peer.host.empty()) d.allow.push_back(d.peer.host);
      t.read("cps", d.cps, 0, 100'000, "calls per second 0..100000 (0: no limit)");
      t.read("options_interval_s", d.options_interval_s, 0, 3'600,
             "whole seconds 0..3600 (0: no OPTIONS keepalive)");
      t.read("options_timeout_s", d.options_timeout_s, 1, 60, "whole seconds 1..60");
      t.read("options_failures", d.options_failures, 1, 100, "a count 1..100");
      if (d.options_interval_s > 0 && d.options_timeout_s > d.options_interval_s)
        t.error("options_timeout_s", std::to_string(d.options_timeout_s) +
                                         " is longer than options_interval_s (" +
                                         std::to_string(d.options_interval_s) + ")");
      sip.trunks.push_back(std::move(d));
    });
    if (r.read_id("outbound_trunk", sip.outbound_trunk) && !sip.trunk(sip.outbound_trunk))
      r.error("outbound_trunk", "no [[sip.trunk]] binds trunk group '" + sip.outbound_trunk + "'");
    else if (const auto* g = center.find_trunk(sip.outbound_trunk);
             g && !carries(g->direction, events::call_direction::outbound))
      r.error("outbound_trunk", "trunk group '" + sip.outbound_trunk + "' is inbound only");
    r.read("outbound_ring_timeout_s", sip.outbound_ring_timeout_s, 1, 600, "whole seconds 1..600");
    std::set<std::string> agents;
    r.each_table("phone", [&](table_reader& t, std::size_t) {
      sip_phone_definition d;
      if (t.require("agent", "the agent id whose phone it is") && t.read_id("agent", d.agent)) {
        if (!center.find_agent(d.agent))
          t.error("agent", "no agent '" + d.agent + "' in [[agents]]");
        else if (!agents.insert(d.agent).second)
          t.error("agent", "agent '" + d.agent + "' has two phones");
      }
      std::string contact;
      if (t.require("contact", "the phone's address \"sip:USER@IPV4[:PORT]\"") &&
          t.read("contact", contact)) {
        std::string why;
        if (!parse_sip_contact(contact, d, why)) t.error("contact", why);
      }
      sip.phones.push_back(std::move(d));
    });
  });
}

} // namespace detail

} // namespace hotline::config
