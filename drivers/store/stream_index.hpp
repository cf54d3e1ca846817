#pragma once
/// The RocksDB store's stream index (stream + revision -> position), kept as
/// runs instead of one entry per event.
///
/// Persisted form (`streams` column family): key = stream name, NUL, the
/// run's first revision (8 bytes big-endian); value = the position of that
/// revision (8 bytes big-endian), then for each following revision of the
/// run the difference to the previous position (a varint, >= 1). A run of
/// one event is exactly the format-1 entry (8-byte position), so stores
/// written before runs read unchanged. A stream's runs are contiguous: each
/// starts at the revision after the previous one ends.
///
/// Why runs: one index entry per event doubled RocksDB's work per event (a
/// second memtable insert and WAL entry beside the record itself). The
/// store now keeps the positions of recently committed events in memory
/// (`recent_index`) and writes them as one run per stream every so many
/// events, together with the position they cover (`indexed through`). After
/// a crash, what the index does not cover is rebuilt from the records
/// themselves (each names its stream and revision).
///
/// Thread safety: the functions are pure; a `recent_index` is not
/// synchronised (the store guards it).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/status.hpp"

namespace hotline::drivers::stream_index {

/// The key of the run of `stream` starting at `first_revision`.
std::string run_key(std::string_view stream, std::uint64_t first_revision);
/// The same key, appended to `out`.
void append_run_key(std::string& out, std::string_view stream, std::uint64_t first_revision);

/// The first revision of a run key of `stream`; nullopt if `key` belongs to
/// another stream (or is not a run key).
std::optional<std::uint64_t> run_first_revision(std::string_view key, std::string_view stream);

/// Appends the value of a run with these positions (increasing, not empty).
void encode_run(std::string& out, const std::uint64_t* positions, std::size_t count);

/// Decodes a run value into `positions` (replaced). `corrupt_record` if it
/// is truncated or its positions do not increase.
events::status decode_run(std::string_view value, std::vector<std::uint64_t>& positions);

/// Positions of committed events not yet persisted as runs: per stream, one
/// run from the first revision not persisted.
class recent_index {
public:
  struct run {
    std::uint64_t first_revision = 0;
    std::vector<std::uint64_t> positions;
    std::uint64_t last_revision() const { return first_revision + positions.size() - 1; }
  };

  /// Records `count` events of `stream` at revisions `first_revision`.. and
  /// contiguous positions `first_position`... Fails (`corrupt_record`) if
  /// the revisions do not continue the stream's run.
  events::status add(std::string_view stream, std::uint64_t first_revision,
                     std::uint64_t first_position, std::size_t count);

  /// The stream's run, or null.
  const run* find(std::string_view stream) const;

  std::size_t events() const { return events_; }
  bool empty() const { return events_ == 0; }
  void clear();

  template <class F> void for_each(F&& f) const {
    for (const auto& [stream, r] : runs_)
      f(std::string_view{stream}, r);
  }

private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, run, hash, std::equal_to<>> runs_;
  std::size_t events_ = 0;
};

} // namespace hotline::drivers::stream_index
