// SIP digest authentication (drivers/sip/digest.hpp): the parser with
// malformed Authorization headers, HA1 and responses against RFC 2617's
// example, nonces that expire, and the verifier's verdicts.
#include <doctest/doctest.h>

#include "drivers/sip/digest.hpp"

using namespace hotline::drivers::sip;

namespace {

std::string error_of(std::string_view header) {
  auto r = parse_digest_authorization(header);
  REQUIRE_FALSE(r);
  return r.error().message();
}

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("digest: RFC 2617's example gives its response") {
  // RFC 2617 §3.5 (the HTTP example; the algorithm is SIP's too).
  const auto ha1 = digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
  CHECK(ha1 == "939e7578ed9e3c518a452acee763bce9");
  CHECK(is_md5_hex(ha1));
  CHECK(digest_response(ha1, "GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                        "00000001", "0a4f113b", "auth") == "6629fae49393a05397450978507c4ef1");
  CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK_FALSE(is_md5_hex("939E7578ED9E3C518A452ACEE763BCE9"));
  CHECK_FALSE(is_md5_hex("939e"));
}

TEST_CASE("digest: an Authorization header is parsed, quoted or not, in any order") {
  auto c = parse_digest_authorization(
      R"(Digest username="a1", realm="hotline",nonce="abc.def", uri="sip:127.0.0.1:5090", )"
      R"(response="6629FAE49393A05397450978507C4EF1", algorithm=MD5, cnonce="x\"y", )"
      R"(qop=auth, nc=00000001, opaque="", future=thing)");
  REQUIRE(c);
  CHECK(c->username == "a1");
  CHECK(c->realm == "hotline");
  CHECK(c->nonce == "abc.def");
  CHECK(c->uri == "sip:127.0.0.1:5090");
  CHECK(c->response == "6629fae49393a05397450978507c4ef1"); // compared in lower case
  CHECK(c->algorithm == "MD5");
  CHECK(c->cnonce == "x\"y");
  CHECK(c->qop == "auth");
  CHECK(c->nc == "00000001");
  // RFC 2069 style (no qop) is accepted too.
  auto old = parse_digest_authorization(
      R"(  digest username="a1",realm="r",nonce="n",uri="sip:x",response="00000000000000000000000000000000")");
  REQUIRE(old);
  CHECK(old->qop.empty());
}

TEST_CASE("digest: malformed Authorization headers are refused with what is wrong") {
  CHECK(has(error_of(R"(Basic YTE6cGFzcw==)"), "not Digest"));
  CHECK(has(error_of(""), "not Digest"));
  CHECK(has(error_of("Digestusername=\"a\""), "not Digest"));
  CHECK(has(error_of(R"(Digest username)"), "no '='"));
  CHECK(has(error_of(R"(Digest username="a1)"), "not terminated"));
  CHECK(has(error_of(R"(Digest username=, realm="r")"), "empty value"));
  CHECK(has(error_of(R"(Digest username="a1" realm="r")"), "separated by ','"));
  CHECK(has(error_of(R"(Digest ="a1")"), "unexpected '='"));
  const std::string rest =
      R"(, realm="r", nonce="n", uri="sip:x", response="00000000000000000000000000000000")";
  CHECK(has(
      error_of(
          R"(Digest realm="r", nonce="n", uri="sip:x", response="00000000000000000000000000000000")"),
      "no username"));
  CHECK(has(
      error_of(
          R"(Digest username="a", nonce="n", uri="sip:x", response="00000000000000000000000000000000")"),
      "no realm"));
  CHECK(has(
      error_of(
          R"(Digest username="a", realm="r", uri="sip:x", response="00000000000000000000000000000000")"),
      "no nonce"));
  CHECK(has(
      error_of(
          R"(Digest username="a", realm="r", nonce="n", response="00000000000000000000000000000000")"),
      "no uri"));
  CHECK(has(error_of(R"(Digest username="a", realm="r", nonce="n", uri="sip:x")"), "no response"));
  CHECK(has(error_of(R"(Digest username="a", realm="r", nonce="n", uri="sip:x", response="abc")"),
            "32 hex"));
  CHECK(has(error_of("Digest username=\"a\"" + rest + ", algorithm=SHA-256"), "MD5 only"));
  CHECK(has(error_of("Digest username=\"a\"" + rest + ", qop=auth-int, nc=00000001, cnonce=\"c\""),
            "auth only"));
  CHECK(has(error_of("Digest username=\"a\"" + rest + ", qop=auth, cnonce=\"c\""), "nc"));
  CHECK(has(error_of("Digest username=\"a\"" + rest + ", qop=auth, nc=1, cnonce=\"c\""), "nc"));
  CHECK(has(error_of("Digest username=\"a\"" + rest + ", qop=auth, nc=00000001"), "cnonce"));
}

TEST_CASE("digest: nonces are signed and expire") {
  const nonce_signer signer{"secret", 300};
  const auto n = signer.make(1'000);
  CHECK(signer.check(n, 1'000) == nonce_signer::check_result::valid);
  CHECK(signer.check(n, 1'299) == nonce_signer::check_result::valid);
  CHECK(signer.check(n, 1'300) == nonce_signer::check_result::stale);
  // Another node's (another secret), forged or garbled: invalid.
  CHECK(nonce_signer{"other", 300}.check(n, 1'000) == nonce_signer::check_result::invalid);
  auto forged = n;
  forged[0] = forged[0] == 'f' ? 'e' : 'f'; // a later expiry, same signature
  CHECK(signer.check(forged, 1'000) == nonce_signer::check_result::invalid);
  for (const char* bad : {"", ".", "abc", ".abc", "zz.00000000000000000000000000000000",
                          "12345678901234567.00000000000000000000000000000000"})
    CHECK(signer.check(bad, 1'000) == nonce_signer::check_result::invalid);
}

TEST_CASE("digest: the verifier's verdicts") {
  const nonce_signer signer{"secret", 300};
  const auto ha1 = digest_ha1("a1", "hotline", "pw");
  digest_credentials c;
  c.username = "a1";
  c.realm = "hotline";
  c.nonce = signer.make(1'000);
  c.uri = "sip:127.0.0.1:5090";
  c.qop = "auth";
  c.nc = "00000001";
  c.cnonce = "cn";
  c.response = digest_response(ha1, "REGISTER", c.uri, c.nonce, c.nc, c.cnonce, c.qop);
  CHECK(verify_digest(c, "REGISTER", ha1, "hotline", signer, 1'010) == digest_verdict::ok);
  CHECK(verify_digest(c, "REGISTER", ha1, "hotline", signer, 2'000) == digest_verdict::stale_nonce);
  CHECK(verify_digest(c, "REGISTER", digest_ha1("a1", "hotline", "other"), "hotline", signer,
                      1'010) == digest_verdict::wrong_response);
  CHECK(verify_digest(c, "INVITE", ha1, "hotline", signer, 1'010) ==
        digest_verdict::wrong_response);
  CHECK(verify_digest(c, "REGISTER", ha1, "elsewhere", signer, 1'010) ==
        digest_verdict::wrong_realm);
  CHECK(verify_digest(c, "REGISTER", ha1, "hotline", nonce_signer{"x", 300}, 1'010) ==
        digest_verdict::unknown_nonce);
  auto tampered = c;
  tampered.nc = "00000002"; // the response covers nc
  CHECK(verify_digest(tampered, "REGISTER", ha1, "hotline", signer, 1'010) ==
        digest_verdict::wrong_response);
  CHECK(to_string(digest_verdict::wrong_response) == "wrong_response");
}

TEST_CASE("digest: the challenge names the realm, nonce, MD5 and qop, and stale when asked") {
  CHECK(digest_challenge("hotline", "n1", false) ==
        R"(Digest realm="hotline", nonce="n1", algorithm=MD5, qop="auth")");
  CHECK(digest_challenge("hotline", "n1", true).ends_with(", stale=true"));
}
