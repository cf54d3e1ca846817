#pragma once
/// The baseline of `hotline bench api`: a bare WebSocket echo server on the
/// same transport as the API (drivers/api/http_server.hpp), with no route,
/// no account and no actor. Every text message comes back as it is, so a
/// round trip through it is what the transport alone costs.
#include <memory>
#include <string>
#include <variant>

#include "drivers/api/http_server.hpp"

namespace hotline::bench {

class ws_echo_server {
public:
  /// Starts on `o` (use listen "127.0.0.1:0" for a free port). Any path
  /// upgrades; a plain HTTP request gets 404. The error names the option.
  static std::variant<std::unique_ptr<ws_echo_server>, std::string>
  start(drivers::api::server_options o);
  ~ws_echo_server();
  std::string url() const; ///< http://127.0.0.1:PORT
  drivers::api::http_server& server() { return *server_; }

  struct handler;

private:
  ws_echo_server();
  std::unique_ptr<handler> handler_;
  std::unique_ptr<drivers::api::http_server> server_;
};

} // namespace hotline::bench
