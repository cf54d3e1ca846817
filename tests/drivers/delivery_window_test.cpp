// The relay's ordered set of in-flight positions: the checkpoint may only
// cover positions whose every predecessor was acknowledged.
#include <doctest/doctest.h>

#include "drivers/kafka/delivery_window.hpp"

using hotline::drivers::delivery_window;

TEST_CASE("published advances only over a gap-free acknowledged prefix") {
  delivery_window w{1};
  for (std::uint64_t p = 1; p <= 5; ++p)
    w.sent(p);
  CHECK(w.next_to_send() == 6);
  CHECK(w.outstanding() == 5);
  CHECK_FALSE(w.acknowledged(3)); // out of order: 1 and 2 still in flight
  CHECK_FALSE(w.acknowledged(2));
  CHECK(w.published() == 0);
  CHECK(w.acknowledged(1)); // 1, 2, 3 now contiguous
  CHECK(w.published() == 3);
  CHECK(w.acknowledged(5) == false);
  CHECK(w.acknowledged(4));
  CHECK(w.published() == 5);
  CHECK(w.outstanding() == 0);
}

TEST_CASE("a failed position holds published below it until a reset re-sends from there") {
  delivery_window w{10}; // resumed after checkpoint 9
  CHECK(w.published() == 9);
  for (std::uint64_t p = 10; p <= 14; ++p)
    w.sent(p);
  w.acknowledged(10);
  w.failed(11);
  w.acknowledged(12);
  w.acknowledged(13);
  w.acknowledged(14);
  CHECK(w.published() == 10);
  CHECK(w.outstanding() == 0); // everything reported: time to rewind
  w.reset(w.published() + 1);
  CHECK(w.next_to_send() == 11); // 12..14 go out again: duplicates, not gaps
  w.sent(11);
  CHECK(w.acknowledged(11));
  CHECK(w.published() == 11);
}

TEST_CASE("repeated and stale reports change nothing") {
  delivery_window w{1};
  w.sent(1);
  w.sent(2);
  CHECK_FALSE(w.acknowledged(2));
  CHECK_FALSE(w.acknowledged(2));
  w.failed(2); // already acknowledged: not in flight any more either way
  CHECK(w.outstanding() == 1);
  CHECK_FALSE(w.acknowledged(99));
  w.failed(99);
  CHECK(w.outstanding() == 1);
  CHECK(w.acknowledged(1));
  CHECK(w.published() == 2);
}
