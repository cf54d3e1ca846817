#include "actors/entity_log.hpp"

#include <charconv>
#include <condition_variable>
#include <mutex>

#include "events/codec.hpp"

namespace hotline::actors {

entity_log::entity_log(const persistence& p, std::string stream, post_fn post)
    : p_(p), stream_(std::move(stream)), post_(std::move(post)) {}

events::event_id call_correlation(const std::string& call_id) {
  return events::event_id::from_name("call-correlation/" + call_id);
}

events::status
entity_log::recover(const std::function<void(const events::event&, std::int64_t)>& apply) {
  const auto& codec = events::event_codec::standard();
  for (;;) {
    auto batch = p_.store->read_stream(stream_, next_revision_, 1024);
    if (!batch) return batch.error();
    if (batch->empty()) return {};
    for (const auto& rec : *batch) {
      auto ev = codec.decode(rec);
      if (!ev)
        return {ev.error().code(), "stream " + stream_ + " revision " +
                                       std::to_string(rec.revision) + ": " + ev.error().detail()};
      apply(*ev, rec.meta.timestamp_ns);
      next_revision_ = rec.revision + 1;
    }
  }
}

void entity_log::append(std::vector<events::event> evs, std::int64_t at_ns,
                        const std::string& tenant, events::principal who,
                        events::event_id correlation,
                        std::function<void(const events::status&)> then) {
  if (evs.empty()) {
    then({});
    return;
  }
  const auto& codec = events::event_codec::standard();
  std::vector<events::proposed_event> batch;
  batch.reserve(evs.size());
  auto expected = next_revision_ == 0 ? drivers::expected_revision::no_stream()
                                      : drivers::expected_revision::exact(next_revision_ - 1);
  // The id's name "site/stream#revision" is built in one reused buffer:
  // every event of a run passes here.
  thread_local std::string name;
  for (const auto& e : evs) {
    name.assign(p_.site).append("/").append(stream_).append("#");
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, next_revision_++);
    name.append(digits, end);
    events::event_meta meta{events::event_id::from_name(name), p_.site, tenant, at_ns, correlation, {}, who};
    batch.push_back(codec.propose(e, std::move(meta)));
  }
  if (p_.inline_commits) {
    // Blocking append without a promise/future pair (its shared state and
    // call_once cost more than a memory-store append): the memory store
    // completes before append_async returns, so the wait below is normally
    // already over; another store is waited for on a condition variable.
    struct waiter {
      std::mutex mu;
      std::condition_variable cv;
      bool done = false;
      events::status st;
    } w;
    p_.store->append_async(stream_, expected, std::move(batch), [&w](events::result<drivers::append_result> r) {
      std::lock_guard lock{w.mu};
      if (!r) w.st = r.error();
      w.done = true;
      w.cv.notify_one();
    });
    events::status st;
    {
      std::unique_lock lock{w.mu};
      w.cv.wait(lock, [&w] { return w.done; });
      st = std::move(w.st);
    }
    then(st);
    return;
  }
  p_.store->append_async(stream_, expected, std::move(batch),
                         [post = post_, then = std::move(then)](
                             events::result<drivers::append_result> r) mutable {
                           events::status st = r ? events::status{} : r.error();
                           post([then = std::move(then), st] { then(st); });
                         });
}

} // namespace hotline::actors
