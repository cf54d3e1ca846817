// RTP relay threads (media_threads.hpp): each runs its own libre loop; the
// SIP thread talks to it through its mqueue only.
#include "drivers/sip/media_threads.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <future>
#include <thread>

// libre's headers want the platform's bool and integer types announced
// (its own build passes these as -D flags).
#define HAVE_STDBOOL_H 1
#define HAVE_INTTYPES_H 1
#include <re.h>

#include "drivers/log/log.hpp"

namespace hotline::drivers::sip {

namespace {

enum class op_kind { attach, detach, stop };

struct op {
  op_kind kind = op_kind::attach;
  std::vector<udp_sock*> socks;
  std::promise<void>* done = nullptr; ///< detach: set once they are off this loop
};

} // namespace

struct media_threads::worker {
  int index = 0;
  std::thread thread;
  mqueue* mq = nullptr;              ///< this loop's; pushed to from the SIP thread
  std::atomic<std::size_t> pairs{0}; ///< changed by the SIP thread only
  std::atomic<bool> stopping{false};

  void push(op* o) {
    if (!mq || mqueue_push(mq, 0, o) != 0) {
      // The loop cannot be reached (out of memory): a detach must not wait forever.
      if (o->done) o->done->set_value();
      delete o;
    }
  }
};

namespace {

void on_op(int, void* data, void* arg) {
  std::unique_ptr<op> o{static_cast<op*>(data)};
  auto* w = static_cast<media_threads::worker*>(arg);
  switch (o->kind) {
  case op_kind::attach:
    for (auto* us : o->socks)
      if (int err = udp_thread_attach(us))
        log::warning("sip", "media thread " + std::to_string(w->index) +
                                ": cannot take an RTP socket (" + std::strerror(err) +
                                "): its leg hears nothing until it is given back");
    return;
  case op_kind::detach:
    for (auto* us : o->socks)
      udp_thread_detach(us);
    o->done->set_value();
    return;
  case op_kind::stop:
    re_cancel();
    return;
  }
}

} // namespace

std::unique_ptr<media_threads> media_threads::start(int count, int max_fds, std::string& why) {
  std::unique_ptr<media_threads> m{new media_threads()};
  for (int i = 0; i < std::clamp(count, 1, 64); ++i) {
    auto w = std::make_unique<worker>();
    w->index = i;
    std::promise<std::string> started;
    auto ready = started.get_future();
    auto* raw = w.get();
    w->thread = std::thread([raw, max_fds, &started] {
      if (int err = re_thread_init()) {
        started.set_value(std::string("re_thread_init: ") + std::strerror(err));
        return;
      }
      if (int err = fd_setsize(max_fds)) {
        re_thread_close();
        started.set_value(std::string("fd_setsize: ") + std::strerror(err));
        return;
      }
      if (int err = mqueue_alloc(&raw->mq, on_op, raw)) {
        re_thread_close();
        started.set_value(std::string("mqueue: ") + std::strerror(err));
        return;
      }
      started.set_value({});
      re_main(nullptr);
      raw->mq = static_cast<mqueue*>(mem_deref(raw->mq));
      re_thread_close();
    });
    why = ready.get();
    if (!why.empty()) {
      w->thread.join();
      why = "media thread " + std::to_string(i) + ": " + why;
      return nullptr; // the ones started stop in the destructor
    }
    m->workers_.push_back(std::move(w));
  }
  return m;
}

media_threads::~media_threads() {
  for (auto& w : workers_)
    w->push(new op{op_kind::stop, {}, nullptr});
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

int media_threads::take(const std::vector<udp_sock*>& socks) {
  if (workers_.empty()) return -1;
  auto it = std::min_element(workers_.begin(), workers_.end(), [](const auto& a, const auto& b) {
    return a->pairs.load(std::memory_order_relaxed) < b->pairs.load(std::memory_order_relaxed);
  });
  auto& w = **it;
  if (!w.mq) return -1;
  for (auto* us : socks)
    udp_thread_detach(us);
  auto* o = new op{op_kind::attach, socks, nullptr};
  if (mqueue_push(w.mq, 0, o) != 0) { // out of memory: they stay on the caller's loop
    delete o;
    for (auto* us : socks)
      udp_thread_attach(us);
    return -1;
  }
  w.pairs.fetch_add(1, std::memory_order_relaxed);
  return w.index;
}

void media_threads::give_back(int index, const std::vector<udp_sock*>& socks) {
  if (index < 0 || static_cast<std::size_t>(index) >= workers_.size()) return;
  auto& w = *workers_[static_cast<std::size_t>(index)];
  std::promise<void> done;
  auto off = done.get_future();
  w.push(new op{op_kind::detach, socks, &done});
  off.wait();
  w.pairs.fetch_sub(1, std::memory_order_relaxed);
  for (auto* us : socks)
    if (int err = udp_thread_attach(us))
      log::warning("sip", std::string("cannot take an RTP socket back from media thread ") +
                              std::to_string(index) + " (" + std::strerror(err) + ")");
}

std::size_t media_threads::size() const noexcept {
  return workers_.size();
}

std::size_t media_threads::pairs(int index) const noexcept {
  return index < 0 || static_cast<std::size_t>(index) >= workers_.size()
             ? 0
             : workers_[static_cast<std::size_t>(index)]->pairs.load(std::memory_order_relaxed);
}

} // namespace hotline::drivers::sip
