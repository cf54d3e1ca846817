// Child process of the crash-safety test: appends batches to a RocksDB store
// from several threads until it is killed, printing one line per append the
// store acknowledged: "ACK <stream> <first_revision> <count> <first_position>".
// Event ids are derived from (stream, revision), and each event carries its
// batch's id and size, so the parent can check that no acknowledged event is
// missing and no batch is torn.
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"

using namespace hotline;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: crash_writer DIR SEED [THREADS] [STREAMS_PER_THREAD]\n");
    return 2;
  }
  std::string dir = argv[1];
  unsigned seed = static_cast<unsigned>(std::stoul(argv[2]));
  int threads = argc > 3 ? std::stoi(argv[3]) : 8;
  int per_thread = argc > 4 ? std::stoi(argv[4]) : 16;
  auto opened = drivers::rocksdb_event_store::open(dir);
  if (!opened) {
    std::fprintf(stderr, "crash_writer: %s\n", opened.error().message().c_str());
    return 1;
  }
  auto& store = **opened;
  const auto& codec = events::event_codec::standard();
  std::mutex out_mu;
  std::printf("READY\n");
  std::fflush(stdout);

  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::mt19937 rng{seed * 131u + static_cast<unsigned>(t)};
      std::vector<std::string> streams;
      std::vector<std::optional<std::uint64_t>> last;
      for (int i = 0; i < per_thread; ++i) {
        streams.push_back("call-t" + std::to_string(t) + "-" + std::to_string(i));
        auto rev = store.stream_revision(streams.back());
        last.push_back(rev ? *rev : std::nullopt);
      }
      for (std::uint64_t n = 0;; ++n) {
        auto k = rng() % streams.size();
        const auto& stream = streams[k];
        std::uint64_t first_rev = last[k] ? *last[k] + 1 : 0;
        int size = 1 + static_cast<int>(rng() % 4);
        std::string batch_id = stream + "/" + std::to_string(first_rev);
        std::vector<events::proposed_event> batch;
        for (int i = 0; i < size; ++i) {
          events::call_arrived body;
          body.call_id = stream;
          body.attached = {{"batch", batch_id}, {"size", std::to_string(size)}};
          body.caller = std::string(120, 'x');
          auto rev = first_rev + static_cast<std::uint64_t>(i);
          batch.push_back(codec.propose(
              events::event{body}, {events::event_id::from_name(stream + "#" + std::to_string(rev)),
                                    "crash",
                                    "t",
                                    0,
                                    {},
                                    {},
                                    events::principal::system("crash_writer")}));
        }
        auto r = store.append(stream, ports::expected_revision::after(last[k]), std::move(batch));
        if (!r) {
          std::fprintf(stderr, "crash_writer: %s\n", r.error().message().c_str());
          _exit(3);
        }
        last[k] = r->last_revision;
        std::lock_guard lock{out_mu};
        std::printf("ACK %s %llu %d %llu\n", stream.c_str(),
                    static_cast<unsigned long long>(first_rev), size,
                    static_cast<unsigned long long>(r->first_position));
        std::fflush(stdout);
      }
    });
  for (auto& th : pool)
    th.join();
}
