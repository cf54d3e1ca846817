#pragma once
/// The identity actor (issue 21): one actor owns every `user-<name>` stream
/// of the node. Identity commands are rare and logins a few per second, so
/// one actor is plenty, and it makes usernames unique per node for free.
///
/// At spawn it folds every user stream of the store into its directory
/// (projections/identity/directory.hpp); a record it cannot read stops the
/// actor with the error (nobody could be authenticated correctly). Then it
/// serves, as request/response:
///
///   (identity_cmd_atom, username, events::identity::command, events::principal author,
///    std::string tenant)
///       => ok_atom                          once the events are sequenced by the store
///        | (refused_atom, code, detail)     the decider's rejection, or "store_failed"
///     `tenant` scopes the command: non-empty, a user of another tenant is
///     "no_such_user" (and a create_user for another tenant is refused with
///     "no_such_tenant"), so a tenant's admin can never reach another
///     tenant's user; empty (operators, the CLI): any user. Events are
///     stamped with the user's own tenant and authored by `author`
///     (principal::user(name) for API users, principal::system("cli")).
///   (authenticate_atom, token_sha256, std::int64_t now_ns)
///       => (ok_atom, events::identity::principal_view)
///        | (refused_atom, "invalid_session", detail)
///   (lookup_atom, username)
///       => (ok_atom, projections::identity::account)   with its password hash, disabled, lock
///        | (refused_atom, "no_such_user", detail)
///   (list_atom, tenant)
///       => std::vector<projections::identity::account>  by name; tenant "" the platform
///                                                        users, "*" every user
///
/// Appends go through one entity_log per user stream (made on first use),
/// with the expected revision; the directory changes only once the store
/// has sequenced the append. If a sequenced append later fails to commit,
/// the user is folded again from the store.
///
/// Thread safety: an actor; talk to it with messages.
#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/entity_log.hpp"
#include "events/envelope.hpp"
#include "events/identity/access_rules.hpp"
#include "events/identity/user.hpp"
#include "projections/identity/directory.hpp"

namespace hotline::actors {

using identity_cmd_atom = caf::atom_constant<caf::atom("idcmd")>;
using authenticate_atom = caf::atom_constant<caf::atom("authn")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
/// The same atom as actors/protocol.hpp's (a redeclaration of one type).
using refused_atom = caf::atom_constant<caf::atom("refused")>;

/// Folds every user stream of `store` into `into` (scanning the store in
/// global order; other streams are skipped without decoding). An error
/// names the stream and revision it could not read.
events::status recover_directory(const ports::event_store& store,
                                 projections::identity::directory& into);

/// The correlation id of everything done to one account (every writer of
/// user streams uses it: the actor and `hotline users`).
events::event_id user_correlation(const std::string& username);

/// Spawns the identity actor over `p.store` (`p` is copied; `p.clock` is not
/// used: commands carry their time).
caf::actor spawn_identity(caf::actor_system& sys, const persistence& p);

} // namespace hotline::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::events::principal)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::events::identity::command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::events::identity::principal_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hotline::projections::identity::account)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<hotline::projections::identity::account>)
