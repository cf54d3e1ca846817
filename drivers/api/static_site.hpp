#pragma once
/// The web pages of the node (docs/web.md): the files of the repository's
/// `web/` folder, built into the binary (drivers/CMakeLists.txt generates a
/// source with their bytes), served under `/` of the API listener. The
/// binary needs no file at run time, and nothing is read from the disk, so
/// no request can reach a file outside the pages: a path is only ever a key
/// of the embedded table.
///
/// What `serve` answers (GET and HEAD only):
///  - `/` is `/index.html`, a path ending in `/` its `index.html`;
///  - a known file: 200 with its Content-Type (by extension, UTF-8 for
///    text), a strong `ETag` (FNV-1a 64 of its bytes) and `Cache-Control:
///    no-cache` (the browser revalidates; `If-None-Match` with the ETag
///    gets 304 without a body), and on every answer the page's security
///    headers: a Content-Security-Policy that allows scripts, styles and
///    connections from the node itself only (no inline script, no
///    `eval`, no framing), `X-Frame-Options: DENY`;
///  - a path with a `..` or `.` segment, a backslash, a NUL or an empty
///    segment (`//`): 404, like an unknown file (no hint that it was
///    refused for its shape);
///  - another method: 405 `method_not_allowed`.
/// Errors are the API's JSON `{"error", "detail"}`.
///
/// Thread safety: `serve` is const and may run on any thread.
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "drivers/api/http_server.hpp"

namespace hotline::drivers::api {

/// One file of the pages as the build embedded it.
struct web_file {
  std::string_view path;    ///< "/index.html", "/js/feed.js": from the web/ folder, '/'-separated
  std::string_view content; ///< its bytes
};

/// The files of web/ as built into this binary (generated source).
std::span<const web_file> embedded_web_files();

/// The Content-Security-Policy of every page answer.
inline constexpr std::string_view web_content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

class static_site {
public:
  /// The site of `files` (borrowed: the table must outlive the site; the
  /// embedded one lives as long as the program). A path given twice keeps
  /// the first.
  explicit static_site(std::span<const web_file> files);

  /// The answer to a request for a page path (see the header comment).
  http_response serve(const http_request& req) const;

  /// Whether `path` names a file ("/" and "dir/" resolve to index.html).
  bool has(std::string_view path) const;
  std::size_t size() const { return files_.size(); }

  /// The Content-Type for a file name by its extension
  /// ("application/octet-stream" for an unknown one).
  static std::string_view content_type(std::string_view path);
  /// The file key a request path names, or "" when the path's shape is
  /// refused (dot segments, backslash, NUL, empty segments, not absolute).
  static std::string resolve(std::string_view path);

private:
  struct entry {
    std::string_view content;
    std::string etag; ///< "\"<16 hex digits>\""
  };
  std::map<std::string, entry, std::less<>> files_;
};

} // namespace hotline::drivers::api
