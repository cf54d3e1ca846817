#pragma once
/// Passwords and session tokens at the node API's edge (issue 21). The
/// domain never sees a password or a token: it keeps the Argon2id PHC string
/// `hash_password` makes and the SHA-256 (hex) of each token.
///
///  - `hash_password`: Argon2id through libsodium's `crypto_pwhash_str`,
///    with OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE (about 64 MiB and a
///    few tens of ms per hash: run it off the actors' threads). The salt is
///    random: two hashes of one password differ; verify with
///    `verify_password`.
///  - `new_token`: 32 random bytes (libsodium `randombytes_buf`) in
///    base64url without padding (43 characters): what a cookie or a bearer
///    header carries.
///  - `token_sha256_hex`: SHA-256 of the token's text (OpenSSL), 64
///    lower-case hex digits: what the store keeps (session.opened).
///  - `weak_password`: the password policy; why a password is refused.
///
/// Thread safety: every function may be called from any thread (libsodium
/// is initialised once, on first use).
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hotline::drivers::api {

/// libsodium could not be initialised, or could not allocate the hash's
/// memory (out of memory): nothing the caller did wrong.
struct password_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The Argon2id PHC string of `password` ("$argon2id$v=19$m=65536,t=2,p=1$...").
/// Throws password_error when libsodium fails (out of memory).
std::string hash_password(std::string_view password);

/// Whether `password` matches `phc` (a string from hash_password). False for
/// a string that is not an Argon2 PHC string. Takes as long as hashing.
bool verify_password(std::string_view phc, std::string_view password);

/// Whether `phc` was hashed with weaker settings than hash_password's
/// current ones (rehash it at the next successful login).
bool needs_rehash(std::string_view phc);

/// A new random session token: 43 characters of base64url (256 bits).
std::string new_token();

/// A new random password for an account made without one: 20 characters
/// of letters and digits (about 119 bits), printed once by the CLI.
std::string new_password();

/// SHA-256 of `token`'s bytes, 64 lower-case hex digits.
std::string token_sha256_hex(std::string_view token);

/// Minimum length of a password (characters, counted as UTF-8 code points).
inline constexpr std::size_t min_password_length = 12;
/// Maximum length (bytes): longer input is refused rather than hashed.
inline constexpr std::size_t max_password_bytes = 1024;

/// Why `password` is refused, or nothing when it is acceptable: at least 12
/// characters (length is what makes a password hard to guess; NIST SP
/// 800-63B), at most 1024 bytes, valid UTF-8 without control characters, and
/// not one character repeated.
std::optional<std::string> weak_password(std::string_view password);

} // namespace hotline::drivers::api
