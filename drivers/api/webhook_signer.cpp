#include "drivers/api/webhook_signer.hpp"

#include <sodium.h>

#include <cstdint>
#include <stdexcept>

namespace hotline::drivers::api {

namespace {

void init_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

std::string hex(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

std::string random_hex(std::size_t n) {
  init_sodium();
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), n);
  return hex(reinterpret_cast<const unsigned char*>(bytes.data()), n);
}

} // namespace

std::string new_webhook_secret() {
  return random_hex(32);
}

std::string new_webhook_id() {
  return random_hex(16);
}

double random_unit() {
  init_sodium();
  std::uint64_t x = 0;
  randombytes_buf(&x, sizeof x);
  return static_cast<double>(x >> 11) / static_cast<double>(1ULL << 53);
}

std::string webhook_signature(std::string_view secret, std::string_view timestamp,
                              std::string_view body) {
  init_sodium();
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(timestamp.data()),
                                timestamp.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>("."), 1);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  return "sha256=" + hex(mac, sizeof mac);
}

} // namespace hotline::drivers::api
