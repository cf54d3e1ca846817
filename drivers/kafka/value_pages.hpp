#pragma once
/// Keeps the encoded values of the relay's in-flight messages until their
/// delivery reports, so the producer references them instead of copying
/// each one (RD_KAFKA_MSG_F_COPY is a ~750-byte malloc, memcpy and free per
/// message on the relay's thread; in bursts of hundreds, more than glibc's
/// per-thread cache holds, which made allocation the relay thread's largest
/// cost).
///
/// Values are packed into 1 MiB pages in position order. A page is reused
/// once every message on it was reported and every older page was too; a
/// value larger than a page gets a page of its own.
///
/// Thread safety: none; the relay thread places values and serves the
/// delivery reports (rd_kafka_poll) that release them.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

namespace hotline::drivers {

class value_pages {
public:
  static constexpr std::size_t page_size = 1 << 20;

  /// Copies the value of message `position` into a page; the bytes stay
  /// valid until `release(position)` or `reset()`.
  /// REQUIRES: positions are placed in increasing order (since the last reset).
  const char* place(std::uint64_t position, std::string_view bytes) {
    if (pages_.empty() || pages_.back().size - pages_.back().used < bytes.size())
      open(bytes.size());
    auto& p = pages_.back();
    if (p.pending == 0) p.first = position;
    char* at = p.data.get() + p.used;
    std::memcpy(at, bytes.data(), bytes.size());
    p.used += bytes.size();
    p.last = position;
    ++p.pending;
    return at;
  }

  /// The message at `position` was reported (delivered or failed).
  /// Unknown positions (already released, or from before a reset) are ignored.
  void release(std::uint64_t position) {
    // Reports come roughly in order: look from the oldest page.
    for (auto& p : pages_) {
      if (p.pending == 0 || position < p.first || position > p.last) continue;
      --p.pending;
      break;
    }
    while (pages_.size() > 1 && pages_.front().pending == 0) {
      if (pages_.front().size == page_size && spare_.size() < 4)
        spare_.push_back(std::move(pages_.front().data));
      pages_.pop_front();
    }
  }

  /// Nothing refers to any value any more (the producer was destroyed).
  void reset() { pages_.clear(); }

  /// Values placed and not yet released (for tests).
  std::size_t pending() const {
    std::size_t n = 0;
    for (const auto& p : pages_)
      n += p.pending;
    return n;
  }

private:
  struct page {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
    std::size_t used = 0;
    std::size_t pending = 0;
    std::uint64_t first = 0, last = 0;
  };

  void open(std::size_t at_least) {
    page p;
    p.size = std::max(page_size, at_least);
    if (p.size == page_size && !spare_.empty()) {
      p.data = std::move(spare_.back());
      spare_.pop_back();
    } else {
      p.data = std::make_unique<char[]>(p.size);
    }
    pages_.push_back(std::move(p));
  }

  std::deque<page> pages_;
  std::vector<std::unique_ptr<char[]>> spare_;
};

} // namespace hotline::drivers
