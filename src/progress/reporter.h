#pragma once
// Progress and diagnostics on stderr. A LinePrinter knows only the terminal; the Reporter
// knows when to print what.

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

#include "progress/log_file.h"
#include "progress/status_format.h"

namespace ocrbatch::progress {

// Writes to stderr; on a terminal it can redraw one status line in place.
class LinePrinter {
 public:
  // `data_fd`: where the records go, if it may be a terminal (-1: not a terminal).
  explicit LinePrinter(std::FILE* stream, int data_fd = -1);
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
  // Called before data is written to `data_fd`: when that is the terminal the status line is
  // on, removes the line so the data does not land behind it. Returns whether it did.
  bool clear_for_data();

 private:
  std::FILE* stream_;
  bool smart_;
  bool color_;
  bool shares_with_data_ = false;
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
  // Called before each record is written to the output.
  void before_output();
  bool shows_progress() const { return mode_ != ProgressMode::none; }
  void error(const std::string& source, const record::Error& error);
  // The summary line, after the warning below.
  void finish(const record::RunStats& stats);
  // Says on stderr (unless quiet) and in the log that the run found nothing to do.
  void warn_if_nothing_found(const record::RunStats& stats);
  // With --shard: which share of the inputs the run looks at ("1/4"), for that warning.
  void set_shard(std::string shard) { shard_ = std::move(shard); }
  // What to show for these counts: an estimated total never shrinks from one call to the
  // next (the counts it is made of arrive at slightly different moments); an exact one is
  // shown as it is.
  Status status_for(const pipeline::Progress& counts);

 private:
  ProgressMode mode_;
  bool quiet_;
  LinePrinter& printer_;
  LogFile* log_;
  std::string shard_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  bool redraw_now_ = false;
  uint64_t estimate_ = 0;  // the largest total shown while it was not exact  // the bar was taken
                           // away for data: put it back at once
};

}  // namespace ocrbatch::progress
