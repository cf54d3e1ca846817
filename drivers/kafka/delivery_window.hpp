#pragma once
/// The relay's ordered set of in-flight positions.
///
/// The relay hands events to the producer in global position order; the
/// broker acknowledges them in any order (different partitions, retries).
/// `published()` is the highest position P such that every position <= P was
/// acknowledged: the only position that may be written as the relay's
/// checkpoint. Positions are sent contiguously, so the set is kept as a
/// sliding window (one flag per position from the first unacknowledged one):
/// O(1) per send and per acknowledgement, no allocation per event.
///
/// A failed position stays unacknowledged: `published()` cannot pass it until
/// `reset` starts over from `published() + 1` (the relay re-produces from
/// there; positions acknowledged after the failure are sent again, which is
/// the "duplicates are possible" half of at-least-once).
///
/// Thread safety: none; the relay uses it from its own thread only.
#include <cstdint>
#include <deque>

namespace hotline::drivers {

class delivery_window {
public:
  /// An empty window whose next position to send is `next` (>= 1).
  explicit delivery_window(std::uint64_t next = 1) { reset(next); }

  /// Forgets everything in flight; `next` is sent next and `next - 1` counts
  /// as published. REQUIRES: next >= 1.
  void reset(std::uint64_t next) {
    base_ = next;
    slots_.clear();
    outstanding_ = 0;
  }

  /// Records that `position` was handed to the producer.
  /// REQUIRES: position == next_to_send().
  void sent(std::uint64_t position) {
    (void)position;
    slots_.push_back(slot::pending);
    ++outstanding_;
  }

  /// Records a broker acknowledgement. Returns true when `published()`
  /// advanced. Positions outside the window (stale reports) are ignored.
  bool acknowledged(std::uint64_t position) {
    if (!in_window(position)) return false;
    auto& s = slots_[static_cast<std::size_t>(position - base_)];
    if (s != slot::pending) return false;
    s = slot::acked;
    --outstanding_;
    bool advanced = false;
    while (!slots_.empty() && slots_.front() == slot::acked) {
      slots_.pop_front();
      ++base_;
      advanced = true;
    }
    return advanced;
  }

  /// Records a delivery that failed for good: it is no longer in flight, and
  /// `published()` stays below it until `reset`.
  void failed(std::uint64_t position) {
    if (!in_window(position)) return;
    auto& s = slots_[static_cast<std::size_t>(position - base_)];
    if (s != slot::pending) return;
    s = slot::failed;
    --outstanding_;
  }

  /// Every position <= this was acknowledged (0: none).
  std::uint64_t published() const noexcept { return base_ - 1; }
  /// The position the relay must send next.
  std::uint64_t next_to_send() const noexcept { return base_ + slots_.size(); }
  /// Sent, and neither acknowledged nor failed yet.
  std::uint64_t outstanding() const noexcept { return outstanding_; }

private:
  bool in_window(std::uint64_t position) const noexcept {
    return position >= base_ && position - base_ < slots_.size();
  }

  enum class slot : std::uint8_t { pending, acked, failed };
  std::uint64_t base_ = 1; ///< first position not known to be acknowledged
  std::deque<slot> slots_; ///< slots_[i]: what became of position base_ + i
  std::uint64_t outstanding_ = 0;
};

} // namespace hotline::drivers
