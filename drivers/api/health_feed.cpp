#include "drivers/api/health_feed.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/api/http_server.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;

nlohmann::json health_view(const nlohmann::json& full, const identity::principal_view& who) {
  if (who.roles.count(identity::role::operator_)) return full;
  if (!who.roles.count(identity::role::admin)) return nullptr;
  nlohmann::json out{{"tenants", nlohmann::json::object()}};
  if (full.contains("tenants") && full["tenants"].contains(who.tenant))
    out["tenants"][who.tenant] = full["tenants"][who.tenant];
  return out;
}

namespace {

class health_session;

} // namespace

struct health_feed::impl {
  std::function<nlohmann::json()> sample;
  std::chrono::milliseconds period;
  mutable std::mutex m;
  nlohmann::json latest; ///< the last sample
  std::map<health_session*, std::weak_ptr<health_session>> sessions;
  std::condition_variable cv;
  bool stop = false;
  std::thread ticker;

  void tick();
};

namespace {

/// One WebSocket of the health feed. Its state (the document it last sent)
/// is guarded by the feed's mutex.
class health_session final : public ws_handler,
                             public std::enable_shared_from_this<health_session> {
public:
  health_session(std::shared_ptr<health_feed::impl> feed, identity::principal_view who)
      : feed_(std::move(feed)), who_(std::move(who)) {}

  void on_open(std::shared_ptr<ws_connection> c) override {
    std::lock_guard lock{feed_->m};
    conn_ = std::move(c);
    feed_->sessions[this] = weak_from_this();
    push(feed_->latest);
  }
  void on_message(std::string) override {} // the feed only talks
  // Without the feed's lock: the transport may call it from inside a send
  // made under that lock. The next push sends a fresh snapshot.
  void on_overflow() override { overflowed_ = true; }
  void on_close() override {
    std::lock_guard lock{feed_->m};
    feed_->sessions.erase(this);
    conn_.reset();
  }

  /// Sends what changed since the last message (a snapshot first). Under the feed's lock.
  void push(const nlohmann::json& full) {
    if (!conn_ || full.is_null()) return;
    if (overflowed_.exchange(false)) sent_ = nullptr;
    auto view = health_view(full, who_);
    if (sent_.is_null()) {
      if (conn_->send(nlohmann::json{{"type", "snapshot"}, {"seq", ++seq_}, {"health", view}}.dump(
              -1, ' ', false, nlohmann::json::error_handler_t::replace)))
        sent_ = std::move(view);
      return;
    }
    if (view == sent_) return;
    auto patch = nlohmann::json::diff(sent_, view);
    if (conn_->send(nlohmann::json{{"type", "delta"}, {"seq", ++seq_}, {"patch", patch}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace)))
      sent_ = std::move(view);
    else
      sent_ = nullptr;
  }

private:
  std::shared_ptr<health_feed::impl> feed_;
  identity::principal_view who_;
  std::shared_ptr<ws_connection> conn_;
  nlohmann::json sent_; ///< the document as of the last message; null: snapshot next
  std::uint64_t seq_ = 0;
  std::atomic<bool> overflowed_{false};
};

} // namespace

void health_feed::impl::tick() {
  auto now = sample(); // outside the lock: it may ask actors
  std::lock_guard lock{m};
  latest = std::move(now);
  for (auto& [raw, weak] : sessions)
    if (auto s = weak.lock()) s->push(latest);
}

health_feed::health_feed(std::function<nlohmann::json()> sample, std::chrono::milliseconds period)
    : d_(std::make_shared<impl>()) {
  d_->sample = std::move(sample);
  d_->period = period;
}

health_feed::~health_feed() {
  {
    std::lock_guard lock{d_->m};
    d_->stop = true;
  }
  d_->cv.notify_all();
  if (d_->ticker.joinable()) d_->ticker.join();
}

void health_feed::start() {
  d_->tick();
  d_->ticker = std::thread{[d = d_.get()] {
    std::unique_lock lock{d->m};
    while (!d->stop) {
      d->cv.wait_for(lock, d->period, [d] { return d->stop; });
      if (d->stop) break;
      lock.unlock();
      d->tick();
      lock.lock();
    }
  }};
}

nlohmann::json health_feed::snapshot(const identity::principal_view& who) const {
  std::lock_guard lock{d_->m};
  return health_view(d_->latest, who);
}

std::shared_ptr<ws_handler> health_feed::open_session(identity::principal_view who) {
  return std::make_shared<health_session>(d_, std::move(who));
}

std::uint64_t health_feed::sessions() const {
  std::lock_guard lock{d_->m};
  return d_->sessions.size();
}

} // namespace hotline::drivers::api
