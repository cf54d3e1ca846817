#pragma once
/// Reads a store in global position order ahead of its consumer, on a thread
/// of its own, handing over whole batches (moved, never copied). The Kafka
/// relay uses it so that reading and decoding stored records overlaps with
/// encoding and producing them.
///
/// The consumer can `restart` from any position (the relay does after a
/// delivery error): everything read ahead is dropped. A read error is handed
/// over in its place in the sequence (after a batch holding every event
/// before the bad one), and the reader then waits for a `restart`. At most `max_batches` batches
/// are held; the reader waits while the consumer is behind.
///
/// Thread safety: `next` and `restart` are for one consumer thread.
/// Ownership: borrows the store, which must outlive it; destroying the
/// read_ahead stops and joins its thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "actors/ports/event_store.hpp"

namespace hotline::drivers {

struct read_ahead_options {
  std::size_t batch = 4096;    ///< events per read_all. Default: 4096
  std::size_t max_batches = 4; ///< batches held ahead of the consumer. Default: 4
};

class read_ahead {
public:
  /// Starts reading at `from` (1-based position).
  read_ahead(const ports::event_store& store, std::uint64_t from, read_ahead_options options = {});
  ~read_ahead();
  read_ahead(const read_ahead&) = delete;
  read_ahead& operator=(const read_ahead&) = delete;

  /// The next batch in order: events from where the previous batch ended.
  /// An empty batch means nothing new arrived within `wait` (caught up).
  events::result<std::vector<events::recorded_event>> next(std::chrono::milliseconds wait);

  /// Drops what was read ahead; the next batch starts at `from`.
  void restart(std::uint64_t from);

  /// Hands a consumed batch back to the reader, which refills it: its
  /// events' strings keep their capacity, so in a steady scan neither thread
  /// allocates or frees per event (that was most of the reader's time).
  void recycle(std::vector<events::recorded_event> batch);

private:
  void run();

  const ports::event_store& store_;
  const read_ahead_options opts_;
  std::mutex mu_;
  std::condition_variable ready_; ///< a batch (or an error) was queued
  std::condition_variable space_; ///< the consumer took one, restarted, or we stop
  std::deque<events::result<std::vector<events::recorded_event>>> queue_;
  std::vector<std::vector<events::recorded_event>> spent_; ///< recycled, to refill
  std::uint64_t next_;                                     ///< where the reader reads next
  std::uint64_t generation_ = 0; ///< bumped by restart: reads begun before are dropped
  bool failed_ = false;          ///< an error is queued; wait for restart
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace hotline::drivers
