#include "events/acd/call.hpp"

#include <algorithm>

namespace hotline::events::acd::call {

namespace {

using result = outcome<event>;

std::string name(const state& s) {
  return "call " + s.call_id;
}

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return v == a; });
}

/// Every offer still ringing ends with `reason` (the actor cancels those
/// agents' reservations when it sees these events).
void end_offers(const state& s, const std::string& reason, std::vector<event>& out,
                const std::string& except = {}) {
  for (const auto& o : s.offers)
    if (o.agent_id != except) out.push_back(call_offer_ended{s.call_id, o.agent_id, reason});
}

call_ended ended(const state& s, call_outcome outcome, std::string reason) {
  return call_ended{s.call_id, outcome, std::move(reason), s.agent_id, s.queue};
}

/// `e`'s name in a rejection's detail: a value cast from a number that is
/// no enumerator shows as that number.
template <wire_enum E> std::string named(E e) {
  return is_known(e) ? std::string{to_wire(e)} : std::to_string(static_cast<int>(e));
}

std::optional<rejection> must_be_connected_to(const state& s, const std::string& agent_id) {
  if (!is_connected(s))
    return rejection{"not_connected", name(s) + " is not connected to an agent"};
  if (s.agent_id != agent_id)
    return rejection{"not_your_call",
                     name(s) + " is connected to " + s.agent_id + ", not " + agent_id};
  return std::nullopt;
}

/// Refused while the agent consults another: `what` waits until the consultation ends.
std::optional<rejection> must_not_consult(const state& s, const std::string& what) {
  if (!in_consultation(s)) return std::nullopt;
  return rejection{"in_consultation", name(s) + ": " + what +
                                          " waits until the consultation with " + s.consultation +
                                          " is completed or cancelled"};
}

/// A consultation in progress ends with the call (before call.ended).
void end_consultation_with_call(const state& s, std::vector<event>& out) {
  if (in_consultation(s))
    out.push_back(call_consultation_ended{s.call_id, s.consultation, "call_ended"});
}

result decide_one(const arrive&, const state&) {
  return rejection{"already_arrived", ""}; // handled in decide, before the visit
}

result decide_one(const block& c, const state& s) {
  if (s.at != phase::arrived)
    return rejection{"not_waiting", name(s) + " already holds a line and is past arrival"};
  if (c.reason != "all_channels_busy" && c.reason != "trunk_down")
    return rejection{"invalid_argument",
                     "block reason '" + c.reason + "' is not all_channels_busy or trunk_down"};
  return event{ended(s, call_outcome::blocked, c.reason)};
}

result decide_one(const enqueue& c, const state& s) {
  if (c.queue.empty()) return rejection{"invalid_argument", "enqueue needs a queue"};
  if (s.at == phase::queued || s.at == phase::callback_waiting) {
    return rejection{"already_queued", name(s) + " already waits in queue " + s.queue};
  }
  if (s.at != phase::arrived)
    return rejection{"not_waiting",
                     name(s) + " cannot join a queue while " + to_string(status_of(s))};
  return event{call_queued{s.call_id, c.queue, c.priority, c.position, c.ewt_ms, c.reason}};
}

result decide_one(const change_priority& c, const state& s) {
  if (!is_waiting(s)) return rejection{"not_waiting", name(s) + " is not waiting in a queue"};
  if (c.priority == s.priority) return result::nothing();
  return event{call_priority_raised{s.call_id, s.queue, c.priority, c.reason}};
}

result decide_one(const announce& c, const state& s) {
  if (s.at != phase::queued)
    return rejection{"not_waiting", name(s) + " has no caller waiting on the line"};
  return event{call_announced{s.call_id, s.queue, c.position, c.ewt_ms}};
}

result decide_one(const widen& c, const state& s) {
  if (!is_waiting(s)) return rejection{"not_waiting", name(s) + " is not waiting in a queue"};
  if (c.step < 0) return rejection{"invalid_argument", "widening step must be >= 0"};
  if (c.step <= s.widening_step) return result::nothing();
  return event{call_widened{s.call_id, s.queue, c.step, c.min_level_delta, c.added_queues}};
}

result decide_one(const offer& c, const state& s) {
  if (c.agent_id.empty()) return rejection{"invalid_argument", "offer needs an agent"};
  if (s.at != phase::queued && s.at != phase::arrived)
    return rejection{"not_waiting",
                     name(s) + " cannot be offered while " + to_string(status_of(s))};
  if (has_offer(s, c.agent_id)) return result::nothing();
  return event{
      call_offered{s.call_id, s.queue, c.agent_id, s.attempts + 1, c.ring_timeout_ms, c.reason}};
}

result decide_one(const end_offer& c, const state& s) {
  if (s.at == phase::callback_dialing && !c.agent_id.empty() && c.agent_id == s.callback_agent)
    return event{
        call_offer_ended{s.call_id, c.agent_id, c.reason}}; // back to waiting, in its place
  if (!has_offer(s, c.agent_id)) return result::nothing();  // answered, ended or timed out first
  return event{call_offer_ended{s.call_id, c.agent_id, c.reason}};
}

result decide_one(const connect& c, const state& s) {
  if (is_connected(s)) {
    if (s.agent_id == c.agent_id) return result::nothing();
    return rejection{"already_connected", name(s) + " is already connected to " + s.agent_id};
  }
  const std::int64_t wait = waited_ms(s, c.now_ns);
  if (s.at == phase::callback_dialing) {
    if (c.agent_id != s.callback_agent)
      return rejection{"not_offered", name(s) + " is a call back reserved for " + s.callback_agent};
    return event{call_connected{s.call_id, s.queue, c.agent_id, wait}};
  }
  if (s.at == phase::arrived && s.direction == call_direction::outbound && s.offers.empty())
    return event{call_connected{s.call_id, s.queue, c.agent_id, 0}}; // the agent placed it
  if (!has_offer(s, c.agent_id))
    return rejection{"not_offered", name(s) + " is not offered to " + c.agent_id};
  std::vector<event> out{call_connected{s.call_id, s.queue, c.agent_id, wait}};
  end_offers(s, "answered_elsewhere", out, c.agent_id);
  return out;
}

result decide_one(const hold& c, const state& s) {
  if (auto r = must_be_connected_to(s, c.agent_id)) return *r;
  if (auto r = must_not_consult(s, "hold")) return *r;
  if (s.at == phase::held) return result::nothing();
  return event{call_held{s.call_id, c.agent_id}};
}

result decide_one(const resume& c, const state& s) {
  if (auto r = must_be_connected_to(s, c.agent_id)) return *r;
  if (auto r = must_not_consult(s, "resume")) return *r;
  if (s.at == phase::connected) return result::nothing();
  return event{call_resumed{s.call_id, c.agent_id}};
}

result decide_one(const transfer& c, const state& s) {
  if (!is_known(c.mode))
    return rejection{"invalid_argument",
                     "transfer mode '" + named(c.mode) + "' is not blind or consultative"};
  if (!is_known(c.target_kind))
    return rejection{"invalid_argument",
                     "transfer target kind '" + named(c.target_kind) + "' is unknown"};
  if (c.target.empty()) return rejection{"invalid_argument", "transfer needs a target"};
  if (auto r = must_be_connected_to(s, c.from_agent)) return *r;
  using kind = transfer_target_kind;
  if (c.target_kind == kind::agent && c.target == s.agent_id)
    return rejection{"invalid_argument", name(s) + " is already with " + c.target};
  if (c.target_kind == kind::agent && in_conference(s, c.target))
    return rejection{"in_conference", c.target + " is a party of the conference on " + name(s)};
  const bool takes_over = c.mode == transfer_mode::consultative && c.target_kind == kind::agent;
  // Only the target the agent talks with can complete a consultation, and
  // only a consultation makes a consultative transfer to an agent.
  if (in_consultation(s) && !(takes_over && c.target == s.consultation))
    return *must_not_consult(s, "a transfer other than to " + s.consultation);
  if (takes_over && !in_consultation(s))
    return rejection{"no_consultation",
                     name(s) + " has no consultation with " + c.target +
                         " to complete: consult first, and transfer once the target answered"};
  // A consultation still ringing ends (a consultation in progress is completed).
  std::vector<event> out;
  end_offers(s, "cancelled", out, takes_over ? c.target : std::string{});
  out.push_back(
      call_transferred{s.call_id, c.mode, c.from_agent, c.target_kind, c.target, c.reason});
  for (const auto& p : s.conference_parties)
    out.push_back(call_conference_left{s.call_id, p, "transferred"});
  if (c.target_kind == kind::external || c.target_kind == kind::site)
    out.push_back(ended(s, call_outcome::transferred_out,
                        std::string{to_wire(c.target_kind)} + ":" + c.target));
  return out;
}

result decide_one(const consult& c, const state& s) {
  if (!one_of(c.purpose, {"transfer", "conference"}))
    return rejection{"invalid_argument",
                     "consultation purpose '" + c.purpose + "' is not transfer or conference"};
  if (c.target_agent.empty()) return rejection{"invalid_argument", "consult needs a target agent"};
  if (c.ring_timeout_ms < 0)
    return rejection{"invalid_argument", "ring_timeout_ms must not be negative"};
  if (auto r = must_be_connected_to(s, c.from_agent)) return *r;
  if (auto r = must_not_consult(s, "another consultation")) return *r;
  if (c.target_agent == s.agent_id)
    return rejection{"invalid_argument", name(s) + " is already with " + c.target_agent};
  if (in_conference(s, c.target_agent))
    return rejection{"in_conference",
                     c.target_agent + " is already a party of the conference on " + name(s)};
  if (has_offer(s, c.target_agent)) return result::nothing();
  if (!s.offers.empty())
    return rejection{"consult_pending", name(s) + " already rings " + s.offers.front().agent_id};
  std::string why = (c.purpose == "transfer" ? "consultation from " : "conference from ") +
                    c.from_agent + (c.reason.empty() ? "" : ": " + c.reason);
  return event{call_offered{s.call_id, s.queue, c.target_agent, s.attempts + 1, c.ring_timeout_ms,
                            std::move(why)}};
}

result decide_one(const start_consultation& c, const state& s) {
  if (c.target_agent.empty())
    return rejection{"invalid_argument", "start_consultation needs the target agent"};
  if (!is_connected(s))
    return rejection{"not_connected", name(s) + " is not connected to an agent"};
  if (s.consultation == c.target_agent) return result::nothing();
  if (auto r = must_not_consult(s, "another consultation")) return *r;
  if (!has_offer(s, c.target_agent))
    return rejection{"not_offered", name(s) + " does not ring " + c.target_agent};
  return event{call_consultation_started{s.call_id, s.agent_id, c.target_agent}};
}

result decide_one(const end_consultation& c, const state& s) {
  if (!one_of(c.reason, {"cancelled", "target_hung_up"}))
    return rejection{"invalid_argument", "consultation end reason '" + c.reason +
                                             "' is not cancelled or target_hung_up"};
  if (!in_consultation(s))
    return rejection{"no_consultation", name(s) + " has no consultation in progress"};
  const std::string& who = c.reason == "cancelled" ? s.agent_id : s.consultation;
  if (c.agent_id != who)
    return rejection{"not_your_call",
                     name(s) + ": only " + who + " ends the consultation " +
                         (c.reason == "cancelled" ? "by cancelling it" : "by hanging up") +
                         ", not " + c.agent_id};
  return event{call_consultation_ended{s.call_id, s.consultation, c.reason}};
}

result decide_one(const leave_conference& c, const state& s) {
  if (!in_conference(s, c.party))
    return rejection{"not_in_conference", c.party + " is not a party of " + name(s)};
  return event{call_conference_left{s.call_id, c.party, c.reason}};
}

result decide_one(const conference& c, const state& s) {
  if (c.party.empty()) return rejection{"invalid_argument", "conference needs a party"};
  if (auto r = must_be_connected_to(s, c.agent_id)) return *r;
  if (auto r = must_not_consult(s, "a conference")) return *r;
  if (c.party == s.agent_id)
    return rejection{"invalid_argument", name(s) + " is already with " + c.party};
  if (std::find(s.conference_parties.begin(), s.conference_parties.end(), c.party) !=
      s.conference_parties.end())
    return result::nothing();
  return event{call_conferenced{s.call_id, c.agent_id, c.party}};
}

result decide_one(const supervise& c, const state& s) {
  if (!is_known(c.mode))
    return rejection{"invalid_argument", "supervision mode '" + named(c.mode) + "' is unknown"};
  if (c.supervisor_id.empty()) return rejection{"invalid_argument", "supervise needs a supervisor"};
  if (!is_connected(s))
    return rejection{"not_connected",
                     name(s) + " can be supervised only while connected to an agent"};
  auto it = s.supervisors.find(c.supervisor_id);
  if (c.mode == supervision_mode::stop) {
    if (it == s.supervisors.end())
      return rejection{"not_supervising", c.supervisor_id + " is not supervising " + name(s)};
  } else if (it != s.supervisors.end() && it->second == c.mode) {
    return result::nothing();
  }
  return event{call_supervised{s.call_id, c.supervisor_id, c.mode}};
}

result decide_one(const overflow& c, const state& s) {
  if (!one_of(c.action, {"queue", "voicemail", "callback"}))
    return rejection{"invalid_argument", "overflow action '" + c.action + "' is unknown"};
  if (c.action == "queue" && c.target.empty())
    return rejection{"invalid_argument", "overflow to a queue needs a target queue"};
  if (s.at != phase::queued && s.at != phase::arrived)
    return rejection{"not_waiting", name(s) + " cannot overflow while " + to_string(status_of(s))};
  std::vector<event> out;
  end_offers(s, "cancelled", out);
  out.push_back(call_overflowed{s.call_id, s.queue, c.action, c.target, c.reason});
  if (c.action == "voicemail") {
    out.push_back(ended(s, call_outcome::voicemail, c.reason));
  } else if (c.action == "callback") {
    out.push_back(
        call_callback_scheduled{s.call_id, c.target.empty() ? s.queue : c.target, s.caller});
  }
  return out;
}

result decide_one(const schedule_callback& c, const state& s) {
  if (s.at == phase::callback_waiting) return result::nothing();
  if (s.at != phase::queued)
    return rejection{"not_waiting",
                     name(s) + " can choose a call back only while waiting in a queue"};
  std::vector<event> out;
  end_offers(s, "cancelled", out);
  out.push_back(
      call_callback_scheduled{s.call_id, s.queue, c.number.empty() ? s.caller : c.number});
  return out;
}

result decide_one(const dial_callback& c, const state& s) {
  if (c.agent_id.empty())
    return rejection{"invalid_argument", "a call back needs a reserved agent"};
  if (s.at == phase::callback_dialing && s.callback_agent == c.agent_id) return result::nothing();
  if (s.at != phase::callback_waiting)
    return rejection{"not_waiting", name(s) + " has no call back waiting"};
  return event{call_callback_dialed{s.call_id, c.trunk_group, s.callback_number, c.agent_id}};
}

result decide_one(const fail_callback& c, const state& s) {
  if (s.at != phase::callback_waiting && s.at != phase::callback_dialing)
    return rejection{"not_waiting", name(s) + " has no call back pending"};
  if (c.retry_after_ms < 0) return rejection{"invalid_argument", "retry_after_ms must be >= 0"};
  if (s.callback_failures + 1 < c.attempts)
    return event{call_callback_retried{s.call_id, s.queue, c.reason, s.callback_failures + 1,
                                       c.now_ns + c.retry_after_ms * 1'000'000}};
  return event{ended(s, call_outcome::callback_failed, c.reason)};
}

result decide_one(const abandon& c, const state& s) {
  if (s.at == phase::callback_waiting || s.at == phase::callback_dialing)
    return rejection{"callback_pending",
                     name(s) + ": the caller already left and waits for a call back"};
  if (is_connected(s))
    return rejection{"already_connected", name(s) + " is connected; hang up instead"};
  if (s.at == phase::interflowing)
    return rejection{"interflowing",
                     name(s) + " is on its way to site " + s.remote_site + ", which owns it now"};
  std::vector<event> out;
  end_offers(s, "cancelled", out);
  out.push_back(ended(s, call_outcome::abandoned, c.reason));
  return out;
}

result decide_one(const hang_up& c, const state& s) {
  if (!one_of(c.by, {"caller", "agent", "caller_lost"}))
    return rejection{"invalid_argument",
                     "hang_up by '" + c.by + "' is not caller, agent or caller_lost"};
  if (!is_connected(s))
    return rejection{"not_connected", name(s) + " is not connected to an agent"};
  std::vector<event> out;
  end_offers(s, "cancelled", out); // a consultation still ringing
  end_consultation_with_call(s, out);
  out.push_back(ended(s, s.callback ? call_outcome::callback_completed : call_outcome::completed,
                      c.by == "caller_lost" ? c.by : c.by + "_hangup"));
  return out;
}

/// An outbound call whose agent dials and whose far end has not answered.
std::optional<rejection> must_be_dialing(const state& s) {
  if (s.direction != call_direction::outbound || s.at != phase::arrived)
    return rejection{"not_dialing", name(s) + " is not an outbound call still dialing (" +
                                        to_string(status_of(s)) + ")"};
  return std::nullopt;
}

result decide_one(const far_end_ringing&, const state& s) {
  if (auto r = must_be_dialing(s)) return *r;
  if (s.far_end_ringing) return result::nothing();
  return event{call_far_end_ringing{s.call_id, s.dialed}};
}

result decide_one(const far_end_failed& c, const state& s) {
  if (!one_of(c.result,
              {"busy", "rejected", "no_answer", "unreachable", "cancelled", "agent_unreachable"}))
    return rejection{"invalid_argument",
                     "far-end result '" + c.result +
                         "' is not busy, rejected, no_answer, unreachable, cancelled or "
                         "agent_unreachable"};
  if (auto r = must_be_dialing(s)) return *r;
  return event{ended(s, call_outcome::not_connected, c.result)};
}

result decide_one(const attach_data& c, const state& s) {
  const bool news = std::any_of(c.data.begin(), c.data.end(), [&](const auto& kv) {
    auto it = s.attached.find(kv.first);
    return it == s.attached.end() || it->second != kv.second;
  });
  if (!news) return result::nothing();
  return event{call_data_attached{s.call_id, c.data, c.source}};
}

result decide_one(const finish& c, const state& s) {
  if (!is_known(c.outcome))
    return rejection{"invalid_argument",
                     "call.ended outcome '" + named(c.outcome) + "' is unknown"};
  std::vector<event> out;
  end_offers(s, "cancelled", out);
  end_consultation_with_call(s, out);
  out.push_back(ended(s, c.outcome, c.reason));
  return out;
}

result decide_one(const recover_after_restart& c, const state& s) {
  std::vector<event> out;
  state t = s;
  auto take = [&](const event& e) {
    out.push_back(e);
    t = evolve(std::move(t), e, c.now_ns);
  };
  // The agents rung before the restart let go of their reservations.
  if (t.at == phase::callback_dialing)
    take(call_offer_ended{t.call_id, t.callback_agent, "node_restart"});
  for (const auto& o : s.offers)
    take(call_offer_ended{t.call_id, o.agent_id, "node_restart"});
  if (in_consultation(t)) take(call_consultation_ended{t.call_id, t.consultation, "call_ended"});
  const char* reason = nullptr;
  switch (t.at) {
  case phase::queued:
    reason = c.kept.waiting_contacts ? nullptr : far_end_lost;
    break;
  case phase::callback_waiting:
    reason = c.kept.callback_customers ? nullptr : far_end_lost;
    break;
  default:
    reason = media_leg_lost;
    break;
  }
  if (reason) take(ended(t, call_outcome::node_restart, reason));
  return out;
}

result decide_one(const offer_remote& c, const state& s) {
  if (c.site.empty() || c.offer_id.empty())
    return rejection{"invalid_argument", "a remote offer needs a site and an offer id"};
  if (s.at != phase::queued)
    return rejection{"not_waiting", name(s) + " cannot be offered to another site while " +
                                        to_string(status_of(s))};
  if (!s.remote_offer_id.empty())
    return rejection{"remote_pending", name(s) + " already waits for an answer from site " +
                                           s.remote_site + " (offer " + s.remote_offer_id + ")"};
  if (!s.offers.empty()) return rejection{"offered_locally", name(s) + " rings a local agent"};
  return event{call_interflow_offered{s.call_id, s.queue, c.site, c.offer_id, c.reason}};
}

result decide_one(const remote_denied& c, const state& s) {
  if (s.remote_offer_id.empty() || s.remote_offer_id != c.offer_id) return result::nothing();
  if (s.at == phase::interflowing)
    return rejection{"interflowing", name(s) + " already left for site " + s.remote_site};
  return event{call_interflow_denied{s.call_id, s.remote_site, c.offer_id, c.reason}};
}

result decide_one(const interflow& c, const state& s) {
  if (s.at == phase::interflowing && s.remote_offer_id == c.offer_id) return result::nothing();
  if (s.remote_offer_id.empty() || s.remote_offer_id != c.offer_id)
    return rejection{"no_remote_offer", name(s) + " has no pending remote offer " + c.offer_id};
  if (s.at != phase::queued)
    return rejection{"not_waiting", name(s) + " no longer waits (" + to_string(status_of(s)) + ")"};
  if (!s.offers.empty()) return rejection{"offered_locally", name(s) + " rings a local agent"};
  return event{call_interflowed{s.call_id, s.queue, s.remote_site, c.offer_id, c.agent_id}};
}

result decide_one(const return_from_remote& c, const state& s) {
  if (s.at != phase::interflowing)
    return rejection{"not_waiting", name(s) + " is not on its way to another site"};
  return event{call_interflow_returned{s.call_id, s.remote_site, s.remote_offer_id, c.reason}};
}

offer_in_flight* find_offer(state& s, const std::string& agent_id) {
  auto it = std::find_if(s.offers.begin(), s.offers.end(),
                         [&](const offer_in_flight& o) { return o.agent_id == agent_id; });
  return it == s.offers.end() ? nullptr : &*it;
}

void drop_offer(state& s, const std::string& agent_id) {
  std::erase_if(s.offers, [&](const offer_in_flight& o) { return o.agent_id == agent_id; });
}

} // namespace

std::string stream_name(const std::string& call_id) {
  return "call-" + call_id;
}

const char* to_string(status s) noexcept {
  switch (s) {
  case status::none:
    return "none";
  case status::arrived:
    return "arrived";
  case status::queued:
    return "queued";
  case status::offered:
    return "offered";
  case status::callback_waiting:
    return "callback_waiting";
  case status::callback_dialing:
    return "callback_dialing";
  case status::connected:
    return "connected";
  case status::held:
    return "held";
  case status::interflowing:
    return "interflowing";
  case status::ended:
    return "ended";
  }
  return "?";
}

state initial_state(std::string call_id) {
  state s;
  s.call_id = std::move(call_id);
  return s;
}

outcome<event> decide(const command& cmd, const state& s) {
  if (s.at == phase::ended)
    return rejection{"already_ended",
                     name(s) + " already ended (" + std::string{to_wire(s.outcome)} + ")"};
  if (const auto* a = std::get_if<arrive>(&cmd)) {
    if (s.at != phase::none) return rejection{"already_arrived", name(s) + " already arrived"};
    if (a->call_id != s.call_id)
      return rejection{"invalid_argument", "arrive for " + a->call_id + " sent to " + name(s)};
    if (!is_known(a->direction))
      return rejection{"invalid_argument",
                       "direction '" + named(a->direction) + "' is not inbound or outbound"};
    if (!is_known(a->channel))
      return rejection{"invalid_argument", "channel '" + named(a->channel) + "' is unknown"};
    return event{call_arrived{a->call_id, a->channel, a->direction, a->caller, a->dialed,
                              a->customer_id, a->attached, a->trunk_group}};
  }
  if (s.at == phase::none) return rejection{"not_arrived", name(s) + " has not arrived"};
  // One decide_one overload per command type: a new command without one does not compile.
  return std::visit([&](const auto& c) -> result { return decide_one(c, s); }, cmd);
}

state evolve(state s, const event& e, std::int64_t at_ns) {
  std::visit(
      [&](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<E, call_arrived>) {
          s.call_id = ev.call_id;
          s.at = phase::arrived;
          s.channel = ev.channel;
          s.direction = ev.direction;
          s.caller = ev.caller;
          s.dialed = ev.dialed;
          s.customer_id = ev.customer_id;
          s.attached = ev.attached;
          s.trunk_group = ev.trunk_group;
          s.arrived_at_ns = at_ns;
        } else if constexpr (std::is_same_v<E, call_queued>) {
          if (s.queue != ev.queue) s.widening_step = -1;
          s.at = phase::queued;
          s.queue = ev.queue;
          s.priority = ev.priority;
          if (s.wait_started_ns < 0) s.wait_started_ns = at_ns;
        } else if constexpr (std::is_same_v<E, call_priority_raised>) {
          s.priority = ev.priority;
        } else if constexpr (std::is_same_v<E, call_announced>) {
          s.last_announced_ns = at_ns;
        } else if constexpr (std::is_same_v<E, call_widened>) {
          s.widening_step = std::max(s.widening_step, ev.step);
        } else if constexpr (std::is_same_v<E, call_offered>) {
          if (!find_offer(s, ev.agent_id))
            s.offers.push_back({ev.agent_id, ev.attempt, at_ns, ev.ring_timeout_ms});
          s.attempts = std::max(s.attempts, ev.attempt);
        } else if constexpr (std::is_same_v<E, call_offer_ended>) {
          if (s.at == phase::callback_dialing && ev.agent_id == s.callback_agent) {
            s.at = phase::callback_waiting; // its agent did not pick up: another may
            s.callback_agent.clear();
          }
          drop_offer(s, ev.agent_id);
        } else if constexpr (std::is_same_v<E, call_connected>) {
          s.remote_offer_id.clear();
          s.at = phase::connected;
          s.agent_id = ev.agent_id;
          s.connected_at_ns = at_ns;
          s.last_wait_ms = ev.wait_ms;
          s.wait_started_ns = -1;
          drop_offer(s, ev.agent_id);
        } else if constexpr (std::is_same_v<E, call_held>) {
          s.at = phase::held;
        } else if constexpr (std::is_same_v<E, call_resumed>) {
          s.at = phase::connected;
        } else if constexpr (std::is_same_v<E, call_transferred>) {
          ++s.transfers;
          s.supervisors.clear();
          using kind = transfer_target_kind;
          s.consultation.clear(); // completed
          if (ev.target_kind == kind::agent && ev.mode == transfer_mode::consultative) {
            s.at = phase::connected; // the target already talks to the caller
            s.agent_id = ev.target;
            drop_offer(s, ev.target);
          } else if (ev.target_kind == kind::agent || ev.target_kind == kind::queue) {
            s.at = phase::arrived; // to be offered / queued again
            s.offers.clear();
            s.wait_started_ns = -1;
          } // external | site: call.ended follows
        } else if constexpr (std::is_same_v<E, call_consultation_started>) {
          drop_offer(s, ev.target_agent); // answered: it talks with the agent
          s.consultation = ev.target_agent;
        } else if constexpr (std::is_same_v<E, call_consultation_ended>) {
          s.consultation.clear();
        } else if constexpr (std::is_same_v<E, call_conferenced>) {
          drop_offer(s, ev.party); // an invited agent answered
          if (!in_conference(s, ev.party)) s.conference_parties.push_back(ev.party);
        } else if constexpr (std::is_same_v<E, call_conference_left>) {
          std::erase(s.conference_parties, ev.party);
        } else if constexpr (std::is_same_v<E, call_supervised>) {
          if (ev.mode == supervision_mode::stop)
            s.supervisors.erase(ev.supervisor_id);
          else
            s.supervisors[ev.supervisor_id] = ev.mode;
        } else if constexpr (std::is_same_v<E, call_overflowed>) {
          s.offers.clear();
          if (ev.action == "queue") s.at = phase::arrived; // wait_started_ns kept: still waiting
        } else if constexpr (std::is_same_v<E, call_callback_scheduled>) {
          s.at = phase::callback_waiting;
          s.callback = true;
          s.callback_number = ev.number;
          s.queue = ev.queue;
          s.offers.clear();
        } else if constexpr (std::is_same_v<E, call_callback_retried>) {
          s.at = phase::callback_waiting;
          s.callback_agent.clear();
          s.callback_failures = ev.attempt;
          s.callback_retry_at_ns = ev.retry_at_ns;
        } else if constexpr (std::is_same_v<E, call_callback_dialed>) {
          s.at = phase::callback_dialing;
          s.callback_agent = ev.agent_id;
          if (!ev.trunk_group.empty()) s.trunk_group = ev.trunk_group;
        } else if constexpr (std::is_same_v<E, call_far_end_ringing>) {
          s.far_end_ringing = true;
        } else if constexpr (std::is_same_v<E, call_data_attached>) {
          for (const auto& [k, v] : ev.data)
            s.attached[k] = v;
        } else if constexpr (std::is_same_v<E, call_interflow_offered>) {
          s.remote_site = ev.site;
          s.remote_offer_id = ev.offer_id;
        } else if constexpr (std::is_same_v<E, call_interflow_denied>) {
          s.remote_offer_id.clear();
        } else if constexpr (std::is_same_v<E, call_interflowed>) {
          s.at = phase::interflowing;
          s.offers.clear();
        } else if constexpr (std::is_same_v<E, call_interflow_returned>) {
          s.at = phase::arrived; // queued again next; wait_started_ns kept: still waiting
          s.remote_offer_id.clear();
        } else if constexpr (std::is_same_v<E, call_ended>) {
          s.remote_offer_id.clear();
          s.at = phase::ended;
          s.outcome = ev.outcome;
          s.end_reason = ev.reason;
          s.offers.clear();
          s.supervisors.clear();
          s.consultation.clear();
          s.wait_started_ns = -1;
        }
      },
      e);
  return s;
}

status status_of(const state& s) noexcept {
  switch (s.at) {
  case phase::none:
    return status::none;
  case phase::arrived:
    return status::arrived;
  case phase::queued:
    return s.offers.empty() ? status::queued : status::offered;
  case phase::callback_waiting:
    return status::callback_waiting;
  case phase::callback_dialing:
    return status::callback_dialing;
  case phase::connected:
    return status::connected;
  case phase::held:
    return status::held;
  case phase::interflowing:
    return status::interflowing;
  case phase::ended:
    return status::ended;
  }
  return status::none;
}

bool is_waiting(const state& s) noexcept {
  return s.at == phase::queued || s.at == phase::callback_waiting;
}

bool is_connected(const state& s) noexcept {
  return s.at == phase::connected || s.at == phase::held;
}

bool in_conference(const state& s, const std::string& party) noexcept {
  return std::find(s.conference_parties.begin(), s.conference_parties.end(), party) !=
         s.conference_parties.end();
}

bool has_offer(const state& s, const std::string& agent_id) noexcept {
  return std::any_of(s.offers.begin(), s.offers.end(),
                     [&](const offer_in_flight& o) { return o.agent_id == agent_id; });
}

std::int64_t waited_ms(const state& s, std::int64_t now_ns) noexcept {
  if (s.wait_started_ns < 0 || now_ns < s.wait_started_ns) return 0;
  return (now_ns - s.wait_started_ns) / 1'000'000;
}

} // namespace hotline::events::acd::call
