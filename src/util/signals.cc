#include "util/signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <ctime>

namespace ocrbatch::util {
namespace {

// SIGUSR1 is how the destructor wakes the watcher, so exit does not wait for a poll.
constexpr int kWake = SIGUSR1;

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);  // a closed terminal or ssh session: stop as cleanly as Ctrl-C
  sigaddset(&set, kWake);
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher(std::function<void()> on_stop, std::function<void()> on_abort)
    : on_stop_(std::move(on_stop)), on_abort_(std::move(on_abort)) {
  std::signal(SIGPIPE, SIG_IGN);
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this, set] {
    while (!done_) {
      const int sig = sigwaitinfo(&set, nullptr);
      if (sig <= 0 || sig == kWake) continue;
      if (signalled_.exchange(true)) {  // second Ctrl-C: the user means it
        if (on_abort_) on_abort_();
        _exit(130);
      }
      on_stop_();
    }
  });
}

SignalWatcher::~SignalWatcher() {
  done_ = true;
  pthread_kill(thread_.native_handle(), kWake);
  thread_.join();
}

}  // namespace ocrbatch::util
