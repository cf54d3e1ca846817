// The availability board (actors/availability_board.hpp): agents post,
// queues take their news, and a word is sent only when a queue asked.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "actors/availability_board.hpp"

using namespace hotline;
using hotline::actors::availability_board;

namespace {

events::acd::candidate_status status(bool available, int handled = 0) {
  events::acd::candidate_status c;
  c.available = available;
  c.calls_handled = handled;
  return c;
}

std::vector<std::string> take(availability_board::news& n) {
  std::vector<std::string> out;
  availability_board::take_news(n,
                                [&](availability_board::slot& s) { out.push_back(s.agent_id()); });
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

TEST_CASE("availability board: a post is news once, reads its latest status, and asks for no word "
          "unless wanted") {
  availability_board board;
  auto& n = board.news_of("sales");
  auto& a1 = board.at("a1", "sales");
  auto& a2 = board.at("a2", "sales");
  CHECK(&board.at("a1", "sales") == &a1); // one slot per agent and queue, for the board's life
  CHECK(&board.at("a1", "support") != &a1);
  CHECK(a1.version() == 0);

  auto p1 = availability_board::post(a1, status(true, 1), 7);
  auto p2 = availability_board::post(a1, status(false, 2), 8); // posted twice before a take
  CHECK(p2.version > p1.version);
  CHECK_FALSE(p1.tell);
  CHECK_FALSE(p2.tell);
  availability_board::post(a2, status(true), 0);
  CHECK(take(n) == std::vector<std::string>{"a1", "a2"});
  CHECK(take(n).empty());
  auto r = availability_board::read(a1);
  CHECK(r.version == p2.version);
  CHECK(r.seen == 8);
  CHECK_FALSE(r.status.available);
  CHECK(r.status.calls_handled == 2);

  // Without listing (a whole snapshot went as a message): no news.
  availability_board::post(a1, status(true), 9, false);
  CHECK(take(n).empty());
  CHECK(availability_board::read(a1).seen == 9);
}

TEST_CASE("availability board: a queue that wants word gets one word until it hears it") {
  availability_board board;
  auto& n = board.news_of("sales");
  auto& a1 = board.at("a1", "sales");
  auto& a2 = board.at("a2", "sales");
  availability_board::want_word(n, true);
  CHECK(availability_board::post(a1, status(true), 0).tell);
  CHECK_FALSE(availability_board::post(a2, status(true), 0).tell); // a word is on its way already
  availability_board::word_heard(n);
  CHECK(take(n) == std::vector<std::string>{"a1", "a2"});
  CHECK(availability_board::post(a2, status(false), 0).tell);
  availability_board::word_heard(n);
  availability_board::want_word(n, false);
  CHECK_FALSE(availability_board::post(a1, status(true), 0).tell);
  CHECK(take(n) == std::vector<std::string>{"a1", "a2"});
}

TEST_CASE(
    "availability board: posts from many threads are never lost to a queue taking news meanwhile") {
  availability_board board;
  auto& n = board.news_of("q");
  constexpr int agents = 4, posts = 20'000;
  std::vector<availability_board::slot*> slots;
  for (int a = 0; a < agents; ++a)
    slots.push_back(&board.at("a" + std::to_string(a), "q"));
  std::vector<std::uint64_t> applied(agents, 0);
  std::atomic<int> done{0};
  auto apply = [&](availability_board::slot& s) {
    auto i = static_cast<std::size_t>(std::stoi(s.agent_id().substr(1)));
    auto r = availability_board::read(s);
    CHECK(r.version >= applied[i]); // never older than what was applied
    applied[i] = r.version;
  };
  std::vector<std::thread> posters;
  for (int a = 0; a < agents; ++a)
    posters.emplace_back([&, a] {
      for (int k = 0; k < posts; ++k)
        availability_board::post(*slots[static_cast<std::size_t>(a)], status(k % 2 == 0, k), 0);
      ++done;
    });
  while (done.load() < agents)
    availability_board::take_news(n, apply);
  for (auto& t : posters)
    t.join();
  availability_board::take_news(n, apply);
  for (int a = 0; a < agents; ++a)
    CHECK(applied[static_cast<std::size_t>(a)] == static_cast<std::uint64_t>(posts));
}
