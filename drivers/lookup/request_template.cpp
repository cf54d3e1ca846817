#include "drivers/lookup/request_template.hpp"

#include <nlohmann/json.hpp>

#include "events/ivr/flow.hpp"

namespace hotline::drivers::lookup {

std::string url_encode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

namespace {

template <class Encode>
std::string fill(const std::string& text, const std::map<std::string, std::string>& vars,
                 Encode encode) {
  // Only the variables the text names are encoded; render() leaves the rest.
  std::map<std::string, std::string> encoded;
  for (const auto& name : events::ivr::referenced_variables(text)) {
    auto it = vars.find(name);
    encoded[name] = encode(it == vars.end() ? std::string{} : it->second);
  }
  return events::ivr::render(text, encoded);
}

} // namespace

std::string fill_url(const std::string& url, const std::map<std::string, std::string>& vars) {
  return fill(url, vars, url_encode);
}

std::string fill_json(const std::string& body, const std::map<std::string, std::string>& vars) {
  return fill(body, vars, [](const std::string& v) {
    auto quoted = nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return quoted.substr(1, quoted.size() - 2);
  });
}

} // namespace hotline::drivers::lookup
