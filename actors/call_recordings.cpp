#include "actors/call_recordings.hpp"

#include <filesystem>

#include "events/recording/recording_policy.hpp"
#include "events/variant_cast.hpp"

namespace hotline::actors {

namespace rec = events::recording;

call_recordings::call_recordings(const persistence& p, ports::telephony* port, std::string dir,
                                 definitions_fn definitions, log_fn log)
    : p_(p), port_(port), dir_(std::move(dir)), definitions_(std::move(definitions)),
      log_(std::move(log)) {}

std::int64_t call_recordings::now_ns() const {
  return p_.clock ? p_.clock->now_ns() : 0;
}

const rec::state* call_recordings::find(const std::string& call_id) const {
  auto it = recordings_.find(call_id);
  return it == recordings_.end() ? nullptr : &it->second.state;
}

std::optional<events::rejection> call_recordings::decide(const std::string& call_id,
                                                         const rec::command& cmd,
                                                         events::principal who,
                                                         const std::string& tenant) {
  auto it = recordings_.find(call_id);
  if (it == recordings_.end()) {
    // Only a start makes a new recording; anything else is refused by the decider.
    if (!std::holds_alternative<rec::start>(cmd))
      return rec::decide(cmd, rec::initial_state(call_id)).error();
    entry r;
    r.state = rec::initial_state(call_id);
    r.tenant = tenant;
    if (p_.store) {
      auto log = log_;
      // A failed append is told, not retried: the file exists whatever the store says.
      r.log = std::make_unique<entity_log>(
          p_, rec::stream_name(call_id), [](std::function<void()> f) { f(); },
          [log, call_id](const events::status& st) {
            if (log) log("recording-" + call_id + ": not recorded: " + st.message());
          });
    }
    it = recordings_.emplace(call_id, std::move(r)).first;
  }
  auto& r = it->second;
  auto out = rec::decide(cmd, r.state);
  if (!out) return out.error();
  const auto at = now_ns();
  std::vector<events::event> wide;
  for (const auto& e : out.events()) {
    r.state = rec::evolve(std::move(r.state), e, at);
    wide.push_back(events::widen<events::event>(e));
  }
  if (!wide.empty() && r.log)
    r.log->append(std::move(wide), at, r.tenant, std::move(who), call_correlation(call_id), [] {});
  return std::nullopt;
}

void call_recordings::bridged(const std::string& call_id, const std::string& queue,
                              const std::string& agent_id, const ports::leg_id& caller_leg,
                              const ports::leg_id& agent_leg) {
  if (dir_.empty() || queue.empty() || caller_leg.empty() || recordings_.count(call_id)) return;
  const auto [q, tenant] = definitions_(queue);
  const auto policy = rec::policy_for(q, tenant);
  if (policy != events::recording_policy::always) return;
  const auto path = (std::filesystem::path(dir_) / rec::file_name(call_id)).string();
  if (auto refused =
          decide(call_id, rec::start{queue, agent_id, path, events::to_string(policy), now_ns()},
                 events::principal::system("sip"), tenant ? tenant->id : std::string{})) {
    if (log_) log_("call " + call_id + ": not recorded: " + refused->detail);
    return;
  }
  port_->start_recording(ports::recording_request{call_id, caller_leg, agent_leg, path});
}

std::optional<events::rejection> call_recordings::pause(const std::string& call_id,
                                                        const std::string& agent_id,
                                                        const std::string& talking_agent,
                                                        bool pause, const std::string& user) {
  if (agent_id.empty() || agent_id != talking_agent)
    return events::rejection{"not_on_call",
                             "agent " + agent_id + " is not talking on call " + call_id};
  auto who = user.empty() ? events::principal::agent(agent_id) : events::principal::user(user);
  const auto at = now_ns();
  auto refused = pause ? decide(call_id, rec::pause{at}, std::move(who))
                       : decide(call_id, rec::resume{at}, std::move(who));
  if (refused) return refused;
  if (pause)
    port_->pause_recording(call_id);
  else
    port_->resume_recording(call_id);
  return std::nullopt;
}

void call_recordings::call_ended(const std::string& call_id) {
  if (const auto* s = find(call_id); s && rec::is_active(*s))
    port_->stop_recording(call_id); // done follows, once the file is finished
}

void call_recordings::done(const ports::recording_done& e) {
  rec::stop cmd{e.reason, e.duration_ms, e.bytes, e.sha256, e.dropped_frames, e.error, now_ns()};
  if (auto refused = decide(e.recording, cmd, events::principal::system("sip"))) {
    if (log_) log_("recording " + e.recording + " finished but not recorded: " + refused->detail);
  }
  auto it = recordings_.find(e.recording);
  if (it == recordings_.end() || !rec::is_terminal(it->second.state)) return;
  if (log_)
    log_("recording " + e.recording + " stopped (" + e.reason + "): " + e.path + ", " +
         std::to_string(e.duration_ms) + " ms, " + std::to_string(e.bytes) + " bytes, sha256 " +
         e.sha256 +
         (e.dropped_frames ? ", " + std::to_string(e.dropped_frames) + " frames dropped"
                           : std::string{}) +
         (e.error.empty() ? std::string{} : ", error: " + e.error));
  recordings_.erase(it);
}

} // namespace hotline::actors
