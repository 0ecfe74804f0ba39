#include "util/process.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace ocrbatch::util {

void open_closed_standard_fds() {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // open() returns the lowest free descriptor, which is `fd` since all below it are open.
    const int opened = ::open("/dev/null", fd == STDERR_FILENO ? O_WRONLY : O_RDONLY);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
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
