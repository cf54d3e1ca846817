// The text rules the HTTP server applies (drivers/api/http_text.hpp):
// percent-decoding, query strings, cookies, the listen option, JSON errors.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "drivers/api/http_server.hpp"
#include "drivers/api/http_text.hpp"

namespace api = hotline::drivers::api;

TEST_CASE("http text: percent-decoding keeps what is plain and refuses what is broken") {
  CHECK(api::percent_decode("/api/a%20b", false) == "/api/a b");
  CHECK(api::percent_decode("%e5%91%BC", false) == "\xe5\x91\xbc");
  CHECK(api::percent_decode("a+b", false) == "a+b");
  CHECK(api::percent_decode("a+b", true) == "a b");
  CHECK(api::percent_decode("", false) == "");
  CHECK_FALSE(api::percent_decode("%", false).has_value());
  CHECK_FALSE(api::percent_decode("abc%2", false).has_value());
  CHECK_FALSE(api::percent_decode("%zz", false).has_value());
  CHECK_FALSE(api::percent_decode("a%00b", false).has_value()); // NUL never reaches a handler
}

TEST_CASE("http text: a query string becomes decoded parameters, first value wins") {
  const auto q = api::parse_query("a=1&b=x%20y&c&&d=p+q&a=2&=v");
  REQUIRE(q.has_value());
  CHECK(q->at("a") == "1");
  CHECK(q->at("b") == "x y");
  CHECK(q->at("c") == "");
  CHECK(q->at("d") == "p q");
  CHECK(q->at("") == "v");
  CHECK(q->size() == 5);
  CHECK(api::parse_query("")->empty());
  CHECK_FALSE(api::parse_query("a=%G1").has_value());
  CHECK_FALSE(api::parse_query("%00=1").has_value());
}

TEST_CASE("http text: cookies by name, quotes removed, absent is empty") {
  const std::string h = "theme=dark; session=\"abc=def\";  other = x ; flag";
  CHECK(api::cookie_value(h, "theme") == "dark");
  CHECK(api::cookie_value(h, "session") == "abc=def");
  CHECK(api::cookie_value(h, "other") == "x");
  CHECK(api::cookie_value(h, "flag") == "");
  CHECK(api::cookie_value(h, "sess") == "");
  CHECK(api::cookie_value("a=1; a=2", "a") == "1");
  CHECK(api::cookie_value("", "a") == "");

  api::http_request r;
  r.headers["cookie"] = "sid=42; lang=zh";
  r.headers["x-trace"] = "t";
  CHECK(r.cookie("sid") == "42");
  CHECK(r.cookie("nope") == "");
  CHECK(r.header("x-trace") == "t");
  CHECK(r.header("absent") == "");
  CHECK(api::http_request{}.cookie("sid") == "");
}

TEST_CASE("http text: JSON errors parse back whatever the detail holds") {
  const std::string detail =
      "quote \" backslash \\ newline \n nul-free \x01 \x7f utf-8 \xe5\x91\xbc";
  const auto j = nlohmann::json::parse(api::json_error("malformed_request", detail));
  CHECK(j.at("error") == "malformed_request");
  CHECK(j.at("detail") == detail);
}

TEST_CASE("http text: header text with CR, LF or NUL is unsafe") {
  CHECK(api::header_text_is_safe("sid=1; HttpOnly; SameSite=Strict"));
  CHECK_FALSE(api::header_text_is_safe("a\r\nSet-Cookie: evil=1"));
  CHECK_FALSE(api::header_text_is_safe("a\nb"));
  CHECK_FALSE(api::header_text_is_safe(std::string_view{"a\0b", 3}));
}

TEST_CASE("http text: the listen option, IPv4, IPv6, names, and what is wrong with bad ones") {
  auto ok = [](std::string_view t) { return std::get<api::listen_address>(api::parse_listen(t)); };
  CHECK(ok("127.0.0.1:8080").host == "127.0.0.1");
  CHECK(ok("127.0.0.1:8080").port == 8080);
  CHECK(ok("[::1]:0").host == "::1");
  CHECK(ok("[::1]:0").port == 0);
  CHECK(ok("localhost:65535").port == 65535);

  auto bad = [](std::string_view t) { return std::get<std::string>(api::parse_listen(t)); };
  CHECK(bad("127.0.0.1") == "listen: '127.0.0.1' has no port (expected host:port)");
  CHECK(bad(":80") == "listen: ':80' has no host (expected host:port)");
  CHECK(bad("127.0.0.1:99999").find("port '99999' is not a number from 0 to 65535") !=
        std::string::npos);
  CHECK(bad("127.0.0.1:http").find("port 'http'") != std::string::npos);
  CHECK(bad("127.0.0.1:").find("port ''") != std::string::npos);
  CHECK(bad("::1:80").find("IPv6 address without brackets") != std::string::npos);
  CHECK(bad("[::1").find("'[' without ']'") != std::string::npos);
  CHECK(bad("[::1]80").find("no port after ']'") != std::string::npos);
  CHECK(bad("").find("has no port") != std::string::npos);
}

TEST_CASE("http text: a client's base URL splits into scheme, host, port and Host header") {
  auto u = std::get<api::base_url>(api::parse_base_url("http://127.0.0.1:8080/"));
  CHECK_FALSE(u.tls);
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == "8080");
  CHECK(u.host_header == "127.0.0.1:8080");
  auto v6 = std::get<api::base_url>(api::parse_base_url("wss://[::1]"));
  CHECK(v6.tls);
  CHECK(v6.host == "::1");
  CHECK(v6.port == "443");
  CHECK(std::get<api::base_url>(api::parse_base_url("ws://localhost")).port == "80");
  CHECK(std::get<std::string>(api::parse_base_url("ftp://x")).find("does not start with") !=
        std::string::npos);
  CHECK(std::get<std::string>(api::parse_base_url("http://")).find("'http://'") !=
        std::string::npos);
  CHECK(std::get<std::string>(api::parse_base_url("https://[::1:80")).find("without ']'") !=
        std::string::npos);
}
