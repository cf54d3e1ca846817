#include "drivers/store/stored_record.hpp"

#include <bit>
#include <cstring>

#include "events/checksum.hpp"
#include "events/codec.hpp"

namespace hotline::drivers {

namespace {

using events::errc;
using events::status;

// The storage form, format 1 (events/codec.cpp, `record_fields`): 'h', 1,
// crc32c (4 bytes LE) of the rest, then cereal's binary archive of
//   id.hi, id.lo, stream, revision, position, site, tenant, type, version,
//   timestamp_ns, correlation.hi, correlation.lo, causation.hi,
//   causation.lo, caused_by.role, caused_by.id, payload
// where integers are little-endian in their own width and a string is a
// uint64 length followed by its bytes.
constexpr char record_magic = 'h';
constexpr char record_format = 1;
constexpr std::size_t record_header = 6;

static_assert(
    std::endian::native == std::endian::little,
    "cereal's binary archive writes host byte order; hotline supports little-endian hosts");

class cursor {
public:
  explicit cursor(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  template <class T> bool read(T& out) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < sizeof(T)) return false;
    std::memcpy(&out, p_, sizeof(T));
    p_ += sizeof(T);
    return true;
  }

  bool read(std::string& out) {
    std::uint64_t size = 0;
    if (!read(size) || size > static_cast<std::uint64_t>(end_ - p_)) return false;
    // resize + memcpy: within the string's capacity (the reused event's)
    // this is cheaper than assign, which also handles aliasing it cannot
    // have here (REQUIRES of decode_record_into).
    out.resize(static_cast<std::size_t>(size));
    if (size > 0) std::memcpy(out.data(), p_, static_cast<std::size_t>(size));
    p_ += size;
    return true;
  }

  bool read(events::event_id& id) noexcept { return read(id.hi) && read(id.lo); }

  bool done() const noexcept { return p_ == end_; }

private:
  const char* p_;
  const char* end_;
};

class writer {
public:
  explicit writer(std::string& out) : out_(out) {}

  template <class T> void put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out_.append(b, sizeof(T));
  }
  void put(std::string_view s) {
    put(static_cast<std::uint64_t>(s.size()));
    out_.append(s);
  }
  void put(const events::event_id& id) {
    put(id.hi);
    put(id.lo);
  }

private:
  std::string& out_;
};

} // namespace

void encode_record_into(std::string& out, std::string_view stream, std::uint64_t revision,
                        std::uint64_t position, const events::proposed_event& e) {
  const auto& m = e.meta;
  out.clear();
  out.reserve(record_header + 8 * 14 + 2 + 1 + stream.size() + m.site.size() + m.tenant.size() +
              e.type.size() + m.caused_by.id.size() + e.payload.size());
  out.append({record_magic, record_format, 0, 0, 0, 0});
  writer w{out};
  w.put(m.id);
  w.put(stream);
  w.put(revision);
  w.put(position);
  w.put(std::string_view{m.site});
  w.put(std::string_view{m.tenant});
  w.put(std::string_view{e.type});
  w.put(e.version);
  w.put(m.timestamp_ns);
  w.put(m.correlation);
  w.put(m.causation);
  w.put(static_cast<std::uint8_t>(m.caused_by.role));
  w.put(std::string_view{m.caused_by.id});
  w.put(std::string_view{e.payload});
  const std::uint32_t crc = events::crc32c(std::string_view{out}.substr(record_header));
  std::memcpy(out.data() + 2, &crc, 4);
}

void encode_record_into(std::string& out, const events::recorded_event& e) {
  // Not a hot path (tests, tools): copies the strings once.
  events::proposed_event p;
  p.meta.id = e.meta.id;
  p.meta.timestamp_ns = e.meta.timestamp_ns;
  p.meta.correlation = e.meta.correlation;
  p.meta.causation = e.meta.causation;
  p.meta.caused_by.role = e.meta.caused_by.role;
  p.version = e.version;
  p.meta.site = e.meta.site;
  p.meta.tenant = e.meta.tenant;
  p.meta.caused_by.id = e.meta.caused_by.id;
  p.type = e.type;
  p.payload = e.payload;
  encode_record_into(out, e.stream, e.revision, e.position, p);
}

status decode_record_into(std::string_view bytes, events::recorded_event& e) {
  if (bytes.size() < record_header || bytes[0] != record_magic || bytes[1] != record_format) {
    // Not the layout this decoder knows (or not a record at all): the
    // codec says precisely what is wrong, or decodes a newer format.
    auto rec = events::event_codec::standard().decode_record(bytes);
    if (!rec) return rec.error();
    e = std::move(*rec);
    return {};
  }
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + 2, 4);
  if (events::crc32c(bytes.substr(record_header)) != stored)
    return {errc::corrupt_record, "checksum mismatch"};
  cursor in{bytes.substr(record_header)};
  std::uint8_t role = 0;
  const bool ok = in.read(e.meta.id) && in.read(e.stream) && in.read(e.revision) &&
                  in.read(e.position) && in.read(e.meta.site) && in.read(e.meta.tenant) &&
                  in.read(e.type) && in.read(e.version) && in.read(e.meta.timestamp_ns) &&
                  in.read(e.meta.correlation) && in.read(e.meta.causation) && in.read(role) &&
                  in.read(e.meta.caused_by.id) && in.read(e.payload);
  if (!ok) return {errc::corrupt_record, "binary decoding failed: the record is truncated"};
  if (!in.done()) return {errc::corrupt_record, "trailing bytes after the encoded value"};
  e.meta.caused_by.role = static_cast<events::principal::kind>(role);
  return {};
}

} // namespace hotline::drivers
