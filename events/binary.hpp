#pragma once
/// The compact cereal binary form (little-endian, as cereal's BinaryArchive
/// writes it on the x86-64/ARM64 hosts hotline supports). `to_binary`
/// cannot fail; `from_binary` turns every decoding failure (truncation,
/// absurd lengths, trailing bytes) into a `corrupt_record` status.
#include <concepts>
#include <cstdint>
#include <cstring>
#include <istream>
#include <map>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <cereal/archives/binary.hpp>

#include "events/status.hpp"

namespace hotline::events {

namespace detail {

class string_sink final : public std::streambuf {
public:
  void target(std::string* out) { out_ = out; }

protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) out_->push_back(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_->append(s, static_cast<std::size_t>(n));
    return n;
  }

private:
  std::string* out_ = nullptr;
};

class view_source final : public std::streambuf {
public:
  void source(std::string_view in) {
    char* p = const_cast<char*>(in.data());
    setg(p, p, p + in.size());
  }
  bool exhausted() const { return gptr() == egptr(); }
};

// Constructing a std::ostream/istream costs more than encoding a small event
// (locale set-up), so each thread keeps one of each and re-targets it.
struct output_stream {
  string_sink sink;
  std::ostream os{&sink};
};
struct input_stream {
  view_source src;
  std::istream is{&src};
};
inline output_stream& thread_output() {
  thread_local output_stream s;
  return s;
}
inline input_stream& thread_input() {
  thread_local input_stream s;
  return s;
}

} // namespace detail

/// Appends the binary form of `value` to `out`.
/// REQUIRES: `value`'s serialize does not itself call append_binary.
template <class T> void append_binary(std::string& out, const T& value) {
  auto& s = detail::thread_output();
  s.sink.target(&out);
  s.os.clear();
  cereal::BinaryOutputArchive ar{s.os};
  ar(value);
}

template <class T> std::string to_binary(const T& value) {
  std::string out;
  append_binary(out, value);
  return out;
}

/// Decodes `bytes` into `value`; the whole input must be consumed.
template <class T> status from_binary(std::string_view bytes, T& value) noexcept {
  auto& s = detail::thread_input();
  try {
    s.src.source(bytes);
    s.is.clear();
    {
      cereal::BinaryInputArchive ar{s.is};
      ar(value);
    }
    if (!s.src.exhausted()) return {errc::corrupt_record, "trailing bytes after the encoded value"};
    return {};
  } catch (const std::exception& e) {
    return {errc::corrupt_record, std::string{"binary decoding failed: "} + e.what()};
  }
}

/// Reads cereal's binary form straight from memory, as an archive the
/// payloads' `serialize` functions accept (`ar(x.a); ar(x.b);`; a wire enum
/// field reads its name with `read_text` and refuses an unknown one with
/// `fail`, events/wire_enum.hpp). Supported:
/// arithmetic types and enums (little-endian, own width; a bool is one byte),
/// std::string, std::vector and std::map of supported types (a uint64 count
/// first), and classes with a member or ADL `serialize(Archive&)`.
///
/// Why it exists: `from_binary` goes through a std::istream and builds the
/// value afresh; a replay decodes millions of small payloads, and the stream
/// calls, the exception set-up and the allocations cost more than the fold
/// that uses them. This reader decodes into an existing value whose strings
/// keep their capacity, and reports failure as a flag instead of throwing.
///
/// Contract: `read_binary_into(bytes, x)` succeeds exactly when
/// `from_binary(bytes, x)` does and then yields an equal value
/// (tests/events/binary_reader_test.cpp checks every catalog type, including
/// every truncation and trailing bytes).
class binary_reader {
public:
  explicit binary_reader(std::string_view in) noexcept
      : p_(in.data()), end_(in.data() + in.size()) {}

  /// False once any read ran past the end (later reads do nothing).
  bool ok() const noexcept { return ok_; }
  /// Every byte was read.
  bool done() const noexcept { return ok_ && p_ == end_; }

  template <class... T> binary_reader& operator()(T&... values) {
    (read(values), ...);
    return *this;
  }

  /// Reads a string's bytes without copying them (valid while the input
  /// is); false, with nothing read, when the input is too short.
  bool read_text(std::string_view& out) noexcept {
    std::uint64_t n = 0;
    if (!take(&n, sizeof n)) return false;
    if (n > left()) return ok_ = false;
    out = std::string_view{p_, static_cast<std::size_t>(n)};
    p_ += n;
    return true;
  }

  /// Stops reading: the input holds a value the reader refuses (`why`
  /// says which). The first reason is kept.
  void fail(std::string why) {
    if (ok_) error_ = std::move(why);
    ok_ = false;
  }
  /// Why the reader stopped, when `fail` stopped it; else empty.
  const std::string& error() const noexcept { return error_; }

private:
  template <class T> static constexpr std::size_t min_size() {
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>)
      return sizeof(T);
    else if constexpr (std::is_same_v<T, std::string>)
      return sizeof(std::uint64_t);
    else
      return 0;
  }

  std::size_t left() const noexcept { return static_cast<std::size_t>(end_ - p_); }

  bool take(void* out, std::size_t n) noexcept {
    if (!ok_ || left() < n) return ok_ = false;
    std::memcpy(out, p_, n);
    p_ += n;
    return true;
  }

  /// A container's element count, refused when the input cannot hold that
  /// many elements (cereal would try to allocate them and then fail).
  template <class Elem> bool count(std::uint64_t& n) noexcept {
    if (!take(&n, sizeof n)) return false;
    if constexpr (min_size<Elem>() > 0)
      if (n > left() / min_size<Elem>()) return ok_ = false;
    return true;
  }

  void read(bool& b) noexcept {
    std::uint8_t v = 0;
    if (take(&v, 1)) b = v != 0;
  }

  template <class T>
  requires(std::is_arithmetic_v<T> || std::is_enum_v<T>) void read(T& v) noexcept {
    T tmp;
    if (take(&tmp, sizeof tmp)) v = tmp;
  }

  void read(std::string& s) {
    std::uint64_t n = 0;
    if (!take(&n, sizeof n)) return;
    if (n > left()) {
      ok_ = false;
      return;
    }
    s.assign(p_, static_cast<std::size_t>(n));
    p_ += n;
  }

  template <class T, class A> void read(std::vector<T, A>& v) {
    std::uint64_t n = 0;
    if (!count<T>(n)) return;
    v.resize(static_cast<std::size_t>(n));
    for (auto& x : v) {
      read(x);
      if (!ok_) return;
    }
  }

  template <class K, class V, class C, class A> void read(std::map<K, V, C, A>& m) {
    std::uint64_t n = 0;
    if (!count<K>(n)) return;
    m.clear();
    auto hint = m.begin();
    for (std::uint64_t i = 0; i < n && ok_; ++i) {
      K key{};
      V value{};
      read(key);
      read(value);
      if (ok_) hint = m.emplace_hint(hint, std::move(key), std::move(value));
    }
  }

  template <class T>
  requires std::is_class_v<T>
  void read(T& x) {
    if constexpr (requires { x.serialize(*this); })
      x.serialize(*this);
    else
      serialize(*this, x);
  }

  const char* p_;
  const char* end_;
  bool ok_ = true;
  std::string error_;
};

/// Decodes `bytes` into `value` in place; the whole input must be consumed.
/// Accepts and rejects exactly what `from_binary` does (see binary_reader).
/// On error `value` holds unspecified (valid) values.
template <class T> status read_binary_into(std::string_view bytes, T& value) {
  binary_reader r{bytes};
  r(value);
  if (!r.ok())
    return {errc::corrupt_record,
            "binary decoding failed: " +
                (r.error().empty() ? std::string{"the value is truncated"} : r.error())};
  if (!r.done()) return {errc::corrupt_record, "trailing bytes after the encoded value"};
  return {};
}

} // namespace hotline::events
