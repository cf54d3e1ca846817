#include "events/acd/agent.hpp"

#include <algorithm>
#include <string_view>

#include "events/json_text.hpp"

namespace hotline::events::acd::agent {

/// The rejection for a refusal code of new_contact_refusal / capacity_refusal.
rejection explain_refusal(const state& s, contact_channel channel, const char* code);

namespace {

using result = outcome<event>;

result nothing() {
  return result::nothing();
}

std::string who(const state& s) {
  return "agent " + s.definition.id;
}

contact* find_mut(state& s, const std::string& call_id) {
  auto it = std::find_if(s.contacts.begin(), s.contacts.end(),
                         [&](const contact& c) { return c.call_id == call_id; });
  return it == s.contacts.end() ? nullptr : &*it;
}

void remove_contact(state& s, const std::string& call_id) {
  std::erase_if(s.contacts, [&](const contact& c) { return c.call_id == call_id; });
}

bool idle(const state& s) {
  return s.presence == presence_state::ready && s.contacts.empty();
}

std::optional<rejection> logged_in(const state& s) {
  if (s.presence == presence_state::logged_out)
    return rejection{"logged_out", who(s) + " is logged out"};
  return std::nullopt;
}

result decide_one(const login& c, const state& s) {
  auto queues = c.queues.empty() ? s.definition.queues : c.queues;
  if (s.presence != presence_state::logged_out) {
    if (queues == s.queues && (c.station.empty() || c.station == s.station)) return nothing();
    return rejection{"already_logged_in",
                     who(s) + " is already logged in; log out to change queues or station"};
  }
  std::vector<event> out{agent_logged_in{s.definition.id, std::move(queues), c.station}};
  if (c.ready) out.push_back(agent_ready{s.definition.id});
  return out;
}

result decide_one(const logout& c, const state& s) {
  if (s.presence == presence_state::logged_out) return nothing();
  std::vector<event> out;
  for (const auto& k : s.contacts) {
    if (k.phase == contact_phase::on_call || k.phase == contact_phase::on_hold)
      return rejection{"on_call", who(s) + " is on call " + k.call_id + "; end it first"};
  }
  for (const auto& k : s.contacts) {
    if (k.phase == contact_phase::ringing)
      out.push_back(agent_reservation_ended{s.definition.id, k.call_id, "logged_out"});
    else
      out.push_back(agent_wrap_up_ended{s.definition.id, k.call_id});
  }
  out.push_back(agent_logged_out{s.definition.id, c.reason});
  return out;
}

result decide_one(const set_ready&, const state& s) {
  if (auto r = logged_in(s)) return *r;
  if (s.presence == presence_state::ready) return nothing();
  return event{agent_ready{s.definition.id}};
}

result decide_one(const set_not_ready& c, const state& s) {
  if (auto r = logged_in(s)) return *r;
  if (c.reason.empty()) return rejection{"missing_reason", "not ready needs a reason"};
  if (s.presence == presence_state::not_ready && s.not_ready_reason == c.reason) return nothing();
  return event{agent_not_ready{s.definition.id, c.reason}};
}

result decide_one(const reserve& c, const state& s) {
  if (const auto* k = find_contact(s, c.call_id)) {
    if (k->phase == contact_phase::ringing) return nothing();
    return rejection{"already_has_call",
                     who(s) + " already has call " + c.call_id + " (" + to_string(k->phase) + ")"};
  }
  if (c.placed) {
    if (auto r = logged_in(s)) return *r;
    if (const char* code = capacity_refusal(s, c.channel))
      return explain_refusal(s, c.channel, code);
  } else if (auto r = refuse_new_contact(s, c.channel)) {
    return *r;
  }
  return event{agent_reserved{s.definition.id, c.call_id, c.queue, c.channel}};
}

std::optional<rejection> must_ring(const state& s, const std::string& call_id) {
  const auto* k = find_contact(s, call_id);
  if (!k) return rejection{"not_reserved", "call " + call_id + " is not offered to " + who(s)};
  if (k->phase != contact_phase::ringing)
    return rejection{"not_ringing",
                     "call " + call_id + " is " + to_string(k->phase) + " at " + who(s)};
  return std::nullopt;
}

result decide_one(const answer& c, const state& s) {
  const auto* k = find_contact(s, c.call_id);
  if (k && (k->phase == contact_phase::on_call || k->phase == contact_phase::on_hold))
    return nothing();
  if (auto r = must_ring(s, c.call_id)) return *r;
  return event{agent_call_started{s.definition.id, c.call_id, k->channel}};
}

result decide_one(const reject& c, const state& s) {
  if (auto r = must_ring(s, c.call_id)) return *r;
  return event{agent_reservation_ended{s.definition.id, c.call_id, "rejected"}};
}

result decide_one(const ring_timeout& c, const state& s) {
  const auto* k = find_contact(s, c.call_id);
  if (!k || k->phase != contact_phase::ringing) return nothing(); // answered or cancelled first
  std::vector<event> out{agent_reservation_ended{s.definition.id, c.call_id, "no_answer"}};
  if (c.max_no_answer > 0 && s.consecutive_misses + 1 >= c.max_no_answer &&
      s.presence == presence_state::ready)
    out.push_back(agent_not_ready{s.definition.id, auto_pause_reason});
  return out;
}

result decide_one(const cancel_reservation& c, const state& s) {
  const auto* k = find_contact(s, c.call_id);
  if (!k || k->phase != contact_phase::ringing) return nothing();
  return event{agent_reservation_ended{s.definition.id, c.call_id, c.reason}};
}

result decide_one(const hold& c, const state& s) {
  const auto* k = find_contact(s, c.call_id);
  if (k && k->phase == contact_phase::on_hold) return nothing();
  if (!k || k->phase != contact_phase::on_call)
    return rejection{"not_on_call", who(s) + " is not talking on call " + c.call_id};
  return event{agent_call_held{s.definition.id, c.call_id, true}};
}

result decide_one(const resume& c, const state& s) {
  const auto* k = find_contact(s, c.call_id);
  if (k && k->phase == contact_phase::on_call) return nothing();
  if (!k || k->phase != contact_phase::on_hold)
    return rejection{"not_on_hold", "call " + c.call_id + " is not on hold at " + who(s)};
  return event{agent_call_held{s.definition.id, c.call_id, false}};
}

result decide_one(const end_call& c, const state& s) {
  if (c.wrap_up_ms < 0) return rejection{"invalid_argument", "wrap_up_ms must not be negative"};
  const auto* k = find_contact(s, c.call_id);
  if (k && k->phase == contact_phase::wrap_up) return nothing();
  if (!k || (k->phase != contact_phase::on_call && k->phase != contact_phase::on_hold))
    return rejection{"not_on_call", who(s) + " is not on call " + c.call_id};
  return event{agent_call_ended{s.definition.id, c.call_id, c.wrap_up_ms}};
}

result decide_one(const end_wrap_up& c, const state& s) {
  const auto* k = find_contact(s, c.call_id);
  if (!k) return nothing(); // already ended (timer and agent raced)
  if (k->phase != contact_phase::wrap_up)
    return rejection{"not_in_wrap_up",
                     "call " + c.call_id + " is " + to_string(k->phase) + " at " + who(s)};
  return event{agent_wrap_up_ended{s.definition.id, c.call_id}};
}

bool skill_name_ok(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-' || ch == '.';
  });
}

} // namespace

std::optional<rejection> check_skills(const std::map<std::string, int>& skills) {
  if (skills.size() > 256)
    return rejection{"invalid_argument",
                     "at most 256 skills (got " + std::to_string(skills.size()) + ")"};
  for (const auto& [name, level] : skills) {
    if (!skill_name_ok(name))
      return rejection{"invalid_argument",
                       "skill '" + name + "': names are 1..64 letters, digits, '_', '-' or '.'"};
    if (level < 1 || level > 100)
      return rejection{"invalid_argument", "skill '" + name + "': level " + std::to_string(level) +
                                               " is not within 1..100"};
  }
  return std::nullopt;
}

namespace {

/// Characters (code points) of valid UTF-8 `text`, or nullopt when it is not
/// valid UTF-8 or holds a control character other than those `allowed`.
std::optional<std::size_t> count_text(std::string_view text, std::string_view allowed) {
  if (invalid_utf8_at(text)) return std::nullopt;
  std::size_t n = 0;
  for (unsigned char ch : text) {
    if ((ch < 0x20 || ch == 0x7f) && allowed.find(static_cast<char>(ch)) == std::string_view::npos)
      return std::nullopt;
    if ((ch & 0xC0) != 0x80) ++n; // not a continuation byte: a new character
  }
  return n;
}

} // namespace

std::optional<std::string> check_disposition_code(std::string_view code) {
  auto n = count_text(code, {});
  if (!n) return "must be valid UTF-8 without control characters";
  if (*n == 0 || code.find_first_not_of(' ') == std::string_view::npos) return "must not be empty";
  if (*n > max_disposition_code)
    return "must be at most " + std::to_string(max_disposition_code) + " characters (got " +
           std::to_string(*n) + ")";
  return std::nullopt;
}

std::optional<std::string> check_disposition_notes(std::string_view notes) {
  auto n = count_text(notes, "\n\r\t");
  if (!n) return "must be valid UTF-8 without control characters (line breaks and tabs allowed)";
  if (*n > max_disposition_notes)
    return "must be at most " + std::to_string(max_disposition_notes) + " characters (got " +
           std::to_string(*n) + ")";
  return std::nullopt;
}

bool disposition_allowed(const std::vector<std::string>& allowed, std::string_view code) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), code) != allowed.end();
}

namespace {

result decide_one(const set_skills& c, const state& s) {
  if (auto bad = check_skills(c.skills)) return *bad;
  if (c.skills == s.definition.skills) return nothing();
  return event{agent_skills_changed{s.definition.id, c.skills, c.reason}};
}

result decide_one(const set_queues& c, const state& s) {
  if (c.queues.empty())
    return rejection{"invalid_argument",
                     who(s) + " must serve at least one queue (log it out instead)"};
  for (std::size_t i = 0; i < c.queues.size(); ++i) {
    if (c.queues[i].empty()) return rejection{"invalid_argument", "a queue id is empty"};
    if (std::find(c.queues.begin(), c.queues.begin() + static_cast<std::ptrdiff_t>(i),
                  c.queues[i]) != c.queues.begin() + static_cast<std::ptrdiff_t>(i))
      return rejection{"invalid_argument", "queue '" + c.queues[i] + "' is listed twice"};
  }
  const bool in = s.presence != presence_state::logged_out;
  if (c.queues == s.definition.queues && (!in || c.queues == s.queues)) return nothing();
  return event{agent_queues_changed{s.definition.id, c.queues, c.reason}};
}

result decide_one(const set_disposition& c, const state& s) {
  if (auto why = check_disposition_code(c.code))
    return rejection{"invalid_argument", "disposition code: " + *why};
  if (auto why = check_disposition_notes(c.notes))
    return rejection{"invalid_argument", "notes: " + *why};
  const auto* k = find_contact(s, c.call_id);
  if (!k) return rejection{"not_on_desk", "call " + c.call_id + " is not on " + who(s) + "'s desk"};
  if (k->phase == contact_phase::ringing)
    return rejection{"not_answered", "call " + c.call_id + " rings " + who(s) +
                                         ": a disposition follows an answered call"};
  if (!disposition_allowed(c.allowed, c.code)) {
    std::string list;
    for (const auto& a : c.allowed)
      list += (list.empty() ? "" : ", ") + a;
    return rejection{"unknown_disposition", "disposition code '" + c.code +
                                                "' is not one of queue " + k->queue +
                                                "'s: " + list};
  }
  return event{agent_disposition_set{s.definition.id, c.call_id, c.code, c.notes}};
}

/// Marks the start of an idle period when `s` became idle with this event.
void note_idle(bool was_idle, state& s, std::int64_t at_ns) {
  if (!was_idle && idle(s)) s.idle_since_ns = at_ns;
}

} // namespace

std::string stream_name(const std::string& agent_id) {
  return "agent-" + agent_id;
}

const char* to_string(contact_phase p) noexcept {
  switch (p) {
  case contact_phase::ringing:
    return "ringing";
  case contact_phase::on_call:
    return "on_call";
  case contact_phase::on_hold:
    return "on_hold";
  case contact_phase::wrap_up:
    return "wrap_up";
  }
  return "?";
}

const char* to_string(status s) noexcept {
  switch (s) {
  case status::logged_out:
    return "logged_out";
  case status::ready:
    return "ready";
  case status::not_ready:
    return "not_ready";
  case status::ringing:
    return "ringing";
  case status::on_call:
    return "on_call";
  case status::on_hold:
    return "on_hold";
  case status::wrap_up:
    return "wrap_up";
  }
  return "?";
}

state initial_state(agent_definition definition) {
  state s;
  s.definition = std::move(definition);
  return s;
}

outcome<event> decide(const command& cmd, const state& s) {
  // One decide_one overload per command type: a new command without one does not compile.
  return std::visit([&](const auto& c) -> result { return decide_one(c, s); }, cmd);
}

state evolve(state s, const event& e, std::int64_t at_ns) {
  const bool was_idle = idle(s);
  std::visit(
      [&](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<E, agent_logged_in>) {
          s.presence = presence_state::not_ready;
          s.not_ready_reason = "logged_in";
          s.queues = ev.queues;
          s.station = ev.station;
          s.contacts.clear();
          s.logged_in_at_ns = at_ns;
          s.calls_handled = 0;
          s.talk_time_ms = 0;
          s.consecutive_misses = 0;
        } else if constexpr (std::is_same_v<E, agent_logged_out>) {
          s.presence = presence_state::logged_out;
          s.not_ready_reason.clear();
          s.queues.clear();
          s.station.clear();
          s.contacts.clear();
        } else if constexpr (std::is_same_v<E, agent_ready>) {
          s.presence = presence_state::ready;
          s.not_ready_reason.clear();
          s.consecutive_misses = 0;
          note_idle(was_idle, s, at_ns);
        } else if constexpr (std::is_same_v<E, agent_not_ready>) {
          s.presence = presence_state::not_ready;
          s.not_ready_reason = ev.reason;
        } else if constexpr (std::is_same_v<E, agent_reserved>) {
          remove_contact(s, ev.call_id);
          s.contacts.push_back(
              {ev.call_id, ev.queue, ev.channel, contact_phase::ringing, at_ns, 0});
          s.last_offered_ns = at_ns;
        } else if constexpr (std::is_same_v<E, agent_reservation_ended>) {
          remove_contact(s, ev.call_id);
          if (ev.reason == "no_answer")
            ++s.consecutive_misses;
          else if (ev.reason == "rejected")
            s.last_rejected_ns = at_ns;
          else if (ev.reason == "busy")
            s.last_busy_ns = at_ns;
          // A missed ring does not restart the idle period (docs/acd.md).
        } else if constexpr (std::is_same_v<E, agent_call_started>) {
          auto* k = find_mut(s, ev.call_id);
          if (!k) {
            s.contacts.push_back(
                {ev.call_id, "", ev.channel, contact_phase::on_call, at_ns, at_ns});
          } else {
            k->phase = contact_phase::on_call;
            k->since_ns = at_ns;
            k->talk_started_ns = at_ns;
          }
          ++s.calls_handled;
          s.consecutive_misses = 0;
        } else if constexpr (std::is_same_v<E, agent_call_held>) {
          if (auto* k = find_mut(s, ev.call_id)) {
            k->phase = ev.on_hold ? contact_phase::on_hold : contact_phase::on_call;
            k->since_ns = at_ns;
          }
        } else if constexpr (std::is_same_v<E, agent_call_ended>) {
          if (auto* k = find_mut(s, ev.call_id)) {
            if (k->phase == contact_phase::on_call || k->phase == contact_phase::on_hold)
              s.talk_time_ms += std::max<std::int64_t>(0, (at_ns - k->talk_started_ns) / 1'000'000);
            if (ev.wrap_up_ms > 0) {
              k->phase = contact_phase::wrap_up;
              k->since_ns = at_ns;
            } else {
              remove_contact(s, ev.call_id);
            }
          }
          note_idle(was_idle, s, at_ns);
        } else if constexpr (std::is_same_v<E, agent_wrap_up_ended>) {
          remove_contact(s, ev.call_id);
          note_idle(was_idle, s, at_ns);
        } else if constexpr (std::is_same_v<E, agent_skills_changed>) {
          s.definition.skills = ev.skills;
        } else if constexpr (std::is_same_v<E, agent_queues_changed>) {
          s.definition.queues = ev.queues;
          if (s.presence != presence_state::logged_out) s.queues = ev.queues;
        }
      },
      e);
  return s;
}

status status_of(const state& s) noexcept {
  if (s.presence == presence_state::logged_out) return status::logged_out;
  // The most engaged contact shows (a voice-only agent holds at most one).
  bool any[4] = {false, false, false, false};
  for (const auto& k : s.contacts)
    any[static_cast<int>(k.phase)] = true;
  if (any[static_cast<int>(contact_phase::on_call)]) return status::on_call;
  if (any[static_cast<int>(contact_phase::on_hold)]) return status::on_hold;
  if (any[static_cast<int>(contact_phase::ringing)]) return status::ringing;
  if (any[static_cast<int>(contact_phase::wrap_up)]) return status::wrap_up;
  return s.presence == presence_state::ready ? status::ready : status::not_ready;
}

const contact* find_contact(const state& s, const std::string& call_id) noexcept {
  auto it = std::find_if(s.contacts.begin(), s.contacts.end(),
                         [&](const contact& c) { return c.call_id == call_id; });
  return it == s.contacts.end() ? nullptr : &*it;
}

int contacts_on(const state& s, contact_channel channel) noexcept {
  return static_cast<int>(std::count_if(s.contacts.begin(), s.contacts.end(),
                                        [&](const contact& c) { return c.channel == channel; }));
}

const char* new_contact_refusal(const state& s, contact_channel channel) noexcept {
  if (s.presence == presence_state::logged_out) return "logged_out";
  if (s.presence != presence_state::ready) return "not_ready";
  return capacity_refusal(s, channel);
}

const char* capacity_refusal(const state& s, contact_channel channel) noexcept {
  auto cap = s.definition.capacity.find(channel);
  if (cap == s.definition.capacity.end() || cap->second <= 0) return "channel_not_served";
  if (channel != contact_channel::voice && s.definition.voice_blocks_others &&
      contacts_on(s, contact_channel::voice) > 0)
    return "on_voice_call";
  if (contacts_on(s, channel) >= cap->second) return "at_capacity";
  return nullptr;
}

std::optional<rejection> refuse_new_contact(const state& s, contact_channel channel) {
  const char* code = new_contact_refusal(s, channel);
  if (!code) return std::nullopt;
  return explain_refusal(s, channel, code);
}

rejection explain_refusal(const state& s, contact_channel channel, const char* code) {
  const std::string_view c{code};
  if (c == "logged_out") return *logged_in(s);
  if (c == "not_ready")
    return rejection{code, who(s) + " is not ready (" + s.not_ready_reason + ")"};
  if (c == "channel_not_served")
    return rejection{code, who(s) + " takes no " + std::string{to_wire(channel)} + " contacts"};
  if (c == "on_voice_call")
    return rejection{code, who(s) + " has a voice contact and takes nothing else"};
  auto cap = s.definition.capacity.find(channel);
  return rejection{code, who(s) + " has " + std::to_string(cap->second) + " " +
                             std::string{to_wire(channel)} + " contact(s) already"};
}

std::int64_t effective_wrap_up_ms(const agent_definition& a, const queue_definition& q) noexcept {
  return a.wrap_up_ms >= 0 ? a.wrap_up_ms : q.wrap_up_ms;
}

} // namespace hotline::events::acd::agent
