#pragma once
// Progress and diagnostics on stderr. A LinePrinter knows only the terminal; the Reporter
// knows when to print what.

#include <chrono>
#include <cstdio>
#include <string>

#include "progress/log_file.h"
#include "progress/status_format.h"

namespace ocrbatch::progress {

// Writes to stderr; on a terminal it can redraw one status line in place.
class LinePrinter {
 public:
  explicit LinePrinter(std::FILE* stream);
  bool smart() const { return smart_; }
  bool color() const { return color_; }
  int width() const;
  // Redraws the status line (terminal) in place.
  void status(const std::string& line);
  // Prints a full line, above the status line if one is shown, with control characters
  // escaped (util::printable): names in it come from file systems and archives.
  void line(const std::string& text);
  // Removes the status line.
  void clear();

 private:
  std::FILE* stream_;
  bool smart_;
  bool color_;
  bool status_shown_ = false;
};

enum class ProgressMode { none, bar, plain };

// Chooses the mode for --progress auto|bar|plain|none: auto is a bar on a terminal and
// nothing otherwise.
ProgressMode resolve_progress_mode(const std::string& requested, bool stderr_is_terminal);

class Reporter {
 public:
  // `log`, if given, also receives every error and the summary, whatever `quiet` says.
  Reporter(ProgressMode mode, bool quiet, LinePrinter& printer, LogFile* log = nullptr);
  void update(const pipeline::Progress& counts);
  bool shows_progress() const { return mode_ != ProgressMode::none; }
  void error(const std::string& source, const record::Error& error);
  void finish(const record::RunStats& stats);

 private:
  Status snapshot(const pipeline::Progress& counts) const;

  ProgressMode mode_;
  bool quiet_;
  LinePrinter& printer_;
  LogFile* log_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace ocrbatch::progress
