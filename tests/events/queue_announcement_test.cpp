// What a waiting caller hears at an announcement (events/acd/
// queue_announcement.hpp): prompt names as Asterisk's sound packs lay them out.
#include <doctest/doctest.h>

#include <algorithm>

#include "events/acd/queue_announcement.hpp"

using hotline::events::acd::announcement_prompt_names;
using hotline::events::acd::queue_announcement;
using hotline::events::acd::say_number;
using names = std::vector<std::string>;

TEST_CASE("announcement: numbers are said as Asterisk's English digits") {
  CHECK(say_number(0) == names{"digits/0"});
  CHECK(say_number(7) == names{"digits/7"});
  CHECK(say_number(20) == names{"digits/20"});
  CHECK(say_number(21) == names{"digits/20", "digits/1"});
  CHECK(say_number(90) == names{"digits/90"});
  CHECK(say_number(100) == names{"digits/1", "digits/hundred"});
  CHECK(say_number(315) == names{"digits/3", "digits/hundred", "digits/15"});
  CHECK(say_number(2040) == names{"digits/2", "digits/thousand", "digits/40"});
  CHECK(say_number(-5) == names{"digits/0"});
  CHECK(say_number(5'000'000) == say_number(999'999));
}

TEST_CASE("announcement: position, expected wait and thanks, as app_queue composes them") {
  CHECK(queue_announcement(1, -1) == names{"queue-youarenext", "queue-thankyou"});
  CHECK(queue_announcement(3, -1) ==
        names{"queue-thereare", "digits/3", "queue-callswaiting", "queue-thankyou"});
  CHECK(queue_announcement(2, 20'000) == names{"queue-thereare", "digits/2", "queue-callswaiting",
                                               "queue-holdtime", "queue-less-than", "digits/1",
                                               "queue-minute", "queue-thankyou"});
  CHECK(queue_announcement(1, 80'000) ==
        names{"queue-youarenext", "queue-holdtime", "digits/1", "queue-minute", "queue-thankyou"});
  CHECK(queue_announcement(25, 5 * 60'000 + 40'000) ==
        names{"queue-thereare", "digits/20", "digits/5", "queue-callswaiting", "queue-holdtime",
              "digits/6", "queue-minutes", "queue-thankyou"});
  CHECK(queue_announcement(0, -1) == names{"queue-thankyou"});
}

TEST_CASE("announcement: every name it may say is one a prompt directory must hold") {
  const auto& all = announcement_prompt_names();
  for (std::int32_t position : {1, 2, 13, 21, 99, 100, 999, 1234})
    for (std::int64_t ewt : {-1LL, 0LL, 59'999LL, 60'000LL, 3'600'000LL})
      for (const auto& name : queue_announcement(position, ewt))
        CHECK_MESSAGE(std::find(all.begin(), all.end(), name) != all.end(), name);
}
