#include "drivers/store/copy_store.hpp"

#include <atomic>
#include <mutex>

namespace hotline::drivers {

using events::errc;
using events::proposed_event;
using events::result;

events::result<std::uint64_t> copy_store(const ports::event_store& from, ports::event_store& to) {
  if (to.head_position() != 0)
    return events::status{errc::invalid_argument, "the target store is not empty"};
  std::uint64_t copied = 0;
  std::mutex mu;
  events::status first_error;
  for (std::uint64_t pos = 1;;) {
    auto batch = from.read_all(pos, 8192);
    if (!batch) return batch.error();
    if (batch->empty()) break;
    // Appends are queued in order and committed in order (group commit), so
    // positions come out the same as in the source.
    for (auto& e : *batch) {
      auto expected = e.revision == 0 ? ports::expected_revision::no_stream()
                                      : ports::expected_revision::exact(e.revision - 1);
      std::vector<proposed_event> one;
      one.push_back({std::move(e.meta), std::move(e.type), e.version, std::move(e.payload)});
      to.append_async(e.stream, expected, std::move(one), [&](result<ports::append_result> r) {
        if (!r) {
          std::lock_guard l{mu};
          if (first_error.is_ok()) first_error = r.error();
        }
      });
      ++copied;
    }
    pos = batch->back().position + 1;
  }
  // Wait for the queued appends to be committed.
  while (to.head_position() < copied) {
    {
      std::lock_guard l{mu};
      if (!first_error.is_ok()) return first_error;
    }
    to.wait_for_append(to.head_position(), std::chrono::milliseconds(100));
  }
  std::lock_guard l{mu};
  if (!first_error.is_ok()) return first_error;
  return copied;
}

} // namespace hotline::drivers
