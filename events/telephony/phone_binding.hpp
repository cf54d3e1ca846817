#pragma once
/// Where an agent's registered phone is, as its `phone-<agent>` stream says
/// (events/phone_events.hpp): the fold a node runs at start to rebuild the
/// registrar's bindings, so a phone that registered for an hour before a
/// restart still rings without registering again (docs/telephony.md
/// "Registration of agents' phones").
///
/// Pure: the events and their recorded timestamps in, the binding out.
#include <cstdint>
#include <optional>
#include <string>

#include "events/catalog.hpp"

namespace hotline::events::telephony {

/// A phone binding as last recorded.
struct phone_binding {
  std::string agent_id;
  std::string user;
  std::string contact;
  std::string source;
  std::int64_t registered_ns = 0; ///< when `phone.registered` was recorded
  std::int32_t expires_s = 0;     ///< the lifetime granted then

  /// When the binding lapses unless the phone registers again.
  std::int64_t expires_at_ns() const noexcept {
    return registered_ns + std::int64_t{expires_s} * 1'000'000'000;
  }
  bool operator==(const phone_binding&) const = default;
};

/// The binding after `e`, recorded at `timestamp_ns`: `phone.registered`
/// sets it (a move or a new lifetime replaces it), `phone.unregistered`
/// clears it; any other event leaves it as it was.
std::optional<phone_binding> evolve(std::optional<phone_binding> binding, const event& e,
                                    std::int64_t timestamp_ns);

} // namespace hotline::events::telephony
