#pragma once
/// The rules of webhook subscriptions (F23, docs/api.md "Webhooks"), as
/// pure functions with tests (tests/events/webhook_rules_test.cpp): which
/// URLs a subscription may target, which event type patterns it may name,
/// which events are ever delivered, and the retry schedule.
///
/// SSRF: a webhook makes the node send requests on a tenant admin's behalf.
/// A target on loopback, a private network, link-local (cloud metadata at
/// 169.254.169.254) or another special range would let an admin reach what
/// only the node can reach, so such targets are refused unless the node
/// allows them (`[api] webhook_allow_private`, for tests and the demo).
/// This check sees the URL's text; the delivery client checks the
/// addresses a host name resolves to again, at every connection (DNS can
/// change after the subscription was accepted).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/outcome.hpp"

namespace hotline::events::webhooks {

/// A webhook target, split.
struct target_url {
  bool tls = false; ///< https
  std::string host; ///< a name, an IPv4 address, or an IPv6 address without brackets
  std::uint16_t port = 0;
  std::string target; ///< path and query, "/" at least

  bool operator==(const target_url&) const = default;
};

/// Longest URL accepted (bytes).
inline constexpr std::size_t max_url_bytes = 2048;

/// `http://host[:port][/path][?query]` or `https://…`, lower-case scheme;
/// no user info (`user:pass@`), no fragment, no spaces or control
/// characters; host a DNS name (letters, digits, '-', '.'), an IPv4
/// address or a bracketed IPv6 address. The answer is the parsed URL or
/// why it is not one (a sentence naming the part).
std::variant<target_url, std::string> parse_url(std::string_view url);

/// Loopback, private, link-local, shared (100.64/10), unspecified,
/// multicast or reserved; "localhost" and "*.localhost" too. A host name
/// that is none of these is not private here (its addresses are checked
/// when delivering: is_private_address).
bool is_private_host(std::string_view host);
/// The same for one numeric address (IPv4 dotted or IPv6 text); a text
/// that is no address is treated as private (refused).
bool is_private_address(std::string_view address);

/// Why `url` may not be a webhook's target, or nothing: "invalid_url" (not
/// a URL as parse_url says) or "private_url" (is_private_host, unless
/// `allow_private`).
std::optional<rejection> check_url(std::string_view url, bool allow_private);

/// Most patterns one subscription may have.
inline constexpr std::size_t max_type_patterns = 32;

/// Whether `pattern` selects `type`: "*" every type, "call.*" every type
/// starting with "call.", otherwise the exact name.
bool type_matches(std::string_view pattern, std::string_view type) noexcept;
/// Any pattern selects `type`.
bool matches_any(const std::vector<std::string>& patterns, std::string_view type) noexcept;

/// Whether an event of `type` is ever sent to a webhook: not the webhooks'
/// own events (they carry signing secrets) nor those carrying credentials'
/// hashes (`user.created`, `user.password_changed`, `session.*`).
bool deliverable(std::string_view type) noexcept;

/// Every event type name of the catalog (events/catalog.hpp), sorted.
const std::vector<std::string>& known_types();

/// Why `types` is not a valid list ("invalid_types"), or nothing: 1 to 32
/// patterns, none twice; each "*", "<prefix>.*" or an exact name; each must
/// select at least one deliverable type of the catalog (so a typo is an
/// error, not a silent subscription to nothing).
std::optional<rejection> check_types(const std::vector<std::string>& types);

// -- retries ---------------------------------------------------------------------------

/// The first retry waits about this long.
inline constexpr std::int64_t first_retry_ns = 1'000'000'000;
/// No retry waits longer (a receiver's Retry-After included).
inline constexpr std::int64_t max_retry_ns = 3600LL * 1'000'000'000;

/// How long to wait before the next attempt after `failures` consecutive
/// failed attempts (1 for the first failure): exponential back-off,
/// base = first_retry_ns * 2^(failures-1) capped at max_retry_ns, with
/// "equal jitter": base/2 + jitter * base/2, `jitter` in [0, 1) from the
/// caller (the domain draws no random numbers). A receiver's Retry-After
/// (`retry_after_ns` > 0) is honoured: never sooner than it, never more
/// than max_retry_ns.
/// REQUIRES: failures >= 1
std::int64_t retry_delay_ns(int failures, double jitter, std::int64_t retry_after_ns = 0) noexcept;

} // namespace hotline::events::webhooks
