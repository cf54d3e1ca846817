// An agent's desktop commands and a supervisor's actions on agents and
// their calls (docs/api.md, "Agents" and "Supervisors"). Each becomes an
// API request to the agent's actor (actors/protocol.hpp: api_atom); the
// decider's refusal comes back as 409 with its code.
#include <random>

#include "actors/call_actor.hpp"
#include "drivers/api/api_exchange.hpp"
#include "events/wire_enum.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;
using namespace hotline::actors;

namespace {

/// Sends `inner` to agent `{id}` after checking `what` on it; answers 200 or the refusal.
void to_agent(node_api::impl& api, const exchange_ptr& ex, identity::action what,
              caf::message inner) {
  const auto& id = ex->param("id");
  auto res = api.agent_resource(ex, id);
  if (!res || !api.allowed(ex, what, *res)) return;
  api.ask_acd(api.ctx->agents.get(id), ex, std::move(inner), done_or_refusal(ex));
}

/// The same for the call `{call}` on agent `{id}`'s desk.
void to_desk(node_api::impl& api, const exchange_ptr& ex, identity::action what,
             caf::message inner) {
  to_agent(api, ex, what, caf::make_message(desk_atom::value, ex->param("call"), std::move(inner)));
}

/// An enum field given by its wire name; 400 naming the field and the allowed names.
template <class E>
std::optional<E> enum_field(const exchange_ptr& ex, const char* name, std::optional<E> fallback) {
  auto text = string_field(ex, name, !fallback.has_value());
  if (!text) return std::nullopt;
  if (text->empty() && fallback) return fallback;
  auto out = events::from_wire<E>(*text);
  if (!out) {
    std::string names;
    for (auto n : events::wire_names<E>::names)
      names += (names.empty() ? "" : ", ") + std::string{n};
    ex->fail(400, "invalid_field", std::string{"field '"} + name + "' must be one of: " + names);
    return std::nullopt;
  }
  return *out;
}

/// A station: a phone extension ("2001", "+4930123") or a SIP URI
/// ("sip:2001@pbx.example.com"): 1 to 128 printable ASCII characters without
/// spaces, quotes, angle brackets or backslashes. Empty when it is fine,
/// else what is wrong.
std::string station_problem(const std::string& s) {
  if (s.size() > 128) return "is " + std::to_string(s.size()) + " characters, at most 128";
  for (unsigned char c : s)
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '\'')
      return "has a character that is not allowed (printable ASCII without spaces, quotes, "
             "angle brackets or backslashes)";
  if (s.rfind("sip:", 0) == 0 || s.rfind("sips:", 0) == 0) {
    if (s.find('@') == std::string::npos || s.back() == '@')
      return "is a SIP URI without user@host";
  } else if (s.find_first_not_of("+0123456789*#") != std::string::npos) {
    return "must be an extension (digits, a leading +, * #) or a sip: URI";
  }
  return {};
}

void agent_login(node_api::impl& api, const exchange_ptr& ex) {
  auto queues = strings_field(ex, "queues", false);
  if (!queues) return;
  for (const auto& q : *queues)
    if (!api.ctx->find_queue(q))
      return ex->fail(400, "invalid_field", "field 'queues': no queue '" + q + "'");
  auto station = string_field(ex, "station", false, 128);
  if (!station) return;
  if (auto why = station_problem(*station); !why.empty())
    return ex->fail(400, "invalid_field", "field 'station' " + why);
  to_agent(api, ex, identity::action::agent_control,
           caf::make_message(login_atom::value, std::move(*queues), std::move(*station)));
}

void agent_logout(node_api::impl& api, const exchange_ptr& ex) {
  auto reason = string_field(ex, "reason", false, 128);
  if (!reason) return;
  to_agent(api, ex, identity::action::agent_control,
           caf::make_message(logout_atom::value, reason->empty() ? std::string{"api"} : *reason));
}

void agent_not_ready(node_api::impl& api, const exchange_ptr& ex) {
  auto reason = string_field(ex, "reason", true, 128);
  if (!reason) return;
  to_agent(api, ex, identity::action::agent_control,
           caf::make_message(not_ready_atom::value, *reason));
}

/// POST /api/agents/{id}/force {state: ready|not_ready|logged_out, reason}: a supervisor's.
void agent_force(node_api::impl& api, const exchange_ptr& ex) {
  auto state = string_field(ex, "state", true, 32);
  if (!state) return;
  auto reason = string_field(ex, "reason", false, 128);
  if (!reason) return;
  const auto why = reason->empty() ? "forced by " + ex->who.username : *reason;
  if (*state == "ready")
    return to_agent(api, ex, identity::action::force_agent, caf::make_message(ready_atom::value));
  if (*state == "not_ready")
    return to_agent(api, ex, identity::action::force_agent,
                    caf::make_message(not_ready_atom::value, why));
  if (*state == "logged_out")
    return to_agent(api, ex, identity::action::force_agent,
                    caf::make_message(logout_atom::value, why));
  ex->fail(400, "invalid_field", "field 'state' must be one of: ready, not_ready, logged_out");
}

void call_transfer(node_api::impl& api, const exchange_ptr& ex) {
  auto mode = enum_field<events::transfer_mode>(ex, "mode", events::transfer_mode::blind);
  if (!mode) return;
  auto kind = enum_field<events::transfer_target_kind>(ex, "target_kind", std::nullopt);
  if (!kind) return;
  auto target = string_field(ex, "target", true, 128);
  if (!target) return;
  auto reason = string_field(ex, "reason", false, 256);
  if (!reason) return;
  auto fallback = string_field(ex, "fallback_queue", false, 128);
  if (!fallback) return;
  transfer_request r{ex->param("id"), *mode, *kind, *target, *reason, *fallback};
  to_desk(api, ex, identity::action::agent_control,
          caf::make_message(transfer_atom::value, std::move(r)));
}

void call_conference(node_api::impl& api, const exchange_ptr& ex) {
  auto kind = string_field(ex, "party_kind", false, 16);
  if (!kind) return;
  if (!kind->empty() && *kind != "agent" && *kind != "external")
    return ex->fail(400, "invalid_field", "field 'party_kind' must be one of: agent, external");
  auto party = string_field(ex, "party", true, 128);
  if (!party) return;
  auto reason = string_field(ex, "reason", false, 256);
  if (!reason) return;
  conference_request r{ex->param("id"), kind->empty() ? std::string{"agent"} : *kind, *party,
                       *reason};
  to_desk(api, ex, identity::action::agent_control,
          caf::make_message(conference_atom::value, std::move(r)));
}

/// POST .../supervise {mode: listen|whisper|barge|stop}: the supervisor joins, switches or leaves.
void call_supervise(node_api::impl& api, const exchange_ptr& ex) {
  auto mode = enum_field<events::supervision_mode>(ex, "mode", std::nullopt);
  if (!mode) return;
  if (ex->who.agent_id.empty())
    return ex->fail(409, "not_a_supervisor",
                    "user " + ex->who.username + " has no supervisor agent to join calls as");
  to_desk(api, ex, identity::action::supervise_call,
          caf::make_message(supervise_atom::value, ex->who.agent_id, *mode));
}

/// POST /api/agents/{id}/dial {number, queue}: the agent places an outbound call.
void agent_dial(node_api::impl& api, const exchange_ptr& ex) {
  auto number = string_field(ex, "number", true, 64);
  if (!number) return;
  if (number->empty() || number->find_first_not_of("+0123456789*#") != std::string::npos)
    return ex->fail(400, "invalid_field",
                    "field 'number' must be digits (a leading + and * # allowed)");
  auto queue = string_field(ex, "queue", false, 128);
  if (!queue) return;
  if (!queue->empty() && !api.ctx->find_queue(*queue))
    return ex->fail(400, "invalid_field", "field 'queue': no queue '" + *queue + "'");
  const auto& id = ex->param("id");
  auto res = api.agent_resource(ex, id);
  if (!res || !api.allowed(ex, identity::action::agent_control, *res)) return;
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  auto req = dial_out_request(api.ctx->store.site + "-api-" + std::to_string(api.now_ns()) + "-" +
                                  std::to_string(rng() % 1'000'000),
                              id, *number, *queue);
  spawn_call(api.sys, api.ctx, req);
  // The call's events say how it went (the feed): seized, reserved, or refused.
  ex->reply(202, {{"call_id", req.call_id}});
}

/// POST /api/agents/{id}/calls/{call}/recording/pause|resume: the agent on
/// the call, or a supervisor of its queues (like supervise); the telephony
/// actor checks that the agent talks on that call and asks the recording
/// decider (409 not_on_call, not_recorded, already_paused, not_paused).
void call_recording(node_api::impl& api, const exchange_ptr& ex, bool pause) {
  const auto& id = ex->param("id");
  auto res = api.agent_resource(ex, id);
  if (!res) return;
  if (identity::authorize(ex->who, identity::action::supervise_call, *res) !=
          identity::decision::allow &&
      !api.allowed(ex, identity::action::agent_control, *res))
    return;
  if (!api.ctx->telephony)
    return ex->fail(409, "not_recorded",
                    "call " + ex->param("call") +
                        " is not being recorded: this node has no telephony ([sip])");
  api.ask_acd(api.ctx->telephony, ex,
              caf::make_message(recording_atom::value, ex->param("call"), id, pause),
              [ex](std::string code, std::string detail) {
                if (!code.empty()) return answer_refusal(ex, code, detail);
                ex->reply(200, {{"status", "done"}});
              });
}

} // namespace

void add_agent_routes(node_api::impl& api) {
  using identity::action;
  auto simple = [&api](const char* verb, const char* summary, auto make) {
    api.add("POST", std::string{"/api/agents/{id}/"} + verb, summary, "the agent; admin",
            [make](node_api::impl& a, const exchange_ptr& ex) {
              to_agent(a, ex, action::agent_control, make(ex));
            });
  };
  api.add("POST", "/api/agents/{id}/login",
          "Log the agent in {queues: optional list, station: optional extension or SIP URI}",
          "the agent; admin", agent_login);
  api.add("POST", "/api/agents/{id}/logout", "Log the agent out {reason}", "the agent; admin",
          agent_logout);
  simple("ready", "Ready for calls",
         [](const exchange_ptr&) { return caf::make_message(ready_atom::value); });
  api.add("POST", "/api/agents/{id}/not-ready", "Not ready {reason}", "the agent; admin",
          agent_not_ready);
  api.add("POST", "/api/agents/{id}/force",
          "Force the agent's state {state: ready|not_ready|logged_out, reason}",
          "supervisor of its queues; admin", agent_force);
  api.add("POST", "/api/agents/{id}/dial", "Place an outbound call {number, queue}",
          "the agent; admin", agent_dial);
  auto on_call = [&api](const char* verb, const char* summary, auto make) {
    api.add("POST", std::string{"/api/agents/{id}/calls/{call}/"} + verb, summary,
            "the agent; admin", [make](node_api::impl& a, const exchange_ptr& ex) {
              to_agent(a, ex, action::agent_control, make(ex->param("call")));
            });
  };
  on_call("answer", "Answer the offered call",
          [](const std::string& c) { return caf::make_message(answer_atom::value, c); });
  on_call("reject", "Reject the offered call",
          [](const std::string& c) { return caf::make_message(reject_atom::value, c); });
  on_call("hangup", "Hang up the call",
          [](const std::string& c) { return caf::make_message(hangup_atom::value, c); });
  on_call("wrap-up-done", "End the after-call work",
          [](const std::string& c) { return caf::make_message(wrap_up_done_atom::value, c); });
  auto on_desk = [&api](const char* verb, const char* summary, auto make) {
    api.add("POST", std::string{"/api/agents/{id}/calls/{call}/"} + verb, summary,
            "the agent; admin", [make](node_api::impl& a, const exchange_ptr& ex) {
              to_desk(a, ex, action::agent_control, make(ex->param("id")));
            });
  };
  on_desk("hold", "Put the caller on hold",
          [](const std::string& agent) { return caf::make_message(hold_atom::value, agent); });
  on_desk("resume", "Take the caller back from hold",
          [](const std::string& agent) { return caf::make_message(resume_atom::value, agent); });
  api.add("POST", "/api/agents/{id}/calls/{call}/recording/pause",
          "Pause the call's recording: silence in the file until resumed (e.g. while a card "
          "number is read)",
          "the agent; supervisor of its queues; admin",
          [](node_api::impl& a, const exchange_ptr& ex) { call_recording(a, ex, true); });
  api.add("POST", "/api/agents/{id}/calls/{call}/recording/resume",
          "Resume the call's paused recording", "the agent; supervisor of its queues; admin",
          [](node_api::impl& a, const exchange_ptr& ex) { call_recording(a, ex, false); });
  api.add("POST", "/api/agents/{id}/calls/{call}/transfer",
          "Transfer {mode: blind|consultative, target_kind: queue|agent|external|site, target, "
          "reason, fallback_queue}",
          "the agent; admin", call_transfer);
  // A consultation in progress (the target of a consultative transfer
  // answered and talks with the agent, the caller on hold): complete it
  // (the caller goes to the target) or cancel it (the caller comes back).
  for (const char* what : {"complete", "cancel"})
    api.add("POST", std::string{"/api/agents/{id}/calls/{call}/consultation/"} + what,
            std::string{what} == "complete"
                ? "Complete the consultative transfer: the caller goes to the consulted agent"
                : "Cancel the consultation: the consulted agent is let go, the caller comes back",
            "the agent; admin",
            [what = std::string{what}](node_api::impl& a, const exchange_ptr& ex) {
              to_desk(a, ex, action::agent_control,
                      caf::make_message(consult_end_atom::value, ex->param("id"), what));
            });
  api.add("POST", "/api/agents/{id}/calls/{call}/conference",
          "Add a party {party_kind: agent|external, party, reason}", "the agent; admin",
          call_conference);
  api.add("POST", "/api/agents/{id}/calls/{call}/supervise",
          "Listen, whisper or barge into the agent's call, or leave it {mode: "
          "listen|whisper|barge|stop}",
          "supervisor of its queues; admin", call_supervise);
}

} // namespace hotline::drivers::api
