#include "drivers/kafka/kafka_log.hpp"

#include <cstdio>
#include <cstring>
#include <string>

#include "drivers/log/log.hpp"

namespace hotline::drivers {

namespace {

constexpr int kafka_log_warning = 4; // syslog's LOG_WARNING, librdkafka's levels
constexpr int kafka_log_error = 3;   // syslog's LOG_ERR

void kafka_log_callback(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  auto* sink = static_cast<kafka_log_sink*>(rd_kafka_opaque(rk));
  if (sink) sink->log(rk, level, fac, buf);
}

} // namespace

void kafka_log_sink::install(rd_kafka_conf_t* conf) {
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_log_cb(conf, &kafka_log_callback);
}

void kafka_log_sink::log(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  if (level > kafka_log_warning) return;
  if (std::strcmp(fac, "CONFWARN") == 0 && std::strstr(buf, "enable.gapless.guarantee")) return;
  if (policy_ == policy::print) {
    log::write(level <= kafka_log_error ? log::level::error : log::level::warning, "kafka",
               std::string{rk ? rd_kafka_name(rk) : "-"} + ": " + fac + ": " + buf);
    return;
  }
  std::lock_guard lock{mu_};
  last_ = buf;
}

std::string kafka_log_sink::last_problem() const {
  std::lock_guard lock{mu_};
  return last_;
}

} // namespace hotline::drivers
