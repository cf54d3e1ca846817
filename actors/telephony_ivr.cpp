// The IVR over telephony (actors/telephony_ivr.hpp): the ivr_media side
// that forwards to the telephony actor, and that actor's handling of the
// sessions of its calls (declared in actors/telephony_actor_state.hpp).
#include "actors/telephony_ivr.hpp"

#include "actors/telephony_actor_state.hpp"
#include "events/voicemail/voicemail.hpp"

namespace hotline::actors {

// -- the port, on the IVR actors' threads -------------------------------------------------

telephony_ivr_media::telephony_ivr_media(std::string call_id_prefix, ports::ivr_media* other)
    : prefix_(std::move(call_id_prefix)), other_(other) {}

void telephony_ivr_media::attach(caf::actor telephony) {
  std::lock_guard lock{m_};
  telephony_ = std::move(telephony);
}

bool telephony_ivr_media::serves(const std::string& call_id) const {
  if (call_id.rfind(prefix_, 0) == 0) return true;
  return other_ && other_->serves(call_id);
}

bool telephony_ivr_media::ours(const std::string& session) {
  std::lock_guard lock{m_};
  auto it = sessions_.find(session);
  return it != sessions_.end() && it->second;
}

void telephony_ivr_media::open(const ports::ivr_caller& c, ports::ivr_media_sink sink) {
  const bool mine = c.call_id.rfind(prefix_, 0) == 0;
  caf::actor tel;
  {
    std::lock_guard lock{m_};
    sessions_[c.session] = mine;
    tel = telephony_;
  }
  if (mine && tel) {
    caf::anon_send(tel, tivr_open_atom::value, c.call_id, c.session, std::move(sink));
  } else if (!mine && other_) {
    other_->open(c, std::move(sink));
  } else if (sink) {
    sink(ports::ivr_caller_gone{}); // nobody can carry this caller's side
  }
}

void telephony_ivr_media::play(const std::string& session, const ports::ivr_prompt& p) {
  if (ours(session)) {
    std::lock_guard lock{m_};
    caf::anon_send(telephony_, tivr_play_atom::value, session, p);
  } else if (other_) {
    other_->play(session, p);
  }
}

void telephony_ivr_media::listen(const std::string& session, const ports::ivr_listen& l) {
  if (!ours(session) && other_) other_->listen(session, l); // a person needs no cue
}

void telephony_ivr_media::close(const std::string& session, events::ivr_exit_way way) {
  bool mine = false, known = false;
  caf::actor tel;
  {
    std::lock_guard lock{m_};
    if (auto it = sessions_.find(session); it != sessions_.end()) {
      known = true;
      mine = it->second;
      sessions_.erase(it);
    }
    tel = telephony_;
  }
  if (mine && tel)
    caf::anon_send(tel, tivr_close_atom::value, session);
  else if (known && other_)
    other_->close(session, way);
}

// -- the telephony actor's side ----------------------------------------------------------

namespace telephony_flow {

namespace {

tel_call* ivr_call_of(tel_self self, const std::string& session) {
  auto it = self->state.ivr_sessions.find(session);
  if (it == self->state.ivr_sessions.end()) return nullptr;
  auto* c = find_call(self, it->second);
  return c && c->ivr_session == session ? c : nullptr;
}

void report(tel_call& c, ports::ivr_media_event e) {
  if (c.ivr_sink) c.ivr_sink(std::move(e));
}

} // namespace

void on_ivr_open(tel_self self, const std::string& call_id, const std::string& session,
                 ports::ivr_media_sink sink) {
  auto& s = self->state;
  auto* c = find_call(self, call_id);
  if (!c || c->caller.empty()) {
    if (sink) sink(ports::ivr_caller_gone{}); // hung up meanwhile
    return;
  }
  c->ivr_session = session;
  c->ivr_sink = std::move(sink);
  c->ivr_asked = 0;
  c->ivr_prompt_on = false;
  s.ivr_sessions[session] = call_id;
  if (!c->caller_answered) { // an IVR answers the call
    s.port->answer(c->caller);
    c->caller_answered = true;
    if (auto l = s.legs.find(c->caller); l != s.legs.end()) l->second.answered = true;
  }
}

void on_ivr_play(tel_self self, const std::string& session, const ports::ivr_prompt& p) {
  auto& s = self->state;
  auto* c = ivr_call_of(self, session);
  if (!c) return;
  c->ivr_asked = p.step;
  if (!s.opts.ivr_prompts) {
    on_ivr_audio(self, session, p.step, p.interruptible, {{}, "no prompt source on this node"});
    return;
  }
  auto quick = s.opts.ivr_prompts(p, false);
  if (!quick.pending) {
    on_ivr_audio(self, session, p.step, p.interruptible, quick);
    return;
  }
  // Speech still to render: on a thread of its own, then back here.
  self->home_system().spawn<caf::detached>([me = caf::actor_cast<caf::actor>(self),
                                            resolve = s.opts.ivr_prompts, session,
                                            p](caf::blocking_actor*) {
    auto a = resolve(p, true);
    caf::anon_send(me, tivr_audio_atom::value, session, p.step, p.interruptible, std::move(a));
  });
}

void on_ivr_audio(tel_self self, const std::string& session, std::uint64_t step, bool interruptible,
                  const ivr_audio& a) {
  auto* c = ivr_call_of(self, session);
  if (!c || c->ivr_asked != step || c->caller.empty()) return; // a later prompt, or gone
  if (a.path.empty()) {
    say(self, "call " + self->state.ivr_sessions[session] + " IVR prompt (step " +
                  std::to_string(step) +
                  ") not played: " + (a.error.empty() ? std::string{"no audio"} : a.error));
    report(*c, ports::ivr_prompt_finished{step}); // the caller goes on, not stuck
    return;
  }
  c->ivr_prompt_on = true;
  c->ivr_playing = step;
  c->ivr_interruptible = interruptible;
  self->state.port->play_prompt(c->caller, a.path, step);
}

void on_ivr_close(tel_self self, const std::string& session) {
  auto& s = self->state;
  if (auto* c = ivr_call_of(self, session)) {
    if (c->ivr_prompt_on && !c->caller.empty()) s.port->play(c->caller, tp::media_kind::silence);
    c->ivr_session.clear();
    c->ivr_sink = nullptr;
    c->ivr_prompt_on = false;
  }
  s.ivr_sessions.erase(session);
}

/// The tag of a voicemail's beep (IVR prompts' steps start at 1).
constexpr std::uint64_t beep_tag = ~std::uint64_t{0};

void on_take_message(tel_self self, const std::string& call_id, const std::string& mailbox,
                     caf::response_promise rp) {
  auto& s = self->state;
  auto* c = find_call(self, call_id);
  if (!c || c->caller.empty() || s.opts.voicemail_dir.empty() || !s.opts.leave_voicemail) {
    if (c && !c->caller.empty())
      say(self, "call " + call_id + ": no voicemail on this node ([ivr] voicemail_dir)");
    rp.deliver(false);
    return;
  }
  c->taking_message = true;
  c->message_started = false;
  c->mailbox = mailbox;
  c->message_done = std::move(rp);
  s.port->play_prompt(c->caller, s.opts.voicemail_beep, beep_tag);
}

bool on_message_caller_gone(tel_self self, tel_call& c) {
  if (!c.taking_message) return false;
  if (!c.message_started) { // gone during the beep: no message
    c.taking_message = false;
    c.message_done.deliver(false);
  } // else the stack finishes the file: message_recorded follows
  (void)self;
  return true;
}

void on_message_recorded(tel_self self, const tp::message_recorded& e) {
  auto& s = self->state;
  auto* c = find_call(self, e.message);
  if (!c || !c->taking_message) return;
  c->taking_message = false;
  bool left = false;
  if (!e.error.empty()) {
    say(self, "call " + e.message + ": message not recorded: " + e.error);
  } else if (e.duration_ms < 500) {
    say(self, "call " + e.message + ": message of " + std::to_string(e.duration_ms) +
                  " ms not left (" + e.reason + ")");
  } else {
    const auto* tenant = s.ctx->tenant_of_queue(c->mailbox);
    auto why = s.opts.leave_voicemail({e.message, e.message, c->caller_number, c->mailbox,
                                       tenant ? tenant->id : std::string{}, e.path, e.duration_ms,
                                       e.sha256});
    if (!why.empty())
      say(self, "call " + e.message + ": message not left: " + why);
    else
      left = true;
  }
  c->message_done.deliver(left);
}

void on_prompt_played(tel_self self, const tp::prompt_played& e) {
  auto l = self->state.legs.find(e.leg);
  if (l == self->state.legs.end() || !l->second.agent.empty()) return;
  auto* c = find_call(self, l->second.call_id);
  if (c && c->taking_message && e.tag == beep_tag && !c->message_started) {
    auto& s = self->state;
    c->message_started = true;
    s.port->record_message(
        {l->second.call_id, c->caller,
         s.opts.voicemail_dir + "/" + events::voicemail::file_name(l->second.call_id),
         s.opts.voicemail_max_ms});
    return;
  }
  if (!c || !c->ivr_sink || !c->ivr_prompt_on || c->ivr_playing != e.tag) return;
  c->ivr_prompt_on = false;
  if (!e.error.empty())
    say(self, "call " + l->second.call_id + " IVR prompt not played: " + e.error);
  report(*c, ports::ivr_prompt_finished{e.tag});
}

bool on_ivr_dtmf(tel_self self, const tp::dtmf& e) {
  auto l = self->state.legs.find(e.leg);
  if (l == self->state.legs.end() || !l->second.agent.empty()) return false;
  auto* c = find_call(self, l->second.call_id);
  if (c && c->taking_message) { // # ends the message; other keys are part of it
    if (e.digit == '#' && c->message_started) self->state.port->stop_message(l->second.call_id);
    return true;
  }
  if (!c || !c->ivr_sink) return false;
  if (c->ivr_prompt_on && c->ivr_interruptible) { // the caller knows the answer already
    self->state.port->play(c->caller, tp::media_kind::silence);
    c->ivr_prompt_on = false;
  }
  report(*c, ports::ivr_key{e.digit});
  return true;
}

} // namespace telephony_flow

} // namespace hotline::actors
