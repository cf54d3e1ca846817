#include "drivers/store/wal_scan.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <rocksdb/write_batch.h>

namespace hotline::drivers::wal {

namespace {

constexpr std::uint64_t block_size = 32768;
constexpr std::uint64_t legacy_header = 7;
constexpr std::uint64_t recyclable_header = 11;
constexpr std::uint32_t mask_delta = 0xa282ead8u;

std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    t[i] = c;
  }
  return t;
}

std::uint32_t unmask(std::uint32_t masked) {
  const std::uint32_t rot = masked - mask_delta;
  return (rot >> 17) | (rot << 15);
}

std::uint32_t le32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::uint64_t le64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::uint64_t be64(std::string_view p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<unsigned char>(p[static_cast<std::size_t>(i)]);
  return v;
}

const char* type_name(unsigned type) {
  switch (type) {
  case 1:
  case 5:
    return "FULL";
  case 2:
  case 6:
    return "FIRST";
  case 3:
  case 7:
    return "MIDDLE";
  case 4:
  case 8:
    return "LAST";
  default:
    return "unknown";
  }
}

events::status read_whole(const std::string& path, std::uint64_t from, std::string& out) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return {events::errc::io_error, "cannot read " + path};
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(in.tellg());
  if (from > size) from = size;
  out.resize(size - from);
  in.seekg(static_cast<std::streamoff>(from));
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (!in) return {events::errc::io_error, "cannot read " + path};
  return {};
}

/// Parses physical records of `buf`, whose first byte is at file offset
/// `base` (a block boundary). `mid_record_start`: the buffer may begin
/// inside a fragmented record (scan_after_damage), so leading MIDDLE/LAST
/// fragments are skipped, not damage.
file_report parse(std::string_view buf, std::uint64_t base, bool mid_record_start,
                  const std::function<void(const record&)>& visit) {
  file_report r;
  r.size = base + buf.size();
  std::string assembled;
  bool in_fragment = false;
  bool skipping_lead = mid_record_start;
  std::uint64_t fragment_offset = 0;
  std::uint64_t pos = 0; // within buf
  auto fail = [&](std::uint64_t at, std::string what) {
    r.damaged =
        damage{base + at, r.records, in_fragment ? fragment_offset : base + at, std::move(what)};
  };
  while (pos < buf.size()) {
    const std::uint64_t abs = base + pos;
    const std::uint64_t block_left = block_size - abs % block_size;
    if (block_left < legacy_header) { // zero trailer of a block
      pos += block_left;
      continue;
    }
    const std::uint64_t left = buf.size() - pos;
    const std::uint64_t start = in_fragment ? fragment_offset : abs;
    if (left < legacy_header) { // the file ends inside a header
      r.incomplete_tail = std::pair{start, r.size - start};
      return r;
    }
    const char* h = buf.data() + pos;
    const std::uint32_t stored = le32(h);
    const std::uint64_t length =
        static_cast<unsigned char>(h[4]) | (static_cast<unsigned char>(h[5]) << 8);
    const unsigned type = static_cast<unsigned char>(h[6]);
    if (type == 0 && length == 0 &&
        stored == 0) { // preallocated zeroes: the rest of the block is empty
      pos += block_left;
      continue;
    }
    const std::uint64_t header = type >= 5 && type <= 8 ? recyclable_header : legacy_header;
    if (header + length > left) {
      // Runs past the end of the file: a torn write, unless the bytes up to
      // the end (within the block) are a complete record under its checksum.
      const std::uint64_t avail = std::min(left, block_left);
      if (avail >= header) {
        const std::uint32_t crc = crc32c(0, h + 6, static_cast<std::size_t>(avail - 6));
        if (crc == unmask(stored)) {
          fail(pos, "the length field of the last record (" + std::to_string(length) +
                        " bytes) is damaged: its checksum matches a complete record of " +
                        std::to_string(avail - header) + " bytes");
          return r;
        }
      }
      r.incomplete_tail = std::pair{start, r.size - start};
      return r;
    }
    if (header + length > block_left) {
      fail(pos, "a record of " + std::to_string(length) + " bytes runs past the end of its block");
      return r;
    }
    if (crc32c(0, h + 6, static_cast<std::size_t>(header - 6 + length)) != unmask(stored)) {
      fail(pos, std::string{"checksum mismatch in a "} + type_name(type) + " record of " +
                    std::to_string(length) + " bytes (type " + std::to_string(type) + ")");
      return r;
    }
    const std::string_view payload{h + header, static_cast<std::size_t>(length)};
    const unsigned kind = type >= 5 && type <= 8 ? type - 4 : type;
    if (type == 9 || type == 10) { // metadata records (compression, timestamp sizes): not a batch
      pos += header + length;
      continue;
    }
    if (kind < 1 || kind > 4) {
      fail(pos, "unknown record type " + std::to_string(type));
      return r;
    }
    if (skipping_lead && (kind == 3 || kind == 4)) { // the end of a record begun before the buffer
      pos += header + length;
      continue;
    }
    skipping_lead = false;
    if ((kind == 1 || kind == 2) && in_fragment) {
      fail(fragment_offset - base, "a fragmented record has no LAST fragment (a " +
                                       std::string{type_name(type)} +
                                       " record follows it at offset " + std::to_string(abs) + ")");
      return r;
    }
    if ((kind == 3 || kind == 4) && !in_fragment) {
      fail(pos, std::string{"a "} + type_name(type) + " fragment without its FIRST");
      return r;
    }
    if (kind == 1) {
      if (visit) visit(record{r.records, abs, payload});
      ++r.records;
    } else if (kind == 2) {
      in_fragment = true;
      fragment_offset = abs;
      assembled.assign(payload);
    } else {
      assembled.append(payload);
      if (kind == 4) {
        in_fragment = false;
        if (visit) visit(record{r.records, fragment_offset, assembled});
        ++r.records;
      }
    }
    pos += header + length;
  }
  if (in_fragment) r.incomplete_tail = std::pair{fragment_offset, r.size - fragment_offset};
  return r;
}

class summary_handler final : public rocksdb::WriteBatch::Handler {
public:
  summary_handler(batch_summary& s, column_ids ids) : s_(s), ids_(ids) {}
  rocksdb::Status PutCF(std::uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    if (cf == ids_.events && key.size() == 8) {
      const auto pos = be64(key.ToStringView());
      if (s_.events == 0 || pos < s_.first_event) s_.first_event = pos;
      s_.last_event = std::max(s_.last_event, pos);
      ++s_.events;
    } else if (cf == ids_.checkpoints && value.size() == 8) {
      s_.checkpoints.emplace_back(key.ToString(), be64(value.ToStringView()));
    }
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(std::uint32_t, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(std::uint32_t, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteRangeCF(std::uint32_t, const rocksdb::Slice&,
                                const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(std::uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  void LogData(const rocksdb::Slice&) override {}

private:
  batch_summary& s_;
  column_ids ids_;
};

} // namespace

std::uint32_t crc32c(std::uint32_t crc, const char* data, std::size_t n) noexcept {
  static const auto table = make_table();
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i)
    crc = table[(crc ^ static_cast<unsigned char>(data[i])) & 0xff] ^ (crc >> 8);
  return ~crc;
}

events::result<std::vector<std::string>> wal_files(const std::string& directory) {
  std::vector<std::pair<std::uint64_t, std::string>> found;
  std::error_code ec;
  for (std::filesystem::directory_iterator it{directory, ec}, end; !ec && it != end;
       it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.size() <= 4 || name.substr(name.size() - 4) != ".log") continue;
    const auto digits = name.substr(0, name.size() - 4);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    found.emplace_back(std::stoull(digits), it->path().string());
  }
  if (ec)
    return events::status{events::errc::io_error, "listing " + directory + ": " + ec.message()};
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [n, p] : found)
    out.push_back(std::move(p));
  return out;
}

events::result<file_report> scan_file(const std::string& path,
                                      const std::function<void(const record&)>& visit) {
  std::string buf;
  if (auto st = read_whole(path, 0, buf); !st) return st;
  auto r = parse(buf, 0, false, visit);
  const auto name = std::filesystem::path{path}.filename().string();
  r.name = name;
  try {
    r.number = std::stoull(name);
  } catch (...) {
  }
  return r;
}

std::string read_damaged_record(const std::string& path, std::uint64_t record_offset) {
  std::string buf;
  if (!read_whole(path, 0, buf)) return {};
  std::string out;
  std::uint64_t pos = record_offset;
  bool started = false;
  while (pos < buf.size()) {
    const std::uint64_t block_left = block_size - pos % block_size;
    if (block_left < legacy_header) {
      pos += block_left;
      continue;
    }
    if (buf.size() - pos < legacy_header) return {};
    const char* h = buf.data() + pos;
    const std::uint64_t length =
        static_cast<unsigned char>(h[4]) | (static_cast<unsigned char>(h[5]) << 8);
    const unsigned type = static_cast<unsigned char>(h[6]);
    const std::uint64_t header = type >= 5 && type <= 8 ? recyclable_header : legacy_header;
    const unsigned kind = type >= 5 && type <= 8 ? type - 4 : type;
    if (kind < 1 || kind > 4 || header + length > block_left || pos + header + length > buf.size())
      return {};
    if (!started && (kind == 3 || kind == 4)) return {};
    started = true;
    out.append(h + header, static_cast<std::size_t>(length));
    pos += header + length;
    if (kind == 1 || kind == 4) return out;
  }
  return {};
}

events::status scan_after_damage(const std::string& path, std::uint64_t offset,
                                 const std::function<void(const record&)>& visit) {
  std::string buf;
  if (auto st = read_whole(path, 0, buf); !st) return st;
  std::uint64_t from = (offset / block_size + 1) * block_size;
  while (from < buf.size()) {
    auto r = parse(std::string_view{buf}.substr(from), from, true, visit);
    if (!r.damaged) break;
    from = (r.damaged->offset / block_size + 1) * block_size;
  }
  return {};
}

batch_summary summarize_batch(std::string_view payload, column_ids ids) {
  batch_summary s;
  if (payload.size() < 12) {
    s.readable = false;
    return s;
  }
  s.sequence = le64(payload.data());
  s.count = le32(payload.data() + 8);
  rocksdb::WriteBatch wb{std::string{payload}};
  summary_handler h{s, ids};
  if (!wb.Iterate(&h).ok()) s.readable = false;
  return s;
}

} // namespace hotline::drivers::wal
