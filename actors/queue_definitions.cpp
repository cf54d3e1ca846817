#include "actors/queue_definitions.hpp"

namespace hotline::actors {

void queue_definitions::add(const events::queue_definition& def) {
  slots_.try_emplace(std::string_view{def.id}, &def);
}

const events::queue_definition* queue_definitions::find(std::string_view id) const {
  auto it = slots_.find(id);
  return it == slots_.end() ? nullptr : it->second.load(std::memory_order_acquire);
}

const events::queue_definition* queue_definitions::publish(events::queue_definition def) const {
  auto it = slots_.find(def.id);
  if (it == slots_.end()) return nullptr;
  const events::queue_definition* fresh = nullptr;
  {
    std::lock_guard lock{m_};
    fresh = &versions_.emplace_back(std::move(def));
  }
  it->second.store(fresh, std::memory_order_release);
  return fresh;
}

} // namespace hotline::actors
