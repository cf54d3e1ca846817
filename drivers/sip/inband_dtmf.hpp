#pragma once
/// In-band DTMF detection: spandsp's DTMF receiver (Debian libspandsp2)
/// over a leg's decoded audio, for [sip] inband_dtmf.
///
/// spandsp is loaded at run time (dlopen with RTLD_DEEPBIND), not linked:
/// librem, which the SIP stack links, exports goertzel_init, goertzel_reset
/// and goertzel_result with another layout, and a linked spandsp would call
/// librem's (its DTMF receiver then hears wrong digits: seen here, '5'
/// reported as 'D'). Deep binding makes spandsp use its own. A build needs
/// no spandsp header or library; a node without libspandsp2 refuses
/// inband_dtmf with `available()`'s reason.
///
/// Thread safety: `available` may be called from any thread; a detector
/// belongs to one thread (the stack's).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace hotline::drivers::sip {

class inband_dtmf {
public:
  /// Called with the digits recognised ("5", "#"), each once, when its tone ends.
  using digits_callback = void (*)(void* user, const char* digits, int len);

  /// Empty when spandsp could be loaded; else why not, naming the package.
  static std::string available();
  /// A detector that reports to `cb(user, ...)`; nullptr when !available().
  static std::unique_ptr<inband_dtmf> make(digits_callback cb, void* user);
  ~inband_dtmf();
  inband_dtmf(const inband_dtmf&) = delete;
  inband_dtmf& operator=(const inband_dtmf&) = delete;

  /// 8 kHz 16-bit samples of the leg's audio, in order.
  void feed(const std::int16_t* samples, std::size_t n);

private:
  explicit inband_dtmf(void* state) : state_(state) {}
  void* state_; ///< spandsp's dtmf_rx_state_t
};

} // namespace hotline::drivers::sip
