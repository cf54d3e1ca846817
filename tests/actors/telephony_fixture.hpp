#pragma once
// The telephony actor on the ACD fixture (acd_fixture.hpp), for the actor
// tests of telephony: the in-memory stack (`phones`) records the commands
// and plays the far ends; the actor sits behind the node's observer
// fan-out (calls "sip-…" go to it, the rest to the fixture's observer).
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "acd_fixture.hpp"
#include "actors/observer_fanout.hpp"
#include "actors/ports/memory_telephony.hpp"
#include "actors/telephony_actor.hpp"

namespace acd_actor_test {

namespace tp = hotline::ports;

struct telephony_fixture : fixture {
  tp::memory_telephony phones;
  caf::actor telephony;
  caf::actor simulated;         ///< the fixture's own observer: the fan-out's fallback
  std::vector<std::string> log; ///< the actor's log lines (unless `o.log` was given)

  explicit telephony_fixture(events::center_definition c)
      : fixture(std::move(c), nullptr, epoch, {}) {}
  ~telephony_fixture() {
    if (telephony) caf::anon_send_exit(telephony, caf::exit_reason::user_shutdown);
    if (simulated) caf::anon_send_exit(simulated, caf::exit_reason::user_shutdown);
  }
  telephony_fixture(const telephony_fixture&) = delete;
  telephony_fixture& operator=(const telephony_fixture&) = delete;

  /// Spawns the telephony actor with `o`, runs `wire` (more of the node's
  /// wiring that needs the actor), puts it behind the fan-out and starts it.
  void start(telephony_options o, const std::function<void()>& wire = {}) {
    if (!o.log) o.log = [this](const std::string& line) { log.push_back(line); };
    telephony = spawn_telephony(rt.system(), ctx, &phones, std::move(o));
    phones.set_sink(telephony_sink_for(telephony));
    if (wire) wire();
    simulated = ctx->observer;
    ctx->observer = spawn_observer_fanout(rt.system(), {{"sip-", telephony, true}}, simulated);
    caf::anon_send(telephony, caf::ok_atom::value);
    rt.run_pending();
  }
  void inject(const tp::telephony_event& e) {
    phones.inject(e);
    rt.run_pending();
  }
  /// Every command so far, a line each (for messages).
  std::string commands() const {
    std::string out;
    for (const auto& l : phones.commands())
      out += l + "\n";
    return out;
  }
  bool did(const std::string& line) const { return phones.has(line); }
};

} // namespace acd_actor_test
