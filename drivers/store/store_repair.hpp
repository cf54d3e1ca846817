#pragma once
/// `hotline store repair`: the only way past damage in a store's WAL, and
/// one that says what it drops before it drops it.
///
/// What a repair does: recover everything the WAL holds *before* its first
/// damaged record (RocksDB's point-in-time recovery) and drop that record
/// and everything written after it. The plan is computed on a scratch copy
/// of the store (tables hard-linked when possible, everything else copied;
/// the copy is removed), so the store itself is not touched: the plan names
/// the damaged file and offset, the WAL files and write batches dropped,
/// the event positions lost and each checkpoint that moves back.
///
/// Doing it (`repair`): the WAL files that would be dropped are first saved,
/// byte for byte, to `<store>/repair-<UTC time>/` (0700), then the store is
/// recovered in place and the report is recorded in the store's metadata
/// (`rocksdb_event_store::repairs`, shown by `hotline store info`).
///
/// Damage outside the WAL (a table, the MANIFEST) is not repaired: the plan
/// says so (`fixable` false) with the error the open gives.
///
/// REQUIRES: no process has the store open for writing (a repair takes its
/// lock; a plan needs no lock but would describe a moving store).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "events/status.hpp"

namespace hotline::drivers {

struct repair_plan {
  std::string directory;
  bool damaged = false;             ///< false: nothing to repair (the rest is empty)
  bool fixable = false;             ///< the damage is in the WAL, so a repair can drop it
  std::string damage;               ///< where and what (file, offset, write batch)
  std::string damaged_file;         ///< the WAL file holding the damage
  std::uint64_t damaged_offset = 0; ///< where in it
  std::uint64_t damaged_file_size = 0;
  std::uint64_t batches_after = 0;      ///< intact write batches after the damage (all dropped)
  std::vector<std::string> later_files; ///< later WAL files (all dropped)
  std::uint64_t head_after = 0;         ///< the last event position the store keeps
  std::uint64_t last_event_seen =
      0; ///< the last event position the dropped batches name (0: none readable)
  std::uint64_t events_dropped = 0;      ///< events in readable dropped batches past head_after
  std::uint64_t first_event_dropped = 0; ///< the lowest of them
  /// What the damaged batch appears to hold (read ignoring its checksum):
  /// its event positions (0, 0: none, or unreadable).
  std::pair<std::uint64_t, std::uint64_t> damaged_batch_events{0, 0};
  std::vector<std::pair<std::string, std::pair<std::uint64_t, std::uint64_t>>>
      checkpoints; ///< name -> (dropped value, kept value)

  /// The plan in words, as `hotline store repair` prints it.
  std::string text() const;
};

/// Works out what a repair would drop. Changes nothing in `directory`.
events::result<repair_plan> plan_repair(const std::string& directory);

/// Does the repair `plan` describes (planned again here, so a plan from an
/// earlier moment cannot be applied to a different store); returns the
/// plan carried out, with `saved_to` naming where the dropped WAL files went.
struct repair_outcome {
  repair_plan plan;
  std::string saved_to;
};
events::result<repair_outcome> repair(const std::string& directory);

} // namespace hotline::drivers
