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
                       int pages, Part part) {
  const bool quiet = row.emitted && !options_.emit_all;
  if (quiet && (!options_.check_output || (part.unchanged && part.files_exist))) {
    admission_.count_cached();
    return true;
  }
  uint64_t seq = 0;
  if (!admission_.admit(&seq)) return false;
  record::Record record = row.record;
  std::visit([&](auto& r) { r.source = item.name; }, record);
  Outcome outcome{std::move(record), key, row.page, pages, true};
  outcome.part = part.part;
  outcome.parts = part.parts;
  outcome.quiet = quiet;
  outcome.unchanged = part.unchanged;
  admission_.deliver(seq, std::move(outcome));
  return true;
}

bool Scheduler::schedule(const input::InputItem& item) {
  OutputCheck output;
  if (options_.check_output) {
    output = options_.check_output(item.name);
    if (output.refused) return error(item, {}, *output.refused);
  }
  std::string key;
  CacheEntry entry;
  if (options_.cache) {
    key = options_.cache->key_for(*item.bytes);
    entry = options_.cache->lookup(key);
  }
  // A missing file that needs the page images cannot be made from remembered records. An input
  // with no page that worked never had one, and is not read again for it each run.
  bool any_page = false;
  for (const auto& r : entry.rows) any_page = any_page || !r.is_error;
  const bool reread = output.needs_image && !output.outputs_exist && any_page;
  const auto redo = [&](const CachedPage& row) {
    return reread || (options_.retry_errors && row.is_error);
  };
  const auto cached_page = [&](int page) -> const CachedPage* {
    for (const auto& r : entry.rows)
      if (r.page == page && !redo(r)) return &r;
    return nullptr;
  };
  if (entry.known() && entry.pages == 0 && !redo(entry.rows.front()))
    return replay(entry.rows.front(), item, key, 0, {0, 1, true, output.outputs_exist});

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
  bool unchanged = true;
  for (int page = first; page <= last && unchanged; ++page)
    unchanged = cached_page(page) != nullptr;
  // A damaged PDF: the pages its file does not hold get one record, where the first of them
  // would be; not remembered, as the readable pages are. That record stands for all of them, so
  // the input has fewer records than pages, and the ones after it are numbered on from it.
  std::vector<int> missing;
  const auto is_missing = [&](int page) {
    return static_cast<size_t>(page) <= refs.size() && refs[static_cast<size_t>(page) - 1].missing;
  };
  int covered = 0;  // missing pages after the first, which its record stands for
  int parts = last - first + 1;
  for (int page = first; page <= last; ++page) {
    const Part part{page - first - covered, parts, unchanged, output.outputs_exist};
    const CachedPage* row = cached_page(page);
    if (row) {
      if (!replay(*row, item, key, pages, part)) return false;
      continue;
    }
    // Pages the cache already knows the count of are found only if one needs work.
    if (refs.empty()) find_pages();
    if (is_missing(page)) {
      if (!missing.empty()) {
        ++covered;
        continue;
      }
      for (int p = page; p <= last; ++p)
        if (is_missing(p)) missing.push_back(p);
      parts -= static_cast<int>(missing.size()) - 1;
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
                       false,
                       part.part,
                       parts});
      continue;
    }
    const uint64_t offset =
        static_cast<size_t>(page) <= refs.size() ? refs[static_cast<size_t>(page) - 1].offset : 0;
    uint64_t seq = 0;
    if (!admission_.admit(&seq)) return false;
    // A page read again only for the files, already in a committed output: not streamed again.
    bool quiet = false;
    for (const auto& r : entry.rows)
      if (r.page == page && r.emitted && !options_.emit_all &&
          !(options_.retry_errors && r.is_error))
        quiet = true;
    if (!admission_.push_job(Job{seq, item.name, page, pages, offset, item.bytes, item.format, key,
                                 part.part, part.parts, quiet}))
      return false;
  }
  return true;
}

}  // namespace ocrbatch::pipeline
