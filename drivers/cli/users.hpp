#pragma once
// Writing a user command to a node's store without a running node (the
// `hotline users` commands and the demo's accounts): load the user's
// stream, decide, append with the expected revision, authored by the CLI.
#include <string>

#include "actors/ports/telephony.hpp"
#include "events/identity/user.hpp"

namespace hotline::ports {
class event_store;
}

namespace hotline::cli {

/// True when accepted (or already so); else the refusal or the store's
/// error is printed and the exit status set.
bool write_user_command(ports::event_store& store, const std::string& site,
                        const std::string& username, const events::identity::command& cmd);

/// The registrar's look-up (drivers/sip) over `store`: each call folds the
/// user's stream afresh, so a SIP password set through the API or `hotline
/// users sip-password` counts at the phone's next REGISTER. Thread-safe
/// (the store is). A stream that does not decode: no such user (and a
/// warning in the log). `store` must outlive the function.
ports::sip_user_lookup sip_users_of(const ports::event_store& store, std::string site);

} // namespace hotline::cli
