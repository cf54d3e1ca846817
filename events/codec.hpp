#pragma once
/// The event codec: payload structs <-> bytes <-> JSON, and whole stored
/// records <-> bytes.
///
/// Two forms, one codec:
///  - storage: a record is `'h', format(1), crc32c(4, LE), cereal-binary
///    envelope fields + payload bytes`. The checksum covers everything after
///    it; a record that fails it, or does not decode, is `corrupt_record`.
///  - JSON (Kafka values, exports): one object per event,
///      {"id","stream","revision","position","site","tenant","type","version",
///       "time","time_ns","correlation_id","causation_id",
///       "caused_by":{"kind","id"},"data":{...payload fields...}}
///    `data` is always the current schema version of the type (upcast if the
///    record is older) and `version` says which.
///
/// Versioning: the catalog (events/catalog.hpp) holds current versions.
/// An old version stays decodable by registering its legacy struct and an
/// upgrade that lifts its JSON one version up (`add_legacy`). Unknown type or
/// version: `unknown_event_type`, naming both — never a crash.
///
/// Thread safety: a const event_codec is safe to share between threads;
/// `add_legacy` must happen before sharing.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "events/binary.hpp"
#include "events/catalog.hpp"
#include "events/envelope.hpp"
#include "events/status.hpp"

namespace hotline::events {

/// The type name and version of the alternative held by `e`.
std::string_view type_name_of(const event& e) noexcept;
std::uint16_t version_of(const event& e) noexcept;

class event_codec {
public:
  /// Lifts a payload's JSON from version N to N+1.
  using upgrade_fn = std::function<result<nlohmann::json>(nlohmann::json)>;

  /// A codec that knows the whole catalog (and the shipped legacy versions).
  event_codec();
  ~event_codec();
  event_codec(const event_codec&) = delete;
  event_codec& operator=(const event_codec&) = delete;

  /// The process-wide standard codec.
  static const event_codec& standard();

  // -- payloads ---------------------------------------------------------------

  /// Wraps a payload for appending: type, version and binary payload filled.
  proposed_event propose(const event& payload, event_meta meta) const;

  /// Decodes a payload of any known version into the current struct.
  result<event> decode(std::string_view type, std::uint16_t version,
                       std::string_view payload) const;
  result<event> decode(const recorded_event& e) const {
    return decode(e.type, e.version, e.payload);
  }

  /// Decodes a payload of type `T` into `out`, reusing its strings'
  /// capacity: the replay path (a fold decodes millions of payloads; no
  /// variant, no stream, no allocation once `out` has grown). Gives the
  /// value `decode` gives and fails where it fails; an older version is
  /// upcast through `decode`.
  /// REQUIRES: the payload's type is `T::type_name`.
  template <event_payload T>
  status decode_into(std::uint16_t version, std::string_view payload, T& out) const {
    if (version == T::version) return read_binary_into(payload, out);
    auto ev = decode(T::type_name, version, payload);
    if (!ev) return ev.error();
    auto* p = std::get_if<T>(&*ev);
    if (!p)
      return {errc::unknown_event_type,
              "'" + std::string{T::type_name} + "' decoded to another type"};
    out = std::move(*p);
    return {};
  }

  /// JSON of a payload at its current version (upcast when older).
  result<nlohmann::json> payload_to_json(std::string_view type, std::uint16_t version,
                                         std::string_view payload) const;

  /// The current version of a known type, or an unknown_event_type status.
  result<std::uint16_t> current_version(std::string_view type) const;

  // -- whole records ------------------------------------------------------------

  /// The storage form of a record.
  std::string encode_record(const recorded_event& e) const;
  /// Checks magic and checksum, decodes the envelope. The payload is kept as
  /// bytes (decode it with `decode`). Errors say what is wrong; the caller
  /// adds where (the position or key it read).
  result<recorded_event> decode_record(std::string_view bytes) const;

  result<nlohmann::json> to_json(const recorded_event& e) const;
  result<std::string> to_json_text(const recorded_event& e) const;
  /// Appends the JSON form to `out`: the same text as `to_json_text` (keys
  /// in the same order, same escaping), written directly from the decoded
  /// payload instead of through a JSON tree; several times faster, and it
  /// reuses `out`'s capacity (the Kafka relay's path). Bytes that are not
  /// valid UTF-8 are written as U+FFFD instead of failing. On error `out`
  /// is left as it was.
  status append_json_text(const recorded_event& e, std::string& out) const;
  /// Parses the JSON form; the payload is re-encoded in its binary form at
  /// the current version. Errors name the missing or bad key.
  result<recorded_event> from_json(const nlohmann::json& j) const;
  result<recorded_event> from_json_text(std::string_view text) const;

  // -- versioning ---------------------------------------------------------------

  /// Registers `Old` (an older version of a current type) and the upgrade of
  /// its JSON to version `Old::version + 1`.
  template <event_payload Old> void add_legacy(upgrade_fn upgrade) {
    add_legacy_entry(
        std::string{Old::type_name}, Old::version,
        [](std::string_view bytes) -> result<nlohmann::json> {
          Old old{};
          if (auto st = from_binary(bytes, old); !st) return st;
          return nlohmann::json(old);
        },
        std::move(upgrade));
  }

  struct impl;

private:
  using legacy_decode_fn = std::function<result<nlohmann::json>(std::string_view)>;
  void add_legacy_entry(std::string type, std::uint16_t version, legacy_decode_fn decode,
                        upgrade_fn upgrade);
  std::unique_ptr<impl> impl_;
};

} // namespace hotline::events
