#pragma once

#include <functional>
#include <string>

namespace ocrbatch::util {

// Reads from a file descriptor without blocking forever: while waiting for a pipe it
// polls `stopped` every few hundred milliseconds, so Ctrl-C is honoured even when the
// writer at the other end of the pipe has gone quiet.
class FdReader {
 public:
  FdReader(int fd, std::function<bool()> stopped);

  // Appends up to `limit` bytes in total to `out`. Returns false on error (errno set) or
  // when stopped; true at end of file or once `limit` is reached.
  bool read_up_to(std::string& out, size_t limit);

  // Reads the next record ending in `separator` (or at end of file). Returns false at end
  // of input, on error, or when stopped.
  bool next_record(std::string& record, char separator);

  bool stopped() const { return stopped_ && stopped_(); }
  // True once a read found the end of the input; after a false return, false means an error.
  bool at_end() const { return eof_; }
  int fd() const { return fd_; }

 private:
  bool fill();  // reads more into buffer_; false at EOF, error or stop

  int fd_;
  std::function<bool()> stopped_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
};

}  // namespace ocrbatch::util
