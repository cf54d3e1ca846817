#pragma once
/// The in-memory event store: the fake every driver contract test also runs
/// against, and the store of choice for unit tests and simulations that do
/// not need durability. Appends complete synchronously (the callback runs
/// before append_async returns, on the caller's thread).
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

#include "drivers/store/event_store.hpp"

namespace hotline::drivers {

class memory_event_store final : public event_store {
public:
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
  mutable std::mutex mu_;
  mutable std::condition_variable appended_;
  /// Position p at [p-1]. A deque, not a vector: appending never moves the
  /// events already stored (a simulated day appends millions; vector growth
  /// re-moving them all was a third of `hotline bench simulate`).
  std::deque<recorded_event> all_;
  std::unordered_map<std::string, std::vector<std::uint64_t>> streams_; ///< revision -> position
  std::map<std::string, std::uint64_t, std::less<>> checkpoints_;
};

} // namespace hotline::drivers
