#include "drivers/api/static_site.hpp"

#include <cstdint>
#include <cstdio>

#include "drivers/api/http_text.hpp"

namespace hotline::drivers::api {

namespace {

std::string etag_of(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull; // FNV-1a 64
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

/// Whether an If-None-Match header names `etag` ("*", or a list; weak
/// validators compare by their opaque part, as RFC 9110 allows for GET).
bool matches(std::string_view header, std::string_view etag) {
  if (header == "*") return true;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

http_response error(int status, std::string_view code, std::string_view detail) {
  http_response r;
  r.status = status;
  r.body = json_error(code, detail);
  return r;
}

void add_page_headers(http_response& r) {
  r.headers.emplace_back("Content-Security-Policy", std::string{web_content_security_policy});
  r.headers.emplace_back("X-Frame-Options", "DENY");
}

} // namespace

static_site::static_site(std::span<const web_file> files) {
  for (const auto& f : files)
    files_.try_emplace(std::string{f.path}, entry{f.content, etag_of(f.content)});
}

std::string_view static_site::content_type(std::string_view path) {
  struct kind {
    std::string_view ext, type;
  };
  static constexpr kind kinds[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},
  };
  for (const auto& k : kinds)
    if (ends_with(path, k.ext)) return k.type;
  return "application/octet-stream";
}

std::string static_site::resolve(std::string_view path) {
  if (path.empty() || path.front() != '/') return {};
  if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos)
    return {};
  std::string key{path};
  if (key.back() == '/') key += "index.html";
  // Every segment after the leading '/' must be a real name.
  std::string_view rest{key};
  rest.remove_prefix(1);
  while (true) {
    auto slash = rest.find('/');
    auto seg = rest.substr(0, slash);
    if (seg.empty() || seg == "." || seg == "..") return {};
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return key;
}

bool static_site::has(std::string_view path) const {
  auto key = resolve(path);
  return !key.empty() && files_.find(key) != files_.end();
}

http_response static_site::serve(const http_request& req) const {
  http_response r;
  if (req.method != "GET" && req.method != "HEAD") {
    r = error(405, "method_not_allowed", req.method + " is not allowed on a page");
    r.headers.emplace_back("Allow", "GET, HEAD");
    add_page_headers(r);
    return r;
  }
  const auto key = resolve(req.path);
  auto it = key.empty() ? files_.end() : files_.find(key);
  if (it == files_.end()) {
    r = error(404, "not_found", "no page " + req.path);
    add_page_headers(r);
    return r;
  }
  r.headers.emplace_back("ETag", it->second.etag);
  r.headers.emplace_back("Cache-Control", "no-cache");
  add_page_headers(r);
  if (matches(req.header("if-none-match"), it->second.etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.status = 200;
  r.content_type = std::string{content_type(key)};
  r.body = std::string{it->second.content};
  return r;
}

} // namespace hotline::drivers::api
