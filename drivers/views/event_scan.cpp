#include "drivers/views/event_scan.hpp"

#include <algorithm>

namespace hotline::drivers {

using events::recorded_event;
using events::status;

namespace {

status at(const recorded_event& e, const status& st) {
  return {st.code(),
          "position " + std::to_string(e.position) + " (" + e.type + "): " + st.detail()};
}

} // namespace

status scan_events(const ports::event_store& store, const scan_options& o,
                   const scan_callbacks& cb) {
  const std::uint64_t end = o.to == 0 ? store.head_position() : o.to;
  const std::size_t batch_size = std::max<std::size_t>(o.read_batch, 1);
  std::uint64_t pos = std::max<std::uint64_t>(o.from, 1);
  // visit_all hands out events in a reused buffer (no vector of records per
  // batch): most of what a replay saves over read_all.
  status callback_error;
  const ports::event_visitor visit = [&](const recorded_event& e) {
    if (auto st = cb.on_event(e); !st) {
      callback_error = at(e, st);
      return callback_error;
    }
    pos = e.position + 1;
    return status{};
  };
  while (pos <= end) {
    auto n = store.visit_all(pos, std::min<std::uint64_t>(batch_size, end - pos + 1), visit);
    if (!callback_error) return callback_error;
    if (n) {
      if (*n == 0) break;
    } else {
      // `pos` is the record that failed: every one before it was delivered.
      const std::uint64_t bad = pos;
      const status& why = n.error();
      if (!o.skip_corrupt)
        return {why.code(), "position " + std::to_string(bad) + ": " + why.detail()};
      if (cb.on_skip) cb.on_skip(bad, why);
      pos = bad + 1;
    }
    if (cb.on_batch) cb.on_batch(pos - 1, end);
  }
  return {};
}

} // namespace hotline::drivers
