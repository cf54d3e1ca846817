#pragma once
/// The node's directory of accounts (issue 21): a fold of the `user-<name>`
/// streams into the accounts by username and their sessions by token hash,
/// so that a request's token resolves to a principal in one look-up.
///
/// Every account is the user aggregate's state
/// (events/identity/user.hpp), folded with the aggregate's own `evolve`, so
/// the directory and the aggregate never disagree. The identity actor
/// (actors/identity_actor.hpp) keeps one and decides against it; `hotline
/// users list` folds one from a store.
///
/// Expiry needs no event: a session is valid only before its `expires_ns`,
/// checked against the `now_ns` given to `authenticate`. Disabling a user
/// revokes at once (the user's state says disabled, whatever its sessions).
///
/// Thread safety: none; one owner (an actor, a command).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/envelope.hpp"
#include "events/identity/access_rules.hpp"
#include "events/identity/user.hpp"
#include "events/status.hpp"

namespace hotline::projections::identity {

/// One account: the user aggregate's state.
using account = events::identity::state;

/// The principal an account acts as.
events::identity::principal_view principal_of(const account& a);

class directory {
public:
  /// Applies one event of `username`'s stream, recorded at `at_ns`.
  void apply(const std::string& username, const events::identity::event& e, std::int64_t at_ns);

  /// Applies a stored record: events of other streams are skipped (ok); a
  /// user stream's record that does not decode is an error naming its
  /// stream and revision.
  events::status apply(const events::recorded_event& rec);

  /// Replaces `a.username`'s account as a whole (a user folded again from
  /// its stream); an account that does not exist removes the user.
  void replace(account a);

  /// The account named `username`, or null. Valid until the next change.
  const account* find_user(std::string_view username) const;

  /// The principal of the valid session `token_sha256` at `now_ns` (it
  /// exists, has not expired, its user is not disabled), or nothing.
  std::optional<events::identity::principal_view> authenticate(std::string_view token_sha256,
                                                               std::int64_t now_ns) const;

  /// The user holding session `token_sha256` (valid or not), or null.
  const account* session_owner(std::string_view token_sha256) const;

  /// The accounts of `tenant` (empty: the platform-wide users), by name.
  std::vector<const account*> users_of(std::string_view tenant) const;
  /// Every account, by name.
  std::vector<const account*> all_users() const;

  std::size_t size() const { return users_.size(); }

private:
  void unindex(const account& a);
  void index(const account& a);

  std::map<std::string, account, std::less<>> users_;
  std::unordered_map<std::string, std::string> owner_of_token_; ///< token hash -> username
};

} // namespace hotline::projections::identity
