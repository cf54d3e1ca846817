#include "bench/ws_echo.hpp"

namespace hotline::bench {

namespace api = drivers::api;

namespace {

class echo_socket final : public api::ws_handler {
public:
  void on_open(std::shared_ptr<api::ws_connection> c) override { conn_ = std::move(c); }
  void on_message(std::string text) override { conn_->send(std::move(text)); }
  void on_overflow() override { conn_->close(1008, "too slow"); }
  void on_close() override { conn_.reset(); }

private:
  std::shared_ptr<api::ws_connection> conn_;
};

} // namespace

struct ws_echo_server::handler final : api::request_handler {
  void on_request(api::http_request, api::reply_fn reply) override {
    reply({404, "application/json", {}, R"({"error":"not_found","detail":"echo server"})"});
  }
  std::shared_ptr<api::ws_handler> on_upgrade(const api::http_request&,
                                              api::http_response&) override {
    return std::make_shared<echo_socket>();
  }
};

ws_echo_server::ws_echo_server() : handler_(std::make_unique<handler>()) {}

ws_echo_server::~ws_echo_server() {
  if (server_) server_->stop(); // before the handler goes
}

std::variant<std::unique_ptr<ws_echo_server>, std::string>
ws_echo_server::start(api::server_options o) {
  std::unique_ptr<ws_echo_server> s{new ws_echo_server()};
  auto started = api::http_server::start(std::move(o), *s->handler_);
  if (auto* e = std::get_if<std::string>(&started)) return *e;
  s->server_ = std::move(std::get<std::unique_ptr<api::http_server>>(started));
  return s;
}

std::string ws_echo_server::url() const {
  return server_->url();
}

} // namespace hotline::bench
