#pragma once
/// The byte form of view rows: little-endian fixed-width integers and
/// length-prefixed strings, written in a fixed field order. Deterministic
/// (same values, same bytes) and cheap; `row_reader` never reads past the
/// end: a short or malformed row makes `ok()` false.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace hotline::projections {

class row_writer {
public:
  explicit row_writer(std::string& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void u64(std::uint64_t v) {
    char b[8];
    for (int i = 0; i < 8; ++i)
      b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    out_.append(b, 8);
  }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }

private:
  std::string& out_;
};

class row_reader {
public:
  explicit row_reader(std::string_view in) : in_(in) {}
  std::uint8_t u8() {
    if (!need(1)) return 0;
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  std::uint64_t u64() {
    if (!need(8)) return 0;
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
      v = (v << 8) | static_cast<unsigned char>(in_[pos_ + i]);
    pos_ += 8;
    return v;
  }
  std::string str() {
    auto n = u64();
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string s{in_.substr(pos_, n)};
    pos_ += n;
    return s;
  }
  /// True when every read so far was in bounds.
  bool ok() const noexcept { return ok_; }
  /// True when ok and every byte was consumed.
  bool done() const noexcept { return ok_ && pos_ == in_.size(); }

private:
  bool need(std::size_t n) {
    if (!ok_ || in_.size() - pos_ < n) ok_ = false;
    return ok_;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

} // namespace hotline::projections
