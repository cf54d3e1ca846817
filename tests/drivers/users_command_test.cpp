// hotline users (drivers/cli/users_command.cpp), the real binary against a
// real RocksDB store: the first admin, passwords from stdin or made up,
// refusals with their code, a store a node holds open.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "drivers/api/passwords.hpp"
#include "drivers/store/rocksdb_event_store.hpp"
#include "events/codec.hpp"
#include "events/identity/user.hpp"
#include "events/variant_cast.hpp"
#include "tests/support/process.hpp"

using namespace hotline;

namespace {

/// `hotline ARGS` through the shell, stdout and stderr together; the exit status.
int users(const std::string& args, std::string& out, const std::string& stdin_text = {}) {
  out.clear(); // run_capture appends
  std::string cmd = std::string{HOTLINE_BIN} + " users " + args + " 2>&1";
  if (!stdin_text.empty())
    cmd = "printf '%s' '" + stdin_text + "' | " + cmd;
  else
    cmd += " </dev/null";
  return testing::run_capture({"/bin/sh", "-c", cmd}, out);
}

/// The account as the store holds it.
events::identity::state fold(const std::string& store_dir, const std::string& user) {
  drivers::rocksdb_store_options o;
  o.read_only = true;
  o.create_if_missing = false;
  auto store = drivers::rocksdb_event_store::open(store_dir, o);
  REQUIRE(store);
  auto evs = (*store)->read_stream(events::identity::stream_name(user), 0, SIZE_MAX);
  REQUIRE(evs);
  auto s = events::identity::initial_state(user);
  for (const auto& r : *evs) {
    auto e = events::event_codec::standard().decode(r);
    REQUIRE(e);
    CHECK(r.meta.caused_by == events::principal::system("cli"));
    if (auto mine = events::narrow<events::identity::event>(*e))
      s = events::identity::evolve(std::move(s), *mine, r.meta.timestamp_ns);
  }
  return s;
}

} // namespace

TEST_CASE("users add: the first admin with a password from stdin, hashed with Argon2id") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/store";
  std::string out;
  REQUIRE(users("add --store " + store +
                    " --user root --tenant acme --role admin --display Root "
                    "--password-stdin",
                out, "a long pass phrase\n") == 0);
  CHECK(out.find("user root added to tenant acme as admin") != std::string::npos);
  CHECK(out.find("password:") == std::string::npos); // never echoed
  auto root = fold(store, "root");
  CHECK(root.exists);
  CHECK(root.tenant == "acme");
  CHECK(root.display_name == "Root");
  CHECK(drivers::api::verify_password(root.password_hash, "a long pass phrase"));
  // A second add of the name is the decider's refusal, with its code.
  CHECK(users("add --store " + store + " --user root --tenant acme --role admin --password-stdin",
              out, "another long phrase") == 1);
  CHECK(out.find("refused: user_exists") != std::string::npos);
}

TEST_CASE("users add: without --password-stdin a strong password is made and printed once") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/store";
  std::string out;
  REQUIRE(users("add --store " + store + " --user ops --role operator", out) == 0);
  CHECK(out.find("(platform-wide) as operator") != std::string::npos);
  auto at = out.find("password: ");
  REQUIRE(at != std::string::npos);
  const auto password = out.substr(at + 10, 20);
  CHECK_FALSE(drivers::api::weak_password(password));
  CHECK(drivers::api::verify_password(fold(store, "ops").password_hash, password));
}

TEST_CASE("users add: bad input is refused with the reason, and nothing is written") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/store";
  std::string out;
  CHECK(users("add --store " + store +
                  " --user ann --tenant acme --role agent --agent a1 "
                  "--password-stdin",
              out, "short") == 2);
  CHECK(out.find("password refused") != std::string::npos);
  CHECK(out.find("at least 12") != std::string::npos);
  CHECK(users("add --store " + store + " --user ann --tenant acme --role boss", out) == 2);
  CHECK(out.find("'boss' is not a role") != std::string::npos);
  CHECK(users("add --store " + store + " --user 'Ann Smith' --tenant acme --role admin", out) == 2);
  CHECK(out.find("--user") != std::string::npos);
  // The decider's rules: an agent needs its agent id; an operator has no tenant.
  CHECK(users("add --store " + store + " --user ann --tenant acme --role agent", out) == 1);
  CHECK(out.find("refused: invalid_roles: role agent needs the agent id") != std::string::npos);
  CHECK(users("add --store " + store + " --user ops --tenant acme --role operator", out) == 1);
  CHECK(out.find("invalid_roles") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(store)); // refused before a store was made
  REQUIRE(users("add --store " + store + " --user ann --tenant acme --role auditor", out) == 0);
  CHECK(users("add --store " + store + " --user ann --tenant acme --role auditor", out) == 1);
  CHECK(fold(store, "ann").roles == events::identity::role_set{events::identity::role::auditor});
}

TEST_CASE("users list, passwd, disable and enable") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/store";
  std::string out;
  REQUIRE(users("add --store " + store + " --user ann --tenant acme --role agent --agent a1",
                out) == 0);
  REQUIRE(users("add --store " + store +
                    " --user sam --tenant acme --role supervisor --queue sales --queue vip",
                out) == 0);
  REQUIRE(users("add --store " + store + " --user gus --tenant globex --role auditor", out) == 0);

  REQUIRE(users("list --store " + store + " --tenant acme --format json", out) == 0);
  auto j = nlohmann::json::parse(out);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["username"] == "ann");
  CHECK(j[0]["agent_id"] == "a1");
  CHECK(j[1]["queues"] == nlohmann::json::array({"sales", "vip"}));
  CHECK(j[1]["status"] == "active");
  REQUIRE(users("list --store " + store, out) == 0);
  CHECK(out.find("gus") != std::string::npos);
  CHECK(out.find("supervisor") != std::string::npos);

  REQUIRE(users("passwd --store " + store + " --user ann --password-stdin", out,
                "a brand new passphrase") == 0);
  CHECK(drivers::api::verify_password(fold(store, "ann").password_hash, "a brand new passphrase"));
  CHECK(users("passwd --store " + store + " --user nobody --password-stdin", out,
              "a brand new passphrase") == 1);
  CHECK(out.find("refused: no_such_user") != std::string::npos);

  REQUIRE(users("disable --store " + store + " --user ann --reason left", out) == 0);
  CHECK(fold(store, "ann").disabled);
  REQUIRE(users("list --store " + store + " --tenant acme", out) == 0);
  CHECK(out.find("disabled") != std::string::npos);
  REQUIRE(users("disable --store " + store + " --user ann", out) == 0); // already: no-op
  REQUIRE(users("enable --store " + store + " --user ann", out) == 0);
  CHECK_FALSE(fold(store, "ann").disabled);
}

TEST_CASE("users: a store a running node holds is refused with what to do") {
  testing::temp_dir dir;
  const auto store = dir.path() + "/store";
  std::string out;
  REQUIRE(users("add --store " + store + " --user root --tenant acme --role admin", out) == 0);
  {
    auto held = drivers::rocksdb_event_store::open(store); // as a node holds it
    REQUIRE(held);
    CHECK(users("add --store " + store + " --user ann --tenant acme --role admin", out) == 1);
    CHECK(out.find("is open in another process (a running hotline node?)") != std::string::npos);
    CHECK(out.find("through the node's API") != std::string::npos);
    // Reading works beside it.
    CHECK(users("list --store " + store, out) == 0);
    CHECK(out.find("root") != std::string::npos);
  }
  CHECK(users("disable --store " + dir.path() + "/nothing --user root", out) == 1);
  CHECK(out.find("no store at") != std::string::npos);
}
