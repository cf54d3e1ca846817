#include "events/telephony/phone_binding.hpp"

namespace hotline::events::telephony {

std::optional<phone_binding> evolve(std::optional<phone_binding> binding, const event& e,
                                    std::int64_t timestamp_ns) {
  if (const auto* r = std::get_if<phone_registered>(&e))
    return phone_binding{r->agent_id, r->user, r->contact, r->source, timestamp_ns, r->expires_s};
  if (std::holds_alternative<phone_unregistered>(e)) return std::nullopt;
  return binding;
}

} // namespace hotline::events::telephony
