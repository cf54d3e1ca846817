#include "actors/ports/event_store.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace hotline::ports {

bool expected_revision::accepts(std::optional<std::uint64_t> current) const noexcept {
  switch (k) {
  case kind::any:
    return true;
  case kind::no_stream:
    return !current.has_value();
  case kind::stream_exists:
    return current.has_value();
  case kind::exact:
    return current.has_value() && *current == revision;
  }
  return false;
}

std::string expected_revision::to_string() const {
  switch (k) {
  case kind::any:
    return "any";
  case kind::no_stream:
    return "no_stream";
  case kind::stream_exists:
    return "stream_exists";
  case kind::exact:
    return "exact " + std::to_string(revision);
  }
  return "?";
}

const char* to_string(subscription_state s) noexcept {
  switch (s) {
  case subscription_state::catching_up:
    return "catching_up";
  case subscription_state::caught_up:
    return "caught_up";
  case subscription_state::fell_behind:
    return "fell_behind";
  case subscription_state::dropped:
    return "dropped";
  }
  return "?";
}

result<append_result> event_store::append(std::string stream, expected_revision expected,
                                          std::vector<proposed_event> events) {
  std::promise<result<append_result>> done;
  auto fut = done.get_future();
  append_async(std::move(stream), expected, std::move(events),
               [&done](result<append_result> r) { done.set_value(std::move(r)); });
  return fut.get();
}

result<std::uint64_t> event_store::visit_all(std::uint64_t from_position, std::size_t max_count,
                                             const event_visitor& visit) const {
  std::uint64_t pos = from_position == 0 ? 1 : from_position;
  std::uint64_t visited = 0;
  const std::uint64_t end = head_position();
  while (visited < max_count && pos <= end) {
    const auto want = std::min<std::uint64_t>({max_count - visited, end - pos + 1, 4096});
    auto batch = read_all(pos, want);
    if (!batch && want > 1) {
      // One bad record fails a whole batch: read one by one up to it, so
      // that every event before it is visited and its own error returned.
      for (std::uint64_t i = 0; i < want; ++i) {
        auto one = read_all(pos, 1);
        if (!one) return one.error();
        if (one->empty()) return visited;
        if (auto st = visit(one->front()); !st) return st;
        ++visited;
        pos = one->front().position + 1;
      }
      continue;
    }
    if (!batch) return batch.error();
    if (batch->empty()) break;
    for (const auto& e : *batch) {
      if (auto st = visit(e); !st) return st;
      ++visited;
    }
    pos = batch->back().position + 1;
  }
  return visited;
}

namespace {

class polling_subscription final : public subscription {
public:
  polling_subscription(const event_store& store, std::uint64_t from, subscription_handler h,
                       subscription_options opts)
      : store_(store), next_(from == 0 ? 1 : from), handler_(std::move(h)), opts_(opts) {
    thread_ = std::thread([this] { run(); });
  }
  ~polling_subscription() override { stop(); }

  void stop() override {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::uint64_t position() const override { return next_.load() - 1; }

private:
  void report(subscription_state s, const status& st = {}) {
    if (handler_.on_state) handler_.on_state(s, st);
  }

  void run() {
    auto state = subscription_state::catching_up;
    report(state);
    while (!stopping_) {
      auto batch = store_.read_all(next_, opts_.read_batch);
      if (!batch) {
        report(subscription_state::dropped, batch.error());
        return;
      }
      if (batch->empty()) {
        if (state != subscription_state::caught_up) {
          state = subscription_state::caught_up;
          report(state);
        }
        store_.wait_for_append(next_ - 1, std::chrono::milliseconds(100));
        continue;
      }
      for (const auto& e : *batch) {
        if (stopping_) break;
        handler_.on_event(e);
        next_ = e.position + 1;
      }
      if (state == subscription_state::caught_up &&
          store_.head_position() >= next_ + opts_.behind_threshold) {
        state = subscription_state::fell_behind;
        report(state);
      }
    }
    report(subscription_state::dropped);
  }

  const event_store& store_;
  std::atomic<std::uint64_t> next_;
  subscription_handler handler_;
  subscription_options opts_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

} // namespace

std::unique_ptr<subscription> event_store::subscribe_all(std::uint64_t from_position,
                                                         subscription_handler handler,
                                                         subscription_options options) {
  return std::make_unique<polling_subscription>(*this, from_position, std::move(handler), options);
}

} // namespace hotline::ports
