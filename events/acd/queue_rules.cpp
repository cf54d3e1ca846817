#include "events/acd/queue_rules.hpp"

namespace hotline::events::acd {

std::int64_t no_answer_hold_until(const queue_definition& q, std::int64_t now_ns) {
  return now_ns + q.ring_timeout_ms * 1'000'000;
}

bool may_hold_for_remote(std::size_t waiting, std::size_t being_offered) {
  return waiting <= being_offered;
}

federation::queue_exit exit_for_service_level(std::int64_t wait_ms, std::string_view reason) {
  return {wait_ms, reason == "connected", reason == "abandoned"};
}

} // namespace hotline::events::acd
