#pragma once
/// `/metrics`: the node in Prometheus' text exposition format (0.0.4),
/// written by hand (no client library in Debian): queue gauges and
/// counters, agents by state, calls by outcome, trunk groups up or down
/// (`hotline_trunk_up{trunk}`: its SIP peer answers its keepalive), the
/// store's head and the feeds' and relay's lag, the API's latency
/// histogram. Labels are tenant, queue, trunk and state only: bounded
/// sets, never a call or customer id.
/// `promtool check metrics` accepts it (tests/integration/api_test.cpp).
#include <string>

#include "drivers/api/api_exchange.hpp"

namespace hotline::drivers::api {

std::string metrics_text(node_api::impl& api);

} // namespace hotline::drivers::api
