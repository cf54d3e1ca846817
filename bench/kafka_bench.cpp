#include "bench/benches.hpp"
namespace hotline::bench {
void add_kafka_bench(CLI::App&) {}
} // namespace hotline::bench
