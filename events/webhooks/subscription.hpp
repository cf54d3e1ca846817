#pragma once
/// The webhook subscription aggregate, stream `webhook-<id>` (F23): a
/// tenant's URL and the event types sent to it.
///
///   (none) --create_webhook--> active <--pause_webhook / resume_webhook--> paused
///   active --suspend_webhook (the delivery circuit opened)--> suspended --resume--> active
///   any --delete_webhook--> deleted (terminal)
///   active, paused, suspended: update_webhook (URL and/or types)
///
/// The id and the signing secret are made at the edge (random) and arrive
/// in create_webhook; the URL is checked by webhook_rules.hpp, with
/// `allow_private` the node's setting, given in the command (the domain
/// reads no configuration).
///
/// Repeating a command whose effect holds already (pause a paused
/// subscription, resume an active one, delete a deleted one, the same
/// update) is a no-op, never a rejection: retries are harmless. Commands
/// carry `at_ns`, their time (the writer stamps the events with it).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "events/outcome.hpp"
#include "events/webhook_events.hpp"

namespace hotline::events::webhooks {

/// `webhook-<id>`
std::string stream_name(const std::string& webhook_id);
/// The category of webhook streams: "webhook".
inline constexpr std::string_view stream_category_name = "webhook";

/// `[a-z0-9_-]{1,64}` (the edge makes 32 hex digits).
bool is_valid_webhook_id(std::string_view id) noexcept;
/// A secret is 64 lower-case hex digits (32 random bytes).
bool is_valid_secret(std::string_view secret) noexcept;

enum class webhook_status : std::uint8_t { none, active, paused, suspended, deleted };
const char* to_string(webhook_status s) noexcept;

struct state {
  std::string webhook_id;
  webhook_status st = webhook_status::none;
  std::string tenant;
  std::string url;
  std::vector<std::string> types;
  std::string secret;
  std::string pause_reason; ///< when paused
  std::string last_error;   ///< when suspended: what the receiver last answered
  std::int64_t created_ns = 0;
  std::int64_t changed_ns = 0; ///< the newest event's time

  bool exists() const noexcept {
    return st != webhook_status::none && st != webhook_status::deleted;
  }
  bool operator==(const state&) const = default;
};

// -- commands ---------------------------------------------------------------------------

struct create_webhook {
  std::string tenant;
  std::string url;
  std::vector<std::string> types;
  std::string secret;
  bool allow_private = false;
  std::int64_t at_ns = 0;
};
/// Each field that is set replaces the current value.
struct update_webhook {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> types;
  bool allow_private = false;
  std::int64_t at_ns = 0;
};
struct pause_webhook {
  std::string reason;
  std::int64_t at_ns = 0;
};
struct resume_webhook {
  std::int64_t at_ns = 0;
};
/// The delivery circuit opened (the dispatcher's command).
struct suspend_webhook {
  std::string last_error;
  std::int64_t failing_since_ns = 0;
  std::uint64_t stuck_at_seq = 0;
  std::int64_t at_ns = 0;
};
struct delete_webhook {
  std::int64_t at_ns = 0;
};

using command = std::variant<create_webhook, update_webhook, pause_webhook, resume_webhook,
                             suspend_webhook, delete_webhook>;
using event = std::variant<webhook_subscribed, webhook_updated, webhook_paused, webhook_resumed,
                           webhook_suspended, webhook_deleted>;

/// A subscription `webhook_id` that does not exist yet.
state initial_state(std::string webhook_id);

/// Rejection codes: "invalid_webhook_id", "webhook_exists", "no_such_webhook",
/// "invalid_tenant", "invalid_url", "private_url", "invalid_types",
/// "invalid_secret", "invalid_reason". docs/api.md explains each.
outcome<event> decide(const command& cmd, const state& s);

/// `at_ns` is the event's envelope time. Never refuses.
state evolve(state s, const event& e, std::int64_t at_ns);

inline bool is_terminal(const state& s) noexcept {
  return s.st == webhook_status::deleted;
}

std::int64_t command_time(const command& c) noexcept;
/// "create_webhook", "update_webhook", ...
const char* command_name(const command& c) noexcept;

} // namespace hotline::events::webhooks
