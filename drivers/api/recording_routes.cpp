// Playing a call's recording (docs/api.md, "Recordings"; F14): the WAV file
// named by the call's `recording.stopped`, checked against the SHA-256 that
// event recorded, streamed with byte ranges. Every read is audited
// (`audit.data_read`, kind `recording`), as a customer's profile is.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <openssl/evp.h>

#include "drivers/api/api_exchange.hpp"
#include "events/codec.hpp"
#include "events/recording/recording.hpp"

namespace hotline::drivers::api {

namespace identity = events::identity;
namespace fs = std::filesystem;

namespace {

/// The largest part one answer carries; a browser asks for the rest.
constexpr std::uint64_t max_part_bytes = 8 * 1024 * 1024;

/// Lowercase hex SHA-256 of a file, or "" when it cannot be read.
std::string file_sha256(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return {};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

/// Files already found whole, by path: a browser's range requests do not
/// hash the file again while its size and time are unchanged.
class verified_files {
public:
  bool known(const std::string& path, std::uintmax_t size, fs::file_time_type at) {
    std::lock_guard lock{m_};
    auto it = files_.find(path);
    return it != files_.end() && it->second.first == size && it->second.second == at;
  }
  void add(const std::string& path, std::uintmax_t size, fs::file_time_type at) {
    std::lock_guard lock{m_};
    if (files_.size() >= 1000) files_.clear(); // bounded
    files_[path] = {size, at};
  }

private:
  std::mutex m_;
  std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> files_;
};

verified_files& verified() {
  static verified_files v;
  return v;
}

struct byte_range {
  std::uint64_t first = 0, last = 0; ///< inclusive
};

/// `Range: bytes=a-b | a- | -n` of a file of `size` bytes: nullopt when
/// absent or not one byte range (the whole file is sent); `unsatisfiable`
/// when it starts beyond the end.
std::optional<byte_range> parse_range(const std::string& header, std::uint64_t size,
                                      bool& unsatisfiable) {
  unsatisfiable = false;
  if (header.rfind("bytes=", 0) != 0 || header.find(',') != std::string::npos) return std::nullopt;
  const auto spec = header.substr(6);
  const auto dash = spec.find('-');
  if (dash == std::string::npos) return std::nullopt;
  auto number = [](const std::string& s) -> std::optional<std::uint64_t> {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    return std::stoull(s);
  };
  const auto a = number(spec.substr(0, dash)), b = number(spec.substr(dash + 1));
  byte_range r;
  if (!a && b) { // the last n bytes
    if (*b == 0 || size == 0) {
      unsatisfiable = true;
      return std::nullopt;
    }
    r.first = *b >= size ? 0 : size - *b;
    r.last = size - 1;
    return r;
  }
  if (!a || (b && *b < *a)) return std::nullopt;
  if (*a >= size) {
    unsatisfiable = true;
    return std::nullopt;
  }
  r.first = *a;
  r.last = b ? std::min(*b, size - 1) : size - 1;
  return r;
}

/// Reads `count` bytes of `path` from `offset`; false when it could not.
bool read_part(const std::string& path, std::uint64_t offset, std::uint64_t count,
               std::string& out) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return false;
  in.seekg(static_cast<std::streamoff>(offset));
  out.resize(count);
  in.read(out.data(), static_cast<std::streamsize>(count));
  return static_cast<std::uint64_t>(in.gcount()) == count;
}

/// Checks the file against its `recording.stopped`, then answers with the part asked for.
void send_file(const exchange_ptr& ex, const events::recording_stopped& rec) {
  std::error_code ec;
  const auto size = fs::file_size(rec.file, ec);
  if (ec)
    return ex->fail(404, "file_missing",
                    "the recording of call '" + rec.call_id + "' was stored as '" + rec.file +
                        "', which the node cannot read: " + ec.message());
  const auto at = fs::last_write_time(rec.file, ec);
  if (!verified().known(rec.file, size, at)) {
    if (rec.bytes > 0 && static_cast<std::uintmax_t>(rec.bytes) != size)
      return ex->fail(409, "recording_tampered",
                      "the file '" + rec.file + "' has " + std::to_string(size) +
                          " bytes; recording.stopped recorded " + std::to_string(rec.bytes));
    const auto sha = file_sha256(rec.file);
    if (sha != rec.sha256)
      return ex->fail(409, "recording_tampered",
                      "the SHA-256 of '" + rec.file + "' is " + (sha.empty() ? "unreadable" : sha) +
                          "; recording.stopped recorded " + rec.sha256);
    verified().add(rec.file, size, at);
  }
  http_response r;
  r.content_type = "audio/wav";
  r.headers = {{"Accept-Ranges", "bytes"},
               {"Cache-Control", "no-store"},
               {"X-Recording-SHA256", rec.sha256}};
  bool unsatisfiable = false;
  const auto range = parse_range(ex->req.header("range"), size, unsatisfiable);
  if (unsatisfiable)
    return ex->fail(416, "range_not_satisfiable",
                    "header 'Range' asks beyond the file's " + std::to_string(size) + " bytes",
                    {{"Content-Range", "bytes */" + std::to_string(size)}});
  std::uint64_t first = 0, count = size;
  if (range) {
    first = range->first;
    count = std::min<std::uint64_t>(range->last - range->first + 1, max_part_bytes);
    r.status = 206;
    r.headers.emplace_back("Content-Range", "bytes " + std::to_string(first) + "-" +
                                                std::to_string(first + count - 1) + "/" +
                                                std::to_string(size));
  }
  if (!read_part(rec.file, first, count, r.body))
    return ex->fail(404, "file_missing", "the file '" + rec.file + "' could not be read");
  if (ex->reply_to) ex->reply_to(std::move(r));
  ex->reply_to = nullptr;
}

/// GET /api/recordings/{call}: the call's recording as audio/wav.
void recording(node_api::impl& api, const exchange_ptr& ex) {
  const auto& call = ex->param("call");
  auto stream = api.store.read_stream(events::recording::stream_name(call));
  if (!stream) return ex->fail(500, "store_error", stream.error().message());
  if (stream->empty()) return ex->fail(404, "not_found", "no recording of call '" + call + "'");
  identity::resource r;
  r.tenant = stream->front().meta.tenant;
  if (!api.allowed(ex, identity::action::audit_read, r)) return;
  std::optional<events::recording_stopped> stopped;
  for (const auto& e : *stream) {
    if (e.type != events::recording_stopped::type_name) continue;
    auto decoded = events::event_codec::standard().decode(e);
    if (!decoded) return ex->fail(500, "store_error", decoded.error().message());
    if (const auto* s = std::get_if<events::recording_stopped>(&*decoded)) stopped = *s;
  }
  api.audit_read(ex, "recording", call); // played or refused: the attempt is the fact
  if (!stopped)
    return ex->fail(409, "recording_in_progress",
                    "the recording of call '" + call + "' has not stopped yet");
  if (!stopped->error.empty())
    return ex->fail(409, "recording_failed",
                    "the recording of call '" + call + "' failed: " + stopped->error);
  // Hashing a long file takes a while: off the I/O thread.
  api.checks.post([ex, rec = *stopped] { send_file(ex, rec); });
}

} // namespace

void add_recording_routes(node_api::impl& api) {
  api.add("GET", "/api/recordings/{call}",
          "A call's recording (audio/wav, byte ranges), checked against the SHA-256 of its "
          "recording.stopped (409 recording_tampered); every read is audited",
          "auditor; admin; operator", recording);
  api.routes.back().info.content_type = "audio/wav";
}

} // namespace hotline::drivers::api
