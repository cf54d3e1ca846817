#pragma once
/// The compact cereal binary form (little-endian, as cereal's BinaryArchive
/// writes it on the x86-64/ARM64 hosts hotline supports). `to_binary`
/// cannot fail; `from_binary` turns every decoding failure (truncation,
/// absurd lengths, trailing bytes) into a `corrupt_record` status.
#include <istream>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

#include <cereal/archives/binary.hpp>

#include "events/status.hpp"

namespace hotline::events {

namespace detail {

class string_sink final : public std::streambuf {
public:
  explicit string_sink(std::string& out) : out_(out) {}

protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) out_.push_back(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.append(s, static_cast<std::size_t>(n));
    return n;
  }

private:
  std::string& out_;
};

class view_source final : public std::streambuf {
public:
  explicit view_source(std::string_view in) {
    char* p = const_cast<char*>(in.data());
    setg(p, p, p + in.size());
  }
  bool exhausted() const { return gptr() == egptr(); }
};

} // namespace detail

/// Appends the binary form of `value` to `out`.
template <class T>
void append_binary(std::string& out, const T& value) {
  detail::string_sink sink{out};
  std::ostream os{&sink};
  cereal::BinaryOutputArchive ar{os};
  ar(value);
}

template <class T>
std::string to_binary(const T& value) {
  std::string out;
  append_binary(out, value);
  return out;
}

/// Decodes `bytes` into `value`; the whole input must be consumed.
template <class T>
status from_binary(std::string_view bytes, T& value) noexcept {
  // One std::istream per thread, pointed at each input in turn: constructing
  // a stream (locale set-up) cost about as much as decoding a small payload,
  // and every record read decodes twice (envelope, then payload).
  thread_local std::istream is{nullptr};
  struct detach {
    std::istream& s;
    ~detach() { s.rdbuf(nullptr); }
  };
  try {
    detail::view_source src{bytes};
    is.rdbuf(&src); // also clears the error state of a previous failure
    detach guard{is};
    {
      cereal::BinaryInputArchive ar{is};
      ar(value);
    }
    if (!src.exhausted()) return {errc::corrupt_record, "trailing bytes after the encoded value"};
    return {};
  } catch (const std::exception& e) {
    return {errc::corrupt_record, std::string{"binary decoding failed: "} + e.what()};
  }
}

} // namespace hotline::events
