// Voicemail (F6, docs/api.md "Voicemail"): list a mailbox's messages, play
// one (its SHA-256 checked first; every play recorded as
// voicemail.listened and audited like a customer read), mark it handled.
// Messages live in the voicemail box (voicemail_box.hpp); who may touch
// them is events/voicemail/voicemail_access.hpp.
#include <fstream>
#include <sstream>

#include "drivers/api/api_exchange.hpp"
#include "drivers/api/voicemail_box.hpp"
#include "events/voicemail/voicemail_access.hpp"

namespace hotline::drivers::api {

namespace vm = events::voicemail;
namespace identity = events::identity;

namespace {

/// The queues the asking agent serves (its definition's), for voicemail_access.
std::vector<std::string> own_queues(node_api::impl& api, const exchange_ptr& ex) {
  if (ex->who.agent_id.empty() || !api.ctx) return {};
  if (const auto* def = api.ctx->find_agent(ex->who.agent_id)) return def->queues;
  return {};
}

/// Answers 403/404 itself when `ex`'s user may not touch `e`.
bool may(node_api::impl& api, const exchange_ptr& ex, const voicemail_entry& e) {
  switch (vm::may_access(ex->who, e.s.left.tenant, e.s.left.mailbox, own_queues(api, ex))) {
  case identity::decision::allow:
    return true;
  case identity::decision::forbidden:
    ex->fail(403, "forbidden", "mailbox " + e.s.left.mailbox + " is not yours to hear");
    return false;
  case identity::decision::not_found:
    break;
  }
  ex->fail(404, "not_found", "no voicemail message '" + e.s.message_id + "'");
  return false;
}

nlohmann::json to_json(const voicemail_entry& e) {
  const auto& l = e.s.left;
  return {{"id", e.s.message_id},
          {"mailbox", l.mailbox},
          {"tenant", l.tenant},
          {"call_id", l.call_id},
          {"caller", l.caller},
          {"duration_ms", l.duration_ms},
          {"left_at_ns", e.left_at_ns},
          {"sha256", l.sha256},
          {"status", vm::to_string(e.s.at)},
          {"listens", e.s.listens},
          {"handled_by", e.s.handled_by},
          {"handled_how", e.s.handled_how}};
}

bool box_ready(node_api::impl& api, const exchange_ptr& ex) {
  if (api.voicemail) return true;
  ex->fail(503, "unavailable", "the voicemail box could not be recovered from the store");
  return false;
}

/// GET /api/voicemail?mailbox=M: the messages you may hear, oldest first.
void list_messages(node_api::impl& api, const exchange_ptr& ex) {
  if (!box_ready(api, ex)) return;
  std::string mailbox;
  if (auto it = ex->req.query.find("mailbox"); it != ex->req.query.end()) mailbox = it->second;
  const auto tenant = ex->who.tenant.empty() ? std::string("*") : ex->who.tenant;
  const auto queues = own_queues(api, ex);
  auto out = nlohmann::json::array();
  bool refused = false;
  for (const auto& e : api.voicemail->list(tenant, mailbox)) {
    if (vm::may_access(ex->who, e.s.left.tenant, e.s.left.mailbox, queues) ==
        identity::decision::allow)
      out.push_back(to_json(e));
    else
      refused = true;
  }
  // Naming a mailbox one may not hear is refused, not answered empty.
  if (!mailbox.empty() && refused && out.empty())
    return ex->fail(403, "forbidden", "mailbox " + mailbox + " is not yours to hear");
  ex->reply(200, {{"messages", out}});
}

/// GET /api/voicemail/{id}/audio: the WAV, after its SHA-256 is checked.
void play_message(node_api::impl& api, const exchange_ptr& ex) {
  if (!box_ready(api, ex)) return;
  const auto& id = ex->param("id");
  auto e = api.voicemail->find(id);
  if (!e) return ex->fail(404, "not_found", "no voicemail message '" + id + "'");
  if (!may(api, ex, *e)) return;
  if (auto why = voicemail_box::verify_file(*e); !why.empty())
    return ex->fail(409, "recording_changed", why);
  std::ifstream in(e->s.left.file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  // The play is a fact of the message (who heard it) and of the audit trail.
  auto heard = api.voicemail->execute(id, vm::listen{ex->who.username},
                                      events::principal::user(ex->who.username), api.now_ns());
  if (auto* no = std::get_if<events::rejection>(&heard))
    return answer_refusal(ex, no->code, no->detail);
  api.audit_read(ex, "voicemail", id);
  http_response r;
  r.status = 200;
  r.content_type = "audio/wav";
  r.body = bytes.str();
  if (ex->reply_to) ex->reply_to(std::move(r));
  ex->reply_to = nullptr;
}

/// POST /api/voicemail/{id}/handled {"how": "called_back"|"resolved"|"no_action", "note": "..."}
void mark_handled(node_api::impl& api, const exchange_ptr& ex) {
  if (!box_ready(api, ex)) return;
  const auto& id = ex->param("id");
  auto e = api.voicemail->find(id);
  if (!e) return ex->fail(404, "not_found", "no voicemail message '" + id + "'");
  if (!may(api, ex, *e)) return;
  auto how = string_field(ex, "how", true, 32);
  if (!how) return;
  auto note = string_field(ex, "note", false, 1024);
  if (!note) return;
  auto done = api.voicemail->execute(id, vm::handle{ex->who.username, *how, *note},
                                     events::principal::user(ex->who.username), api.now_ns());
  if (auto* no = std::get_if<events::rejection>(&done)) {
    if (no->code == "invalid_argument") return ex->fail(400, "invalid_field", no->detail);
    return answer_refusal(ex, no->code, no->detail);
  }
  ex->reply(200, to_json(std::get<voicemail_entry>(done)));
}

} // namespace

void add_voicemail_routes(node_api::impl& api) {
  api.add("GET", "/api/voicemail",
          "Voicemail messages you may hear, oldest first (?mailbox=M: one mailbox)",
          "agent (its queues' mailboxes); supervisor (its queues'); admin; operator",
          list_messages);
  api.add("GET", "/api/voicemail/{id}/audio",
          "Play a message: the WAV, after its SHA-256 is checked (409 recording_changed); every "
          "play is recorded (voicemail.listened) and audited",
          "agent (its queues' mailboxes); supervisor (its queues'); admin; operator", play_message);
  api.add("POST", "/api/voicemail/{id}/handled",
          "Mark a message handled: how = called_back, resolved or no_action; note (optional)",
          "agent (its queues' mailboxes); supervisor (its queues'); admin; operator", mark_handled);
}

} // namespace hotline::drivers::api
