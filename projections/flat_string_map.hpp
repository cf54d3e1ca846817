#pragma once
/// A hash map from string to V for large maps on a fold's hot path: open
/// addressing (linear probing, at most half full, backward-shift erase) over
/// a dense vector of entries.
///
/// Why: std::unordered_map reaches an element through its bucket, the node
/// before it and the node itself; over 10^5 keys each of those misses the
/// cache. The KPI fold's FCR candidates (a 24-hour window of customers,
/// found, added and dropped about three times per call) made such finds the
/// largest single cost of a replay. Here a find reads one slot and one
/// entry, and nothing is allocated per element once the vectors have grown.
///
/// Contract: find / operator[] / erase behave as std::unordered_map's for
/// the keys present. Iterators are entry pointers (`->first`, `->second`),
/// `end()` is nullptr; every insertion or erase invalidates all iterators
/// and references (erase moves the last entry into the hole). Iteration
/// order is unspecified.
/// Thread safety: none (a fold's private state).
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hotline::projections {

template <class V> class flat_string_map {
public:
  struct entry {
    std::string first;
    V second;
  };
  using iterator = entry*;

  iterator end() const noexcept { return nullptr; }
  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }
  /// Every element, in unspecified order.
  std::span<entry> entries() noexcept { return entries_; }
  std::span<const entry> entries() const noexcept { return entries_; }

  iterator find(std::string_view key) {
    if (entries_.empty()) return nullptr;
    const std::uint64_t h = hash(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const slot& s = slots_[i];
      if (s.entry == 0) return nullptr;
      if (s.hash == h && entries_[s.entry - 1].first == key) return &entries_[s.entry - 1];
    }
  }

  /// The element of `key`, value-initialised and added when absent (then
  /// `second` is true).
  std::pair<iterator, bool> try_emplace(std::string_view key) {
    if (auto* e = find(key)) return {e, false};
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    entries_.push_back({std::string{key}, V{}});
    place({hash(key), static_cast<std::uint32_t>(entries_.size())});
    return {&entries_.back(), true};
  }

  V& operator[](std::string_view key) { return try_emplace(key).first->second; }

  /// REQUIRES: `it` came from this map and nothing was added or erased since.
  void erase(iterator it) {
    const auto index = static_cast<std::uint32_t>(it - entries_.data());
    free_slot(slot_of(it->first, index + 1));
    // The last entry moves into the hole; its slot follows it.
    const auto last = static_cast<std::uint32_t>(entries_.size() - 1);
    if (index != last) {
      slots_[slot_of(entries_[last].first, last + 1)].entry = index + 1;
      entries_[index] = std::move(entries_[last]);
    }
    entries_.pop_back();
  }

  /// Erases `key` if present; returns how many were erased (0 or 1).
  std::size_t erase(std::string_view key) {
    auto* e = find(key);
    if (!e) return 0;
    erase(e);
    return 1;
  }

private:
  struct slot {
    std::uint64_t hash = 0;
    std::uint32_t entry = 0; ///< index + 1 into entries_; 0: empty
  };

  static std::uint64_t hash(std::string_view key) noexcept {
    return std::hash<std::string_view>{}(key);
  }

  std::size_t slot_of(std::string_view key, std::uint32_t entry) const {
    for (std::size_t i = hash(key) & mask_;; i = (i + 1) & mask_)
      if (slots_[i].entry == entry) return i;
  }

  void place(slot s) {
    std::size_t i = s.hash & mask_;
    while (slots_[i].entry != 0)
      i = (i + 1) & mask_;
    slots_[i] = s;
  }

  void free_slot(std::size_t hole) {
    for (std::size_t j = (hole + 1) & mask_; slots_[j].entry != 0; j = (j + 1) & mask_) {
      const std::size_t home = slots_[j].hash & mask_;
      // The element in slot j may move back into the hole unless its home
      // lies cyclically in (hole, j].
      const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!stays) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = slot{};
  }

  void grow() {
    std::vector<slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, slot{});
    mask_ = slots_.size() - 1;
    for (const slot& s : old)
      if (s.entry != 0) place(s);
  }

  std::vector<slot> slots_;
  std::size_t mask_ = 0;
  std::vector<entry> entries_;
};

} // namespace hotline::projections
