#pragma once
/// Benchmarks behind `hotline bench ...`. Each prints one JSON object on
/// stdout with its figures and a baseline measured in the same run.
#include <CLI/CLI.hpp>

namespace hotline::bench {

void add_store_bench(CLI::App& bench);      ///< hotline bench store
void add_kafka_bench(CLI::App& bench);      ///< hotline bench kafka
void add_replay_bench(CLI::App& bench);     ///< hotline bench replay (bench/replay_bench.cpp)
void add_sim_bench(CLI::App& bench);        ///< hotline bench simulate
void add_route_bench(CLI::App& bench);      ///< hotline bench route (bench/route_bench.cpp)
void add_federation_bench(CLI::App& bench); ///< hotline bench federation
void add_api_bench(CLI::App& bench);        ///< hotline bench api (bench/api_bench.cpp)
void add_sip_bench(CLI::App& bench);        ///< hotline bench sip (bench/sip_bench.cpp)
void add_web_bench(CLI::App& bench);        ///< hotline bench web (bench/web_bench.cpp)
void add_ivr_bench(CLI::App& bench);        ///< hotline bench ivr (bench/ivr_bench.cpp)

} // namespace hotline::bench
