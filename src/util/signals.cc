#include "util/signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
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

void ensure_single_threaded_openmp(char** argv) {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  ::setenv("OMP_THREAD_LIMIT", "1", 1);
  ::execv("/proc/self/exe", argv);
  // exec failed (no /proc): carry on; workers may then oversubscribe the cores.
}

std::FILE* take_stderr_from_libraries() {
  if (const char* keep = std::getenv("OCRBATCH_LIBRARY_STDERR"); keep && *keep && *keep != '0')
    return stderr;
  std::fflush(stderr);
  const int ours = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (ours < 0 || null_fd < 0 || ::dup2(null_fd, STDERR_FILENO) < 0) {
    if (ours >= 0) ::close(ours);
    if (null_fd >= 0) ::close(null_fd);
    return stderr;
  }
  ::close(null_fd);
  std::FILE* stream = ::fdopen(ours, "w");
  if (stream == nullptr) {
    ::dup2(ours, STDERR_FILENO);
    ::close(ours);
    return stderr;
  }
  std::setvbuf(stream, nullptr, _IOLBF, 0);
  return stream;
}

}  // namespace ocrbatch::util
