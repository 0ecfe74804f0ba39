#pragma once
// What the pipeline needs from a store of earlier results (the ledger): find what is
// already done for an input's content, and remember each record it writes.

#include <string>
#include <string_view>
#include <vector>

#include "record/record.h"

namespace ocrbatch::pipeline {

struct CachedPage {
  int page = 0;  // 0: a result for the whole file (it could not be split into pages)
  record::Record record;
  bool emitted = false;  // already in an output that was committed
  bool is_error = false;
};

struct CacheEntry {
  int pages = 0;  // pages of the content, 0 if only a whole-file result is known
  std::vector<CachedPage> rows;
  bool known() const { return !rows.empty(); }
};

class ResultCache {
 public:
  virtual ~ResultCache() = default;
  // Called on the producer thread.
  virtual std::string key_for(std::string_view bytes) = 0;
  virtual CacheEntry lookup(const std::string& key) = 0;
  // Called on the writer thread after `record` has been written to the output.
  virtual void store(const std::string& key, int page, int pages, const record::Record& record,
                     bool from_cache) = 0;
};

}  // namespace ocrbatch::pipeline
