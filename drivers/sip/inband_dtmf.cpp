// spandsp's DTMF receiver, loaded at run time (inband_dtmf.hpp says why).
#include "drivers/sip/inband_dtmf.hpp"

#include <dlfcn.h>

namespace hotline::drivers::sip {

namespace {

/// The three functions of spandsp's dtmf.h the node uses (0.0.6's ABI).
struct spandsp_api {
  using rx_init_fn = void* (*)(void* s, inband_dtmf::digits_callback cb, void* user);
  using rx_fn = int (*)(void* s, const std::int16_t* amp, int samples);
  using rx_free_fn = int (*)(void* s);
  rx_init_fn rx_init = nullptr;
  rx_fn rx = nullptr;
  rx_free_fn rx_free = nullptr;
  std::string error; ///< empty: loaded
};

const spandsp_api& spandsp() {
  static const spandsp_api api = [] {
    spandsp_api a;
    void* lib = dlopen("libspandsp.so.2", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!lib) {
      const char* why = dlerror();
      a.error = std::string("in-band DTMF needs spandsp (Debian libspandsp2): ") +
                (why ? why : "libspandsp.so.2 not found");
      return a;
    }
    a.rx_init = reinterpret_cast<spandsp_api::rx_init_fn>(dlsym(lib, "dtmf_rx_init"));
    a.rx = reinterpret_cast<spandsp_api::rx_fn>(dlsym(lib, "dtmf_rx"));
    a.rx_free = reinterpret_cast<spandsp_api::rx_free_fn>(dlsym(lib, "dtmf_rx_free"));
    if (!a.rx_init || !a.rx || !a.rx_free)
      a.error = "libspandsp.so.2 has no dtmf_rx_init, dtmf_rx or dtmf_rx_free";
    return a; // the library stays loaded for the process's life
  }();
  return api;
}

} // namespace

std::string inband_dtmf::available() {
  return spandsp().error;
}

std::unique_ptr<inband_dtmf> inband_dtmf::make(digits_callback cb, void* user) {
  const auto& api = spandsp();
  if (!api.error.empty()) return nullptr;
  void* state = api.rx_init(nullptr, cb, user);
  if (!state) return nullptr;
  return std::unique_ptr<inband_dtmf>(new inband_dtmf(state));
}

inband_dtmf::~inband_dtmf() {
  spandsp().rx_free(state_);
}

void inband_dtmf::feed(const std::int16_t* samples, std::size_t n) {
  spandsp().rx(state_, samples, static_cast<int>(n));
}

} // namespace hotline::drivers::sip
