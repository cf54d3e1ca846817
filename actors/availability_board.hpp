#pragma once
/// Where agents post their routing status for each queue they serve, and
/// where the queues read it: a change of an agent costs a queue a message
/// only when that queue asked to be told (`want_word`), because callers
/// there wait for an agent or its `leave_empty` rule watches its agents.
///
/// Why: after every call an agent is available again, and it used to send
/// that status to every queue it serves: with ten queues per agent, ten of
/// a call's ~25 messages in `hotline bench route`, nearly all to queues with
/// nobody waiting, which only needed the news before their next join.
///
/// The protocol (agent_actor.cpp posts, queue_actor.cpp reads):
///  - A `slot` holds one agent's status for one queue, with the agent's
///    withdrawal count it is current at (agent_directory.hpp) and a version
///    that grows with every `post`. A queue applies a slot only when its
///    version is newer than the one it applied last.
///  - `post` also puts the slot on its queue's news list (once, until the
///    queue takes it) and says whether the queue asked for word; the agent
///    then sends the queue `news_atom`. At most one such word is on its way
///    to a queue at a time: the queue clears `word_sent` (`word_heard`)
///    before it takes the news.
///  - A queue takes its news before it reads who is available (a join, a
///    match, an estimate, a report) and when it hears the word.
///  - A queue that starts wanting word takes its news right after saying
///    so. Both sides use sequentially consistent operations (agent: list the
///    slot, then read the flag; queue: set the flag, then take the list), so
///    a post either sees the flag or is on the list the queue takes.
///  - Whole snapshots (skills and queues served: `agent_update_atom`) stay
///    messages and carry the version they were posted at.
///
/// Slots and news lists live as long as the board (the ACD's context): they
/// outlast agent passivation, and a slot's address never changes.
///
/// Thread safety: `at` and `news_of` from any thread. A slot has one writer
/// (its agent's actor) and one reader (its queue's actor); a news list has
/// many posting agents and one taking queue.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "events/acd/candidate.hpp"

namespace hotline::actors {

class availability_board {
public:
  class news;

  /// One agent's routing status for one queue.
  class slot {
  public:
    const std::string& agent_id() const { return agent_id_; }
    /// The version of the last post (0: never posted); any thread.
    std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
    /// The reading queue's own handle on the slot's agent (its member
    /// record), so that taking the news needs no lookup by id: set and read
    /// by that queue's actor only.
    void* reader = nullptr;

  private:
    friend class availability_board;
    slot(std::string agent_id, news* n) : agent_id_(std::move(agent_id)), news_(n) {}
    const std::string agent_id_;
    news* const news_;
    mutable std::mutex mu_; ///< guards status_ and seen_
    events::acd::candidate_status status_;
    std::uint64_t seen_ = 0;
    std::atomic<std::uint64_t> version_{0};
    std::atomic<bool> listed_{false}; ///< on its queue's news list
    slot* next_ = nullptr;            ///< on the news list
  };

  /// One queue's news list and its wish to be told.
  class news {
  private:
    friend class availability_board;
    std::atomic<slot*> head_{nullptr};
    std::atomic<bool> wants_word_{false};
    std::atomic<bool> word_sent_{false};
  };

  availability_board() = default;
  availability_board(const availability_board&) = delete;
  availability_board& operator=(const availability_board&) = delete;

  /// The slot of `agent_id` for `queue_id`, made on first use.
  slot& at(std::string_view agent_id, std::string_view queue_id) const;
  /// The news list of `queue_id`, made on first use.
  news& news_of(std::string_view queue_id) const;

  struct posted {
    std::uint64_t version = 0;
    bool tell = false; ///< the queue asked for word: send it news_atom
  };
  /// The agent's side: `s` now reads `status`, current at withdrawal count
  /// `seen`. With `list`, the slot goes on its queue's news list (a whole
  /// snapshot sent as a message does not need it).
  static posted post(slot& s, const events::acd::candidate_status& status, std::uint64_t seen,
                     bool list = true);

  struct reading {
    events::acd::candidate_status status;
    std::uint64_t seen = 0;
    std::uint64_t version = 0;
  };
  /// The queue's side: what `s` reads now.
  static reading read(const slot& s);

  /// The queue's side: `f(slot&)` for each slot posted since the last take
  /// (in no particular order; a slot posted twice comes once).
  template <class F> static void take_news(news& n, F&& f) {
    slot* s = n.head_.exchange(nullptr, std::memory_order_seq_cst);
    while (s) {
      slot* next = s->next_; // read before the slot may be listed again
      s->listed_.store(false, std::memory_order_seq_cst);
      f(*s);
      s = next;
    }
  }

  /// The queue's side: whether posts should send it word from now on. A
  /// queue turning this on must take its news afterwards.
  static void want_word(news& n, bool on) { n.wants_word_.store(on, std::memory_order_seq_cst); }
  static bool wants_word(const news& n) { return n.wants_word_.load(std::memory_order_relaxed); }
  /// The queue's side, on news_atom, before taking the news: the next post may send word again.
  static void word_heard(news& n) { n.word_sent_.store(false, std::memory_order_seq_cst); }

private:
  mutable std::mutex mu_;
  mutable std::map<std::pair<std::string, std::string>, std::unique_ptr<slot>, std::less<>> slots_;
  mutable std::map<std::string, std::unique_ptr<news>, std::less<>> news_;
};

} // namespace hotline::actors
