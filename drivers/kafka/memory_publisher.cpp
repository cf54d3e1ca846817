#include "drivers/kafka/memory_publisher.hpp"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>

namespace hotline::drivers {

using events::errc;

namespace {

constexpr std::size_t tail_records = 8; ///< what read_tail gives per partition

std::uint32_t fnv1a(std::string_view key) {
  std::uint32_t h = 2166136261u;
  for (char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

/// The last header named `name`, "" when absent (as librdkafka's get_last).
std::string header_value(const stored_record& r, std::string_view name) {
  for (auto it = r.headers.rbegin(); it != r.headers.rend(); ++it)
    if (it->first == name) return it->second;
  return {};
}

} // namespace

struct memory_publisher::state {
  explicit state(memory_publisher_options o) : opts(std::move(o)) {}

  const memory_publisher_options opts;
  mutable std::mutex mu;
  std::condition_variable changed; ///< a fault was set or cleared
  std::map<std::string, std::vector<std::vector<stored_record>>> topics;
  bool reachable = true;
  std::size_t failing_deliveries = 0;
  std::string failure_reason;
  std::size_t refusing_produces = 0;
  std::string refusal_reason;
  std::uint64_t fatal_generation = 0; ///< bumped by make_sessions_fatal
  std::size_t in_flight = 0;
  std::size_t sessions = 0;

  /// The partitions of `topic`, created with `partitions` if missing. REQUIRES: mu held.
  std::vector<std::vector<stored_record>>& topic_locked(const std::string& topic, int partitions) {
    auto it = topics.find(topic);
    if (it == topics.end())
      it = topics
               .emplace(topic, std::vector<std::vector<stored_record>>(
                                   static_cast<std::size_t>(std::max(1, partitions))))
               .first;
    return it->second;
  }
};

namespace {

class memory_session final : public producer_session {
public:
  memory_session(std::shared_ptr<memory_publisher::state> s, std::string topic,
                 delivery_listener& listener)
      : s_(std::move(s)), topic_(std::move(topic)), listener_(listener) {
    std::lock_guard lock{s_->mu};
    fatal_seen_ = s_->fatal_generation;
  }
  ~memory_session() override { close(); }

  produce_result produce(const outgoing_record& r) override {
    std::lock_guard lock{s_->mu};
    if (closed_) return {produce_result::kind::refused, "Local: the session is closed"};
    if (fatal_) return {produce_result::kind::refused, "Local: Fatal error"};
    if (s_->refusing_produces > 0) {
      --s_->refusing_produces;
      return {produce_result::kind::refused, s_->refusal_reason};
    }
    if (queued_.size() >= s_->opts.queue_capacity) return {produce_result::kind::queue_full, {}};
    pending p;
    p.tag = r.tag;
    p.key = std::string{r.key};
    p.value = r.value;
    for (const auto& h : r.headers)
      p.headers.emplace_back(h.name, h.value);
    queued_.push_back(std::move(p));
    ++s_->in_flight;
    return {};
  }

  void poll(std::chrono::milliseconds timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock{s_->mu};
    for (;;) {
      work_locked();
      if (!ready_.empty() || closed_) break;
      if (s_->changed.wait_until(lock, deadline) == std::cv_status::timeout) {
        work_locked();
        break;
      }
    }
    serve(lock);
  }

  void purge_queued() override {
    std::lock_guard lock{s_->mu};
    fail_all_locked("Local: Purged in queue");
  }

  bool probe(std::chrono::milliseconds) override {
    std::lock_guard lock{s_->mu};
    return s_->reachable;
  }

  void close() override {
    std::unique_lock lock{s_->mu};
    if (closed_) return;
    fail_all_locked("Local: Purged in queue");
    closed_ = true;
    serve(lock);
  }

private:
  struct pending {
    std::uint64_t tag = 0;
    std::string key;
    std::string_view value; ///< the caller's bytes, read on delivery
    std::vector<std::pair<std::string, std::string>> headers;
  };
  struct report {
    enum class kind : std::uint8_t { delivered, failed, client_error } k;
    std::uint64_t tag = 0;
    publish_problem problem;
  };

  /// Turns what the broker would do now into reports. REQUIRES: mu held.
  void work_locked() {
    if (closed_) return;
    if (!fatal_ && s_->fatal_generation != fatal_seen_) {
      fatal_ = true;
      ready_.push_back(
          {report::kind::client_error,
           0,
           {"memory publisher: the producer is in a fatal state (injected)", false, true}});
      fail_all_locked("Local: Fatal error");
      return;
    }
    if (!s_->reachable) {
      if (!told_unreachable_)
        ready_.push_back({report::kind::client_error,
                          0,
                          {"memory publisher: all brokers are down", true, false}});
      told_unreachable_ = true;
      return;
    }
    told_unreachable_ = false;
    if (queued_.empty()) return;
    auto& partitions = s_->topic_locked(topic_, s_->opts.partitions);
    while (!queued_.empty()) {
      auto p = std::move(queued_.front());
      queued_.pop_front();
      --s_->in_flight;
      const auto partition = static_cast<std::int32_t>(fnv1a(p.key) % partitions.size());
      if (poisoned_.count(partition)) {
        ready_.push_back(
            {report::kind::failed, p.tag, {"Local: an earlier record of its partition failed"}});
        continue;
      }
      if (s_->failing_deliveries > 0) {
        --s_->failing_deliveries;
        poisoned_.insert(partition);
        ready_.push_back({report::kind::failed, p.tag, {s_->failure_reason}});
        continue;
      }
      auto& log = partitions[static_cast<std::size_t>(partition)];
      stored_record r;
      r.partition = partition;
      r.offset = static_cast<std::int64_t>(log.size());
      r.key = std::move(p.key);
      r.headers = std::move(p.headers);
      r.value = std::string{p.value};
      log.push_back(std::move(r));
      ready_.push_back({report::kind::delivered, p.tag, {}});
    }
  }

  /// Every queued record fails with `reason`. REQUIRES: mu held.
  void fail_all_locked(const std::string& reason) {
    for (auto& p : queued_)
      ready_.push_back({report::kind::failed, p.tag, {reason}});
    s_->in_flight -= queued_.size();
    queued_.clear();
  }

  /// Hands the ready reports to the listener, without the lock.
  void serve(std::unique_lock<std::mutex>& lock) {
    std::deque<report> out;
    out.swap(ready_);
    lock.unlock();
    for (const auto& r : out) {
      switch (r.k) {
      case report::kind::delivered:
        listener_.delivered(r.tag);
        break;
      case report::kind::failed:
        listener_.failed(r.tag, r.problem);
        break;
      case report::kind::client_error:
        listener_.client_error(r.problem);
        break;
      }
    }
  }

  std::shared_ptr<memory_publisher::state> s_;
  const std::string topic_;
  delivery_listener& listener_;
  std::deque<pending> queued_;
  std::deque<report> ready_;
  std::set<std::int32_t> poisoned_;
  std::uint64_t fatal_seen_ = 0;
  bool fatal_ = false;
  bool told_unreachable_ = false;
  bool closed_ = false;
};

} // namespace

memory_publisher::memory_publisher(memory_publisher_options options)
    : state_(std::make_shared<state>(std::move(options))) {}

memory_publisher::~memory_publisher() = default;

events::result<std::unique_ptr<producer_session>>
memory_publisher::open_session(const std::string& topic, delivery_listener& listener) {
  if (topic.empty()) return events::status{errc::invalid_argument, "memory publisher: no topic"};
  {
    std::lock_guard lock{state_->mu};
    ++state_->sessions;
  }
  return std::unique_ptr<producer_session>{
      std::make_unique<memory_session>(state_, topic, listener)};
}

events::result<topic_tail> memory_publisher::read_tail(const std::string& topic,
                                                       std::chrono::milliseconds) {
  std::lock_guard lock{state_->mu};
  if (!state_->reachable)
    return events::status{errc::unavailable,
                          "topic " + topic + " at the memory publisher: no broker answered"};
  topic_tail tail;
  tail.cluster_id = state_->opts.cluster_id;
  auto it = state_->topics.find(topic);
  if (it == state_->topics.end()) return tail;
  tail.topic_exists = true;
  for (const auto& log : it->second) {
    for (auto r = log.size() > tail_records ? log.end() - tail_records : log.begin();
         r != log.end(); ++r) {
      tail_record t;
      t.partition = r->partition;
      t.offset = r->offset;
      auto pos = header_value(*r, "position");
      std::uint64_t value = 0;
      auto [end, ec] = std::from_chars(pos.data(), pos.data() + pos.size(), value);
      if (!pos.empty() && ec == std::errc{} && end == pos.data() + pos.size() && value > 0)
        t.position = value;
      t.event_id = header_value(*r, "event_id");
      t.site = header_value(*r, "site");
      tail.records.push_back(std::move(t));
    }
  }
  return tail;
}

void memory_publisher::create_topic(const std::string& topic, int partitions) {
  std::lock_guard lock{state_->mu};
  state_->topic_locked(topic, partitions);
}

void memory_publisher::delete_topic(const std::string& topic) {
  std::lock_guard lock{state_->mu};
  state_->topics.erase(topic);
}

std::vector<stored_record> memory_publisher::records(const std::string& topic) const {
  std::lock_guard lock{state_->mu};
  std::vector<stored_record> out;
  auto it = state_->topics.find(topic);
  if (it == state_->topics.end()) return out;
  for (const auto& log : it->second)
    out.insert(out.end(), log.begin(), log.end());
  return out;
}

const std::string& memory_publisher::cluster_id() const {
  return state_->opts.cluster_id;
}

void memory_publisher::set_reachable(bool reachable) {
  {
    std::lock_guard lock{state_->mu};
    state_->reachable = reachable;
  }
  state_->changed.notify_all();
}

void memory_publisher::fail_next_deliveries(std::size_t count, std::string reason) {
  std::lock_guard lock{state_->mu};
  state_->failing_deliveries = count;
  state_->failure_reason = std::move(reason);
}

void memory_publisher::refuse_next_produces(std::size_t count, std::string reason) {
  std::lock_guard lock{state_->mu};
  state_->refusing_produces = count;
  state_->refusal_reason = std::move(reason);
}

void memory_publisher::make_sessions_fatal() {
  {
    std::lock_guard lock{state_->mu};
    ++state_->fatal_generation;
  }
  state_->changed.notify_all();
}

std::size_t memory_publisher::in_flight() const {
  std::lock_guard lock{state_->mu};
  return state_->in_flight;
}

std::size_t memory_publisher::sessions_opened() const {
  std::lock_guard lock{state_->mu};
  return state_->sessions;
}

} // namespace hotline::drivers
