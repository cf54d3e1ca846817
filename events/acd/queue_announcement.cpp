#include "events/acd/queue_announcement.hpp"

#include <algorithm>

namespace hotline::events::acd {

namespace {
std::string digits(std::int64_t n) {
  return "digits/" + std::to_string(n);
}
} // namespace

std::vector<std::string> say_number(std::int64_t n) {
  n = std::clamp<std::int64_t>(n, 0, 999'999);
  std::vector<std::string> out;
  if (n >= 1000) {
    auto thousands = say_number(n / 1000);
    out.insert(out.end(), thousands.begin(), thousands.end());
    out.push_back("digits/thousand");
    n %= 1000;
    if (n == 0) return out;
  }
  if (n >= 100) {
    out.push_back(digits(n / 100));
    out.push_back("digits/hundred");
    n %= 100;
    if (n == 0) return out;
  }
  if (n <= 20) {
    out.push_back(digits(n));
  } else {
    out.push_back(digits(n / 10 * 10));
    if (n % 10) out.push_back(digits(n % 10));
  }
  return out;
}

std::vector<std::string> queue_announcement(std::int32_t position, std::int64_t ewt_ms) {
  std::vector<std::string> out;
  if (position == 1) {
    out.push_back("queue-youarenext");
  } else if (position > 1) {
    out.push_back("queue-thereare");
    auto n = say_number(position);
    out.insert(out.end(), n.begin(), n.end());
    out.push_back("queue-callswaiting");
  }
  if (ewt_ms >= 0) {
    out.push_back("queue-holdtime");
    const auto minutes = (ewt_ms + 30'000) / 60'000;
    if (ewt_ms < 60'000) {
      out.insert(out.end(), {"queue-less-than", "digits/1", "queue-minute"});
    } else {
      auto n = say_number(minutes);
      out.insert(out.end(), n.begin(), n.end());
      out.push_back(minutes == 1 ? "queue-minute" : "queue-minutes");
    }
  }
  out.push_back("queue-thankyou");
  return out;
}

const std::vector<std::string>& announcement_prompt_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v{"queue-youarenext", "queue-thereare",  "queue-callswaiting",
                               "queue-holdtime",   "queue-less-than", "queue-minute",
                               "queue-minutes",    "queue-thankyou",  "digits/hundred",
                               "digits/thousand"};
    for (int i = 0; i <= 20; ++i)
      v.push_back(digits(i));
    for (int i = 30; i <= 90; i += 10)
      v.push_back(digits(i));
    return v;
  }();
  return names;
}

} // namespace hotline::events::acd
