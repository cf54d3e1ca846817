#include "drivers/rocksdb/rocksdb_log.hpp"

#include <cstdarg>
#include <cstdio>

#include <rocksdb/env.h>

#include "drivers/log/log.hpp"

namespace hotline::drivers {

namespace {

class quiet_logger final : public rocksdb::Logger {
public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
  void Logv(const rocksdb::InfoLogLevel, const char*, va_list) override {}
};

class forwarding final : public rocksdb::Logger {
public:
  explicit forwarding(std::string what)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), what_(std::move(what)) {}
  using rocksdb::Logger::Logv;
  // Lines with no level (RocksDB's header and option dumps) are informational.
  void Logv(const char*, va_list) override {}
  void Logv(const rocksdb::InfoLogLevel lv, const char* fmt, va_list ap) override {
    if (lv < rocksdb::InfoLogLevel::WARN_LEVEL || lv == rocksdb::InfoLogLevel::HEADER_LEVEL) return;
    char buf[2048];
    va_list copy;
    va_copy(copy, ap);
    const int n = std::vsnprintf(buf, sizeof buf, fmt, copy);
    va_end(copy);
    std::string text = n < 0 ? std::string{"(unprintable RocksDB log line)"} : std::string{buf};
    if (n >= static_cast<int>(sizeof buf)) text += "...";
    log::write(lv >= rocksdb::InfoLogLevel::ERROR_LEVEL ? log::level::error : log::level::warning,
               "rocksdb", what_ + ": " + text);
  }

private:
  std::string what_;
};

} // namespace

std::shared_ptr<rocksdb::Logger> silent_logger() {
  static const auto logger = std::make_shared<quiet_logger>();
  return logger;
}

std::shared_ptr<rocksdb::Logger> forwarding_logger(std::string what) {
  return std::make_shared<forwarding>(std::move(what));
}

} // namespace hotline::drivers
