#pragma once
/// Runs view projections over an event store into a view store.
///
/// Each projection resumes from its own checkpoint (restored from its rows);
/// events are read in global order (`read_all` batches, or `subscribe_all`
/// for live), folded, and every `commit_every` events the changed rows of
/// every projection and their checkpoints are written in one batch
/// (view_store::commit). Because the fold is deterministic and commits are
/// atomic, a view rebuilt from position 0 has the same bytes as the live one,
/// wherever the commits fell.
///
/// Corrupt records: a record the store cannot decode (checksum, format,
/// missing position) or a payload a projection cannot decode stops the run
/// with `corrupt_record` naming the position, after committing everything
/// folded before it. With `skip_corrupt` the record is skipped, counted and
/// described in `run_stats::skipped_details`, and the run goes on.
///
/// Thread safety: one runner is driven by one thread; in live mode the
/// subscription's thread folds, and `position()` may be read from anywhere.
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/ports/event_store.hpp"
#include "drivers/views/view_store.hpp"
#include "projections/view_projection.hpp"

namespace hotline::drivers {

struct runner_progress {
  std::uint64_t position = 0; ///< last position read
  std::uint64_t head = 0;     ///< the store's head when the run started
  std::uint64_t folded = 0;   ///< events folded in this run
  std::uint64_t skipped = 0;  ///< corrupt records skipped in this run
  double elapsed_s = 0;
};

struct runner_options {
  std::size_t commit_every = 10'000; ///< events per commit. Default: 10,000
  std::size_t read_batch = 4096;     ///< events per read_all. Default: 4096
  bool skip_corrupt = false;         ///< Default: false (stop at the first corrupt record)
  /// Only events with from_ns <= timestamp < to_ns are folded; the others
  /// still advance the checkpoint. Default: all.
  std::int64_t from_ns = std::numeric_limits<std::int64_t>::min();
  std::int64_t to_ns = std::numeric_limits<std::int64_t>::max();
  /// Called after every read batch of `catch_up` (optional).
  std::function<void(const runner_progress&)> on_progress;
};

struct run_stats {
  std::uint64_t read = 0;    ///< events read from the store
  std::uint64_t folded = 0;  ///< events inside the time window
  std::uint64_t skipped = 0; ///< corrupt records skipped
  std::uint64_t commits = 0;
  std::uint64_t last_position = 0;
  std::vector<std::string> skipped_details; ///< the first 100 skipped records, with why
};

class projection_runner {
public:
  /// REQUIRES: `events`, `views` and every projection outlive the runner.
  projection_runner(ports::event_store& events, view_store& views,
                    std::vector<projections::view_projection*> projections,
                    runner_options options = {});
  ~projection_runner(); ///< stops live mode (without reporting)

  /// Loads every projection's rows and checkpoint. Call once, first.
  events::status restore();

  /// Folds every event after the checkpoints up to the head as it is now,
  /// then commits.
  ///
  /// A commit the view store refuses ends the runner: the projections hold
  /// changes the views never received, so nothing more is committed (a
  /// later commit would move the checkpoint past rows that were not
  /// written). Every later call returns that first error; the views keep
  /// their last good checkpoint, and a new runner restores and refolds
  /// from there.
  events::result<run_stats> catch_up();

  /// Live mode: folds from the checkpoints on, following new appends, on the
  /// subscription's thread; commits every `commit_every` events and whenever
  /// it has caught up with the store.
  events::status start_live();
  /// Stops live mode and commits what was folded. Returns the error that
  /// stopped the fold early, if any.
  events::status stop_live();

  /// The lowest position every projection has folded (0: none).
  std::uint64_t position() const noexcept { return position_.load(); }
  const run_stats& stats() const noexcept { return stats_; }

private:
  events::status fold(const events::recorded_event& e);
  events::status commit();
  void skip(std::uint64_t position, const events::status& why);

  ports::event_store& events_;
  view_store& views_;
  std::vector<projections::view_projection*> projections_;
  std::vector<std::uint64_t> positions_;
  std::vector<projections::view_changes> changes_;
  runner_options opts_;
  run_stats stats_;
  std::size_t since_commit_ = 0;
  std::atomic<std::uint64_t> position_{0};
  events::status refused_; ///< the first commit the view store refused (see catch_up)

  std::unique_ptr<ports::subscription> live_;
  std::mutex live_mu_;
  events::status live_error_;
};

} // namespace hotline::drivers
