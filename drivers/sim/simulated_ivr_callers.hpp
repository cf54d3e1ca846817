#pragma once
/// The simulator's callers in IVR flows: the caller's side of the IVR
/// media port (actors/ports/ivr_media.hpp) on the simulation's clock
/// (docs/ivr.md "In the simulator"). A prompt takes as long as its
/// recording (the WAV's length) or, for text, an estimate of speaking it
/// (0.25 s per CJK character, 0.065 s per other character, at least
/// 0.5 s; a recording that cannot be read: 3 s). When the session listens
/// at a node, the caller answers per its arrival profile's `ivr` table
/// (config::ivr_caller_profile): a key drawn from the node's choices, or
/// an entry drawn from its digits, `think` after the prompt ended and
/// `key_gap` between keys; or nothing. It hangs up when its patience in
/// the flow runs out. Prompts play to their end: simulated callers do not
/// barge in.
///
/// Draws come from the callers' own random source (`seed`), so a flow
/// leaves the rest of the simulated day's draws as they were.
///
/// Thread safety: every method may be called from any thread; the state
/// lives in an actor of `sys` (deterministic on the simulation runtime).
/// Lifetime: `center` must outlive this object; the object must outlive
/// every IVR session of the ACD that uses it.
#include <cstdint>
#include <memory>
#include <string>

#include "actors/ports/ivr_media.hpp"
#include "config/simulation.hpp"
#include "events/center.hpp"

namespace caf {
class actor_system;
}

namespace hotline::drivers::sim {

class simulated_ivr_callers final : public ports::ivr_media {
public:
  simulated_ivr_callers(caf::actor_system& sys, const events::center_definition& center,
                        std::uint64_t seed);
  ~simulated_ivr_callers() override;
  simulated_ivr_callers(const simulated_ivr_callers&) = delete;
  simulated_ivr_callers& operator=(const simulated_ivr_callers&) = delete;

  /// The caller of call `call_id` answers per `profile` (else: silence,
  /// no hang-up). REQUIRES: called before the call enters its flow;
  /// `profile` outlives the session.
  void expect(const std::string& call_id, const config::ivr_caller_profile* profile);

  void open(const ports::ivr_caller& c, ports::ivr_media_sink sink) override;
  void play(const std::string& session, const ports::ivr_prompt& p) override;
  void listen(const std::string& session, const ports::ivr_listen& l) override;
  void close(const std::string& session, events::ivr_exit_way way) override;

  /// Stops the callers' actor (sessions still open hear nothing more).
  void stop();

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

/// How long the simulator takes `p` to play (see above). `prompts`: the
/// flow's folder of recordings.
double prompt_seconds(const ports::ivr_prompt& p);

} // namespace hotline::drivers::sim
