#include "record/record.h"

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

void DurationHistogram::add(double seconds) {
  size_t i = 0;
  while (i < kBuckets && seconds > kBounds[i]) ++i;
  ++counts[i];
  sum_s += seconds;
  ++count;
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
