#include "drivers/api/passwords.hpp"

#include <array>
#include <cstdint>
#include <mutex>

#include <openssl/sha.h>
#include <sodium.h>

namespace hotline::drivers::api {

namespace {

void init_sodium() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = sodium_init() >= 0; });
  if (!ok) throw password_error{"libsodium could not be initialised (sodium_init failed)"};
}

/// The code points of valid UTF-8 `s`, or nothing if it is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view s, bool& control) {
  std::size_t n = 0;
  control = false;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return std::nullopt;
    if (len == 1 && (c < 0x20 || c == 0x7F)) control = true;
    i += len;
    ++n;
  }
  return n;
}

} // namespace

std::string hash_password(std::string_view password) {
  init_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw password_error{"hashing a password failed: out of memory (Argon2id needs " +
                         std::to_string(crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20) + " MiB)"};
  return std::string{out.data()};
}

bool verify_password(std::string_view phc, std::string_view password) {
  init_sodium();
  // crypto_pwhash_str_verify wants a NUL-terminated string within STRBYTES.
  if (phc.empty() || phc.size() >= crypto_pwhash_STRBYTES) return false;
  std::string z{phc};
  return crypto_pwhash_str_verify(z.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view phc) {
  init_sodium();
  if (phc.empty() || phc.size() >= crypto_pwhash_STRBYTES) return true;
  std::string z{phc};
  return crypto_pwhash_str_needs_rehash(z.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

std::string new_token() {
  init_sodium();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)> out{};
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes.data(), bytes.size());
  return std::string{out.data()};
}

std::string new_password() {
  init_sodium();
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (int i = 0; i < 20; ++i)
    out += alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))];
  return out;
}

std::string token_sha256_hex(std::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out += hex[b >> 4];
    out += hex[b & 0xF];
  }
  return out;
}

std::optional<std::string> weak_password(std::string_view password) {
  if (password.size() > max_password_bytes)
    return "the password is longer than " + std::to_string(max_password_bytes) + " bytes";
  bool control = false;
  auto length = utf8_length(password, control);
  if (!length) return std::string{"the password is not valid UTF-8 text"};
  if (control)
    return std::string{"the password contains a control character (a line break or tab?)"};
  if (*length < min_password_length)
    return "the password has " + std::to_string(*length) + " characters; it needs at least " +
           std::to_string(min_password_length) +
           ", because length is what makes a password hard to guess";
  if (password.find_first_not_of(password.front()) == std::string_view::npos)
    return std::string{"the password repeats one character; choose one that is hard to guess"};
  return std::nullopt;
}

} // namespace hotline::drivers::api
