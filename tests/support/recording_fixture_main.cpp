// A test helper: writes a call's recording (a short WAV and its
// recording-<call> events) into a store no node runs on, for the browser
// test of the audit page's player (tests/web/ops.test.mjs).
//
//   recording_fixture STORE TENANT CALL AGENT QUEUE FILE MODE
//
// MODE: ok (recording.stopped has the file's SHA-256), tampered (it has
// another), running (no recording.stopped yet). Exit 0 when appended.
#include <iostream>
#include <string>

#include "drivers/store/rocksdb_event_store.hpp"
#include "tests/support/recording_events.hpp"

int main(int argc, char** argv) {
  if (argc != 8) {
    std::cerr
        << "usage: recording_fixture STORE TENANT CALL AGENT QUEUE FILE ok|tampered|running\n";
    return 2;
  }
  const std::string mode = argv[7];
  if (mode != "ok" && mode != "tampered" && mode != "running") {
    std::cerr << "recording_fixture: MODE must be ok, tampered or running, not '" << mode << "'\n";
    return 2;
  }
  hotline::test::recording_spec r;
  r.tenant = argv[2];
  r.call_id = argv[3];
  r.agent_id = argv[4];
  r.queue = argv[5];
  r.file = argv[6];
  r.stopped = mode != "running";
  if (mode == "tampered") r.sha256 = std::string(64, '0');
  hotline::test::write_test_wav(r.file, 2000);
  auto opened = hotline::drivers::rocksdb_event_store::open(argv[1]);
  if (!opened) {
    std::cerr << "recording_fixture: " << argv[1] << ": " << opened.error().message() << "\n";
    return 1;
  }
  if (auto st = hotline::test::append_recording(**opened, r); !st) {
    std::cerr << "recording_fixture: " << st.message() << "\n";
    return 1;
  }
  return 0;
}
