#pragma once
/// Audit anchors: a signed checkpoint of the audit chain, kept outside the
/// node, so that rewriting history on the node is detectable.
///
/// Whoever can write a node's files can edit an event, recompute its CRC and
/// rebuild the whole audit chain (and its head) from the edited events: the
/// chain then verifies against itself and against the events. What they
/// cannot do is change a chain head that was signed and stored elsewhere
/// before the edit. An anchor says "the chain had `seq` records covering the
/// events up to `position`, and its hash at `seq` was `head`", signed with an
/// Ed25519 key the node does not hold (the key signs anchors; only the public
/// half is needed to check them). `hotline audit verify --anchor` then
/// checks the store still holds exactly that history up to the anchor;
/// several anchors taken over time narrow down where history was rewritten.
///
/// Signed bytes: netstrings (`<length>:<bytes>,`) of "hotline.audit.anchor.v1",
/// seq, position, head (hex), time_ns, site, integers in decimal ASCII.
/// File: one JSON object {"format", "site", "seq", "position", "events",
/// "head", "time", "time_ns", "signature" (hex), "key_id"}. "events" repeats
/// seq (every event is one record) and "key_id" (the first 16 hex digits of
/// SHA-256 of the public key's DER) helps pick the key; neither is signed.
///
/// Keys are PEM Ed25519 keys, e.g. from
/// `openssl genpkey -algorithm ed25519 -out anchor.key` and
/// `openssl pkey -in anchor.key -pubout -out anchor.pub`.
/// Pure: no file or clock access (the caller reads keys and gives the time).
#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.hpp"

namespace hotline::projections::audit {

struct audit_anchor {
  std::string site;           ///< the site of the anchored record (informational, signed)
  std::uint64_t seq = 0;      ///< records in the chain at the anchor (= events audited)
  std::uint64_t position = 0; ///< the event position of record `seq`
  std::string head;           ///< hex chain hash of record `seq`
  std::int64_t time_ns = 0;   ///< when the anchor was taken (UTC)
  std::string signature;      ///< hex Ed25519 signature of signed_bytes()
  std::string key_id;         ///< not signed: which key signed

  bool operator==(const audit_anchor&) const = default;
};

std::string anchor_signed_bytes(const audit_anchor& a);

/// Signs `a` (sets signature and key_id) with a PEM Ed25519 private key.
/// Errors: invalid_argument when the key is not an Ed25519 private key.
events::status sign_anchor(audit_anchor& a, std::string_view private_key_pem);
/// ok when `a.signature` is a valid signature of `a` by the PEM Ed25519
/// public key; corrupt_record ("signature does not verify") otherwise,
/// invalid_argument when the key is not an Ed25519 public key.
events::status verify_anchor(const audit_anchor& a, std::string_view public_key_pem);

std::string encode_anchor(const audit_anchor& a);
/// corrupt_record naming the bad or missing field.
events::result<audit_anchor> decode_anchor(std::string_view text);

} // namespace hotline::projections::audit
