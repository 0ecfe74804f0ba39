#include "pipeline/scheduler.h"

#include <string>
#include <utility>

namespace ocrbatch::pipeline {

using record::ErrorCode;
using record::ErrorResult;

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
  int pages = entry.pages;
  if (pages == 0) {
    const auto counted = image::page_count(*item.bytes, item.format);
    if (!counted) return error(item, key, counted.error());
    pages = counted.value();
    if (options_.max_pages > 0 && pages > options_.max_pages)
      return error(
          item, key,
          {ErrorCode::too_large, std::to_string(pages) + " pages, over the --max-pages limit of " +
                                     std::to_string(options_.max_pages)});
  }
  for (int page = 1; page <= pages; ++page) {
    const CachedPage* row = nullptr;
    for (const auto& r : entry.rows)
      if (r.page == page) row = &r;
    if (row && !redo(*row)) {
      if (!replay(*row, item, key, pages)) return false;
      continue;
    }
    uint64_t seq = 0;
    if (!admission_.admit(&seq)) return false;
    if (!admission_.push_job(Job{seq, item.name, page, pages, item.bytes, item.format, key}))
      return false;
  }
  return true;
}

}  // namespace ocrbatch::pipeline
