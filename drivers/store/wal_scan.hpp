#pragma once
/// Reads RocksDB write-ahead log files (`<number>.log` in a store
/// directory) on its own, without opening the database, to say exactly
/// where a WAL is damaged and what lies after the damage (for the error an
/// open gives, `hotline store check` and `hotline store repair`).
///
/// The format (RocksDB's db/log_format.h, stable since LevelDB): 32 KiB
/// blocks; each physical record is `masked crc32c (4) | length (2, LE) |
/// type (1) | payload`, the crc covering type and payload (recyclable
/// records, types 5-8, add a 4-byte log number after the type); a logical
/// record (one write batch) is one FULL record or FIRST, MIDDLE..., LAST
/// fragments; fewer than 7 bytes left in a block are zero padding.
///
/// What a crash may leave and a flipped bit may not:
///  - an *incomplete tail* (the file ends inside the last record's header or
///    payload, or after a FIRST/MIDDLE fragment): a write the process was
///    making when it was killed (or, with sync none, lost power). Its append
///    was never acknowledged: RocksDB drops it, and so does `tail_ok`.
///  - anything else is damage: a checksum mismatch anywhere, an unknown
///    type, fragments out of order, a record whose length runs past its
///    block inside the file. And an apparently incomplete last record whose
///    checksum matches the bytes up to the end of the file is a *complete*
///    record with a flipped length field (a torn write cannot match a
///    32-bit checksum): damage too, although RocksDB would take it for a
///    torn tail and drop an acknowledged append.
///
/// Thread safety: pure functions over files nobody writes meanwhile (a live
/// WAL may grow while read: what was written after the read is not seen).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.hpp"

namespace hotline::drivers::wal {

/// One logical record (a write batch) of a WAL file.
struct record {
  std::uint64_t index = 0;  ///< 0-based, in the file
  std::uint64_t offset = 0; ///< of its first fragment's header
  std::string_view payload; ///< the write batch (valid during the visit only)
};

/// Where a WAL file stops being readable.
struct damage {
  std::uint64_t offset = 0;        ///< of the first byte not trusted
  std::uint64_t record_index = 0;  ///< the logical record it falls in (= records read before it)
  std::uint64_t record_offset = 0; ///< where that logical record starts (its first fragment)
  std::string what;                ///< e.g. "checksum mismatch in a FULL record of 1234 bytes"
};

struct file_report {
  std::string name;          ///< e.g. "000012.log"
  std::uint64_t number = 0;  ///< 12
  std::uint64_t size = 0;    ///< bytes
  std::uint64_t records = 0; ///< intact logical records before the damage (or in all)
  std::optional<damage> damaged;
  /// An incomplete last record (crash while writing): offset and bytes dropped.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> incomplete_tail;
};

/// The WAL files of a store directory, oldest first (by number).
events::result<std::vector<std::string>> wal_files(const std::string& directory);

/// Reads one WAL file; `visit` (optional) sees each intact logical record in
/// order until the damage. After damage the rest of the file is not read.
events::result<file_report> scan_file(const std::string& path,
                                      const std::function<void(const record&)>& visit = {});

/// Reads the intact logical records of a WAL file that follow a damaged
/// spot: from the first block boundary after `offset`, skipping fragments of
/// records begun before it, and past further damage the same way. For
/// reports only (what a repair drops): nothing read here is trusted.
events::status scan_after_damage(const std::string& path, std::uint64_t offset,
                                 const std::function<void(const record&)>& visit);

/// The damaged logical record starting at `record_offset`, read ignoring
/// checksums (fragments joined until a FULL or LAST one): for reports only,
/// to say what the damaged write batch appears to hold. Empty if even its
/// framing is broken.
std::string read_damaged_record(const std::string& path, std::uint64_t record_offset);

/// What a write batch holds, as far as the event store is concerned.
struct batch_summary {
  std::uint64_t sequence = 0;
  std::uint32_t count = 0;       ///< operations in the batch (RocksDB's count)
  std::uint64_t first_event = 0; ///< lowest event position written (0: none)
  std::uint64_t last_event = 0;
  std::uint64_t events = 0;
  std::vector<std::pair<std::string, std::uint64_t>> checkpoints; ///< name -> position
  bool readable = true; ///< false: the batch does not parse
};
/// Column family ids of the event store (rocksdb_event_store.cpp creates
/// them in this order; `store repair` reads the real ones when it can).
struct column_ids {
  std::uint32_t events = 1, streams = 2, checkpoints = 3;
};
batch_summary summarize_batch(std::string_view payload, column_ids ids = {});

/// crc32c (Castagnoli), as RocksDB computes it, and its masking.
std::uint32_t crc32c(std::uint32_t crc, const char* data, std::size_t n) noexcept;

} // namespace hotline::drivers::wal
