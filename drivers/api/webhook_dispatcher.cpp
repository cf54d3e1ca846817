#include "drivers/api/webhook_dispatcher.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/api/webhook_client.hpp"
#include "drivers/api/webhook_signer.hpp"
#include "drivers/log/log.hpp"
#include "events/codec.hpp"
#include "events/webhooks/webhook_rules.hpp"

namespace hotline::drivers::api {

namespace wh = events::webhooks;
using std::chrono::steady_clock;

namespace {

/// Events read from the store per page while looking for the next one to send.
constexpr std::size_t page_size = 256;
/// How long a thread waits for an append before looking at its subscription again.
constexpr auto idle_wait = std::chrono::milliseconds(500);
/// A cursor moved by skipping (no delivery) is written at most this often.
constexpr auto skip_flush_every = std::chrono::seconds(1);

bool selects(const wh::state& s, const events::recorded_event& rec) {
  return rec.meta.tenant == s.tenant && wh::deliverable(rec.type) &&
         wh::matches_any(s.types, rec.type);
}

std::string checkpoint_name(const std::string& id) {
  return wh::stream_name(id);
}

std::string describe(const webhook_response& r) {
  return r.status != 0 ? "status " + std::to_string(r.status) : r.error;
}

} // namespace

struct webhook_dispatcher::worker {
  std::string id;
  std::string tenant;
  std::mutex m;
  std::condition_variable cv;
  bool stopping = false;
  std::uint64_t generation = 0; ///< bumped by every change of the subscription
  std::atomic<std::uint64_t> cursor{0};
  std::atomic<bool> finished{false};
  std::atomic<bool> active{false};
  std::thread thread;

  /// Waits up to `d` or until stopped or changed since `gen`; false when stopping.
  bool wait(std::chrono::nanoseconds d, std::uint64_t gen) {
    std::unique_lock lock{m};
    cv.wait_for(lock, d, [&] { return stopping || generation != gen; });
    return !stopping;
  }
  std::uint64_t current_generation() {
    std::lock_guard lock{m};
    return generation;
  }
  bool stopped() {
    std::lock_guard lock{m};
    return stopping;
  }
};

webhook_dispatcher::webhook_dispatcher(ports::event_store& store, webhook_registry& registry,
                                       webhook_options o)
    : store_(store), registry_(registry), opt_(std::move(o)) {
  if (!opt_.now_ns)
    opt_.now_ns = [] {
      return std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
}

webhook_dispatcher::~webhook_dispatcher() {
  stop();
}

void webhook_dispatcher::start() {
  {
    std::lock_guard lock{m_};
    running_ = true;
  }
  registry_.on_change([this](const webhook_entry& e) { changed(e); });
  for (const auto& e : registry_.list("*"))
    changed(e);
}

void webhook_dispatcher::stop() {
  std::vector<std::shared_ptr<worker>> all;
  {
    std::lock_guard lock{m_};
    if (!running_) return;
    running_ = false;
    for (auto& [id, w] : workers_)
      all.push_back(w);
    for (auto& w : retired_)
      all.push_back(w);
    workers_.clear();
    retired_.clear();
  }
  registry_.on_change({});
  for (auto& w : all) {
    {
      std::lock_guard lock{w->m};
      w->stopping = true;
    }
    w->cv.notify_all();
  }
  for (auto& w : all)
    if (w->thread.joinable()) w->thread.join();
}

void webhook_dispatcher::changed(const webhook_entry& e) {
  std::lock_guard lock{m_};
  if (!running_) return;
  const auto& id = e.s.webhook_id;
  if (!e.s.exists()) logs_.erase(id);
  std::erase_if(retired_, [](const auto& w) {
    if (!w->finished) return false;
    if (w->thread.joinable()) w->thread.join();
    return true;
  });
  if (auto it = workers_.find(id); it != workers_.end()) {
    if (!it->second->finished) {
      {
        std::lock_guard wl{it->second->m};
        ++it->second->generation;
      }
      it->second->cv.notify_all();
      return;
    }
    retired_.push_back(std::move(it->second));
    workers_.erase(it);
  }
  if (!e.s.exists()) return;
  auto w = std::make_shared<worker>();
  w->id = id;
  w->tenant = e.s.tenant;
  workers_[id] = w;
  w->thread = std::thread([this, w] {
    // --- the delivery loop of one subscription -------------------------------------
    auto entry = registry_.find(w->id);
    if (!entry) {
      w->finished = true;
      return;
    }
    std::uint64_t cursor = entry->created_position;
    if (auto cp = store_.get_checkpoint(checkpoint_name(w->id)); cp && *cp)
      cursor = std::max(cursor, **cp);
    std::uint64_t persisted = cursor;
    auto flushed_at = steady_clock::now();
    auto flush = [&] {
      if (cursor == persisted) return;
      if (auto st = store_.put_checkpoint(checkpoint_name(w->id), cursor); !st)
        drivers::log::warning("webhooks",
                              "webhook " + w->id + ": cannot write its cursor: " + st.message());
      else
        persisted = cursor;
      flushed_at = steady_clock::now();
    };
    w->cursor = cursor;
    std::optional<events::recorded_event> pending;
    int attempt = 0, failures = 0;
    std::int64_t failing_since = 0;
    bool was_active = false;
    for (;;) {
      const auto gen = w->current_generation();
      if (w->stopped()) break;
      entry = registry_.find(w->id);
      if (!entry || !entry->s.exists()) break;
      const bool active = entry->s.st == wh::webhook_status::active;
      w->active = active;
      if (!active) {
        flush();
        was_active = false;
        if (!w->wait(std::chrono::hours(24), gen)) break;
        continue;
      }
      if (!was_active) { // started, resumed: a fresh run of attempts
        failures = 0;
        failing_since = 0;
        was_active = true;
      }
      if (pending && !selects(entry->s, *pending)) { // updated away from it
        cursor = pending->position;
        pending.reset();
      }
      if (!pending) {
        auto page = store_.read_all(cursor + 1, page_size);
        if (!page) {
          drivers::log::warning("webhooks",
                                "webhook " + w->id + ": cannot read the store after position " +
                                    std::to_string(cursor) + ": " + page.error().message());
          if (!w->wait(std::chrono::seconds(1), gen)) break;
          continue;
        }
        if (page->empty()) {
          if (steady_clock::now() - flushed_at >= skip_flush_every) flush();
          store_.wait_for_append(cursor, idle_wait);
          continue;
        }
        for (auto& rec : *page) {
          if (selects(entry->s, rec)) {
            pending = std::move(rec);
            break;
          }
          cursor = rec.position;
        }
        w->cursor = cursor;
        if (!pending) {
          if (steady_clock::now() - flushed_at >= skip_flush_every) flush();
          continue;
        }
        attempt = 0;
      }
      // --- one attempt at `pending` ----------------------------------------------------
      ++attempt;
      auto body = events::event_codec::standard().to_json_text(*pending);
      if (!body) { // cannot happen for a stored event; never block the subscription on it
        drivers::log::error("webhooks",
                            "webhook " + w->id + ": position " + std::to_string(pending->position) +
                                " has no JSON form, skipped: " + body.error().message());
        cursor = pending->position;
        pending.reset();
        continue;
      }
      const auto now = opt_.now_ns();
      const auto ts = std::to_string(now / 1'000'000'000);
      const auto delivery_id = w->id + "-" + std::to_string(pending->position);
      webhook_request req;
      auto url = wh::parse_url(entry->s.url);
      webhook_response res;
      if (auto* u = std::get_if<wh::target_url>(&url)) {
        req.url = *u;
        req.body = std::move(*body);
        req.headers = {{"X-Hotline-Event", pending->type},
                       {"X-Hotline-Delivery", delivery_id},
                       {"X-Hotline-Timestamp", ts},
                       {"X-Hotline-Signature", webhook_signature(entry->s.secret, ts, req.body)},
                       {"X-Hotline-Webhook", w->id}};
        req.timeout = opt_.timeout;
        req.allow_private = opt_.allow_private;
        req.verify_peer = opt_.verify_peer;
        req.ca_file = opt_.ca_file;
        res = post_webhook(req);
      } else {
        res.error = "the URL " + std::get<std::string>(url);
      }
      record(w->id, w->tenant,
             {delivery_id, pending->position, pending->type, res.status, res.error,
              std::chrono::duration<double, std::milli>(res.latency).count(), attempt, now});
      if (res.delivered()) {
        cursor = pending->position;
        w->cursor = cursor;
        pending.reset();
        failures = 0;
        failing_since = 0;
        flush();
        continue;
      }
      ++failures;
      if (failing_since == 0) failing_since = now;
      if (now - failing_since >=
          std::chrono::duration_cast<std::chrono::nanoseconds>(opt_.suspend_after).count()) {
        drivers::log::warning("webhooks", "webhook " + w->id + " suspended: failing since " +
                                              events::format_timestamp(failing_since) +
                                              ", last: " + describe(res));
        auto r = registry_.execute(
            w->id,
            wh::suspend_webhook{describe(res), failing_since, pending->position, opt_.now_ns()},
            events::principal::system("webhooks"));
        if (auto* refused = std::get_if<events::rejection>(&r))
          drivers::log::warning("webhooks",
                                "webhook " + w->id + ": suspend refused: " + refused->detail);
        continue; // the loop sees it suspended (or paused, deleted)
      }
      const auto delay = wh::retry_delay_ns(failures, random_unit(), res.retry_after_ns);
      if (!w->wait(std::chrono::nanoseconds(delay), gen)) break;
    }
    flush();
    w->active = false;
    w->finished = true;
  });
}

void webhook_dispatcher::record(const std::string& id, const std::string& tenant,
                                delivery_attempt a) {
  std::lock_guard lock{m_};
  if (a.seq != 0) ++attempts_[{tenant, a.status >= 200 && a.status < 300 ? "delivered" : "failed"}];
  auto& log = logs_[id];
  log.push_back(std::move(a));
  if (log.size() > opt_.log_size)
    log.erase(log.begin(), log.begin() + (log.size() - opt_.log_size));
}

std::vector<delivery_attempt> webhook_dispatcher::deliveries(const std::string& id,
                                                             std::size_t limit) const {
  std::lock_guard lock{m_};
  std::vector<delivery_attempt> out;
  auto it = logs_.find(id);
  if (it == logs_.end()) return out;
  for (auto a = it->second.rbegin(); a != it->second.rend() && out.size() < limit; ++a)
    out.push_back(*a);
  return out;
}

std::uint64_t webhook_dispatcher::cursor(const std::string& id) const {
  std::lock_guard lock{m_};
  auto it = workers_.find(id);
  return it == workers_.end() ? 0 : it->second->cursor.load();
}

delivery_attempt webhook_dispatcher::ping(const webhook_entry& e) {
  const auto now = opt_.now_ns();
  const auto ts = std::to_string(now / 1'000'000'000);
  delivery_attempt a;
  a.delivery_id = e.s.webhook_id + "-ping-" + new_webhook_id().substr(0, 12);
  a.type = "webhook.ping";
  a.at_ns = now;
  nlohmann::json j{{"type", "webhook.ping"},
                   {"webhook_id", e.s.webhook_id},
                   {"tenant", e.s.tenant},
                   {"timestamp", events::format_timestamp(now)}};
  auto url = wh::parse_url(e.s.url);
  if (auto* u = std::get_if<wh::target_url>(&url)) {
    webhook_request req;
    req.url = *u;
    req.body = j.dump();
    req.headers = {{"X-Hotline-Event", "webhook.ping"},
                   {"X-Hotline-Delivery", a.delivery_id},
                   {"X-Hotline-Timestamp", ts},
                   {"X-Hotline-Signature", webhook_signature(e.s.secret, ts, req.body)},
                   {"X-Hotline-Webhook", e.s.webhook_id}};
    req.timeout = opt_.timeout;
    req.allow_private = opt_.allow_private;
    req.verify_peer = opt_.verify_peer;
    req.ca_file = opt_.ca_file;
    const auto res = post_webhook(req);
    a.status = res.status;
    a.error = res.error;
    a.latency_ms = std::chrono::duration<double, std::milli>(res.latency).count();
  } else {
    a.error = "the URL " + std::get<std::string>(url);
  }
  record(e.s.webhook_id, e.s.tenant, a);
  return a;
}

webhook_dispatcher::tenant_counts webhook_dispatcher::metrics() const {
  tenant_counts out;
  const auto head = store_.head_position();
  std::lock_guard lock{m_};
  out.attempts = attempts_;
  for (const auto& [id, w] : workers_) {
    if (w->finished || !w->active) continue;
    const auto c = w->cursor.load();
    auto& lag = out.lag_events[w->tenant];
    lag = std::max(lag, head > c ? head - c : 0);
  }
  return out;
}

} // namespace hotline::drivers::api
