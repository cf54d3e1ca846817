#pragma once
/// Small text helpers of the SIP adapter's parsers (digest.cpp,
/// replaces.cpp): SIP's tokens and parameter names compare without case
/// (RFC 3261 §7.3.1). No libre in here.
#include <cctype>
#include <string_view>

namespace hotline::drivers::sip {

/// `a` and `b` equal, ASCII letters compared without case.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

} // namespace hotline::drivers::sip
