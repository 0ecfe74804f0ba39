#include "pipeline/scheduler.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ocrbatch::pipeline {

using record::ErrorCode;
using record::ErrorResult;

namespace {

// "page 3", "pages 3-5", "pages 3, 7-9": ascending page numbers as ranges.
std::string page_ranges(const std::vector<int>& pages) {
  std::string out = pages.size() == 1 ? "page " : "pages ";
  for (size_t i = 0; i < pages.size();) {
    size_t j = i;
    while (j + 1 < pages.size() && pages[j + 1] == pages[j] + 1) ++j;
    if (i > 0) out += ", ";
    out += std::to_string(pages[i]);
    if (j > i) out += "-" + std::to_string(pages[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace

bool Scheduler::take(const input::InputItem& item) {
  switch (item.kind) {
    case input::InputItem::Kind::skipped:
      admission_.count_skipped(item.skip);
      return true;
    case input::InputItem::Kind::error:
      return error(item, {}, *item.error);
    case input::InputItem::Kind::image:
      break;
  }
  return schedule(item);
}

bool Scheduler::error(const input::InputItem& item, const std::string& key, record::Error error) {
  uint64_t seq = 0;
  if (!admission_.admit(&seq)) return false;
  admission_.deliver(seq, Outcome{ErrorResult{item.name, 0, std::move(error)}, key, 0, 0, false});
  return true;
}

// Emits a remembered result under the input's current name, or counts it as already done.
bool Scheduler::replay(const CachedPage& row, const input::InputItem& item, const std::string& key,
                       int pages) {
  if (row.emitted && !options_.emit_all) {
    admission_.count_cached();
    return true;
  }
  uint64_t seq = 0;
  if (!admission_.admit(&seq)) return false;
  record::Record record = row.record;
  std::visit([&](auto& r) { r.source = item.name; }, record);
  admission_.deliver(seq, Outcome{std::move(record), key, row.page, pages, true});
  return true;
}

bool Scheduler::schedule(const input::InputItem& item) {
  std::string key;
  CacheEntry entry;
  if (options_.cache) {
    key = options_.cache->key_for(*item.bytes);
    entry = options_.cache->lookup(key);
  }
  const auto redo = [&](const CachedPage& row) { return options_.retry_errors && row.is_error; };
  if (entry.known() && entry.pages == 0 && !redo(entry.rows.front()))
    return replay(entry.rows.front(), item, key, 0);

  // Content no decoder takes (an empty file, text named .png): judged here, after hashing, so
  // the cache remembers it like any other content error.
  if (item.format == image::Format::unknown)
    return error(item, key,
                 {ErrorCode::decode_failed, item.bytes->empty()
                                                ? "file is empty (0 bytes)"
                                                : "content is not a recognised image format"});
  // Found in one walk of the file, so that no page job walks the pages before its own.
  std::vector<image::PageRef> refs;
  const auto find_pages = [&] {
    const size_t limit =
        options_.max_pages > 0 ? static_cast<size_t>(options_.max_pages) : SIZE_MAX;
    auto found = image::pages(*item.bytes, item.format, limit);
    if (found) refs = std::move(found.value());
    return found;
  };
  int pages = entry.pages;
  if (pages == 0) {
    const auto found = find_pages();
    if (!found) return error(item, key, found.error());
    if (options_.max_pages > 0 && refs.size() > static_cast<size_t>(options_.max_pages))
      return error(item, key,
                   {ErrorCode::too_large, "more than " + std::to_string(options_.max_pages) +
                                              " pages, over the --max-pages limit of " +
                                              std::to_string(options_.max_pages)});
    pages = static_cast<int>(refs.size());
  }
  // An input named "scan.tif#3" asks for that page alone; not cacheable, as it is about the
  // name, not the content.
  if (item.page > pages) {
    uint64_t seq = 0;
    if (!admission_.admit(&seq)) return false;
    admission_.deliver(
        seq, Outcome{ErrorResult{item.name,
                                 item.page,
                                 {ErrorCode::not_found,
                                  "no page " + std::to_string(item.page) + ": the file has " +
                                      std::to_string(pages) + (pages == 1 ? " page" : " pages")}},
                     {},
                     0,
                     0,
                     false});
    return true;
  }
  const int first = item.page > 0 ? item.page : 1, last = item.page > 0 ? item.page : pages;
  // A damaged PDF: the pages its file does not hold get one record, where the first of them
  // would be; not remembered, as the readable pages are.
  std::vector<int> missing;
  const auto is_missing = [&](int page) {
    return static_cast<size_t>(page) <= refs.size() && refs[static_cast<size_t>(page) - 1].missing;
  };
  for (int page = first; page <= last; ++page) {
    const CachedPage* row = nullptr;
    for (const auto& r : entry.rows)
      if (r.page == page) row = &r;
    if (row && !redo(*row)) {
      if (!replay(*row, item, key, pages)) return false;
      continue;
    }
    // Pages the cache already knows the count of are found only if one needs work.
    if (refs.empty()) find_pages();
    if (is_missing(page)) {
      if (!missing.empty()) continue;
      for (int p = page; p <= last; ++p)
        if (is_missing(p)) missing.push_back(p);
      uint64_t seq = 0;
      if (!admission_.admit(&seq)) return false;
      admission_.deliver(
          seq, Outcome{ErrorResult{
                           item.name,
                           page,
                           {ErrorCode::decode_failed,
                            "PDF " + page_ranges(missing) + " of " + std::to_string(pages) +
                                " cannot be read: the file does not hold " +
                                (missing.size() == 1 ? "it" : "them") + " (damaged or cut off)"}},
                       {},
                       0,
                       0,
                       false});
      continue;
    }
    const uint64_t offset =
        static_cast<size_t>(page) <= refs.size() ? refs[static_cast<size_t>(page) - 1].offset : 0;
    uint64_t seq = 0;
    if (!admission_.admit(&seq)) return false;
    if (!admission_.push_job(
            Job{seq, item.name, page, pages, offset, item.bytes, item.format, key}))
      return false;
  }
  return true;
}

}  // namespace ocrbatch::pipeline
