#include "projections/identity/directory.hpp"

#include "events/codec.hpp"
#include "events/identity/user_rules.hpp"
#include "events/variant_cast.hpp"

namespace hotline::projections::identity {

namespace id = events::identity;

id::principal_view principal_of(const account& a) {
  return {a.username, a.tenant, a.roles, a.agent_id, a.queues};
}

void directory::unindex(const account& a) {
  for (const auto& [token, s] : a.sessions) {
    auto it = owner_of_token_.find(token);
    if (it != owner_of_token_.end() && it->second == a.username) owner_of_token_.erase(it);
  }
}

void directory::index(const account& a) {
  for (const auto& [token, s] : a.sessions)
    owner_of_token_[token] = a.username;
}

void directory::apply(const std::string& username, const id::event& e, std::int64_t at_ns) {
  auto it = users_.find(username);
  if (it == users_.end()) it = users_.emplace(username, id::initial_state(username)).first;
  unindex(it->second);
  it->second = id::evolve(std::move(it->second), e, at_ns);
  index(it->second);
  if (!it->second.exists) users_.erase(it); // an event before user.created: nothing to show
}

events::status directory::apply(const events::recorded_event& rec) {
  if (events::stream_category(rec.stream) != id::stream_category_name) return {};
  auto ev = events::event_codec::standard().decode(rec);
  if (!ev)
    return {ev.error().code(), "stream " + rec.stream + " revision " +
                                   std::to_string(rec.revision) + ": " + ev.error().detail()};
  auto mine = events::narrow<id::event>(*ev);
  if (!mine) return {}; // another kind of event in a user stream: not the directory's
  apply(std::string{events::stream_entity(rec.stream)}, *mine, rec.meta.timestamp_ns);
  return {};
}

void directory::replace(account a) {
  if (auto it = users_.find(a.username); it != users_.end()) {
    unindex(it->second);
    users_.erase(it);
  }
  if (!a.exists) return;
  index(a);
  auto name = a.username;
  users_.emplace(std::move(name), std::move(a));
}

const account* directory::find_user(std::string_view username) const {
  auto it = users_.find(username);
  return it == users_.end() ? nullptr : &it->second;
}

const account* directory::session_owner(std::string_view token_sha256) const {
  auto it = owner_of_token_.find(std::string{token_sha256});
  return it == owner_of_token_.end() ? nullptr : find_user(it->second);
}

std::optional<id::principal_view> directory::authenticate(std::string_view token_sha256,
                                                          std::int64_t now_ns) const {
  const account* a = session_owner(token_sha256);
  if (!a || !id::session_valid(*a, token_sha256, now_ns)) return std::nullopt;
  return principal_of(*a);
}

std::vector<const account*> directory::users_of(std::string_view tenant) const {
  std::vector<const account*> out;
  for (const auto& [name, a] : users_)
    if (a.tenant == tenant) out.push_back(&a);
  return out;
}

std::vector<const account*> directory::all_users() const {
  std::vector<const account*> out;
  out.reserve(users_.size());
  for (const auto& [name, a] : users_)
    out.push_back(&a);
  return out;
}

} // namespace hotline::projections::identity
