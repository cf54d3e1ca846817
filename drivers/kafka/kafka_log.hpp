#pragma once
/// librdkafka's log lines, routed through one place. Left alone, librdkafka
/// prints them raw on stderr (`%3|1700000000.123|FAIL|rdkafka#consumer-1|
/// [thrd:...]: ... Connection refused`), once per broker and retry: a tool
/// pointed at an unreachable broker scrolls them for as long as it waits.
/// Every hotline client installs one of two policies instead:
///  - print (the relay, the federation bus: long-running): lines at level
///    LOG_WARNING (4) or more severe become hotline log lines
///    (drivers/log/log.hpp), component `kafka`, message
///    `<client>: <FACILITY>: <text>`, level error for LOG_ERR and more
///    severe; informational and debug lines are dropped;
///  - collect (the reading tools: `kpi`, `replay`, `sites` with --kafka, and
///    the relay's start-up check): nothing is printed; the most recent line
///    at level LOG_WARNING or more severe is kept, so that the one error the
///    tool reports can say what the brokers answered.
/// Both drop librdkafka's warning that enable.gapless.guarantee is
/// experimental: the relay sets it on purpose (kafka_relay.hpp).
///
/// Thread safety: librdkafka calls the callbacks from its own threads; the
/// sink is guarded by a mutex.
#include <mutex>
#include <string>

#include <librdkafka/rdkafka.h>

namespace hotline::drivers {

/// Where a client's log lines go. Must outlive the client it is installed on.
class kafka_log_sink {
public:
  enum class policy { print, collect };
  explicit kafka_log_sink(policy p) : policy_(p) {}

  /// Installs the sink as `conf`'s log callback. It takes the conf's opaque
  /// slot: use it only on a conf whose opaque is not used otherwise.
  void install(rd_kafka_conf_t* conf);

  /// Handles one line (what the callback does); for callers with a log
  /// callback of their own.
  void log(const rd_kafka_t* rk, int level, const char* facility, const char* text);

  /// The most recent line at level LOG_WARNING or more severe; "" if none.
  std::string last_problem() const;

private:
  policy policy_;
  mutable std::mutex mu_;
  std::string last_;
};

} // namespace hotline::drivers
