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
template <class T>
void append_binary(std::string& out, const T& value) {
  auto& s = detail::thread_output();
  s.sink.target(&out);
  s.os.clear();
  cereal::BinaryOutputArchive ar{s.os};
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

} // namespace hotline::events
