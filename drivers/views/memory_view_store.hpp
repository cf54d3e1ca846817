#pragma once
/// The in-memory view store: the fake the view_store contract tests also
/// run against (view_store.hpp), and the view store of choice for tests of
/// the projection runner and of anything else that only needs rows and
/// checkpoints. It keeps the key space of the contract in one ordered map
/// (checkpoints as `checkpoint/<projection>` rows), and no `meta/` keys.
///
/// A commit applies under one lock, so readers see all of it or none. `scan`
/// copies the rows under its prefix first and calls `fn` without the lock,
/// so `fn` may call the store. Nothing survives the object.
///
/// Thread safety: every member may be called concurrently from any thread.
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "drivers/views/view_store.hpp"

namespace hotline::drivers {

class memory_view_store final : public view_store {
public:
  using view_store::commit;
  events::status commit(std::span<const view_commit> parts) override;
  events::result<std::optional<std::uint64_t>>
  checkpoint(std::string_view projection) const override;
  events::result<std::optional<std::string>> get(std::string_view key) const override;
  events::status scan(std::string_view prefix, const row_visitor& fn) const override;

  /// A write that bypasses every rule (tests of tampering and corruption).
  void put_raw_for_testing(std::string_view key, std::string_view value);
  /// The next `count` commits fail with `io_error` and write nothing (tests
  /// of what a failed write of the medium does to their callers).
  void fail_next_commits(std::size_t count);

private:
  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> rows_;
  std::size_t failing_commits_ = 0;
};

} // namespace hotline::drivers
