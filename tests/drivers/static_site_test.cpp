// The web pages' static route (drivers/api/static_site.hpp): types, ETags,
// 304s, the security headers, and every path shape that must not reach a file.
#include <doctest/doctest.h>

#include <string>

#include "drivers/api/static_site.hpp"

using namespace hotline::drivers::api;

namespace {

const web_file files[] = {
    {"/index.html", "<!doctype html><title>hotline</title>"},
    {"/js/app.js", "export const x = 1;\n"},
    {"/css/site.css", "body{}"},
    {"/img/logo.svg", "<svg/>"},
    {"/agent/index.html", "<!doctype html><title>agent</title>"},
    {"/data.bin", "\x01\x02"},
    {"/index.html", "a second copy: ignored"},
};

http_request get(std::string path, std::string method = "GET") {
  http_request r;
  r.method = std::move(method);
  r.path = path;
  r.target = path;
  return r;
}

std::string header(const http_response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return {};
}

} // namespace

TEST_CASE("static site: / is index.html, each file has its type, an ETag and the CSP") {
  static_site site{files};
  CHECK(site.size() == 6);
  auto r = site.serve(get("/"));
  CHECK(r.status == 200);
  CHECK(r.body == "<!doctype html><title>hotline</title>");
  CHECK(r.content_type == "text/html; charset=utf-8");
  CHECK(header(r, "Cache-Control") == "no-cache");
  CHECK(header(r, "ETag").size() == 18);
  CHECK(header(r, "X-Frame-Options") == "DENY");
  const auto csp = header(r, "Content-Security-Policy");
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(csp.find("unsafe-eval") == std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);

  CHECK(site.serve(get("/js/app.js")).content_type == "text/javascript; charset=utf-8");
  CHECK(site.serve(get("/css/site.css")).content_type == "text/css; charset=utf-8");
  CHECK(site.serve(get("/img/logo.svg")).content_type == "image/svg+xml");
  CHECK(site.serve(get("/data.bin")).content_type == "application/octet-stream");
  CHECK(site.serve(get("/agent/")).body == "<!doctype html><title>agent</title>");
  // Different bytes, different ETags; the same bytes, the same one.
  CHECK(header(site.serve(get("/js/app.js")), "ETag") != header(r, "ETag"));
  CHECK(header(site.serve(get("/index.html")), "ETag") == header(r, "ETag"));
}

TEST_CASE("static site: If-None-Match with the ETag is 304 without a body, HEAD is served") {
  static_site site{files};
  const auto etag = header(site.serve(get("/js/app.js")), "ETag");
  auto req = get("/js/app.js");
  req.headers["if-none-match"] = "\"0000000000000000\", W/" + etag;
  auto r = site.serve(req);
  CHECK(r.status == 304);
  CHECK(r.body.empty());
  CHECK(header(r, "ETag") == etag);
  req.headers["if-none-match"] = "\"0000000000000000\"";
  CHECK(site.serve(req).status == 200);
  auto head = site.serve(get("/js/app.js", "HEAD"));
  CHECK(head.status == 200);
  CHECK(head.body == "export const x = 1;\n"); // the transport sends only its length
}

TEST_CASE("static site: traversal, odd shapes and unknown files are 404, other methods 405") {
  static_site site{files};
  for (const char* bad :
       {"/../index.html", "/js/../index.html", "/js/./app.js", "/./index.html", "/js//app.js",
        "//index.html", "/..", "/.", "/js\\app.js", "/nothing.html", "/js/", "/JS/app.js",
        "/index.html/", "/../../../etc/passwd", "index.html", ""}) {
    INFO(bad);
    auto r = site.serve(get(bad));
    CHECK(r.status == 404);
    CHECK(r.body.find("\"error\":\"not_found\"") != std::string::npos);
    CHECK(r.content_type == "application/json");
    CHECK_FALSE(site.has(bad));
  }
  CHECK(site.serve(get(std::string{"/index.html\0x", 13})).status == 404);
  auto post = site.serve(get("/index.html", "POST"));
  CHECK(post.status == 405);
  CHECK(header(post, "Allow") == "GET, HEAD");
  CHECK(site.serve(get("/index.html", "DELETE")).status == 405);
}

TEST_CASE("static site: resolve names the file a path means, or nothing") {
  CHECK(static_site::resolve("/") == "/index.html");
  CHECK(static_site::resolve("/agent/") == "/agent/index.html");
  CHECK(static_site::resolve("/a.js") == "/a.js");
  CHECK(static_site::resolve("/a/../b").empty());
  CHECK(static_site::resolve("/a/..").empty());
  CHECK(static_site::resolve("/...").size() == 4); // a name made of dots is a name
  CHECK(static_site::resolve("relative").empty());
}

TEST_CASE("static site: the pages built into this binary are there") {
  static_site site{embedded_web_files()};
  REQUIRE(site.has("/"));
  CHECK(site.has("/login.js"));
  CHECK(site.has("/agent.html"));
  CHECK(site.has("/supervisor.html"));
  CHECK(site.has("/admin.html"));
  CHECK(site.has("/audit.html"));
  CHECK(site.has("/kpi.html"));
  // No inline script in any page: the CSP would block it.
  for (const auto& f : embedded_web_files()) {
    if (!f.path.ends_with(".html")) continue;
    INFO(f.path);
    const std::string html{f.content};
    auto at = html.find("<script");
    while (at != std::string::npos) {
      const auto end = html.find('>', at);
      REQUIRE(end != std::string::npos);
      CHECK(html.substr(at, end - at).find("src=") != std::string::npos);
      at = html.find("<script", end);
    }
    CHECK(html.find(" onclick=") == std::string::npos);
    CHECK(html.find(" style=") == std::string::npos);
  }
}
