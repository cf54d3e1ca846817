#include "bench/benches.hpp"
namespace hotline::bench {
void add_store_bench(CLI::App&) {}
} // namespace hotline::bench
