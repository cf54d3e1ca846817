// The WebSocket load client of ws_load.hpp: every session is a chain of
// asynchronous Beast operations on one io_context run by one thread.
#include <utility> // first: Boost 1.74 asio needs std::exchange under g++ 12 -std=c++20

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <thread>

#include <sys/resource.h>

#include "bench/ws_load.hpp"
#include "drivers/api/http_text.hpp"

namespace hotline::bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

// latency_histogram --------------------------------------------------------

void latency_histogram::add(std::chrono::nanoseconds d) {
  const auto ns = std::max<std::int64_t>(0, d.count());
  counts_[std::min<std::size_t>(static_cast<std::size_t>(ns / 10'000), buckets - 1)]++;
  ++count_;
  max_ns_ = std::max(max_ns_, ns);
}

void latency_histogram::merge(const latency_histogram& o) {
  for (std::size_t i = 0; i < buckets; ++i)
    counts_[i] += o.counts_[i];
  count_ += o.count_;
  max_ns_ = std::max(max_ns_, o.max_ns_);
}

double latency_histogram::percentile_ms(double p) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::clamp(p, 0.0, 1.0) * (count_ - 1)) + 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return static_cast<double>(i + 1) * 0.01; // the bucket's upper edge
  }
  return max_ms();
}

void latency_histogram::clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  max_ns_ = 0;
}

std::optional<std::int64_t> message_time_ns(std::string_view text) {
  const auto at = text.find("\"t\":");
  if (at == std::string_view::npos) return std::nullopt;
  auto rest = text.substr(at + 4);
  while (!rest.empty() && rest.front() == ' ')
    rest.remove_prefix(1);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
  if (ec != std::errc{} || end == rest.data()) return std::nullopt;
  return v;
}

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::uint64_t raise_fd_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return 0;
  if (r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
    getrlimit(RLIMIT_NOFILE, &r);
  }
  return r.rlim_cur;
}

// ws_load ------------------------------------------------------------------

namespace {

using url_parts = drivers::api::base_url;

std::optional<url_parts> parse_url(const std::string& url, std::string& error) {
  auto u = drivers::api::parse_base_url(url);
  if (auto* why = std::get_if<std::string>(&u)) {
    error = *why;
    return std::nullopt;
  }
  return std::get<url_parts>(u);
}

class session_base {
public:
  virtual ~session_base() = default;
  virtual void start(const tcp::resolver::results_type& where) = 0;
  virtual void send(std::string text) = 0; ///< on the I/O thread
  virtual void close() = 0;                ///< on the I/O thread
  bool open = false;
  bool ended = false;
  std::size_t echo_left = 0;
  std::size_t index = 0; ///< its place in ws_load's sessions (its own headers)
};

} // namespace

struct ws_load::impl {
  ws_load_options opt;
  asio::io_context ioc{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  std::optional<ssl::context> tls;
  url_parts url;
  std::vector<std::shared_ptr<session_base>> sessions;
  tcp::resolver::results_type where;
  std::size_t next_to_start = 0, connecting = 0;
  std::thread thread;

  std::mutex m;
  std::condition_variable cv;
  ws_load_stats counts; // percentiles filled by stats()
  latency_histogram latency;
  std::size_t ended = 0;

  void launch();
  void opened(session_base& s) {
    s.open = true;
    --connecting;
    {
      std::lock_guard lock{m};
      ++counts.sessions_open;
    }
    cv.notify_all();
    launch();
  }
  void failed(session_base& s, const std::string& why) {
    if (s.ended) return;
    s.ended = true;
    if (!s.open) --connecting;
    {
      std::lock_guard lock{m};
      if (s.open) --counts.sessions_open;
      ++counts.sessions_failed;
      ++ended;
      if (counts.first_error.empty()) counts.first_error = why;
    }
    s.open = false;
    cv.notify_all();
    launch();
  }
  void closed(session_base& s) {
    if (s.ended) return;
    s.ended = true;
    {
      std::lock_guard lock{m};
      if (s.open) --counts.sessions_open;
      ++ended;
    }
    s.open = false;
    cv.notify_all();
  }
  void received(session_base& s, std::string_view text) {
    const auto now = steady_now_ns();
    const auto t = message_time_ns(text);
    {
      std::lock_guard lock{m};
      ++counts.messages;
      counts.bytes += text.size();
      if (t)
        latency.add(std::chrono::nanoseconds(now - *t));
      else
        ++counts.messages_without_t;
    }
    cv.notify_all();
    if (s.echo_left > 0) {
      --s.echo_left;
      s.send("{\"t\":" + std::to_string(steady_now_ns()) + "}");
    }
  }
};

namespace {

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class session final : public session_base, public std::enable_shared_from_this<session<Stream>> {
public:
  template <class... Args>
  session(ws_load::impl& load, Args&&... args) : load_(load), ws_(std::forward<Args>(args)...) {}

  void start(const tcp::resolver::results_type& where) override {
    beast::get_lowest_layer(ws_).expires_after(load_.opt.connect_timeout);
    beast::get_lowest_layer(ws_).async_connect(
        where, [self = this->shared_from_this()](error_code ec, const tcp::endpoint&) {
          if (ec) return self->load_.failed(*self, "connect: " + ec.message());
          self->after_connect();
        });
  }

  void send(std::string text) override {
    if (!open || ended) return;
    out_.push_back(std::move(text));
    if (!writing_) write_next();
  }

  void close() override {
    if (!open || ended || closing_) return;
    closing_ = true;
    if (!writing_)
      ws_.async_close(websocket::close_code::normal,
                      [self = this->shared_from_this()](error_code) {});
  }

private:
  void after_connect() {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      auto& s = ws_.next_layer();
      error_code ec;
      asio::ip::make_address(load_.url.host, ec);
      if (ec) {
        SSL_set_tlsext_host_name(s.native_handle(), load_.url.host.c_str());
        if (load_.opt.tls_verify) SSL_set1_host(s.native_handle(), load_.url.host.c_str());
      } else if (load_.opt.tls_verify) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s.native_handle()), load_.url.host.c_str());
      }
      s.async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](error_code e) {
        if (e) return self->load_.failed(*self, "TLS handshake: " + e.message());
        self->handshake();
      });
    } else {
      handshake();
    }
  }

  void handshake() {
    auto headers = load_.opt.headers;
    if (this->index < load_.opt.session_headers.size())
      for (const auto& h : load_.opt.session_headers[this->index])
        headers.push_back(h);
    ws_.set_option(websocket::stream_base::decorator(
        [headers = std::move(headers)](websocket::request_type& req) {
          req.set(http::field::user_agent, "hotline-bench");
          for (const auto& [name, value] : headers)
            req.insert(name, value);
        }));
    ws_.async_handshake(res_, load_.url.host_header, load_.opt.target,
                        [self = this->shared_from_this()](error_code ec) {
                          if (ec)
                            return self->load_.failed(
                                *self, "WebSocket handshake: " + ec.message() + " (HTTP " +
                                           std::to_string(self->res_.result_int()) + ")");
                          beast::get_lowest_layer(self->ws_).expires_never();
                          self->ws_.set_option(
                              websocket::stream_base::timeout::suggested(beast::role_type::client));
                          self->res_ = {};
                          self->load_.opened(*self);
                          self->read();
                        });
  }

  void read() {
    ws_.async_read(in_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec) {
        if (ec == websocket::error::closed || self->closing_) return self->load_.closed(*self);
        return self->load_.failed(*self, "read: " + ec.message());
      }
      const auto data = self->in_.cdata();
      self->load_.received(*self, {static_cast<const char*>(data.data()), data.size()});
      self->in_.consume(self->in_.size());
      self->read();
    });
  }

  void write_next() {
    if (out_.empty()) {
      if (closing_)
        ws_.async_close(websocket::close_code::normal,
                        [self = this->shared_from_this()](error_code) {});
      return;
    }
    writing_ = true;
    ws_.async_write(asio::buffer(out_.front()),
                    [self = this->shared_from_this()](error_code ec, std::size_t) {
                      self->writing_ = false;
                      self->out_.pop_front();
                      if (ec) return self->load_.failed(*self, "write: " + ec.message());
                      self->write_next();
                    });
  }

  ws_load::impl& load_;
  websocket::stream<Stream> ws_;
  beast::flat_buffer in_;
  websocket::response_type res_;
  std::deque<std::string> out_;
  bool writing_ = false, closing_ = false;
};

} // namespace

// Starts sessions while fewer than max_connecting handshakes are in flight;
// each one that opens or fails calls it again.
void ws_load::impl::launch() {
  while (next_to_start < sessions.size() &&
         connecting < std::max<std::size_t>(1, opt.max_connecting)) {
    ++connecting;
    sessions[next_to_start++]->start(where);
  }
}

ws_load::ws_load(ws_load_options o) : p_(std::make_unique<impl>()) {
  p_->opt = std::move(o);
  p_->thread = std::thread{[p = p_.get()] { p->ioc.run(); }};
}

ws_load::~ws_load() {
  p_->ioc.stop();
  p_->thread.join();
  // The sessions go with the io_context's pending operations, which own them.
}

void ws_load::set_echo_rounds(std::size_t n) {
  asio::post(p_->ioc, [p = p_.get(), n] {
    for (auto& s : p->sessions)
      s->echo_left = n;
  });
}

ws_load_stats ws_load::connect() {
  auto& p = *p_;
  const auto fail_all = [&](const std::string& why) {
    std::lock_guard lock{p.m};
    p.counts.sessions_failed = p.opt.sessions;
    p.counts.first_error = why;
    return p.counts;
  };
  if (p.opt.sessions == 0 || p.opt.sessions > 100'000)
    return fail_all("sessions: " + std::to_string(p.opt.sessions) + " is not from 1 to 100000");
  std::string error;
  const auto u = parse_url(p.opt.url, error);
  if (!u) return fail_all(error);
  p.url = *u;
  if (u->tls) {
    p.tls.emplace(ssl::context::tls_client);
    error_code ec;
    if (p.opt.tls_verify) {
      p.tls->set_verify_mode(ssl::verify_peer);
      if (p.opt.ca_file.empty())
        p.tls->set_default_verify_paths(ec);
      else
        p.tls->load_verify_file(p.opt.ca_file, ec);
      if (ec) return fail_all("ca_file '" + p.opt.ca_file + "': " + ec.message());
    } else {
      p.tls->set_verify_mode(ssl::verify_none);
    }
  }
  raise_fd_limit();
  tcp::resolver resolver{p.ioc};
  error_code ec;
  const auto where = resolver.resolve(u->host, u->port, ec);
  if (ec) return fail_all("resolve '" + u->host + "': " + ec.message());

  p.where = where;
  asio::post(p.ioc, [&p] {
    for (std::size_t i = 0; i < p.opt.sessions; ++i) {
      std::shared_ptr<session_base> s;
      if (p.tls)
        s = std::make_shared<session<tls_stream>>(p, beast::tcp_stream{p.ioc}, *p.tls);
      else
        s = std::make_shared<session<beast::tcp_stream>>(p, p.ioc);
      s->index = i;
      p.sessions.push_back(std::move(s));
    }
    p.launch();
  });

  std::unique_lock lock{p.m};
  p.cv.wait_for(lock, p.opt.connect_timeout, [&p] {
    return p.counts.sessions_open + p.counts.sessions_failed >= p.opt.sessions;
  });
  return p.counts;
}

bool ws_load::send(std::size_t i, std::string text) {
  if (i >= p_->opt.sessions) return false;
  asio::post(p_->ioc, [p = p_.get(), i, text = std::move(text)]() mutable {
    if (i < p->sessions.size()) p->sessions[i]->send(std::move(text));
  });
  return true;
}

ws_load_stats ws_load::stats(bool reset) {
  std::lock_guard lock{p_->m};
  auto s = p_->counts;
  s.latency_samples = p_->latency.count();
  s.p50_ms = p_->latency.percentile_ms(0.50);
  s.p99_ms = p_->latency.percentile_ms(0.99);
  s.max_ms = p_->latency.max_ms();
  if (reset) {
    p_->counts.messages = p_->counts.bytes = p_->counts.messages_without_t = 0;
    p_->latency.clear();
  }
  return s;
}

bool ws_load::wait_for_messages(std::uint64_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock{p_->m};
  return p_->cv.wait_for(lock, timeout, [&] { return p_->counts.messages >= n; });
}

void ws_load::close() {
  asio::post(p_->ioc, [p = p_.get()] {
    for (auto& s : p->sessions)
      s->close();
  });
  std::unique_lock lock{p_->m};
  p_->cv.wait_for(lock, std::chrono::seconds(5), [&] { return p_->counts.sessions_open == 0; });
}

bool measure_echo_round_trip(const std::string& url, std::size_t sessions, std::size_t rounds,
                             std::chrono::milliseconds timeout, ws_load_stats& stats) {
  ws_load_options o;
  o.url = url;
  o.sessions = sessions;
  ws_load load{o};
  stats = load.connect();
  if (stats.sessions_open != sessions || rounds == 0) return false;
  load.set_echo_rounds(rounds - 1);
  for (std::size_t i = 0; i < sessions; ++i)
    load.send(i, "{\"t\":" + std::to_string(steady_now_ns()) + "}");
  const bool all = load.wait_for_messages(sessions * rounds, timeout);
  stats = load.stats();
  load.close();
  return all;
}

} // namespace hotline::bench
