#pragma once
/// The in-memory event store: the fake every driver contract test also runs
/// against, and the store of choice for unit tests and simulations that do
/// not need durability. Appends complete synchronously (the callback runs
/// before append_async returns, on the caller's thread).
///
/// Memory: a simulated million calls is ten million events, so records are
/// kept compact rather than as `recorded_event`s (~400 bytes each with their
/// strings): the stream is an index into the stream table, the strings an
/// event shares with thousands of others (type, site, tenant, who caused
/// it) are interned, and payload bytes are copied into large shared chunks.
/// A record is ~100 bytes plus its payload; reads rebuild `recorded_event`s.
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "actors/ports/event_store.hpp"

namespace hotline::ports {

class memory_event_store final : public event_store {
public:
  memory_event_store();
  ~memory_event_store() override;

  void append_async(std::string stream, expected_revision expected,
                    std::vector<proposed_event> events, append_callback done) override;
  result<std::vector<recorded_event>> read_stream(std::string_view stream,
                                                  std::uint64_t from_revision,
                                                  std::size_t max_count) const override;
  result<std::vector<recorded_event>> read_all(std::uint64_t from_position,
                                               std::size_t max_count) const override;
  result<std::optional<std::uint64_t>> stream_revision(std::string_view stream) const override;
  std::uint64_t head_position() const override;
  std::uint64_t wait_for_append(std::uint64_t after,
                                std::chrono::milliseconds timeout) const override;
  status put_checkpoint(std::string_view name, std::uint64_t position) override;
  result<std::optional<std::uint64_t>> get_checkpoint(std::string_view name) const override;

private:
  struct record;
  struct stream_entry;
  class strings;
  class payload_chunks;

  recorded_event rebuild(const record& r) const;

  mutable std::mutex mu_;
  mutable std::condition_variable appended_;
  /// Position p at [p-1]. A deque, not a vector: appending never moves the
  /// records already stored.
  std::deque<record> all_;
  /// Stream number -> name and revision -> position. A deque so that the
  /// names stay put: `stream_numbers_` keys are views of them.
  std::deque<stream_entry> streams_;
  std::unordered_map<std::string_view, std::uint32_t> stream_numbers_;
  std::unique_ptr<strings> strings_;
  std::unique_ptr<payload_chunks> payloads_;
  std::map<std::string, std::uint64_t, std::less<>> checkpoints_;
};

} // namespace hotline::ports
