#pragma once
/// The recordings of the calls the telephony actor carries (F14;
/// docs/telephony.md "Recording"): the recording decider's loop
/// (events/recording/recording.hpp: decide, evolve, append to
/// `recording-<call>` with the expected revision) and the telephony port's
/// recording commands that follow an accepted decision. The telephony
/// actor owns one and calls it from its handlers; it holds no CAF state.
///
///   bridged(call, queue, agent, legs)  the queue's policy (policy_for) says
///                                      always: recording.started, then
///                                      start_recording <dir>/<call>.wav
///   pause / resume                     by the agent talking on the call (else
///                                      refused not_on_call): recording.paused /
///                                      .resumed, then the port's pause / resume;
///                                      else the decider's refusal (not_recorded,
///                                      already_paused, not_paused)
///   call_ended(call)                   stop_recording while it runs
///   done(recording_done)               recording.stopped with the file's figures;
///                                      the recording is forgotten
///
/// Thread safety: none; the telephony actor's thread only. Lifetime:
/// `p`, `ctx` and `port` outlive it.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/entity_log.hpp"
#include "actors/ports/telephony.hpp"
#include "events/center.hpp"
#include "events/outcome.hpp"
#include "events/recording/recording.hpp"

namespace hotline::actors {

class call_recordings {
public:
  /// What the queue and tenant definitions say, by queue id (the ACD's
  /// newest): the queue (null: unknown) and its tenant (null: none).
  using definitions_fn =
      std::function<std::pair<const events::queue_definition*, const events::tenant_definition*>(
          const std::string& queue)>;
  using log_fn = std::function<void(const std::string&)>;

  /// `dir` empty: nothing is recorded, whatever the policies say.
  call_recordings(const persistence& p, ports::telephony* port, std::string dir,
                  definitions_fn definitions, log_fn log);

  /// A call was bridged to its agent: records it when its queue's policy says so.
  void bridged(const std::string& call_id, const std::string& queue, const std::string& agent_id,
               const ports::leg_id& caller_leg, const ports::leg_id& agent_leg);
  /// Agent `agent_id` pauses (true) or resumes (false) the call's
  /// recording, through the node API as `user` (empty: as the agent).
  /// `talking_agent`: who talks on the call now (empty: nobody).
  std::optional<events::rejection> pause(const std::string& call_id, const std::string& agent_id,
                                         const std::string& talking_agent, bool pause,
                                         const std::string& user);
  /// The call ended: its recording, if running, is stopped (done follows).
  void call_ended(const std::string& call_id);
  /// The stack finished a recording's file.
  void done(const ports::recording_done& e);

  /// A recording not yet stopped, or null.
  const events::recording::state* find(const std::string& call_id) const;

private:
  struct entry {
    events::recording::state state;
    std::unique_ptr<entity_log> log; ///< `recording-<call>`
    std::string tenant;
  };
  std::optional<events::rejection> decide(const std::string& call_id,
                                          const events::recording::command& cmd,
                                          events::principal who, const std::string& tenant = {});
  std::int64_t now_ns() const;

  const persistence& p_;
  ports::telephony* port_;
  std::string dir_;
  definitions_fn definitions_;
  log_fn log_;
  std::map<std::string, entry> recordings_; ///< by call id, until recording.stopped
};

} // namespace hotline::actors
