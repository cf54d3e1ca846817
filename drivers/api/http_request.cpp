// http_request's accessors: no Boost here (see http_server.hpp).
#include "drivers/api/http_server.hpp"
#include "drivers/api/http_text.hpp"

namespace hotline::drivers::api {

std::string http_request::cookie(std::string_view name) const {
  const auto it = headers.find("cookie");
  return it == headers.end() ? std::string{} : cookie_value(it->second, name);
}

std::string http_request::header(std::string_view lower_name) const {
  const auto it = headers.find(std::string{lower_name});
  return it == headers.end() ? std::string{} : it->second;
}

} // namespace hotline::drivers::api
