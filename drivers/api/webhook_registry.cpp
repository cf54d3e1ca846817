#include "drivers/api/webhook_registry.hpp"

#include "events/codec.hpp"
#include "events/variant_cast.hpp"

namespace hotline::drivers::api {

namespace wh = events::webhooks;

webhook_registry::webhook_registry(ports::event_store& store, std::string site)
    : store_(store), site_(std::move(site)) {}

void webhook_registry::apply(const events::recorded_event& rec, const wh::event& e) {
  std::lock_guard lock{m_};
  const std::string id{events::stream_entity(rec.stream)};
  auto [it, fresh] = entries_.try_emplace(id);
  if (fresh) it->second.s = wh::initial_state(id);
  if (std::holds_alternative<events::webhook_subscribed>(e))
    it->second.created_position = rec.position;
  it->second.s = wh::evolve(std::move(it->second.s), e, rec.meta.timestamp_ns);
  it->second.last_revision = rec.revision;
}

events::status webhook_registry::recover() {
  std::lock_guard writer{writer_};
  auto visited = store_.visit_all(1, SIZE_MAX, [&](const events::recorded_event& rec) {
    if (events::stream_category(rec.stream) != wh::stream_category_name) return events::status{};
    auto decoded = events::event_codec::standard().decode(rec);
    if (!decoded)
      return events::status{decoded.error().code(), rec.stream + " at position " +
                                                        std::to_string(rec.position) + ": " +
                                                        decoded.error().detail()};
    if (auto mine = events::narrow<wh::event>(*decoded)) apply(rec, *mine);
    return events::status{};
  });
  if (!visited) return visited.error();
  return {};
}

std::variant<webhook_entry, events::rejection>
webhook_registry::execute(const std::string& id, const wh::command& cmd,
                          const events::principal& author) {
  webhook_entry after;
  {
    std::lock_guard writer{writer_};
    webhook_entry current;
    current.s = wh::initial_state(id);
    std::optional<std::uint64_t> revision;
    {
      std::lock_guard lock{m_};
      if (auto it = entries_.find(id); it != entries_.end()) {
        current = it->second;
        revision = current.last_revision;
      }
    }
    auto out = wh::decide(cmd, current.s);
    if (!out) return out.error();
    if (out.events().empty()) return current;
    if (!events::is_valid_stream_name(wh::stream_name(id)))
      return events::rejection{"invalid_webhook_id", "'" + id + "' is no webhook id"};
    const auto at = wh::command_time(cmd);
    const auto tenant = current.s.tenant.empty() && std::holds_alternative<wh::create_webhook>(cmd)
                            ? std::get<wh::create_webhook>(cmd).tenant
                            : current.s.tenant;
    std::vector<events::proposed_event> proposed;
    std::uint64_t next_revision = revision ? *revision + 1 : 0;
    const auto correlation = events::event_id::from_name("webhook-correlation/" + id);
    for (const auto& e : out.events()) {
      const auto name = "webhook/" + id + "/" + std::to_string(next_revision++);
      proposed.push_back(events::event_codec::standard().propose(
          events::widen<events::event>(e),
          {events::event_id::uuid_v7(at / 1'000'000, events::event_id::from_name(name)), site_,
           tenant, at, correlation, events::event_id::from_name(name + "/command"), author}));
    }
    auto appended = store_.append(wh::stream_name(id), ports::expected_revision::after(revision),
                                  std::move(proposed));
    if (!appended)
      return events::rejection{"store_failed", "the store refused the append to " +
                                                   wh::stream_name(id) + ": " +
                                                   appended.error().message()};
    // Apply as the store recorded them (positions and revisions in order).
    std::uint64_t position = appended->first_position;
    std::uint64_t rev = revision ? *revision + 1 : 0;
    for (const auto& e : out.events()) {
      events::recorded_event rec;
      rec.stream = wh::stream_name(id);
      rec.position = position++;
      rec.revision = rev++;
      rec.meta.timestamp_ns = at;
      apply(rec, e);
    }
    std::lock_guard lock{m_};
    after = entries_.at(id);
  }
  std::function<void(const webhook_entry&)> listener;
  {
    std::lock_guard lock{m_};
    listener = listener_;
  }
  if (listener) listener(after);
  return after;
}

std::optional<webhook_entry> webhook_registry::find(const std::string& id) const {
  std::lock_guard lock{m_};
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::vector<webhook_entry> webhook_registry::list(const std::string& tenant) const {
  std::lock_guard lock{m_};
  std::vector<webhook_entry> out;
  for (const auto& [id, e] : entries_)
    if (e.s.exists() && (tenant == "*" || e.s.tenant == tenant)) out.push_back(e);
  return out;
}

void webhook_registry::on_change(std::function<void(const webhook_entry&)> f) {
  std::lock_guard lock{m_};
  listener_ = std::move(f);
}

} // namespace hotline::drivers::api
