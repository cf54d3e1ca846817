// The call actor and its IVR flow (actors/call_actor_state.hpp): the
// caller walks the entry point's flow in an IVR session actor
// (actors/ivr_actor.hpp) before any queue; the session's way out decides
// what the call does next (docs/ivr.md "The way out").
#include <algorithm>

#include "actors/call_actor_state.hpp"
#include "actors/telephony_ivr.hpp"

namespace hotline::actors::call_flow {

namespace call = events::acd::call;
using events::call_outcome;
using events::ivr_exit_way;

bool route_to_flow(call_self self) {
  auto& s = self->state;
  if (s.entry->flow.empty()) return false;
  const auto* f = s.ctx->center.find_flow(s.entry->flow);
  if (!f || !s.ctx->ivr_media || !s.ctx->ivr_media->serves(s.req.call_id)) {
    if (!s.entry->queue.empty()) return false;
    end_with(self, call_outcome::refused, "no_ivr");
    return true;
  }
  const auto& cs = s.entity->state();
  ivr_request r;
  r.session_id = s.req.call_id; // one session per call
  r.call_id = s.req.call_id;
  r.flow = std::shared_ptr<const events::ivr::flow>(s.ctx, f); // keeps the context alive
  r.tenant = s.tenant;
  r.caller = cs.caller;
  r.dialed = cs.dialed;
  if (const auto* t = s.ctx->center.find_tenant(s.tenant))
    r.vip =
        std::find(t->vip_callers.begin(), t->vip_callers.end(), cs.caller) != t->vip_callers.end();
  r.data = cs.attached;
  r.call = caf::actor_cast<caf::actor>(self);
  s.ivr = spawn_ivr(self->home_system(), s.ctx, std::move(r));
  return true;
}

void close_flow_after_restart(call_self self) {
  auto& s = self->state;
  const auto* e = s.ctx->find_entry(s.entity->state().dialed);
  const auto* f = e && !e->flow.empty() ? s.ctx->center.find_flow(e->flow) : nullptr;
  if (!f) return;
  ivr_request r;
  r.session_id = s.req.call_id;
  r.call_id = s.req.call_id;
  r.flow = std::shared_ptr<const events::ivr::flow>(s.ctx, f);
  r.tenant = s.tenant;
  r.recovering = true;
  spawn_ivr(self->home_system(), s.ctx, std::move(r));
}

bool hang_up_in_ivr(call_self self) {
  auto& s = self->state;
  if (!s.ivr) return false;
  self->send(s.ivr, hangup_atom::value); // its exit (abandoned) ends the call
  return true;
}

/// A flow's voicemail node: the telephony side takes the caller's message
/// (actors/telephony_ivr.hpp); a message left is work, a call back from
/// the mailbox's queue (the caller is off the line already). No message
/// (a simulated caller, a hang-up during the beep, no telephony): the
/// call ends `voicemail`.
void take_message(call_self self, const ivr_exit& x, const std::string& source) {
  auto& s = self->state;
  auto no_message = [self] { end_with(self, call_outcome::voicemail, "ivr_voicemail"); };
  if (!s.ctx->telephony || !s.ctx->find_queue(x.target)) return no_message();
  self->request(s.ctx->telephony, caf::infinite, take_message_atom::value, s.req.call_id, x.target)
      .then(
          [self, x, source, no_message](bool left) {
            auto& s = self->state;
            if (call::is_terminal(s.entity->state())) return; // ended meanwhile
            if (!left) return no_message();
            const auto number = s.entity->state().caller;
            s.after_enqueue = [self, number] { on_callback(self, number); };
            join(self, x.target, source + " voicemail");
          },
          [no_message](caf::error&) { no_message(); });
}

void on_ivr_exit(call_self self, const ivr_exit& x) {
  auto& s = self->state;
  s.ivr = nullptr;
  if (call::is_terminal(s.entity->state())) return;
  const std::string source = "ivr " + x.flow + "/" + x.node;
  auto go_on = [self, x, source] {
    auto& s = self->state;
    switch (x.way) {
    case ivr_exit_way::queue:
      s.base_priority = std::max(s.base_priority, x.priority);
      s.join_skills = x.skills; // this join only: the queue's entry keeps them
      join(self, x.target, source);
      s.join_skills.clear(); // an overflow or transfer from there joins without
      return;
    case ivr_exit_way::callback: {
      // The existing call back: the call takes its place in the queue and
      // the caller leaves the line at once (virtual hold).
      auto number = x.attached.count("callback_number") ? x.attached.at("callback_number") : "";
      s.after_enqueue = [self, number] { on_callback(self, number); };
      join(self, x.target, source);
      return;
    }
    case ivr_exit_way::contained:
      end_with(self, call_outcome::completed, "completed_in_ivr");
      return;
    case ivr_exit_way::abandoned:
      exec(self, call::abandon{"abandoned_in_ivr", now_of(self)}, "abandon",
           [self] { finish(self, "abandoned"); });
      return;
    case ivr_exit_way::voicemail:
      take_message(self, x, source);
      return;
    case ivr_exit_way::transfer: {
      // Out of the center to the number: telephony rings it through the
      // caller's trunk group and carries the caller there once the call
      // has ended transferred_out (as an agent's external transfer).
      party_change p;
      p.what = party_change::kind::transferred;
      p.target_kind = events::transfer_target_kind::external;
      p.target = x.target;
      notify(self, party_atom::value, s.req.call_id, std::move(p));
      end_with(self, call_outcome::transferred_out, "ivr_transfer");
      return;
    }
    case ivr_exit_way::failed:
      end_with(self, call_outcome::refused, "ivr_failed");
      return;
    }
  };
  if (x.attached.empty()) {
    go_on();
    return;
  }
  exec(self, call::attach_data{x.attached, source, now_of(self)}, "attach_data", go_on);
}

} // namespace hotline::actors::call_flow
