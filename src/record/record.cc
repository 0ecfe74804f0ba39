#include "record/record.h"

#include <algorithm>
#include <cmath>

namespace ocrbatch::record {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::permission_denied:
      return "permission_denied";
    case ErrorCode::read_failed:
      return "read_failed";
    case ErrorCode::unsupported_format:
      return "unsupported_format";
    case ErrorCode::decode_failed:
      return "decode_failed";
    case ErrorCode::archive_corrupt:
      return "archive_corrupt";
    case ErrorCode::too_large:
      return "too_large";
    case ErrorCode::timeout:
      return "timeout";
    case ErrorCode::ocr_failed:
      return "ocr_failed";
    case ErrorCode::encrypted:
      return "encrypted";
    case ErrorCode::unsafe_path:
      return "unsafe_path";
    case ErrorCode::output_conflict:
      return "output_conflict";
  }
  return "unknown";
}

std::string_view to_string(SkipKind kind) {
  switch (kind) {
    case SkipKind::pdf:
      return "pdf";
    case SkipKind::other:
      return "other";
    case SkipKind::archive_name:
      return "archive_name";
    case SkipKind::special:
      return "special";
    case SkipKind::link:
      return "link";
  }
  return "other";
}

std::string text_of(const Line& line) {
  std::string text;
  for (const Word& word : line.words) {
    if (!text.empty()) text += ' ';
    text += word.text;
  }
  return text;
}

std::vector<TextItem> lines_of(const std::vector<Block>& blocks) {
  std::vector<TextItem> items;
  for (const Block& block : blocks)
    for (const Paragraph& paragraph : block.paragraphs)
      for (const Line& line : paragraph.lines)
        items.push_back({text_of(line), line.confidence, line.bbox});
  return items;
}

std::vector<TextItem> words_of(const std::vector<Block>& blocks) {
  std::vector<TextItem> items;
  for (const Block& block : blocks)
    for (const Paragraph& paragraph : block.paragraphs)
      for (const Line& line : paragraph.lines)
        for (const Word& word : line.words)
          items.push_back({word.text, word.confidence, word.bbox});
  return items;
}

Box united(const Box& a, const Box& b) {
  if (a.w <= 0 || a.h <= 0) return b;
  if (b.w <= 0 || b.h <= 0) return a;
  const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  const int x1 = std::max(a.x + a.w, b.x + b.w), y1 = std::max(a.y + a.h, b.y + b.h);
  return {x0, y0, x1 - x0, y1 - y0};
}

namespace {

const double kGrowth =
    (1 + DurationHistogram::kQuantileError) / (1 - DurationHistogram::kQuantileError);
const double kLogGrowth = std::log(kGrowth);

size_t fine_bucket(double seconds) {
  if (!(seconds > DurationHistogram::kQuantileFloor)) return 0;
  const double i = std::ceil(std::log(seconds / DurationHistogram::kQuantileFloor) / kLogGrowth);
  return static_cast<size_t>(
      std::min(i, static_cast<double>(DurationHistogram::kQuantileBuckets - 1)));
}

double fine_value(size_t bucket) {
  if (bucket == 0) return DurationHistogram::kQuantileFloor;
  return DurationHistogram::kQuantileFloor * std::pow(kGrowth, static_cast<double>(bucket)) * 2 /
         (kGrowth + 1);
}

}  // namespace

void DurationHistogram::add(double seconds) {
  size_t i = 0;
  while (i < kBuckets && seconds > kBounds[i]) ++i;
  ++counts[i];
  ++fine[fine_bucket(seconds)];
  max_s = count == 0 ? seconds : std::max(max_s, seconds);
  min_s = count == 0 ? seconds : std::min(min_s, seconds);
  sum_s += seconds;
  ++count;
}

double DurationHistogram::quantile(double q) const {
  if (count == 0) return 0;
  // Less a little, so that 0.07 * 100 (7.000000000000001 in doubles) is rank 7, not 8.
  const double wanted = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count) - 1e-9);
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(wanted));
  uint64_t seen = 0;
  for (size_t i = 0; i < kQuantileBuckets; ++i) {
    seen += fine[i];
    if (seen < rank) continue;
    // The last bucket has no upper bound: the longest time is the best guess there.
    return i + 1 == kQuantileBuckets ? max_s : std::clamp(fine_value(i), min_s, max_s);
  }
  return max_s;
}

void RunStats::tally(const Record& record) {
  if (const auto* error = std::get_if<ErrorResult>(&record)) {
    ++errors;
    ++errors_by_code[std::string(to_string(error->error.code))];
  } else {
    ++pages;
  }
}

void RunStats::count(const Record& record) {
  tally(record);
  if (const auto* page = std::get_if<PageResult>(&record))
    page_seconds.add(page->duration_ms / 1000.0);
}

void RunStats::count_replayed(const Record& record) {
  tally(record);
  if (std::holds_alternative<PageResult>(record)) ++replayed_pages;
}

}  // namespace ocrbatch::record
