#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <thread>

namespace ocrbatch::util {

// Turns SIGINT, SIGTERM and SIGHUP into a call to `on_stop` on a thread of its own, so the rest of
// the program needs no async-signal-safe code. A second signal runs `on_abort` (cleanup that must
// not be skipped, such as removing a temporary file) and exits at once with 130. SIGPIPE is
// ignored: a closed stdout shows up as a failed write instead. Construct before starting any other
// thread: the blocked-signal mask is inherited.
class SignalWatcher {
 public:
  SignalWatcher(std::function<void()> on_stop, std::function<void()> on_abort);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  bool signalled() const { return signalled_.load(); }

 private:
  std::function<void()> on_stop_;
  std::function<void()> on_abort_;
  std::atomic<bool> done_{false};
  std::atomic<bool> signalled_{false};
  std::thread thread_;
};

}  // namespace ocrbatch::util
