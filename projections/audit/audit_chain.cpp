#include "projections/audit/audit_chain.hpp"

#include <charconv>
#include <vector>

#include <openssl/evp.h>

namespace hotline::projections::audit {

void append_netstring(std::string& out, std::string_view s) {
  out.append(std::to_string(s.size()));
  out.push_back(':');
  out.append(s);
  out.push_back(',');
}

using events::errc;
using events::status;

namespace {

constexpr std::string_view tag_v1 = "hotline.audit.v1";
constexpr std::string_view tag = "hotline.audit.v2";

/// Reads netstrings one after the other; false on any malformation.
class netstring_reader {
public:
  explicit netstring_reader(std::string_view in) : in_(in) {}
  bool next(std::string_view& out) {
    auto colon = in_.find(':', pos_);
    if (colon == std::string_view::npos || colon == pos_ || colon - pos_ > 19) return false;
    std::size_t len = 0;
    auto [p, ec] = std::from_chars(in_.data() + pos_, in_.data() + colon, len);
    if (ec != std::errc{} || p != in_.data() + colon) return false;
    if (len > in_.size() - colon - 1 || colon + 1 + len >= in_.size() ||
        in_[colon + 1 + len] != ',')
      return false;
    out = in_.substr(colon + 1, len);
    pos_ = colon + 2 + len;
    return true;
  }
  bool at_end() const { return pos_ == in_.size(); }

private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

template <class T> bool parse_int(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

bool from_hex(std::string_view hex, digest& out) {
  if (hex.size() != 64) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

} // namespace

std::string canonical_bytes(const audit_record& r) {
  std::string out;
  out.reserve(160 + r.detail.size());
  append_netstring(out, r.event_digest.empty() ? tag_v1 : tag);
  append_netstring(out, std::to_string(r.seq));
  append_netstring(out, std::to_string(r.position));
  append_netstring(out, std::to_string(r.time_ns));
  append_netstring(out, r.site);
  append_netstring(out, r.tenant);
  append_netstring(out, events::to_string(r.caused_by.role));
  append_netstring(out, r.caused_by.id);
  append_netstring(out, r.type);
  append_netstring(out, r.stream);
  append_netstring(out, r.call_id);
  append_netstring(out, r.agent_id);
  append_netstring(out, r.customer_id);
  append_netstring(out, r.queue);
  append_netstring(out, r.detail);
  if (!r.event_digest.empty()) append_netstring(out, r.event_digest);
  return out;
}

std::string event_digest_hex(const events::recorded_event& e) {
  std::string c;
  c.reserve(200 + e.payload.size());
  append_netstring(c, "hotline.event.v1");
  append_netstring(c, std::to_string(e.position));
  append_netstring(c, e.stream);
  append_netstring(c, std::to_string(e.revision));
  append_netstring(c, e.type);
  append_netstring(c, std::to_string(e.version));
  append_netstring(c, e.meta.id.to_string());
  append_netstring(c, e.meta.correlation.to_string());
  append_netstring(c, e.meta.causation.to_string());
  append_netstring(c, std::to_string(e.meta.timestamp_ns));
  append_netstring(c, e.meta.site);
  append_netstring(c, e.meta.tenant);
  append_netstring(c, events::to_string(e.meta.caused_by.role));
  append_netstring(c, e.meta.caused_by.id);
  append_netstring(c, e.payload);
  return to_hex(
      chain_hash(digest{}, c)); // SHA-256(32 zero bytes || c): one hash function throughout
}

digest chain_hash(const digest& previous, std::string_view canonical) {
  digest out{};
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, previous.data(), previous.size());
  EVP_DigestUpdate(ctx, canonical.data(), canonical.size());
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_MD_CTX_free(ctx);
  return out;
}

std::string to_hex(const digest& d) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (std::size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = digits[d[i] >> 4];
    out[2 * i + 1] = digits[d[i] & 15];
  }
  return out;
}

std::string encode_row(const audit_record& r, const digest& hash) {
  auto out = canonical_bytes(r);
  append_netstring(out, to_hex(hash));
  return out;
}

events::result<std::pair<audit_record, digest>> decode_row(std::string_view row) {
  netstring_reader in{row};
  std::string_view f[17];
  std::size_t n = 0;
  while (n < 17 && in.next(f[n]))
    ++n;
  if (!in.at_end())
    return status{errc::corrupt_record, "audit row is not a sequence of netstrings"};
  if (n < 1 || (f[0] == tag_v1 ? n != 16 : f[0] == tag ? n != 17 : true))
    return status{errc::corrupt_record, n >= 1 && f[0] != tag_v1 && f[0] != tag
                                            ? "audit row has an unknown tag"
                                            : "audit row has the wrong number of fields"};
  const std::string_view hash_field = f[n - 1];
  audit_record r;
  digest h{};
  if (!parse_int(f[1], r.seq) || !parse_int(f[2], r.position) || !parse_int(f[3], r.time_ns))
    return status{errc::corrupt_record, "audit row has a malformed number"};
  if (!events::parse_principal_kind(f[6], r.caused_by.role))
    return status{errc::corrupt_record, "audit row has an unknown role"};
  if (!from_hex(hash_field, h))
    return status{errc::corrupt_record, "audit row has a malformed hash"};
  if (n == 17) {
    digest d{};
    if (!from_hex(f[15], d))
      return status{errc::corrupt_record, "audit row has a malformed event digest"};
    r.event_digest = f[15];
  }
  r.site = f[4];
  r.tenant = f[5];
  r.caused_by.id = f[7];
  r.type = f[8];
  r.stream = f[9];
  r.call_id = f[10];
  r.agent_id = f[11];
  r.customer_id = f[12];
  r.queue = f[13];
  r.detail = f[14];
  return std::pair{std::move(r), h};
}

std::string encode_head(const chain_head& h) {
  std::string out;
  append_netstring(out, std::to_string(h.seq));
  append_netstring(out, to_hex(h.hash));
  return out;
}

events::result<chain_head> decode_head(std::string_view row) {
  netstring_reader in{row};
  std::string_view seq, hex;
  chain_head h;
  if (!in.next(seq) || !in.next(hex) || !in.at_end() || !parse_int(seq, h.seq) ||
      !from_hex(hex, h.hash))
    return status{errc::corrupt_record, "audit head is malformed"};
  return h;
}

void chain_verifier::fail(std::uint64_t seq, std::string why) {
  if (first_bad_) return;
  first_bad_ = seq;
  problem_ = "record " + std::to_string(seq) + ": " + std::move(why);
}

void chain_verifier::next(std::uint64_t stored_seq, std::string_view row) {
  if (first_bad_) return;
  if (stored_seq != expected_) {
    fail(expected_, stored_seq > expected_ ? "missing (the next stored record is " +
                                                 std::to_string(stored_seq) + "): removed"
                                           : "stored out of order");
    return;
  }
  auto decoded = decode_row(row);
  if (!decoded) {
    fail(stored_seq, decoded.error().detail() + ": changed");
    return;
  }
  const auto& [rec, stored_hash] = *decoded;
  if (rec.seq != stored_seq) {
    fail(stored_seq, "the record stored here claims seq " + std::to_string(rec.seq) +
                         ": records reordered or renumbered");
    return;
  }
  auto computed = chain_hash(previous_, canonical_bytes(rec));
  if (computed != stored_hash) {
    // Either this record changed, or it was re-hashed over a changed
    // predecessor: both make it the first record that does not verify.
    fail(stored_seq, "hash mismatch: the record was changed (or its predecessor was, and "
                     "this one re-hashed)");
    return;
  }
  previous_ = computed;
  if (on_record) on_record(rec, computed);
  ++expected_;
  ++checked_;
}

void chain_verifier::finish(const std::optional<chain_head>& head) {
  if (first_bad_) return;
  const std::uint64_t last = expected_ - 1;
  if (!head) {
    if (last > 0) fail(last, "the chain head is missing");
    return;
  }
  if (head->seq > last) {
    fail(last + 1, "missing: the head says the chain has " + std::to_string(head->seq) +
                       " records, " + std::to_string(last) + " are stored: removed");
    return;
  }
  if (head->seq < last) {
    fail(head->seq + 1, "not covered by the head (head seq " + std::to_string(head->seq) + ")");
    return;
  }
  if (head->hash != previous_) fail(last, "the head's hash does not match the last record");
}

} // namespace hotline::projections::audit
