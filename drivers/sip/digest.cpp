// SIP digest authentication (digest.hpp). MD5 is libre's.
#include "drivers/sip/digest.hpp"

#include <cctype>
#include <cstdio>

#define HAVE_STDBOOL_H 1
#define HAVE_INTTYPES_H 1
#include <re.h>

#include "drivers/sip/sip_text.hpp"

namespace hotline::drivers::sip {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
}

events::status bad(std::string what) {
  return events::status{events::errc::invalid_argument, "Authorization: " + std::move(what)};
}

bool is_hex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Equal without stopping at the first difference (the response is a secret's image).
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char d = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    d |= static_cast<unsigned char>(a[i] ^ b[i]);
  return d == 0;
}

} // namespace

events::result<digest_credentials> parse_digest_authorization(std::string_view v) {
  std::size_t i = 0;
  while (i < v.size() && is_blank(v[i]))
    ++i;
  if (v.size() - i < 6 || !iequals(v.substr(i, 6), "Digest") ||
      (v.size() - i > 6 && !is_blank(v[i + 6])))
    return bad("the scheme is not Digest");
  i += 6;
  digest_credentials c;
  bool any = false;
  while (true) {
    while (i < v.size() && (is_blank(v[i]) || (any && v[i] == ',')))
      ++i;
    if (i >= v.size()) break;
    const std::size_t name_at = i;
    while (i < v.size() && is_token_char(v[i]))
      ++i;
    if (i == name_at)
      return bad("unexpected '" + std::string(1, v[i]) + "' at offset " + std::to_string(i));
    const std::string name = lower(std::string(v.substr(name_at, i - name_at)));
    while (i < v.size() && is_blank(v[i]))
      ++i;
    if (i >= v.size() || v[i] != '=') return bad("parameter '" + name + "' has no '='");
    ++i;
    while (i < v.size() && is_blank(v[i]))
      ++i;
    std::string value;
    if (i < v.size() && v[i] == '"') {
      ++i;
      bool closed = false;
      while (i < v.size()) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          value += v[i + 1];
          i += 2;
        } else if (v[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value += v[i++];
        }
      }
      if (!closed) return bad("the quoted value of '" + name + "' is not terminated");
    } else {
      const std::size_t at = i;
      while (i < v.size() && !is_blank(v[i]) && v[i] != ',')
        ++i;
      value = std::string(v.substr(at, i - at));
      if (value.empty()) return bad("parameter '" + name + "' has an empty value");
    }
    while (i < v.size() && is_blank(v[i]))
      ++i;
    if (i < v.size() && v[i] != ',')
      return bad("parameters must be separated by ',' (after '" + name + "')");
    any = true;
    if (name == "username")
      c.username = value;
    else if (name == "realm")
      c.realm = value;
    else if (name == "nonce")
      c.nonce = value;
    else if (name == "uri")
      c.uri = value;
    else if (name == "response")
      c.response = lower(value);
    else if (name == "qop")
      c.qop = value;
    else if (name == "nc")
      c.nc = value;
    else if (name == "cnonce")
      c.cnonce = value;
    else if (name == "algorithm")
      c.algorithm = value;
    else if (name == "opaque")
      c.opaque = value;
    // other parameters (auth-param extensions) are ignored
  }
  for (auto [field, name] :
       {std::pair{&c.username, "username"}, std::pair{&c.realm, "realm"},
        std::pair{&c.nonce, "nonce"}, std::pair{&c.uri, "uri"}, std::pair{&c.response, "response"}})
    if (field->empty()) return bad(std::string("no ") + name);
  if (!is_hex(c.response, 32)) return bad("response is not 32 hex digits");
  if (!c.algorithm.empty() && !iequals(c.algorithm, "MD5"))
    return bad("algorithm " + c.algorithm + " is not supported (MD5 only)");
  if (!c.qop.empty()) {
    if (!iequals(c.qop, "auth")) return bad("qop " + c.qop + " is not supported (auth only)");
    if (!is_hex(c.nc, 8)) return bad("qop=auth needs nc, 8 hex digits");
    if (c.cnonce.empty()) return bad("qop=auth needs a cnonce");
  }
  return c;
}

std::string md5_hex(std::string_view text) {
  std::uint8_t d[MD5_SIZE];
  md5(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), d);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * MD5_SIZE);
  for (auto b : d) {
    out += hex[b >> 4];
    out += hex[b & 0xF];
  }
  return out;
}

std::string digest_ha1(std::string_view user, std::string_view realm, std::string_view password) {
  std::string s;
  s.append(user).append(":").append(realm).append(":").append(password);
  return md5_hex(s);
}

bool is_md5_hex(std::string_view text) {
  if (text.size() != 32) return false;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c)) && !(c >= 'a' && c <= 'f')) return false;
  return true;
}

std::string digest_response(std::string_view ha1, std::string_view method, std::string_view uri,
                            std::string_view nonce, std::string_view nc, std::string_view cnonce,
                            std::string_view qop) {
  std::string a2;
  a2.append(method).append(":").append(uri);
  const auto ha2 = md5_hex(a2);
  std::string s;
  s.append(ha1).append(":").append(nonce).append(":");
  if (!qop.empty()) s.append(nc).append(":").append(cnonce).append(":").append(qop).append(":");
  s.append(ha2);
  return md5_hex(s);
}

nonce_signer::nonce_signer(std::string secret, std::int64_t ttl_s)
    : secret_(std::move(secret)), ttl_s_(ttl_s > 0 ? ttl_s : 1) {}

std::string nonce_signer::make(std::int64_t now_s) const {
  char expiry[32];
  std::snprintf(expiry, sizeof expiry, "%llx", static_cast<unsigned long long>(now_s + ttl_s_));
  return std::string(expiry) + "." + md5_hex(secret_ + ":" + expiry);
}

nonce_signer::check_result nonce_signer::check(std::string_view nonce, std::int64_t now_s) const {
  const auto dot = nonce.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 16) return check_result::invalid;
  const auto expiry = nonce.substr(0, dot);
  for (char c : expiry)
    if (!std::isdigit(static_cast<unsigned char>(c)) && !(c >= 'a' && c <= 'f'))
      return check_result::invalid;
  if (!same(nonce.substr(dot + 1), md5_hex(secret_ + ":" + std::string(expiry))))
    return check_result::invalid;
  const auto until = static_cast<std::int64_t>(std::stoull(std::string(expiry), nullptr, 16));
  return now_s < until ? check_result::valid : check_result::stale;
}

std::string_view to_string(digest_verdict v) noexcept {
  switch (v) {
  case digest_verdict::ok:
    return "ok";
  case digest_verdict::stale_nonce:
    return "stale_nonce";
  case digest_verdict::unknown_nonce:
    return "unknown_nonce";
  case digest_verdict::wrong_realm:
    return "wrong_realm";
  case digest_verdict::wrong_response:
    return "wrong_response";
  }
  return "?";
}

digest_verdict verify_digest(const digest_credentials& c, std::string_view method,
                             std::string_view ha1, std::string_view realm,
                             const nonce_signer& nonces, std::int64_t now_s) {
  if (c.realm != realm) return digest_verdict::wrong_realm;
  const auto n = nonces.check(c.nonce, now_s);
  if (n == nonce_signer::check_result::invalid) return digest_verdict::unknown_nonce;
  const auto expected = digest_response(ha1, method, c.uri, c.nonce, c.nc, c.cnonce, c.qop);
  if (!same(expected, c.response)) return digest_verdict::wrong_response;
  // Right password, old nonce: RFC 2617 says stale=true (no new password prompt).
  return n == nonce_signer::check_result::stale ? digest_verdict::stale_nonce : digest_verdict::ok;
}

std::string digest_challenge(std::string_view realm, std::string_view nonce, bool stale) {
  std::string s = "Digest realm=\"";
  s.append(realm).append("\", nonce=\"").append(nonce).append("\", algorithm=MD5, qop=\"auth\"");
  if (stale) s += ", stale=true";
  return s;
}

} // namespace hotline::drivers::sip
