#pragma once
/// RTP relays off the SIP thread (docs/telephony.md, "Threads"): a few
/// threads, each running a libre loop of its own (`re_thread_init`), to
/// which the SIP stack hands a bridged pair's RTP sockets while those legs
/// only relay each other's packets. The socket's receive handler (the
/// stack's `on_rtp`) then runs on that thread; everything else about the
/// legs stays on the SIP thread, which takes the sockets back before it
/// touches them again.
///
/// Contract: `take` and `give_back` are called from the thread that runs
/// the loop the sockets were attached to (the SIP thread); `take` detaches
/// them from that loop and attaches them to the least busy media thread's;
/// `give_back` blocks until that thread has detached them (one turn of its
/// loop: a media thread never waits for the SIP thread), then attaches them
/// to the caller's loop again. Between the two the caller must not use the
/// sockets nor anything their handler touches. No libre in this header.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

struct udp_sock;

namespace hotline::drivers::sip {

class media_threads {
public:
  /// Starts `count` threads (1..64), each with a poll set of `max_fds`
  /// descriptors. Null with `why` when a thread cannot start its loop.
  static std::unique_ptr<media_threads> start(int count, int max_fds, std::string& why);
  /// Stops the threads; every socket must have been given back.
  ~media_threads();
  media_threads(const media_threads&) = delete;
  media_threads& operator=(const media_threads&) = delete;

  /// Moves `socks` (one bridged pair) to the thread with the fewest pairs;
  /// its index, or -1 (they stay where they were) when none can take them.
  int take(const std::vector<udp_sock*>& socks);
  /// Moves `socks` back from thread `index` to the calling thread's loop.
  void give_back(int index, const std::vector<udp_sock*>& socks);

  std::size_t size() const noexcept;
  /// The pairs thread `index` relays now.
  std::size_t pairs(int index) const noexcept;

  struct worker;

private:
  media_threads() = default;
  std::vector<std::unique_ptr<worker>> workers_;
};

} // namespace hotline::drivers::sip
