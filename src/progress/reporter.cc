#include "progress/reporter.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "util/utf8.h"

namespace ocrbatch::progress {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kBarInterval = std::chrono::milliseconds(100);
constexpr auto kPlainInterval = std::chrono::seconds(5);

bool terminal_is_dumb() {
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") == 0;
}

// Whether both descriptors are one terminal (the same device, whatever the descriptors).
bool same_terminal(int a, int b) {
  struct stat sa {
  }, sb{};
  if (a < 0 || b < 0 || !::isatty(a) || !::isatty(b)) return false;
  if (::fstat(a, &sa) != 0 || ::fstat(b, &sb) != 0) return false;
  return sa.st_rdev == sb.st_rdev;
}

}  // namespace

LinePrinter::LinePrinter(std::FILE* stream, int data_fd) : stream_(stream) {
  smart_ = ::isatty(::fileno(stream)) && !terminal_is_dumb();
  const char* no_color = std::getenv("NO_COLOR");
  color_ = smart_ && (no_color == nullptr || *no_color == '\0');
  shares_with_data_ = smart_ && same_terminal(::fileno(stream), data_fd);
}

int LinePrinter::width() const {
  winsize size{};
  if (::ioctl(::fileno(stream_), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

void LinePrinter::status(const std::string& text) {
  if (!smart_) return;
  std::fprintf(stream_, "\r%s\x1b[K", text.c_str());
  std::fflush(stream_);
  status_shown_ = true;
}

void LinePrinter::line(const std::string& text) {
  if (status_shown_) std::fputs("\r\x1b[K", stream_);
  std::fprintf(stream_, "%s\n", util::printable(text).c_str());
  std::fflush(stream_);
  status_shown_ = false;
}

void LinePrinter::clear() {
  if (!status_shown_) return;
  std::fputs("\r\x1b[K", stream_);
  std::fflush(stream_);
  status_shown_ = false;
}

bool LinePrinter::clear_for_data() {
  if (!shares_with_data_ || !status_shown_) return false;
  clear();
  return true;
}

ProgressMode resolve_progress_mode(const std::string& requested, bool stderr_is_terminal) {
  if (requested == "bar") return ProgressMode::bar;
  if (requested == "plain") return ProgressMode::plain;
  if (requested == "none") return ProgressMode::none;
  return stderr_is_terminal ? ProgressMode::bar : ProgressMode::none;
}

Reporter::Reporter(ProgressMode mode, bool quiet, LinePrinter& printer, LogFile* log)
    : mode_(quiet ? ProgressMode::none : mode), quiet_(quiet), printer_(printer), log_(log) {
  // A bar needs a terminal to redraw on; elsewhere it degrades to periodic lines.
  if (mode_ == ProgressMode::bar && !printer_.smart()) mode_ = ProgressMode::plain;
}

Status Reporter::status_for(const pipeline::Progress& counts) {
  Status status{counts, std::chrono::duration<double>(Clock::now() - start_).count()};
  if (!counts.total_known) {
    estimate_ = std::max(estimate_, counts.total);
    status.counts.total = estimate_;
  }
  return status;
}

void Reporter::update(const pipeline::Progress& counts) {
  const auto now = Clock::now();
  if (mode_ == ProgressMode::bar && (redraw_now_ || now - last_draw_ >= kBarInterval)) {
    printer_.status(format_bar(status_for(counts), printer_.width() - 1, printer_.color()));
    last_draw_ = now;
    redraw_now_ = false;
  } else if (mode_ == ProgressMode::plain) {
    if (last_draw_ == Clock::time_point{}) last_draw_ = now;  // first line after an interval
    if (now - last_draw_ >= kPlainInterval) {
      printer_.line(format_plain(status_for(counts)));
      last_draw_ = now;
    }
  }
}

void Reporter::before_output() {
  if (printer_.clear_for_data()) redraw_now_ = true;
}

void Reporter::error(const std::string& source, const record::Error& error) {
  const std::string text =
      source + ": " + std::string(record::to_string(error.code)) + ": " + error.message;
  printer_.line("ocrbatch: " + text);
  if (log_) log_->error(text);
}

void Reporter::warn_if_nothing_found(const record::RunStats& stats) {
  // A warning, not an error: an empty inbox is a normal night, but a cron job pointed at the
  // wrong folder, or at PDFs, should say so in its mail and its log.
  if (!found_nothing(stats)) return;
  const std::string warning = format_nothing_found(stats, shard_);
  if (!quiet_) printer_.line("ocrbatch: " + warning);
  if (log_) log_->write("WARN", warning);
}

void Reporter::finish(const record::RunStats& stats) {
  printer_.clear();
  warn_if_nothing_found(stats);
  const std::string summary = format_summary(stats);
  if (!quiet_) printer_.line(summary);
  if (log_) log_->info(summary.substr(summary.find(' ') + 1));  // without the "ocrbatch:" prefix
}

}  // namespace ocrbatch::progress
