// Passwords and tokens at the API's edge (drivers/api/passwords.hpp):
// Argon2id hashes that verify, random tokens, their SHA-256, the policy.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "drivers/api/passwords.hpp"

using namespace hotline::drivers::api;

TEST_CASE("passwords: an Argon2id hash verifies its password and no other") {
  const auto phc = hash_password("correct horse battery staple");
  CHECK(phc.rfind("$argon2id$", 0) == 0);
  CHECK(verify_password(phc, "correct horse battery staple"));
  CHECK_FALSE(verify_password(phc, "correct horse battery stapler"));
  CHECK_FALSE(verify_password(phc, ""));
  CHECK_FALSE(needs_rehash(phc));
  // A random salt: the same password hashes differently each time.
  CHECK(hash_password("correct horse battery staple") != phc);
}

TEST_CASE("passwords: a string that is not a PHC hash verifies nothing") {
  CHECK_FALSE(verify_password("", "anything at all"));
  CHECK_FALSE(verify_password("plain text", "plain text"));
  CHECK_FALSE(verify_password(std::string(200, '$'), "x"));
  CHECK(needs_rehash("not a hash"));
}

TEST_CASE("tokens: 43 base64url characters, all different, with a 64-digit hex SHA-256") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto t = new_token();
    CHECK(t.size() == 43);
    CHECK(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    seen.insert(t);
  }
  CHECK(seen.size() == 100);
  // FIPS 180-2 test vector.
  CHECK(token_sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(token_sha256_hex("").size() == 64);
}

TEST_CASE("passwords: generated passwords pass the policy") {
  auto p = new_password();
  CHECK(p.size() == 20);
  CHECK_FALSE(weak_password(p));
  CHECK(new_password() != p);
}

TEST_CASE("policy: short, repeated, control or non-UTF-8 passwords are refused with the reason") {
  CHECK_FALSE(weak_password("twelve chars"));
  CHECK_FALSE(weak_password("mot de passe très long"));
  auto short_one = weak_password("elevenchars");
  REQUIRE(short_one);
  CHECK(short_one->find("11 characters") != std::string::npos);
  CHECK(short_one->find("at least 12") != std::string::npos);
  // Twelve bytes but four characters: counted as characters.
  auto cjk = weak_password("密码密码");
  REQUIRE(cjk);
  CHECK(cjk->find("4 characters") != std::string::npos);
  CHECK_FALSE(weak_password("密码密码密码密码密码密码"));
  CHECK(weak_password("aaaaaaaaaaaaaaaa")->find("repeats one character") != std::string::npos);
  CHECK(weak_password("with a newline\n")->find("control character") != std::string::npos);
  CHECK(weak_password("bad \xff utf-8 bytes")->find("UTF-8") != std::string::npos);
  CHECK(weak_password(std::string(1025, 'x'))->find("longer than 1024") != std::string::npos);
  CHECK(weak_password("")->find("0 characters") != std::string::npos);
}
