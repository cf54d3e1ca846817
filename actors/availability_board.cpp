#include "actors/availability_board.hpp"

namespace hotline::actors {

availability_board::news& availability_board::news_of(std::string_view queue_id) const {
  std::lock_guard lock{mu_};
  auto it = news_.find(queue_id);
  if (it == news_.end())
    it = news_.emplace(std::string{queue_id}, std::unique_ptr<news>{new news}).first;
  return *it->second;
}

availability_board::slot& availability_board::at(std::string_view agent_id,
                                                 std::string_view queue_id) const {
  auto& n = news_of(queue_id);
  std::lock_guard lock{mu_};
  auto key = std::make_pair(std::string{agent_id}, std::string{queue_id});
  auto it = slots_.find(key);
  if (it == slots_.end())
    it = slots_.emplace(std::move(key), std::unique_ptr<slot>{new slot{std::string{agent_id}, &n}})
             .first;
  return *it->second;
}

availability_board::posted availability_board::post(slot& s,
                                                    const events::acd::candidate_status& status,
                                                    std::uint64_t seen, bool list) {
  posted out;
  {
    std::lock_guard lock{s.mu_};
    s.status_ = status;
    s.seen_ = seen;
    out.version = s.version_.load(std::memory_order_relaxed) + 1;
    s.version_.store(out.version, std::memory_order_release);
  }
  if (!list) return out;
  auto& n = *s.news_;
  if (!s.listed_.exchange(true, std::memory_order_seq_cst)) {
    slot* head = n.head_.load(std::memory_order_relaxed);
    do
      s.next_ = head;
    while (!n.head_.compare_exchange_weak(head, &s, std::memory_order_seq_cst,
                                          std::memory_order_relaxed));
  }
  out.tell = n.wants_word_.load(std::memory_order_seq_cst) &&
             !n.word_sent_.exchange(true, std::memory_order_seq_cst);
  return out;
}

availability_board::reading availability_board::read(const slot& s) {
  std::lock_guard lock{s.mu_};
  return {s.status_, s.seen_, s.version_.load(std::memory_order_relaxed)};
}

} // namespace hotline::actors
