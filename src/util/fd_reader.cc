#include "util/fd_reader.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace ocrbatch::util {
namespace {
constexpr int kPollMs = 200;
constexpr size_t kChunk = 1 << 16;
}  // namespace

FdReader::FdReader(int fd, std::function<bool()> stopped) : fd_(fd), stopped_(std::move(stopped)) {}

bool FdReader::fill() {
  if (eof_) return false;
  char chunk[kChunk];
  for (;;) {
    if (stopped()) return false;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, kPollMs);
    if (ready < 0 && errno != EINTR) return false;
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    if (pos_ > 0) {
      buffer_.erase(0, pos_);
      pos_ = 0;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
}

bool FdReader::read_up_to(std::string& out, size_t limit) {
  for (;;) {
    const size_t take = std::min(buffer_.size() - pos_, limit - std::min(limit, out.size()));
    out.append(buffer_, pos_, take);
    pos_ += take;
    if (out.size() >= limit) return true;
    if (!fill()) {
      if (eof_) return true;
      if (stopped()) errno = EINTR;
      return false;
    }
  }
}

bool FdReader::next_record(std::string& record, char separator) {
  record.clear();
  for (;;) {
    const size_t end = buffer_.find(separator, pos_);
    if (end != std::string::npos) {
      record.append(buffer_, pos_, end - pos_);
      pos_ = end + 1;
      return true;
    }
    record.append(buffer_, pos_, std::string::npos);
    pos_ = buffer_.size();
    if (!fill()) return eof_ && !record.empty();
  }
}

}  // namespace ocrbatch::util
