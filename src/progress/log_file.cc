#include "progress/log_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <utility>

#include "util/utf8.h"

namespace ocrbatch::progress {

LogFile::LogFile(const std::string& path, std::string tag) : tag_(std::move(tag)) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error("cannot open log file '" + path + "': " + std::strerror(errno));
}

LogFile::~LogFile() { ::close(fd_); }

void LogFile::write(const char* level, const std::string& message) {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  // One event, one line, and nothing a terminal showing the log with tail -f would obey.
  const std::string line = std::string(stamp) + " " + level + " " +
                           (tag_.empty() ? "" : tag_ + " ") + util::printable(message) + "\n";
  // One write() per line: with O_APPEND the line lands whole even with other writers.
  [[maybe_unused]] const ssize_t n = ::write(fd_, line.data(), line.size());
}

}  // namespace ocrbatch::progress
