#include "drivers/store/stream_index.hpp"

namespace hotline::drivers::stream_index {

using events::errc;
using events::status;

namespace {

void put_be64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_be64(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

} // namespace

std::string run_key(std::string_view stream, std::uint64_t first_revision) {
  std::string k;
  k.reserve(stream.size() + 9);
  append_run_key(k, stream, first_revision);
  return k;
}

void append_run_key(std::string& out, std::string_view stream, std::uint64_t first_revision) {
  out.append(stream);
  out.push_back('\0');
  put_be64(out, first_revision);
}

std::optional<std::uint64_t> run_first_revision(std::string_view key, std::string_view stream) {
  if (key.size() != stream.size() + 9 || key.substr(0, stream.size()) != stream ||
      key[stream.size()] != '\0')
    return std::nullopt;
  return get_be64(key.substr(stream.size() + 1));
}

void encode_run(std::string& out, const std::uint64_t* positions, std::size_t count) {
  put_be64(out, positions[0]);
  for (std::size_t i = 1; i < count; ++i) {
    std::uint64_t d = positions[i] - positions[i - 1];
    while (d >= 0x80) {
      out.push_back(static_cast<char>((d & 0x7f) | 0x80));
      d >>= 7;
    }
    out.push_back(static_cast<char>(d));
  }
}

status decode_run(std::string_view value, std::vector<std::uint64_t>& positions) {
  positions.clear();
  if (value.size() < 8) return {errc::corrupt_record, "stream index run shorter than 8 bytes"};
  std::uint64_t pos = get_be64(value);
  positions.push_back(pos);
  for (std::size_t i = 8; i < value.size();) {
    std::uint64_t d = 0;
    int shift = 0;
    for (;;) {
      if (i == value.size() || shift > 63)
        return {errc::corrupt_record, "stream index run has a truncated position delta"};
      const auto b = static_cast<unsigned char>(value[i++]);
      d |= std::uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) break;
      shift += 7;
    }
    if (d == 0) return {errc::corrupt_record, "stream index run repeats a position"};
    pos += d;
    positions.push_back(pos);
  }
  return {};
}

status recent_index::add(std::string_view stream, std::uint64_t first_revision,
                         std::uint64_t first_position, std::size_t count) {
  auto it = runs_.find(stream);
  if (it == runs_.end()) {
    it = runs_.emplace(std::string{stream}, run{first_revision, {}}).first;
  } else if (it->second.last_revision() + 1 != first_revision) {
    return {errc::corrupt_record, "stream '" + std::string{stream} + "' continues at revision " +
                                      std::to_string(first_revision) + " after revision " +
                                      std::to_string(it->second.last_revision())};
  }
  for (std::size_t i = 0; i < count; ++i)
    it->second.positions.push_back(first_position + i);
  events_ += count;
  return {};
}

const recent_index::run* recent_index::find(std::string_view stream) const {
  auto it = runs_.find(stream);
  return it == runs_.end() ? nullptr : &it->second;
}

void recent_index::clear() {
  runs_.clear();
  events_ = 0;
}

} // namespace hotline::drivers::stream_index
