#include "drivers/cli/phone_bindings.hpp"

#include "actors/ports/event_store.hpp"
#include "drivers/log/log.hpp"
#include "events/codec.hpp"

namespace hotline::cli {

recorded_phones phone_bindings_of(const ports::event_store& store,
                                  const std::vector<std::string>& agent_ids, std::int64_t now_ns,
                                  const std::string& site) {
  recorded_phones out;
  const auto& codec = events::event_codec::standard();
  for (const auto& agent_id : agent_ids) {
    const auto stream = "phone-" + agent_id;
    auto recorded = store.read_stream(stream);
    if (!recorded) {
      drivers::log::warning("sip", stream + ": " + recorded.error().message(), site);
      continue;
    }
    std::optional<events::telephony::phone_binding> binding;
    bool readable = true;
    for (const auto& rec : *recorded) {
      auto ev = codec.decode(rec);
      if (!ev) {
        drivers::log::warning("sip",
                              stream + " revision " + std::to_string(rec.revision) + ": " +
                                  ev.error().message() + ": its phone is not restored",
                              site);
        readable = false;
        break;
      }
      binding = events::telephony::evolve(std::move(binding), *ev, rec.meta.timestamp_ns);
    }
    if (!readable || !binding) continue;
    (binding->expires_at_ns() > now_ns ? out.running : out.lapsed).push_back(std::move(*binding));
  }
  return out;
}

} // namespace hotline::cli
