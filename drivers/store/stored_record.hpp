#pragma once
/// The codec's storage form of a record (events/codec.hpp: `'h', format 1,
/// crc32c, cereal-binary envelope + payload`), written and read in place:
/// into a reused buffer, and into an existing recorded_event whose strings
/// keep their capacity.
///
/// Why it exists: the store writes and scans millions of records.
/// `event_codec::encode_record` / `decode_record` go through cereal's stream
/// archives and build a fresh string or event per record; the allocations
/// and the virtual stream calls cost about as much as RocksDB's own work per
/// record (the group-commit writer thread and sequential scans were both
/// bound by them). These functions produce and accept exactly the same
/// bytes with a few memcpy.
///
/// Contract: `encode_record_into` writes the bytes `event_codec::encode_record`
/// writes; `decode_record_into` succeeds exactly when
/// `event_codec::decode_record` does and then yields an equal event. Both
/// are checked against the codec for every event type by
/// tests/drivers/stored_record_test.cpp, which fails if the codec's record
/// layout changes. Formats other than 1 are handed to the codec when read.
///
/// TODO(events owner): these belong in events/codec as
/// `encode_record_into` / `decode_record_into`; they live here only because
/// the store was the part being optimised.
///
/// Thread safety: pure functions.
#include <cstdint>
#include <string>
#include <string_view>

#include "events/envelope.hpp"
#include "events/status.hpp"

namespace hotline::drivers {

/// Replaces `out` with the record of `e` stored at (`stream`, `revision`,
/// `position`).
void encode_record_into(std::string& out, std::string_view stream, std::uint64_t revision,
                        std::uint64_t position, const events::proposed_event& e);
void encode_record_into(std::string& out, const events::recorded_event& e);

/// Decodes a stored record into `out`. Errors are the codec's
/// (`corrupt_record` saying what is wrong, without the position).
/// REQUIRES: `bytes` does not alias `out`. On error `out` holds unspecified
/// (valid) values.
events::status decode_record_into(std::string_view bytes, events::recorded_event& out);

} // namespace hotline::drivers
