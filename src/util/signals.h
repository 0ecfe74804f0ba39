#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <thread>

namespace ocrbatch::util {

// Turns SIGINT/SIGTERM into a call to `on_stop` on a thread of its own, so the rest of the
// program needs no async-signal-safe code. A second signal runs `on_abort` (cleanup that
// must not be skipped, such as removing a temporary file) and exits at once with 130.
// SIGPIPE is ignored: a closed stdout shows up as a failed write instead.
// Construct before starting any other thread: the blocked-signal mask is inherited.
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

// Tesseract's OpenMP runtime reads OMP_THREAD_LIMIT once, when it loads, which is before
// main runs. If it is unset, set it to 1 and re-execute ourselves so each worker's engine
// uses exactly one thread. Returns only if no re-exec was needed or possible.
void ensure_single_threaded_openmp(char** argv);

// libpng, libjpeg and Tesseract print their own warnings straight to file descriptor 2,
// which would break the promise that stderr carries only our diagnostics. This moves the
// real stderr to a private descriptor, returned as a FILE* for our own messages, and
// points descriptor 2 at /dev/null. OCRBATCH_LIBRARY_STDERR=1 keeps the libraries' output,
// for debugging. Returns stderr itself if the switch is not possible.
std::FILE* take_stderr_from_libraries();

}  // namespace ocrbatch::util
