#pragma once
/// SIP digest authentication (RFC 3261 §22, RFC 2617 with MD5 and
/// qop=auth), as the registrar of the SIP adapter uses it: parse a phone's
/// Authorization header, check its nonce and its response against the
/// user's HA1 = MD5(user:realm:password), and build the WWW-Authenticate
/// challenge. No I/O and no clock: the caller gives the time.
///
/// Nonces carry their own expiry and are signed with a secret of the
/// stack's (made at start): "<expiry, seconds, hex>.<MD5(secret:expiry)>".
/// Nothing is kept per nonce, so any number of phones may register; a
/// nonce is accepted until it expires (then the phone is told stale=true
/// and retries with a fresh one, without asking its user again). Replay of
/// one response within a nonce's life is not detected (nc is not tracked):
/// docs/telephony.md says what that means.
#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.hpp"

namespace hotline::drivers::sip {

/// The fields of `Authorization: Digest ...` a registrar needs.
struct digest_credentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;  ///< 32 hex digits
  std::string qop;       ///< "auth", or empty (RFC 2069 style)
  std::string nc;        ///< 8 hex digits with qop
  std::string cnonce;    ///< with qop
  std::string algorithm; ///< "MD5" or empty
  std::string opaque;
};

/// Parses an Authorization header's value ("Digest username=\"a1\", ...").
/// Errors (invalid_argument) name what is wrong: not Digest, a parameter
/// without '=', an unterminated quoted string, a missing username, realm,
/// nonce, uri or response, a response that is not 32 hex digits, an
/// algorithm other than MD5, a qop other than auth, qop without nc or
/// cnonce.
events::result<digest_credentials> parse_digest_authorization(std::string_view value);

/// MD5 of `text`, 32 lower-case hex digits.
std::string md5_hex(std::string_view text);
/// HA1 = MD5(user:realm:password): what the node stores for a SIP user.
std::string digest_ha1(std::string_view user, std::string_view realm, std::string_view password);
/// True when `text` is 32 lower-case hex digits (an MD5 in hex).
bool is_md5_hex(std::string_view text);
/// The response a client must send: MD5(HA1:nonce:nc:cnonce:qop:HA2) with
/// qop, MD5(HA1:nonce:HA2) without; HA2 = MD5(method:uri).
std::string digest_response(std::string_view ha1, std::string_view method, std::string_view uri,
                            std::string_view nonce, std::string_view nc, std::string_view cnonce,
                            std::string_view qop);

/// Makes and checks self-expiring nonces (see above).
class nonce_signer {
public:
  /// `secret`: unguessable bytes of the stack's; `ttl_s` > 0: a nonce's life.
  nonce_signer(std::string secret, std::int64_t ttl_s);
  /// A nonce valid until now_s + ttl.
  std::string make(std::int64_t now_s) const;
  enum class check_result { valid, stale, invalid };
  /// valid: signed by this secret and not expired; stale: signed, expired;
  /// invalid: anything else (another node's, forged, garbled).
  check_result check(std::string_view nonce, std::int64_t now_s) const;

private:
  std::string secret_;
  std::int64_t ttl_s_;
};

/// The verdict on a REGISTER's credentials.
enum class digest_verdict {
  ok,
  stale_nonce,    ///< challenge again with stale=true
  unknown_nonce,  ///< not ours: challenge again
  wrong_realm,    ///< challenge again
  wrong_response, ///< the password is wrong: 403
};
std::string_view to_string(digest_verdict v) noexcept;

/// Checks `c` (already parsed) for a request `method`, against the user's
/// `ha1`, the registrar's `realm` and `nonces`, at `now_s`.
digest_verdict verify_digest(const digest_credentials& c, std::string_view method,
                             std::string_view ha1, std::string_view realm,
                             const nonce_signer& nonces, std::int64_t now_s);

/// The WWW-Authenticate value: Digest realm="..", nonce="..", algorithm=MD5,
/// qop="auth"[, stale=true].
std::string digest_challenge(std::string_view realm, std::string_view nonce, bool stale);

} // namespace hotline::drivers::sip
