#pragma once

#include <cstdio>
#include <string>

namespace ocrbatch::progress {

// An append-only log for unattended runs: one line per event, each with a UTC timestamp
// and a level, e.g. "2026-11-22T02:30:00Z ERROR run_id=... scan.png: decode_failed: ...". Lines are
// written whole with O_APPEND, so logrotate's copytruncate and several writers are safe.
// Control characters in messages are escaped (util::printable), so an event is one line.
class LogFile {
 public:
  // `tag`, such as "run_id=... shard=1/4", follows the level on every line, so the lines of
  // one run (and shard) can be picked out of a log several runs append to.
  explicit LogFile(const std::string& path, std::string tag = "");  // throws std::runtime_error
  ~LogFile();
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  void info(const std::string& message) { write("INFO", message); }
  void error(const std::string& message) { write("ERROR", message); }
  void write(const char* level, const std::string& message);

 private:
  int fd_ = -1;
  std::string tag_;
};

}  // namespace ocrbatch::progress
