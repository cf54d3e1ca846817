#include "projections/audit/audit_projection.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <unordered_map>
#include <vector>

#include "events/codec.hpp"

namespace hotline::projections::audit {

using events::errc;
using events::recorded_event;
using events::status;

std::string record_key(std::uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(seq));
  return std::string{records_prefix} + buf;
}

std::optional<std::uint64_t> seq_of_key(std::string_view key) {
  if (!key.starts_with(records_prefix)) return std::nullopt;
  auto digits = key.substr(records_prefix.size());
  std::uint64_t seq = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc{} || p != digits.data() + digits.size()) return std::nullopt;
  return seq;
}

namespace {

template <class P> void name_entities(const P& p, audit_record& r) {
  if constexpr (requires { p.call_id; }) r.call_id = p.call_id;
  if constexpr (requires { p.agent_id; })
    r.agent_id = p.agent_id;
  else if constexpr (requires { p.from_agent; })
    r.agent_id = p.from_agent;
  else if constexpr (requires { p.supervisor_id; })
    r.agent_id = p.supervisor_id;
  if constexpr (requires { p.customer_id; }) r.customer_id = p.customer_id;
  if constexpr (requires { p.queue; })
    r.queue = p.queue;
  else if constexpr (requires { p.from_queue; })
    r.queue = p.from_queue;
}

/// What a stream name says about the entity (`call-42` -> call 42).
void name_from_stream(std::string_view stream, audit_record& r) {
  auto category = events::stream_category(stream);
  auto entity = events::stream_entity(stream);
  if (category == "call" && r.call_id.empty())
    r.call_id = entity;
  else if (category == "agent" && r.agent_id.empty())
    r.agent_id = entity;
  else if (category == "queue" && r.queue.empty())
    r.queue = entity;
}

} // namespace

struct audit_projection::state {
  const events::event_codec& codec = events::event_codec::standard();
  chain_head head;
  std::unordered_map<std::string, std::string> call_customer;
  std::vector<std::pair<std::string, std::string>> pending_rows;
  std::vector<std::string> dirty_calls, deletes;
  bool head_dirty = false;
  std::uint64_t restored_max_seq = 0;
};

audit_projection::audit_projection() : s_(std::make_unique<state>()) {}
audit_projection::~audit_projection() = default;

chain_head audit_projection::head() const {
  return s_->head;
}

events::result<audit_record> audit_projection::record_of(const recorded_event& e) {
  const auto& codec = events::event_codec::standard();
  auto payload = codec.decode(e);
  if (!payload) return payload.error();
  audit_record r;
  r.position = e.position;
  r.time_ns = e.meta.timestamp_ns;
  r.site = e.meta.site;
  r.tenant = e.meta.tenant;
  r.caused_by = e.meta.caused_by;
  r.type = e.type;
  r.stream = e.stream;
  r.event_digest = event_digest_hex(e);
  std::visit(
      [&](const auto& body) {
        name_entities(body, r);
        // Text that is not valid UTF-8 (stored before input was checked) is
        // written as U+FFFD: the event digest still binds the exact bytes.
        r.detail =
            nlohmann::json(body).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      },
      *payload);
  if (const auto* rej = std::get_if<events::command_rejected>(&*payload))
    name_from_stream(rej->target_stream, r);
  name_from_stream(e.stream, r);
  return r;
}

status audit_projection::apply(const recorded_event& e) {
  auto rec = record_of(e);
  if (!rec) return rec.error();
  auto& r = *rec;
  auto& s = *s_;
  // the customer of an open call names the call's other records too
  if (!r.call_id.empty()) {
    auto it = s.call_customer.find(r.call_id);
    if (!r.customer_id.empty() && (it == s.call_customer.end() || it->second != r.customer_id)) {
      s.call_customer[r.call_id] = r.customer_id;
      s.dirty_calls.push_back(r.call_id);
    } else if (r.customer_id.empty() && it != s.call_customer.end()) {
      r.customer_id = it->second;
    }
    if (r.type == "call.ended" && s.call_customer.erase(r.call_id) > 0)
      s.deletes.push_back("audit/call/" + r.call_id);
  }
  r.seq = s.head.seq + 1;
  auto canonical = canonical_bytes(r);
  auto h = chain_hash(s.head.hash, canonical);
  s.pending_rows.emplace_back(record_key(r.seq), encode_row(r, h));
  s.head = {r.seq, h};
  s.head_dirty = true;
  return {};
}

void audit_projection::collect(view_changes& out) {
  auto& s = *s_;
  for (auto& k : s.deletes)
    out.deletes.push_back(std::move(k));
  s.deletes.clear();
  for (auto& row : s.pending_rows)
    out.puts.push_back(std::move(row));
  s.pending_rows.clear();
  for (const auto& id : s.dirty_calls) {
    auto it = s.call_customer.find(id);
    if (it != s.call_customer.end()) out.puts.emplace_back("audit/call/" + id, it->second);
  }
  s.dirty_calls.clear();
  if (s.head_dirty) {
    out.puts.emplace_back(std::string{head_key}, encode_head(s.head));
    s.head_dirty = false;
  }
}

status audit_projection::restore(std::string_view key, std::string_view value) {
  if (key == head_key) {
    auto h = decode_head(value);
    if (!h) return h.error();
    s_->head = *h;
  } else if (key.starts_with("audit/call/")) {
    s_->call_customer[std::string{key.substr(11)}] = std::string{value};
  } else if (auto seq = seq_of_key(key)) {
    // Records are not needed to continue the chain (the head carries it on),
    // but one beyond the head means the head was lost or rolled back.
    s_->restored_max_seq = std::max(s_->restored_max_seq, *seq);
  } else {
    return {errc::corrupt_record, "view row '" + std::string{key} + "': unknown audit row"};
  }
  return {};
}

status audit_projection::finish_restore() {
  if (s_->restored_max_seq > s_->head.seq)
    return {errc::corrupt_record,
            "the audit chain head (seq " + std::to_string(s_->head.seq) +
                ") is behind its records (seq " + std::to_string(s_->restored_max_seq) +
                "); refusing to append over them: run `hotline audit verify`"};
  return {};
}

bool audit_matcher::matches(const audit_record& r) {
  if (!q_.customer_id.empty()) {
    bool named = r.customer_id == q_.customer_id;
    if (named && !r.call_id.empty()) customer_calls_.insert(r.call_id);
    if (!named && !(r.call_id.size() && customer_calls_.count(r.call_id))) return false;
  }
  if (!q_.call_id.empty() && r.call_id != q_.call_id) return false;
  if (!q_.agent_id.empty() && r.agent_id != q_.agent_id) return false;
  if (!q_.user.empty() && r.caused_by.id != q_.user) return false;
  if (!q_.type.empty() && r.type != q_.type) return false;
  return r.time_ns >= q_.from_ns && r.time_ns < q_.to_ns;
}

} // namespace hotline::projections::audit
