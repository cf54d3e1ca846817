#include "actors/entity_log.hpp"

#include <charconv>
#include <condition_variable>
#include <mutex>

#include "events/codec.hpp"

namespace hotline::actors {

/// Completion of one append, shared between the actor (which attaches
/// effects to the newest one) and the store's callback (which completes it).
struct entity_log::durable_hook {
  std::mutex mu;
  bool done = false;
  bool ok = false;
  std::vector<std::function<void()>> waiting;

  /// Runs what waits (in attach order), then marks the append done; what
  /// is attached meanwhile runs here too, so effects never overtake each
  /// other even when the actor attaches while this thread is running them.
  void complete(bool success) {
    for (;;) {
      std::vector<std::function<void()>> run;
      {
        std::lock_guard lock{mu};
        if (waiting.empty()) {
          done = true;
          ok = success;
          return;
        }
        run.swap(waiting);
      }
      if (success)
        for (auto& f : run)
          f();
    }
  }

  void attach(std::function<void()> f) {
    {
      std::lock_guard lock{mu};
      if (!done) {
        waiting.push_back(std::move(f));
        return;
      }
      if (!ok) return;
    }
    f();
  }

  bool settled() {
    std::lock_guard lock{mu};
    return done;
  }
};

entity_log::entity_log(const persistence& p, std::string stream, post_fn post,
                       failure_fn on_failure)
    : p_(p), stream_(std::move(stream)),
      failure_(std::make_shared<const failure_route>(
          failure_route{std::move(post), std::move(on_failure)})) {}

void entity_log::when_durable(std::function<void()> f) {
  // Commits complete in append order: the newest append's completion
  // covers everything before it.
  if (!last_) {
    f();
    return;
  }
  last_->attach(std::move(f));
}

bool entity_log::settled() const {
  return !last_ || last_->settled();
}

events::event_id call_correlation(const std::string& call_id) {
  return events::event_id::from_name("call-correlation/" + call_id);
}

events::event_id agent_correlation(const std::string& agent_id) {
  return events::event_id::from_name("agent-correlation/" + agent_id);
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
                        events::event_id correlation, std::function<void()> then) {
  if (evs.empty()) {
    if (then) then();
    return;
  }
  const auto& codec = events::event_codec::standard();
  std::vector<events::proposed_event> batch;
  batch.reserve(evs.size());
  auto expected = next_revision_ == 0 ? ports::expected_revision::no_stream()
                                      : ports::expected_revision::exact(next_revision_ - 1);
  // Ids are version 7 UUIDs of the events' time, their other bits a hash
  // of a name: "site/stream#revision" for an event, "site/stream@revision"
  // for the command decided at that revision, which caused them all (its
  // causation). The name is built in one reused buffer: every event of a
  // run passes here.
  thread_local std::string name;
  const std::int64_t at_ms = at_ns / 1'000'000;
  auto named = [&](char sep, std::uint64_t revision) {
    name.assign(p_.site).append("/").append(stream_).push_back(sep);
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, revision);
    name.append(digits, end);
    return events::event_id::uuid_v7(at_ms, events::event_id::from_name(name));
  };
  const auto command = named('@', next_revision_);
  for (const auto& e : evs) {
    events::event_meta meta{
        named('#', next_revision_++), p_.site, tenant, at_ns, correlation, command, who};
    batch.push_back(codec.propose(e, std::move(meta)));
  }
  if (p_.inline_commits) {
    // Blocking append without a promise/future pair (its shared state and
    // call_once cost more than a memory-store append): the memory store
    // completes before append_async returns, so the wait below is normally
    // already over; another store is waited for on a condition variable.
    // Everything is durable when this returns: no hook is kept.
    struct waiter {
      std::mutex mu;
      std::condition_variable cv;
      bool done = false;
      events::status st;
    } w;
    p_.store->append_async(stream_, expected, std::move(batch),
                           [&w](events::result<ports::append_result> r) {
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
    if (!st) {
      if (failure_->on_failure) failure_->on_failure(st);
      return;
    }
    if (then) then();
    return;
  }
  auto hook = std::make_shared<durable_hook>();
  last_ = hook;
  p_.store->append_async(
      stream_, expected, std::move(batch),
      [route = failure_, hook](events::result<ports::append_result> r) {
        hook->complete(static_cast<bool>(r));
        if (!r && route->on_failure && route->post)
          route->post([route, st = events::status{r.error()}] { route->on_failure(st); });
      });
  // Sequenced: the order is fixed; effects inside the node may go (unless
  // the store refused at once: the failure handler is on its way).
  if (hook->settled() && !hook->ok) return;
  if (then) then();
}

} // namespace hotline::actors
