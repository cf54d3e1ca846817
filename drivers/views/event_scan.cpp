#include "drivers/views/event_scan.hpp"

#include <algorithm>

namespace hotline::drivers {

namespace {

status at(const recorded_event& e, const status& st) {
  return {st.code(), "position " + std::to_string(e.position) + " (" + e.type + "): " + st.detail()};
}

} // namespace

status scan_events(const event_store& store, const scan_options& o, const scan_callbacks& cb) {
  const std::uint64_t end = o.to == 0 ? store.head_position() : o.to;
  const std::size_t batch_size = std::max<std::size_t>(o.read_batch, 1);
  std::uint64_t pos = std::max<std::uint64_t>(o.from, 1);
  while (pos <= end) {
    auto batch = store.read_all(pos, std::min<std::uint64_t>(batch_size, end - pos + 1));
    if (batch) {
      if (batch->empty()) break;
      for (const auto& e : *batch)
        if (auto st = cb.on_event(e); !st) return at(e, st);
      pos = batch->back().position + 1;
    } else {
      // Find the record that failed; deliver the good ones before it.
      std::uint64_t bad = pos;
      status why = batch.error();
      for (; bad <= end; ++bad) {
        auto one = store.read_all(bad, 1);
        if (!one) {
          why = one.error();
          break;
        }
        if (one->empty()) break;
        if (auto st = cb.on_event(one->front()); !st) return at(one->front(), st);
      }
      if (bad > end) break;
      if (!o.skip_corrupt) return {why.code(), "position " + std::to_string(bad) + ": " + why.detail()};
      if (cb.on_skip) cb.on_skip(bad, why);
      pos = bad + 1;
    }
    if (cb.on_batch) cb.on_batch(pos - 1, end);
  }
  return {};
}

} // namespace hotline::drivers
