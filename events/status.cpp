#include "events/status.hpp"

namespace hotline::events {

const char* to_string(errc c) noexcept {
  switch (c) {
  case errc::ok:
    return "ok";
  case errc::wrong_expected_revision:
    return "wrong_expected_revision";
  case errc::io_error:
    return "io_error";
  case errc::store_in_use:
    return "store_in_use";
  case errc::corrupt_record:
    return "corrupt_record";
  case errc::unknown_event_type:
    return "unknown_event_type";
  case errc::malformed_json:
    return "malformed_json";
  case errc::invalid_argument:
    return "invalid_argument";
  case errc::not_found:
    return "not_found";
  case errc::rejected:
    return "rejected";
  case errc::unavailable:
    return "unavailable";
  }
  return "unknown";
}

std::string status::message() const {
  if (is_ok()) return "ok";
  return std::string{to_string(code_)} + ": " + detail_;
}

} // namespace hotline::events
