#pragma once
/// The cryptography of webhooks (F23) at the node's edge, on libsodium:
/// random ids and secrets, and the signature every delivery carries.
///
/// Signature: `X-Hotline-Signature: sha256=<hex>`, the HMAC-SHA256
/// (`crypto_auth_hmacsha256`) keyed with the secret's text (its 64 hex
/// characters, as the client got them) over `timestamp + "." + body`, where
/// `timestamp` is the `X-Hotline-Timestamp` header (Unix seconds). A
/// receiver checks it with the same key, e.g.
/// `printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret"`,
/// and refuses old timestamps (replays).
///
/// Thread safety: every function may be called from any thread (libsodium
/// is initialised once, on first use).
#include <string>
#include <string_view>

namespace hotline::drivers::api {

/// 32 random bytes as 64 lower-case hex digits: a subscription's secret.
std::string new_webhook_secret();
/// 16 random bytes as 32 lower-case hex digits: a subscription's id, a delivery's id.
std::string new_webhook_id();
/// A uniformly random number in [0, 1): the retry schedule's jitter.
double random_unit();

/// "sha256=" + hex HMAC-SHA256 keyed with `secret` over `timestamp + "." + body`.
std::string webhook_signature(std::string_view secret, std::string_view timestamp,
                              std::string_view body);

} // namespace hotline::drivers::api
