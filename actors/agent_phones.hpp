#pragma once
/// Where each agent's phone is, for the telephony actor
/// (actors/telephony_actor.hpp): static phones from `[[sip.phone]]`,
/// registered ones as the SIP registrar reports them, and registrations
/// restored from the store after a restart (events/telephony/
/// phone_binding.hpp). Registration changes are appended to
/// `phone-<agent>` (the stream only this class writes): `phone.registered`
/// (not for a refresh of the same contact), `phone.unregistered`.
///
/// It decides nothing about agents: each change says whether the agent
/// just became reachable (log it in) or unreachable (log it out), and the
/// actor sends the messages. A registered contact wins over a static one.
///
/// Thread safety: none; the telephony actor's thread only. Lifetime: the
/// store and clock in `p` outlive it.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "actors/entity_log.hpp"
#include "actors/ports/telephony.hpp"
#include "events/telephony/phone_binding.hpp"

namespace hotline::actors {

class agent_phones {
public:
  /// The tenant of an agent of this center; nullopt: no such agent.
  using tenant_fn = std::function<std::optional<std::string>(const std::string& agent_id)>;
  using log_fn = std::function<void(const std::string&)>;

  /// `static_phones`: agent id -> its `[[sip.phone]]` contact.
  agent_phones(const persistence& p, std::map<std::string, std::string> static_phones,
               tenant_fn tenant_of, log_fn log);

  /// At start: `restored` bindings (still running) count as registered,
  /// with nothing appended; each of `lapsed` gets `phone.unregistered`
  /// (reason `expired`). Returns the agents to log in: those with a static
  /// or a restored phone (agents not in this center are left out).
  std::vector<std::string> start(const std::vector<events::telephony::phone_binding>& restored,
                                 const std::vector<events::telephony::phone_binding>& lapsed);
  /// The registrar accepted a REGISTER. True: the agent had no phone
  /// until now (log it in). An agent not in this center is ignored (logged).
  bool registered(const ports::registered& e);
  /// The binding is gone. True: the agent has no phone left (log it out).
  bool unregistered(const ports::unregistered& e);
  /// Where to ring the agent: its registered contact, else its static one;
  /// null when it has neither.
  const std::string* contact_of(const std::string& agent_id) const;

private:
  void append(const std::string& agent_id, events::event payload);

  persistence p_;
  std::map<std::string, std::string> static_;
  std::map<std::string, std::string> registered_; ///< agent id -> contact
  tenant_fn tenant_of_;
  log_fn log_;
  std::uint64_t appended_ = 0; ///< names the appended events' ids
};

} // namespace hotline::actors
