#include "projections/audit/audit_anchor.hpp"

#include <memory>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "events/envelope.hpp"
#include "projections/audit/audit_chain.hpp"

namespace hotline::projections::audit {

using events::errc;
using events::status;

namespace {

constexpr std::string_view anchor_tag = "hotline.audit.anchor.v1";

struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

pkey_ptr read_key(std::string_view pem, bool private_key) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return nullptr;
  EVP_PKEY* k = private_key ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)
                            : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  pkey_ptr key{k};
  if (key && EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) key.reset();
  return key;
}

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

bool unhex(std::string_view h, std::string& out) {
  if (h.size() % 2) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out.clear();
  for (std::size_t i = 0; i < h.size(); i += 2) {
    int hi = nib(h[i]), lo = nib(h[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

/// First 16 hex digits of SHA-256 over the public key's DER form.
std::string key_id_of(EVP_PKEY* k) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(k, &der);
  if (len <= 0) return {};
  auto h = chain_hash(digest{}, std::string_view{reinterpret_cast<const char*>(der),
                                                 static_cast<std::size_t>(len)});
  OPENSSL_free(der);
  return to_hex(h).substr(0, 16);
}

} // namespace

std::string anchor_signed_bytes(const audit_anchor& a) {
  std::string out;
  append_netstring(out, anchor_tag);
  append_netstring(out, std::to_string(a.seq));
  append_netstring(out, std::to_string(a.position));
  append_netstring(out, a.head);
  append_netstring(out, std::to_string(a.time_ns));
  append_netstring(out, a.site);
  return out;
}

status sign_anchor(audit_anchor& a, std::string_view private_key_pem) {
  auto key = read_key(private_key_pem, true);
  if (!key) return {errc::invalid_argument, "not a PEM Ed25519 private key"};
  md_ctx_ptr ctx{EVP_MD_CTX_new()};
  const auto msg = anchor_signed_bytes(a);
  unsigned char sig[64];
  std::size_t len = sizeof sig;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(msg.data()),
                     msg.size()) != 1)
    return {errc::invalid_argument, "cannot sign with this key"};
  a.signature = hex(sig, len);
  a.key_id = key_id_of(key.get());
  return {};
}

status verify_anchor(const audit_anchor& a, std::string_view public_key_pem) {
  auto key = read_key(public_key_pem, false);
  if (!key) return {errc::invalid_argument, "not a PEM Ed25519 public key"};
  std::string sig;
  if (!unhex(a.signature, sig)) return {errc::corrupt_record, "the anchor's signature is not hex"};
  md_ctx_ptr ctx{EVP_MD_CTX_new()};
  const auto msg = anchor_signed_bytes(a);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
    return {errc::invalid_argument, "cannot verify with this key"};
  if (EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) != 1)
    return {errc::corrupt_record, "the anchor's signature does not verify with this public key "
                                  "(the anchor was changed, or another key signed it)"};
  return {};
}

std::string encode_anchor(const audit_anchor& a) {
  nlohmann::ordered_json j = {{"format", anchor_tag},
                              {"site", a.site},
                              {"seq", a.seq},
                              {"events", a.seq},
                              {"position", a.position},
                              {"head", a.head},
                              {"time", events::format_timestamp(a.time_ns)},
                              {"time_ns", a.time_ns},
                              {"key_id", a.key_id},
                              {"signature", a.signature}};
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

events::result<audit_anchor> decode_anchor(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return status{errc::corrupt_record, "the anchor is not a JSON object"};
  if (j.value("format", "") != anchor_tag)
    return status{errc::corrupt_record, "the anchor's format is not " + std::string{anchor_tag}};
  audit_anchor a;
  try {
    a.site = j.at("site").get<std::string>();
    a.seq = j.at("seq").get<std::uint64_t>();
    a.position = j.at("position").get<std::uint64_t>();
    a.head = j.at("head").get<std::string>();
    a.time_ns = j.at("time_ns").get<std::int64_t>();
    a.signature = j.at("signature").get<std::string>();
    a.key_id = j.value("key_id", "");
  } catch (const std::exception& e) {
    return status{errc::corrupt_record, std::string{"the anchor: "} + e.what()};
  }
  return a;
}

} // namespace hotline::projections::audit
