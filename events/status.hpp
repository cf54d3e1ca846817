#pragma once
/// Errors are values. `status` is a code plus a human-readable detail that
/// names what and where ("position 17: crc mismatch"); `result<T>` is either
/// a value or a status. Nothing in hotline's domain or drivers throws across
/// an interface: callers inspect the result.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace hotline::events {

enum class errc {
  ok = 0,
  wrong_expected_revision, ///< append refused: the stream is not at the expected revision
  io_error,                ///< the storage medium failed (disk full, permission, ...)
  store_in_use,            ///< another process holds the store's lock
  corrupt_record,          ///< a stored record fails its checksum or does not decode
  unknown_event_type,      ///< no codec entry (or upcaster) for a type name and version
  malformed_json,          ///< JSON that is not valid or lacks a required field
  invalid_argument,        ///< the caller broke a documented precondition
  not_found,               ///< the thing asked for does not exist
  rejected,                ///< a domain command was refused (see the rejection code)
  unavailable,             ///< a remote service cannot be reached
};

/// Stable lower-case name of a code, used in messages and JSON.
const char* to_string(errc c) noexcept;

class status {
public:
  status() = default;
  status(errc code, std::string detail) : code_(code), detail_(std::move(detail)) {}
  static status ok() { return {}; }

  bool is_ok() const noexcept { return code_ == errc::ok; }
  explicit operator bool() const noexcept { return is_ok(); }
  errc code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }
  /// "corrupt_record: position 17: crc mismatch"
  std::string message() const;

private:
  errc code_ = errc::ok;
  std::string detail_;
};

/// A value or the status that explains why there is none.
template <class T> class result {
public:
  result(T value) : v_(std::move(value)) {}
  result(status error) : v_(std::move(error)) { assert(!std::get<status>(v_).is_ok()); }

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  /// REQUIRES: !has_value()
  const status& error() const { return std::get<1>(v_); }

private:
  std::variant<T, status> v_;
};

} // namespace hotline::events
