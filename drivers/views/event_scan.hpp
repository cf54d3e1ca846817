#pragma once
/// Reads an event store in global order with one policy for corrupt records,
/// shared by the projection runner and the read-only report commands.
///
/// A record the store cannot decode (checksum, format, missing position)
/// makes `read_all` fail for a whole batch; `scan_events` then re-reads
/// record by record, delivers the good records before the bad one, and
/// either stops with `corrupt_record` naming the position, or (with
/// `skip_corrupt`) reports it to `on_skip` and goes on.
#include <cstdint>
#include <functional>

#include "actors/ports/event_store.hpp"

namespace hotline::drivers {

struct scan_options {
  std::uint64_t from = 1;        ///< first position. Default: 1
  std::uint64_t to = 0;          ///< last position (0: the head when the scan starts)
  std::size_t read_batch = 4096; ///< Default: 4096
  bool skip_corrupt = false;     ///< Default: false
};

struct scan_callbacks {
  /// Every good record, in order. An error stops the scan; it is returned
  /// with "position N (type): " in front.
  std::function<events::status(const events::recorded_event&)> on_event;
  /// A skipped corrupt record (only with skip_corrupt).
  std::function<void(std::uint64_t position, const events::status& why)> on_skip;
  /// After each batch: the last position read and the scan's end (optional).
  std::function<void(std::uint64_t position, std::uint64_t end)> on_batch;
};

events::status scan_events(const ports::event_store& store, const scan_options& options,
                           const scan_callbacks& callbacks);

} // namespace hotline::drivers
