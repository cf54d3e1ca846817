// Crash safety of the RocksDB store: a child appends under concurrent load
// and is SIGKILLed at random moments; after each kill the store must hold
// every acknowledged append, no torn batch, gap-free revisions and positions.
#include <doctest/doctest.h>

#include <csignal>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "tests/drivers/store_fixtures.hpp"

using namespace hotline;
using namespace hotline::drivers;

namespace {

struct ack {
  std::string stream;
  std::uint64_t first_revision;
  int count;
  std::uint64_t first_position;
};

} // namespace

TEST_CASE("acknowledged appends survive SIGKILL at random moments (25 kills)") {
  testing::temp_dir dir;
  std::mt19937 rng{20261123};
  std::vector<ack> acked;
  constexpr int kills = 25;
  for (int round = 0; round < kills; ++round) {
    CAPTURE(round);
    testing::child_process child{{HOTLINE_CRASH_WRITER, dir.path(), std::to_string(round)}};
    auto ready = child.read_line(std::chrono::seconds(30));
    REQUIRE(ready == std::optional<std::string>{"READY"});
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 180));
    child.signal(SIGKILL);
    while (auto line = child.read_line(std::chrono::seconds(5))) {
      std::istringstream in{*line};
      std::string tag;
      ack a;
      in >> tag >> a.stream >> a.first_revision >> a.count >> a.first_position;
      if (tag == "ACK" && in) acked.push_back(a);
    }
    CHECK(child.wait() == 128 + SIGKILL);

    auto opened = rocksdb_event_store::open(dir.path());
    REQUIRE(opened.has_value());
    auto& store = **opened;
    auto all = store.read_all(1, SIZE_MAX);
    REQUIRE(all.has_value());
    REQUIRE(all->size() == store.head_position());
    const auto& codec = events::event_codec::standard();
    std::map<std::string, std::uint64_t> next_rev;
    std::map<std::string, std::pair<int, int>> batches; // batch id -> (seen, size)
    for (std::size_t i = 0; i < all->size(); ++i) {
      const auto& e = (*all)[i];
      REQUIRE(e.position == i + 1);
      REQUIRE(e.revision == next_rev[e.stream]++);
      auto body = codec.decode(e);
      REQUIRE(body.has_value());
      const auto& arrived = std::get<events::call_arrived>(*body);
      auto& b = batches[arrived.attached.at("batch")];
      ++b.first;
      b.second = std::stoi(arrived.attached.at("size"));
    }
    for (const auto& [id, b] : batches) {
      CAPTURE(id);
      CHECK(b.first == b.second); // no torn batch
    }
    for (const auto& a : acked) {
      CAPTURE(a.stream);
      CAPTURE(a.first_revision);
      auto events = store.read_stream(a.stream, a.first_revision, a.count);
      REQUIRE(events.has_value());
      REQUIRE(events->size() == static_cast<std::size_t>(a.count));
      for (int i = 0; i < a.count; ++i) {
        const auto& e = (*events)[i];
        CHECK(e.position == a.first_position + i);
        CHECK(e.meta.id ==
              events::event_id::from_name(a.stream + "#" + std::to_string(a.first_revision + i)));
      }
    }
  }
  MESSAGE("acknowledged appends checked: " << acked.size());
  CHECK(acked.size() > 100);
}
