// The webhook client of webhook_client.hpp: one POST through the shared
// HTTP client (drivers/http_client), private addresses refused unless allowed.
#include "drivers/api/webhook_client.hpp"

#include "drivers/http_client/http_client.hpp"

namespace hotline::drivers::api {

webhook_response post_webhook(const webhook_request& r) {
  http::http_call c;
  c.method = "POST";
  c.url = r.url;
  c.body = r.body;
  c.headers = r.headers;
  c.user_agent = "hotline-webhooks";
  c.timeout = r.timeout;
  c.refuse_private = !r.allow_private;
  c.private_hint = "[api] webhook_allow_private";
  c.verify_peer = r.verify_peer;
  c.ca_file = r.ca_file;
  c.max_body = 64 * 1024; // read and discarded
  auto reply = http::http_exchange(c);
  webhook_response out;
  out.status = reply.status;
  out.error = std::move(reply.error);
  out.retry_after_ns = reply.retry_after_ns;
  out.latency = reply.latency;
  return out;
}

} // namespace hotline::drivers::api
