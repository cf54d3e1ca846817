#pragma once
/// The group-commit writer's cache of each stream's last revision, committed
/// or prepared (rocksdb_event_store.cpp): what it checks an append's
/// expected revision against without asking the store.
///
/// Why it is bounded by generations: most streams are calls, written a few
/// times within seconds and never again, so an unbounded map grew by one
/// entry per call (a million calls: ~80 MB), and a lookup in it was a chain
/// of cache misses (a quarter of the writer thread's time in `bench route`).
/// Entries live in a current and an older generation; a hit in the older one
/// moves the entry (its node, no allocation) to the current one. Once the
/// current generation holds `generation_size` entries, the older one is
/// dropped and the current one becomes the older one.
///
/// When dropping is safe: a stream missing from the cache is looked up in
/// the store, which knows only *committed* groups. So the older generation
/// is dropped only when every group that wrote one of its entries has
/// committed (`maybe_rotate(committed)`); until then the current generation
/// grows past its size. Groups are numbered by the writer in the order it
/// prepares them, and commit in that order.
///
/// Each entry may also carry the stream's event ids (`entry::ids`), built
/// when an append first needs them (append_check.hpp) and kept up to date
/// by the writer while the entry lives; dropped with it.
///
/// Thread safety: none; the writer thread owns it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "actors/ports/append_check.hpp"

namespace hotline::drivers {

class stream_head_cache {
public:
  explicit stream_head_cache(std::size_t generation_size) : generation_size_(generation_size) {}

  struct entry {
    std::uint64_t revision = 0;
    std::unique_ptr<ports::id_index> ids; ///< null until an append needed them
  };

  /// The stream's cached entry (to be read, or updated through
  /// `set_entry`), or null if it is not cached.
  entry* find_entry(std::string_view stream) {
    if (auto it = current_.find(stream); it != current_.end()) return &it->second;
    auto it = older_.find(stream);
    if (it == older_.end()) return nullptr;
    // The entry's last write may be a group the current generation has not
    // seen: it must not be dropped before that group commits either.
    current_last_group_ = std::max(current_last_group_, older_last_group_);
    auto node = older_.extract(it);
    return &current_.insert(std::move(node)).position->second;
  }
  /// The stream's cached last revision, or null if it is not cached.
  std::uint64_t* find(std::string_view stream) {
    auto* e = find_entry(stream);
    return e ? &e->revision : nullptr;
  }

  /// `stream`'s last revision is now `revision`, written by group `group`.
  /// `where`: what `find_entry(stream)` returned just before. Returns the entry.
  entry* set_entry(std::string_view stream, entry* where, std::uint64_t revision,
                   std::uint64_t group) {
    current_last_group_ = std::max(current_last_group_, group);
    if (where) {
      where->revision = revision;
      return where;
    }
    return &current_.emplace(std::string{stream}, entry{revision, nullptr}).first->second;
  }
  void set(std::string_view stream, std::uint64_t* where, std::uint64_t revision,
           std::uint64_t group) {
    if (where) {
      *where = revision;
      current_last_group_ = std::max(current_last_group_, group);
    } else {
      set_entry(stream, nullptr, revision, group);
    }
  }

  /// Before preparing a group: rotates the generations if the current one
  /// is full and every group that wrote into the older one has committed
  /// (`committed`: the number of the last group committed or failed).
  void maybe_rotate(std::uint64_t committed) {
    if (current_.size() < generation_size_ || older_last_group_ > committed) return;
    older_.swap(current_);
    current_.clear();
    older_last_group_ = current_last_group_;
    current_last_group_ = 0;
  }

  /// Forgets everything (after a failed write: what it assumed is void).
  void clear() {
    current_.clear();
    older_.clear();
    current_last_group_ = older_last_group_ = 0;
  }

  std::size_t size() const { return current_.size() + older_.size(); }

private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using map = std::unordered_map<std::string, entry, hash, std::equal_to<>>;

  std::size_t generation_size_;
  map current_, older_;
  std::uint64_t current_last_group_ =
      0; ///< the last group that wrote an entry of current_ (or of a moved one)
  std::uint64_t older_last_group_ = 0;
};

} // namespace hotline::drivers
