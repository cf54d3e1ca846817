#include "drivers/sim/recorded_arrivals.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "drivers/sim/random.hpp"
#include "events/codec.hpp"

namespace hotline::drivers::sim {

namespace {

constexpr std::int64_t not_yet = -1;

struct partial {
  std::size_t index = 0; ///< into recorded_calls::arrivals
  std::int64_t connected_ns = not_yet;
};

bool is_call_event(std::string_view type) {
  return type == "call.arrived" || type == "call.queued" || type == "call.connected" ||
         type == "call.ended";
}

} // namespace

events::result<recorded_calls> extract_recorded_arrivals(const ports::event_store& store) {
  const auto& codec = events::event_codec::standard();
  recorded_calls out;
  std::unordered_map<std::string, partial> open; // call id -> its arrival, until call.ended
  bool first = true;
  for (std::uint64_t pos = 1;;) {
    auto batch = store.read_all(pos, 8192);
    if (!batch) return batch.error();
    if (batch->empty()) break;
    for (const auto& e : *batch) {
      const auto ts = e.meta.timestamp_ns;
      if (first) out.first_event_ns = ts;
      first = false;
      out.first_event_ns = std::min(out.first_event_ns, ts);
      out.last_event_ns = std::max(out.last_event_ns, ts);
      if (!is_call_event(e.type)) continue;
      auto payload = codec.decode(e);
      if (!payload) return payload.error();
      if (const auto* p = std::get_if<events::call_arrived>(&*payload)) {
        if (p->direction != events::call_direction::inbound || open.count(p->call_id)) continue;
        recorded_arrival a;
        a.call_id = p->call_id;
        a.at_ns = ts;
        a.dialed = p->dialed;
        a.caller = p->caller;
        a.customer_id = p->customer_id;
        a.channel = p->channel;
        open.emplace(p->call_id, partial{out.arrivals.size(), not_yet});
        out.arrivals.push_back(std::move(a));
      } else if (const auto* p = std::get_if<events::call_queued>(&*payload)) {
        auto it = open.find(p->call_id);
        if (it != open.end() && out.arrivals[it->second.index].queue.empty())
          out.arrivals[it->second.index].queue = p->queue;
      } else if (const auto* p = std::get_if<events::call_connected>(&*payload)) {
        auto it = open.find(p->call_id);
        if (it == open.end()) continue;
        if (it->second.connected_ns == not_yet) it->second.connected_ns = ts;
        auto& a = out.arrivals[it->second.index];
        if (a.queue.empty()) a.queue = p->queue;
      } else if (const auto* p = std::get_if<events::call_ended>(&*payload)) {
        auto it = open.find(p->call_id);
        if (it == open.end()) continue;
        auto& a = out.arrivals[it->second.index];
        a.recorded_outcome = p->outcome;
        if (a.queue.empty()) a.queue = p->queue;
        if (it->second.connected_ns != not_yet)
          a.handle_time_s = static_cast<double>(ts - it->second.connected_ns) / 1e9;
        else if (p->outcome == events::call_outcome::abandoned)
          a.patience_s = static_cast<double>(ts - a.at_ns) / 1e9;
        open.erase(it);
      }
    }
    pos = batch->back().position + 1;
  }
  // The store's order is the order of appends; arrivals at the same instant
  // are replayed in a stable order.
  std::stable_sort(
      out.arrivals.begin(), out.arrivals.end(),
      [](const recorded_arrival& x, const recorded_arrival& y) { return x.at_ns < y.at_ns; });
  return out;
}

void fill_unknown_handle_times(std::vector<recorded_arrival>& arrivals, std::uint64_t seed,
                               double fallback_s) {
  std::unordered_map<std::string, std::vector<double>> by_queue;
  std::vector<double> all;
  for (const auto& a : arrivals)
    if (!std::isnan(a.handle_time_s)) {
      by_queue[a.queue].push_back(a.handle_time_s);
      all.push_back(a.handle_time_s);
    }
  rng r{seed};
  for (auto& a : arrivals) {
    if (!std::isnan(a.handle_time_s)) continue;
    auto it = by_queue.find(a.queue);
    const auto& pool = it != by_queue.end() ? it->second : all;
    a.handle_time_s = pool.empty() ? fallback_s : pool[r.below(pool.size())];
  }
}

unknown_arrivals remove_unknown_arrivals(std::vector<recorded_arrival>& arrivals,
                                         const events::center_definition& center) {
  unknown_arrivals u;
  std::erase_if(arrivals, [&](const recorded_arrival& a) {
    std::string key;
    if (!a.dialed.empty()) {
      if (center.find_entry(a.dialed)) return false;
      key = a.dialed;
    } else if (!a.queue.empty()) {
      if (center.find_queue(a.queue)) return false;
      key = "queue:" + a.queue;
    } else {
      key = "(none)";
    }
    ++u.count;
    ++u.by_entry[key];
    return true;
  });
  return u;
}

} // namespace hotline::drivers::sim
