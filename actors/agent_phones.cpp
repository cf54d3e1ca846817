#include "actors/agent_phones.hpp"

#include "actors/time_source.hpp"
#include "events/codec.hpp"

namespace hotline::actors {

agent_phones::agent_phones(const persistence& p, std::map<std::string, std::string> static_phones,
                           tenant_fn tenant_of, log_fn log)
    : p_(p), static_(std::move(static_phones)), tenant_of_(std::move(tenant_of)),
      log_(std::move(log)) {}

std::vector<std::string>
agent_phones::start(const std::vector<events::telephony::phone_binding>& restored,
                    const std::vector<events::telephony::phone_binding>& lapsed) {
  for (const auto& b : lapsed)
    if (tenant_of_(b.agent_id))
      append(b.agent_id, events::phone_unregistered{b.agent_id, b.user, b.contact, "expired"});
  for (const auto& b : restored)
    if (tenant_of_(b.agent_id)) registered_[b.agent_id] = b.contact;
  std::vector<std::string> reachable;
  for (const auto& [agent_id, contact] : static_)
    if (tenant_of_(agent_id)) reachable.push_back(agent_id);
  for (const auto& [agent_id, contact] : registered_)
    if (!static_.count(agent_id)) reachable.push_back(agent_id);
  return reachable;
}

bool agent_phones::registered(const ports::registered& e) {
  if (!tenant_of_(e.agent)) {
    if (log_)
      log_("phone registered for agent " + e.agent + ", who is not in this center: ignored");
    return false;
  }
  auto it = registered_.find(e.agent);
  const bool was_reachable = it != registered_.end() || static_.count(e.agent);
  if (it != registered_.end() && it->second == e.contact && e.refresh) return false;
  registered_[e.agent] = e.contact;
  append(e.agent, events::phone_registered{e.agent, e.user, e.contact, e.source, e.expires_s});
  return !was_reachable;
}

bool agent_phones::unregistered(const ports::unregistered& e) {
  auto it = registered_.find(e.agent);
  if (it == registered_.end()) return false;
  registered_.erase(it);
  append(e.agent, events::phone_unregistered{e.agent, e.user, e.contact, e.reason});
  return !static_.count(e.agent);
}

const std::string* agent_phones::contact_of(const std::string& agent_id) const {
  if (auto r = registered_.find(agent_id); r != registered_.end()) return &r->second;
  if (auto s = static_.find(agent_id); s != static_.end()) return &s->second;
  return nullptr;
}

void agent_phones::append(const std::string& agent_id, events::event payload) {
  if (!p_.store) return;
  const auto now_ns = p_.clock ? p_.clock->now_ns() : 0;
  const auto now_ms = now_ns / 1'000'000;
  const auto name = p_.site + "/phone/" + agent_id + "/" + std::to_string(now_ns) + "/" +
                    std::to_string(appended_++);
  std::vector<events::proposed_event> evs;
  evs.push_back(events::event_codec::standard().propose(
      payload,
      {events::event_id::uuid_v7(now_ms, events::event_id::from_name(name)), p_.site,
       tenant_of_(agent_id).value_or(""), now_ns, events::event_id::from_name("phone-" + agent_id),
       events::event_id::uuid_v7(now_ms, events::event_id::from_name(name + "/command")),
       events::principal::system("sip")}));
  p_.store->append_async("phone-" + agent_id, ports::expected_revision::any(), std::move(evs),
                         [log = log_, agent_id](events::result<ports::append_result> r) {
                           if (!r && log)
                             log("phone-" + agent_id + ": not recorded: " + r.error().message());
                         });
}

} // namespace hotline::actors
