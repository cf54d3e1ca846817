// The [api] section (docs/api.md): where the node API listens and its TLS files.
#include <doctest/doctest.h>

#include "config/validate.hpp"
#include "tests/config/config_files.hpp"

using namespace hotline;
using namespace hotline::config;
using hotline::config::testing::config_files;
using hotline::config::testing::listing;
using hotline::config::testing::valid_center;

TEST_CASE("[api] is read: listen, TLS files, plain remote, session life") {
  config_files files;
  files.write("c.toml", std::string(valid_center) +
                            "\n[api]\nlisten = \"127.0.0.1:8443\"\ntls_cert = \"c.pem\"\n"
                            "tls_key = \"k.pem\"\nallow_plain_remote = true\nsession_ttl_s = 600\n"
                            "webhook_allow_private = true\n");
  auto loaded = files.load("c.toml");
  INFO(listing(loaded.problems));
  REQUIRE(loaded.ok());
  const auto& api = loaded.config.node.api;
  CHECK(api.listen == "127.0.0.1:8443");
  CHECK(api.tls_cert == "c.pem");
  CHECK(api.tls_key == "k.pem");
  CHECK(api.allow_plain_remote);
  CHECK(api.session_ttl_ms == 600'000);
  CHECK(api.webhook_allow_private);
}

TEST_CASE("[api] without a section: no API, sessions of 8 hours") {
  config_files files;
  files.write("c.toml", std::string(valid_center));
  auto loaded = files.load("c.toml");
  REQUIRE(loaded.ok());
  CHECK(loaded.config.node.api.listen.empty());
  CHECK(loaded.config.node.api.session_ttl_ms == 8 * 3'600'000);
  CHECK_FALSE(loaded.config.node.api.webhook_allow_private);
}

TEST_CASE("[api] errors name the key and the line: half a TLS pair, a bad type, an unknown key") {
  config_files files;
  files.write("c.toml", std::string(valid_center) +
                            "\n[api]\nlisten = 8080\ntls_cert = \"c.pem\"\nsesion_ttl_s = 5\n");
  auto loaded = files.load("c.toml");
  auto text = listing(loaded.problems);
  INFO(text);
  CHECK_FALSE(loaded.ok());
  CHECK(text.find("api.listen") != std::string::npos);
  CHECK(text.find("tls_key") != std::string::npos);
  CHECK(text.find("TLS needs both") != std::string::npos);
  CHECK(text.find("sesion_ttl_s") != std::string::npos);
}
