#include "events/federation/message.hpp"

#include <optional>

#include <nlohmann/json.hpp>

namespace hotline::events::federation {

namespace {

constexpr const char* kind_names[] = {"offer",   "accept", "deny",   "transfer",
                                      "release", "landed", "bounce", "withdraw"};

} // namespace

const char* to_string(message_kind k) noexcept {
  auto i = static_cast<std::size_t>(k);
  return i < std::size(kind_names) ? kind_names[i] : "?";
}

bool parse_message_kind(std::string_view text, message_kind& out) noexcept {
  for (std::size_t i = 0; i < std::size(kind_names); ++i)
    if (text == kind_names[i]) {
      out = static_cast<message_kind>(i);
      return true;
    }
  return false;
}

std::string to_json(const message& m) {
  nlohmann::json j{{"version", message_version},
                   {"kind", to_string(m.kind)},
                   {"offer_id", m.offer_id},
                   {"call_id", m.call_id},
                   {"correlation_id", m.correlation_id},
                   {"from_site", m.from_site},
                   {"to_site", m.to_site},
                   {"sent_at_ns", m.sent_at_ns}};
  switch (m.kind) {
  case message_kind::offer:
  case message_kind::transfer:
    j["queue"] = m.queue;
    j["priority"] = m.priority;
    j["channel"] = m.channel;
    j["caller"] = m.caller;
    j["dialed"] = m.dialed;
    j["customer_id"] = m.customer_id;
    j["waited_ms"] = m.waited_ms;
    j["attached"] = m.attached;
    if (m.kind == message_kind::offer)
      j["expires_at_ns"] = m.expires_at_ns;
    else
      j["crm"] = m.crm;
    break;
  case message_kind::accept:
    j["agent_id"] = m.agent_id;
    j["hold_ms"] = m.hold_ms;
    break;
  default:
    j["reason"] = m.reason;
    break;
  }
  return j.dump();
}

result<message> message_from_json(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return status{errc::malformed_json, "federation message: not a JSON object"};
  message m;
  if (auto v = j.find("version");
      v != j.end() && (!v->is_number_integer() || v->get<std::int64_t>() != message_version))
    return status{errc::malformed_json, "federation message: version " + v->dump() +
                                            " is not one this build reads (" +
                                            std::to_string(message_version) + ")"};
  auto kind = j.find("kind");
  if (kind == j.end() || !kind->is_string())
    return status{errc::malformed_json, "federation message: kind: missing or not a string"};
  if (!parse_message_kind(kind->get<std::string>(), m.kind))
    return status{errc::malformed_json,
                  "federation message: kind '" + kind->get<std::string>() + "' is unknown"};
  std::string where = std::string{"federation message ("} + to_string(m.kind) + "): ";
  auto str = [&](const char* key, std::string& out, bool required) -> std::optional<status> {
    auto it = j.find(key);
    if (it == j.end()) {
      if (required) return status{errc::malformed_json, where + key + ": missing"};
      return std::nullopt;
    }
    if (!it->is_string()) return status{errc::malformed_json, where + key + ": not a string"};
    out = it->get<std::string>();
    if (required && out.empty()) return status{errc::malformed_json, where + key + ": empty"};
    return std::nullopt;
  };
  auto num = [&](const char* key, auto& out) -> std::optional<status> {
    auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (!it->is_number_integer())
      return status{errc::malformed_json, where + key + ": not an integer"};
    out = it->get<std::remove_reference_t<decltype(out)>>();
    return std::nullopt;
  };
  auto name = [&](const char* key, auto& out) -> std::optional<status> {
    using E = std::remove_reference_t<decltype(out)>;
    auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (!it->is_string()) return status{errc::malformed_json, where + key + ": not a string"};
    const auto text = it->get<std::string>();
    auto value = from_wire<E>(text);
    if (!value) return status{errc::malformed_json, where + key + ": " + not_a_wire_name<E>(text)};
    out = *value;
    return std::nullopt;
  };
  auto map = [&](const char* key,
                 std::map<std::string, std::string>& out) -> std::optional<status> {
    auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (!it->is_object()) return status{errc::malformed_json, where + key + ": not an object"};
    for (auto& [k, v] : it->items()) {
      if (!v.is_string())
        return status{errc::malformed_json, where + key + "." + k + ": not a string"};
      out[k] = v.get<std::string>();
    }
    return std::nullopt;
  };
  for (auto e :
       {str("offer_id", m.offer_id, true), str("call_id", m.call_id, true),
        str("correlation_id", m.correlation_id, false), str("from_site", m.from_site, true),
        str("to_site", m.to_site, true), num("sent_at_ns", m.sent_at_ns),
        str("queue", m.queue, m.kind == message_kind::offer || m.kind == message_kind::transfer),
        num("priority", m.priority), name("channel", m.channel), str("caller", m.caller, false),
        str("dialed", m.dialed, false), str("customer_id", m.customer_id, false),
        num("waited_ms", m.waited_ms), num("expires_at_ns", m.expires_at_ns),
        map("attached", m.attached), map("crm", m.crm),
        str("agent_id", m.agent_id, m.kind == message_kind::accept), num("hold_ms", m.hold_ms),
        str("reason", m.reason, false)})
    if (e) return *e;
  return m;
}

std::string record_id(const message& m) {
  return m.offer_id + "." + to_string(m.kind);
}

} // namespace hotline::events::federation
