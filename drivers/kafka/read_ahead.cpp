#include "drivers/kafka/read_ahead.hpp"

#include <pthread.h>

namespace hotline::drivers {

using events::recorded_event;
using events::result;
using events::status;

read_ahead::read_ahead(const ports::event_store& store, std::uint64_t from,
                       read_ahead_options options)
    : store_(store), opts_(options), next_(from == 0 ? 1 : from) {
  thread_ = std::thread([this] { run(); });
}

read_ahead::~read_ahead() {
  {
    std::lock_guard lock{mu_};
    stopping_ = true;
  }
  space_.notify_all();
  thread_.join();
}

result<std::vector<recorded_event>> read_ahead::next(std::chrono::milliseconds wait) {
  std::unique_lock lock{mu_};
  if (!ready_.wait_for(lock, wait, [&] { return !queue_.empty(); }))
    return std::vector<recorded_event>{};
  auto batch = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  space_.notify_one();
  return batch;
}

void read_ahead::restart(std::uint64_t from) {
  {
    std::lock_guard lock{mu_};
    queue_.clear();
    next_ = from == 0 ? 1 : from;
    ++generation_;
    failed_ = false;
  }
  space_.notify_one();
}

void read_ahead::recycle(std::vector<recorded_event> batch) {
  std::lock_guard lock{mu_};
  // More than the queue can hold is never needed again.
  if (spent_.size() <= opts_.max_batches) spent_.push_back(std::move(batch));
}

void read_ahead::run() {
  pthread_setname_np(pthread_self(), "read-ahead");
  std::unique_lock lock{mu_};
  while (!stopping_) {
    if (failed_ || queue_.size() >= opts_.max_batches) {
      space_.wait(lock);
      continue;
    }
    const auto from = next_;
    const auto generation = generation_;
    std::vector<recorded_event> batch;
    if (!spent_.empty()) {
      batch = std::move(spent_.back());
      spent_.pop_back();
    }
    lock.unlock();
    // Copy-assigning into the recycled events reuses their strings.
    std::size_t filled = 0;
    auto visited = store_.visit_all(from, opts_.batch, [&](const recorded_event& e) {
      if (filled < batch.size())
        batch[filled] = e;
      else
        batch.push_back(e);
      ++filled;
      return status{};
    });
    batch.resize(filled);
    const bool empty = filled == 0 && visited;
    // Caught up: sleep until an append (or a short timeout, to notice a stop
    // or a restart).
    if (empty) store_.wait_for_append(from - 1, std::chrono::milliseconds(50));
    lock.lock();
    if (generation != generation_ || empty) { // restarted meanwhile, or nothing yet
      if (spent_.size() <= opts_.max_batches) spent_.push_back(std::move(batch));
      continue;
    }
    if (filled > 0) {
      // The events before a bad record first; the error on the next read.
      next_ = batch.back().position + 1;
      queue_.push_back(std::move(batch));
    } else {
      failed_ = true;
      queue_.push_back(visited.error());
    }
    ready_.notify_one();
  }
}

} // namespace hotline::drivers
