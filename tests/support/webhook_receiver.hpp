#pragma once
/// A webhook receiver for tests: the API's own HTTP server
/// (drivers/api/http_server.hpp) in the test process, recording every
/// request and answering with a scripted status (then `otherwise`).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "drivers/api/http_server.hpp"

namespace hotline::test {

class webhook_receiver final : public drivers::api::request_handler {
public:
  /// Listens on 127.0.0.1, port `port` (0: a free one); with a PEM
  /// certificate and key, over HTTPS.
  explicit webhook_receiver(std::uint16_t port = 0, std::string tls_cert = {},
                            std::string tls_key = {})
      : tls_cert_(std::move(tls_cert)), tls_key_(std::move(tls_key)) {
    listen(port);
  }
  ~webhook_receiver() override { stop(); }

  void listen(std::uint16_t port) {
    drivers::api::server_options o;
    o.listen = "127.0.0.1:" + std::to_string(port);
    o.tls_cert = tls_cert_;
    o.tls_key = tls_key_;
    auto s = drivers::api::http_server::start(o, *this);
    if (auto* err = std::get_if<std::string>(&s)) throw std::runtime_error(*err);
    server_ = std::move(std::get<0>(s));
    port_ = server_->port();
  }
  /// Stops listening (a receiver that is down); `listen(port())` brings it back.
  void stop() {
    if (server_) server_->stop();
    server_.reset();
  }

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return (tls_cert_.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") +
           std::to_string(port_) + path;
  }

  /// The next requests are answered with these statuses, in order.
  void script(std::vector<int> statuses, std::string retry_after = {}) {
    std::lock_guard lock{m_};
    script_.assign(statuses.begin(), statuses.end());
    retry_after_ = std::move(retry_after);
  }
  void otherwise(int status) {
    std::lock_guard lock{m_};
    otherwise_ = status;
  }

  /// Waits until at least `n` requests arrived (false on timeout).
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    std::unique_lock lock{m_};
    return cv_.wait_for(lock, timeout, [&] { return got_.size() >= n; });
  }
  std::vector<drivers::api::http_request> received() const {
    std::lock_guard lock{m_};
    return got_;
  }
  std::size_t count() const {
    std::lock_guard lock{m_};
    return got_.size();
  }

  void on_request(drivers::api::http_request req, drivers::api::reply_fn reply) override {
    drivers::api::http_response r;
    {
      std::lock_guard lock{m_};
      got_.push_back(std::move(req));
      r.status = otherwise_;
      if (!script_.empty()) {
        r.status = script_.front();
        script_.pop_front();
        if (!retry_after_.empty()) r.headers.emplace_back("Retry-After", retry_after_);
      }
    }
    cv_.notify_all();
    r.body = "{}";
    reply(std::move(r));
  }
  std::shared_ptr<drivers::api::ws_handler> on_upgrade(const drivers::api::http_request&,
                                                       drivers::api::http_response&) override {
    return nullptr;
  }

private:
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::vector<drivers::api::http_request> got_;
  std::deque<int> script_;
  std::string retry_after_;
  int otherwise_ = 200;
  std::string tls_cert_, tls_key_;
  std::unique_ptr<drivers::api::http_server> server_;
  std::uint16_t port_ = 0;
};

} // namespace hotline::test
