// The web pages as a real `hotline node` serves them under `/` of its API
// (docs/web.md): over real sockets, through the transport's own decoding
// of the path (percent-escapes, raw dot segments), every way out of the
// built-in pages is a 404, and every page answer carries its type, its
// ETag and the Content-Security-Policy.
#include <doctest/doctest.h>

#include "tests/support/api_node.hpp"
#include "tests/support/center_toml.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using hotline::testing::temp_dir;
using namespace hotline::test::api;

namespace {

std::string write_center(const std::string& dir) {
  return hotline::test::center_toml{"website"}
      .tenant("acme")
      .trunk("pstn", 4)
      .queue("sales", "acme", "sales = 1")
      .agent("a1", "acme", "sales = 50", {"sales"})
      .entry("100", "acme", "sales")
      .write(dir);
}

} // namespace

TEST_CASE("web pages: the node serves web/ under / with types, ETags and the CSP, and nothing "
          "else") {
  temp_dir dir;
  const auto config = write_center(dir.path());
  auto node = start_node(config, dir.path() + "/store");
  using hotline::test::request;

  auto index = request(node.url, "GET", "/");
  CHECK(index.status == 200);
  CHECK(index.header("content-type") == "text/html; charset=utf-8");
  CHECK(index.body.find("<script type=\"module\" src=\"/login.js\">") != std::string::npos);
  CHECK(index.header("content-security-policy").find("script-src 'self'") != std::string::npos);
  CHECK(index.header("x-frame-options") == "DENY");
  CHECK(index.header("x-content-type-options") == "nosniff");
  CHECK(index.header("cache-control") == "no-cache");
  const auto etag = index.header("etag");
  REQUIRE(etag.size() == 18);
  CHECK(request(node.url, "GET", "/", {}, {{"If-None-Match", etag}}).status == 304);
  CHECK(request(node.url, "GET", "/index.html").body == index.body);

  CHECK(request(node.url, "GET", "/agent.js").header("content-type") ==
        "text/javascript; charset=utf-8");
  CHECK(request(node.url, "GET", "/lib/feed.js").header("content-type") ==
        "text/javascript; charset=utf-8");
  CHECK(request(node.url, "GET", "/hotline.css").header("content-type") ==
        "text/css; charset=utf-8");
  CHECK(request(node.url, "GET", "/favicon.svg").header("content-type") == "image/svg+xml");
  auto head = request(node.url, "HEAD", "/supervisor.html");
  CHECK(head.status == 200);
  CHECK(head.body.empty());

  for (const char* bad :
       {"/nothing.html", "/lib/", "/lib/../index.html", "/lib/%2e%2e/index.html",
        "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/lib%2f..%2findex.html",
        "/lib//feed.js", "/lib/%5cfeed.js", "/./index.html"}) {
    INFO(bad);
    auto r = request(node.url, "GET", bad);
    CHECK(r.status == 404);
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.body.find("\"not_found\"") != std::string::npos);
  }
  // The API keeps its own answers: an unknown API path is the API's 404,
  // a page is not a route for other methods.
  auto api404 = request(node.url, "GET", "/api/nothing");
  CHECK(api404.status == 404);
  CHECK(api404.header("content-security-policy").empty());
  CHECK(request(node.url, "POST", "/index.html", "{}", {{"Content-Type", "application/json"}})
            .status == 405);
  CHECK(request(node.url, "GET", "/healthz").status == 200);
  node.stop();
}
