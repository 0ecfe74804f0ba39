#include "progress/status_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace ocrbatch::progress {
namespace {

double rate(const Status& s) { return s.elapsed_s > 0.5 ? s.counts.done / s.elapsed_s : 0; }

bool total_shown(const pipeline::Progress& c) { return c.total_known || c.total_estimated; }

std::string total_text(const pipeline::Progress& c) {
  return c.total_known ? std::to_string(c.total) : "~" + std::to_string(c.total);
}

std::string eta_text(const Status& s) {
  const auto& c = s.counts;
  const double r = rate(s);
  // An estimate that has been reached says nothing about what is left.
  if (r <= 0 || c.total < c.done || (!c.total_known && c.total == c.done)) return "--";
  return format_duration(static_cast<double>(c.total - c.done) / r);
}

}  // namespace

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 360000) return "--";
  const auto total = static_cast<long>(std::lround(seconds));
  const long h = total / 3600, m = (total % 3600) / 60, sec = total % 60;
  if (h > 0) return fmt::format("{}h{:02}m", h, m);
  if (m > 0) return fmt::format("{}m{:02}s", m, sec);
  return fmt::format("{}s", sec);
}

std::string format_bar(const Status& s, int width, bool color) {
  const auto& c = s.counts;
  std::string errors;
  if (c.errors > 0) {
    errors = fmt::format("  {} error{}", c.errors, c.errors == 1 ? "" : "s");
    if (color) errors = "  \x1b[31m" + errors.substr(2) + "\x1b[0m";
  }
  const std::string visible_errors =
      c.errors > 0 ? fmt::format("  {} error{}", c.errors, c.errors == 1 ? "" : "s") : "";
  // Without a total there is nothing to fill a bar against or to reckon an ETA from.
  const std::string counts = total_shown(c) ? fmt::format(" {}/{}  {:.1f}/s  ETA {}", c.done,
                                                          total_text(c), rate(s), eta_text(s))
                                            : fmt::format("{} done  {:.1f}/s", c.done, rate(s));
  // The bar takes what room is left, and disappears on a narrow terminal.
  const int room = width - static_cast<int>(counts.size() + visible_errors.size()) - 2;
  std::string bar;
  if (room >= 10 && total_shown(c)) {
    const int cells = std::min(room, 40);
    const double fraction =
        c.total > 0 ? std::min(1.0, static_cast<double>(c.done) / c.total) : 0.0;
    const int filled = static_cast<int>(fraction * cells);
    bar = "[" + std::string(filled, '=') + (filled < cells ? ">" : "") +
          std::string(std::max(0, cells - filled - 1), ' ') + "]";
  }
  std::string line = bar + counts + errors;
  const int visible = static_cast<int>(bar.size() + counts.size() + visible_errors.size());
  if (visible > width && width > 0) line = (bar + counts).substr(0, static_cast<size_t>(width));
  return line;
}

std::string format_plain(const Status& s) {
  const auto& c = s.counts;
  if (!total_shown(c))
    return fmt::format("ocrbatch: {} done ({} pages, {} errors, {} skipped), {:.2f}/s", c.done,
                       c.pages, c.errors, c.skipped, rate(s));
  return fmt::format("ocrbatch: {}/{} done ({} pages, {} errors, {} skipped), {:.2f}/s, ETA {}",
                     c.done, total_text(c), c.pages, c.errors, c.skipped, rate(s), eta_text(s));
}

std::string format_skipped_kinds(const record::RunStats& st) {
  std::vector<std::pair<std::string, uint64_t>> kinds(st.skipped_by_kind.begin(),
                                                      st.skipped_by_kind.end());
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [kind, n] : kinds)
    if (n > 0) text += fmt::format("{}{} {}", text.empty() ? "" : ", ", n, kind);
  return text;
}

bool found_nothing(const record::RunStats& st) {
  return st.pages == 0 && st.errors == 0 && st.cached == 0 && !st.interrupted && st.aborted.empty();
}

std::string format_nothing_found(const record::RunStats& st, const std::string& shard) {
  const std::string kinds = format_skipped_kinds(st);
  std::string line = shard.empty() ? "no images found in the named paths"
                                   : "no images of shard " + shard + " found in the named paths";
  if (st.skipped > 0)
    line += fmt::format(" ({} skipped{}{})", st.skipped, kinds.empty() ? "" : ": ", kinds);
  return line;
}

std::string format_summary(const record::RunStats& st) {
  const std::string kinds = format_skipped_kinds(st);
  std::string line = fmt::format(
      "ocrbatch: {} page{}, {} error{}, {} skipped{}{} in {} ({:.2f} pages/s)", st.pages,
      st.pages == 1 ? "" : "s", st.errors, st.errors == 1 ? "" : "s", st.skipped,
      kinds.empty() ? "" : " (" + kinds + ")",
      st.cached > 0 ? fmt::format(", {} already done", st.cached) : "",
      st.elapsed_s < 10 ? fmt::format("{:.2f}s", st.elapsed_s) : format_duration(st.elapsed_s),
      st.pages_per_second());
  if (st.interrupted) line += ", interrupted";
  return line;
}

}  // namespace ocrbatch::progress
