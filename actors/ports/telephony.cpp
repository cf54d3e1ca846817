#include "actors/ports/telephony.hpp"

namespace hotline::ports {

std::string_view to_string(reject_cause c) noexcept {
  switch (c) {
  case reject_cause::busy:
    return "busy";
  case reject_cause::not_found:
    return "not_found";
  case reject_cause::unavailable:
    return "unavailable";
  case reject_cause::unsupported_media:
    return "unsupported_media";
  case reject_cause::forbidden:
    return "forbidden";
  case reject_cause::declined:
    return "declined";
  case reject_cause::no_answer:
    return "no_answer";
  }
  return "?";
}

std::string_view to_string(failure_cause c) noexcept {
  switch (c) {
  case failure_cause::busy:
    return "busy";
  case failure_cause::rejected:
    return "rejected";
  case failure_cause::no_answer:
    return "no_answer";
  case failure_cause::unreachable:
    return "unreachable";
  }
  return "?";
}

std::string_view to_string(ended_by b) noexcept {
  switch (b) {
  case ended_by::far_end:
    return "far_end";
  case ended_by::lost:
    return "lost";
  default:
    return "node";
  }
}

std::string_view to_string(hangup_cause c) noexcept {
  switch (c) {
  case hangup_cause::normal:
    return "normal";
  case hangup_cause::withdrawn:
    return "withdrawn";
  case hangup_cause::off_line:
    return "off_line";
  case hangup_cause::media_error:
    return "media_error";
  }
  return "?";
}

std::string_view to_string(dtmf_method m) noexcept {
  switch (m) {
  case dtmf_method::rfc4733:
    return "rfc4733";
  case dtmf_method::sip_info:
    return "sip_info";
  case dtmf_method::inband:
    return "inband";
  }
  return "?";
}

std::string_view to_string(media_kind m) noexcept {
  return m == media_kind::music_on_hold ? "music_on_hold" : "silence";
}

std::string_view to_string(transfer_outcome o) noexcept {
  switch (o) {
  case transfer_outcome::done:
    return "done";
  case transfer_outcome::not_found:
    return "not_found";
  case transfer_outcome::refused:
    return "refused";
  }
  return "?";
}

std::string describe(const mix_request& m) {
  std::string out = m.mix;
  for (const auto& p : m.parties) {
    out += " " + p.leg + "<";
    for (std::size_t i = 0; i < p.hears.size(); ++i)
      out += (i ? "+" : "") + p.hears[i];
  }
  return out;
}

namespace {
struct describer {
  std::string operator()(const incoming& e) const {
    return "incoming " + e.leg + " from " + e.from + " to " + e.to +
           (e.agent.empty() ? " trunk " + e.trunk : " phone of " + e.agent) +
           (e.over_rate ? " over_rate" : "");
  }
  std::string operator()(const ringing& e) const { return "ringing " + e.leg; }
  std::string operator()(const answered& e) const { return "answered " + e.leg; }
  std::string operator()(const failed& e) const {
    return "failed " + e.leg + " " + std::string{to_string(e.cause)} +
           (e.code ? " " + std::to_string(e.code) : "");
  }
  std::string operator()(const ended& e) const {
    return "ended " + e.leg + " by " + std::string{to_string(e.by)};
  }
  std::string operator()(const dtmf& e) const {
    return "dtmf " + e.leg + " " + std::string(1, e.digit) + " " + std::string{to_string(e.method)};
  }
  std::string operator()(const registered& e) const {
    return std::string(e.refresh ? "refreshed " : "registered ") + e.agent + " " + e.contact +
           " for " + std::to_string(e.expires_s) + " s";
  }
  std::string operator()(const unregistered& e) const {
    return "unregistered " + e.agent + " " + e.contact + " " + e.reason;
  }
  std::string operator()(const trunk_peer_down& e) const {
    return "trunk_peer_down " + e.trunk + " " + e.peer + " " + e.reason;
  }
  std::string operator()(const trunk_peer_up& e) const {
    return "trunk_peer_up " + e.trunk + " " + e.peer;
  }
  std::string operator()(const held& e) const {
    return std::string(e.on ? "held " : "unheld ") + e.leg;
  }
  std::string operator()(const message_recorded& e) const {
    return "message_recorded " + e.message + " " + e.reason + " " + std::to_string(e.duration_ms) +
           " ms" + (e.error.empty() ? std::string{} : " error: " + e.error);
  }
  std::string operator()(const prompt_played& e) const {
    return "prompt_played " + e.leg + " " + std::to_string(e.tag) +
           (e.error.empty() ? std::string{} : " error: " + e.error);
  }
  std::string operator()(const transfer_requested& e) const {
    return "transfer_requested " + e.leg + " to " + e.target + " (" + e.uri + ")" +
           (e.replaces.empty() ? "" : " replaces " + e.replaces);
  }
  std::string operator()(const recording_done& e) const {
    return "recording_done " + e.recording + " " + e.path + " " + e.reason + " " +
           std::to_string(e.duration_ms) + " ms " + std::to_string(e.bytes) + " bytes sha256 " +
           (e.sha256.empty() ? "-" : e.sha256) + " dropped " + std::to_string(e.dropped_frames) +
           (e.error.empty() ? "" : " error: " + e.error);
  }
};
} // namespace

std::string describe(const telephony_event& e) {
  return std::visit(describer{}, e);
}

} // namespace hotline::ports
