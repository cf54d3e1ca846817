#pragma once
// Writing a user command to a node's store without a running node (the
// `hotline users` commands and the demo's accounts): load the user's
// stream, decide, append with the expected revision, authored by the CLI.
#include <string>

#include "events/identity/user.hpp"

namespace hotline::ports {
class event_store;
}

namespace hotline::cli {

/// True when accepted (or already so); else the refusal or the store's
/// error is printed and the exit status set.
bool write_user_command(ports::event_store& store, const std::string& site,
                        const std::string& username, const events::identity::command& cmd);

} // namespace hotline::cli
