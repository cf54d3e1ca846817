#include "events/webhooks/subscription.hpp"

#include <algorithm>

#include "events/webhooks/webhook_rules.hpp"

namespace hotline::events::webhooks {

std::string stream_name(const std::string& webhook_id) {
  return "webhook-" + webhook_id;
}

bool is_valid_webhook_id(std::string_view id) noexcept {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool is_valid_secret(std::string_view secret) noexcept {
  return secret.size() == 64 && std::all_of(secret.begin(), secret.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

const char* to_string(webhook_status s) noexcept {
  switch (s) {
  case webhook_status::none:
    return "none";
  case webhook_status::active:
    return "active";
  case webhook_status::paused:
    return "paused";
  case webhook_status::suspended:
    return "suspended";
  case webhook_status::deleted:
    return "deleted";
  }
  return "?";
}

state initial_state(std::string webhook_id) {
  state s;
  s.webhook_id = std::move(webhook_id);
  return s;
}

namespace {

using result = outcome<event>;

std::string who(const state& s) {
  return "webhook " + s.webhook_id;
}

std::optional<rejection> existing(const state& s) {
  if (!is_valid_webhook_id(s.webhook_id))
    return rejection{"invalid_webhook_id", "'" + s.webhook_id + "' is no webhook id"};
  if (!s.exists()) return rejection{"no_such_webhook", who(s) + " does not exist"};
  return std::nullopt;
}

result decide_one(const create_webhook& c, const state& s) {
  if (!is_valid_webhook_id(s.webhook_id))
    return rejection{"invalid_webhook_id",
                     "'" + s.webhook_id + "' is no webhook id ([a-z0-9_-], 1 to 64)"};
  if (s.st != webhook_status::none) {
    // The same create, retried, changes nothing; anything else is a clash.
    if (s.exists() && s.tenant == c.tenant && s.url == c.url && s.types == c.types &&
        s.secret == c.secret)
      return result::nothing();
    return rejection{"webhook_exists", who(s) + " exists already (or existed)"};
  }
  if (c.tenant.empty())
    return rejection{"invalid_tenant", "a webhook belongs to one tenant; the tenant is empty"};
  if (auto r = check_url(c.url, c.allow_private)) return *r;
  if (auto r = check_types(c.types)) return *r;
  if (!is_valid_secret(c.secret))
    return rejection{"invalid_secret", "a webhook secret is 64 lower-case hex digits"};
  return event{webhook_subscribed{s.webhook_id, c.tenant, c.url, c.types, c.secret}};
}

result decide_one(const update_webhook& c, const state& s) {
  if (auto r = existing(s)) return *r;
  if (c.url)
    if (auto r = check_url(*c.url, c.allow_private)) return *r;
  if (c.types)
    if (auto r = check_types(*c.types)) return *r;
  const auto url = c.url.value_or(s.url);
  const auto types = c.types.value_or(s.types);
  if (url == s.url && types == s.types) return result::nothing();
  return event{webhook_updated{s.webhook_id, url, types}};
}

result decide_one(const pause_webhook& c, const state& s) {
  if (auto r = existing(s)) return *r;
  if (c.reason.size() > 256)
    return rejection{"invalid_reason", "a pause reason is at most 256 bytes"};
  if (s.st == webhook_status::paused) return result::nothing();
  return event{webhook_paused{s.webhook_id, c.reason}};
}

result decide_one(const resume_webhook&, const state& s) {
  if (auto r = existing(s)) return *r;
  if (s.st == webhook_status::active) return result::nothing();
  return event{webhook_resumed{s.webhook_id}};
}

result decide_one(const suspend_webhook& c, const state& s) {
  if (auto r = existing(s)) return *r;
  // Only a subscription that is trying can be suspended: a pause by a
  // person wins over the circuit.
  if (s.st != webhook_status::active) return result::nothing();
  return event{webhook_suspended{s.webhook_id, c.last_error, c.failing_since_ns, c.stuck_at_seq}};
}

result decide_one(const delete_webhook&, const state& s) {
  if (s.st == webhook_status::deleted) return result::nothing();
  if (auto r = existing(s)) return *r;
  return event{webhook_deleted{s.webhook_id}};
}

void apply(state& s, const webhook_subscribed& e, std::int64_t at_ns) {
  s.st = webhook_status::active;
  s.tenant = e.tenant;
  s.url = e.url;
  s.types = e.types;
  s.secret = e.secret;
  s.created_ns = at_ns;
}
void apply(state& s, const webhook_updated& e, std::int64_t) {
  s.url = e.url;
  s.types = e.types;
}
void apply(state& s, const webhook_paused& e, std::int64_t) {
  s.st = webhook_status::paused;
  s.pause_reason = e.reason;
}
void apply(state& s, const webhook_resumed&, std::int64_t) {
  s.st = webhook_status::active;
  s.pause_reason.clear();
  s.last_error.clear();
}
void apply(state& s, const webhook_suspended& e, std::int64_t) {
  s.st = webhook_status::suspended;
  s.last_error = e.last_error;
}
void apply(state& s, const webhook_deleted&, std::int64_t) {
  s.st = webhook_status::deleted;
  s.secret.clear();
}

} // namespace

outcome<event> decide(const command& cmd, const state& s) {
  return std::visit([&](const auto& c) { return decide_one(c, s); }, cmd);
}

state evolve(state s, const event& e, std::int64_t at_ns) {
  std::visit([&](const auto& x) { apply(s, x, at_ns); }, e);
  s.changed_ns = at_ns;
  return s;
}

std::int64_t command_time(const command& c) noexcept {
  return std::visit([](const auto& x) -> std::int64_t { return x.at_ns; }, c);
}

const char* command_name(const command& c) noexcept {
  static constexpr const char* names[] = {"create_webhook", "update_webhook",  "pause_webhook",
                                          "resume_webhook", "suspend_webhook", "delete_webhook"};
  static_assert(std::size(names) == std::variant_size_v<command>);
  return names[c.index()];
}

} // namespace hotline::events::webhooks
