#pragma once
// The producer's half of the pipeline: turns each discovered item into records. A file that
// could not be read becomes an error record; an image is looked up in the cache, its remembered
// pages replayed or counted as done, and every page still to do becomes a job for the workers.

#include "input/input_item.h"
#include "pipeline/admission.h"
#include "pipeline/result_cache.h"

namespace ocrbatch::pipeline {

struct SchedulerOptions {
  ResultCache* cache = nullptr;  // null: every page is done
  bool emit_all = false;         // write remembered records again, not only new work
  bool retry_errors = false;     // do again pages whose remembered result is an error
  int max_pages = 0;             // pages in one file; 0: no limit
};

class Scheduler {
 public:
  Scheduler(SchedulerOptions options, Admission& admission)
      : options_(options), admission_(admission) {}

  // The discovery sink. Returns false once the run is stopped. The cache's exceptions pass
  // through, to the producer thread that owns this scheduler.
  bool take(const input::InputItem& item);

 private:
  bool schedule(const input::InputItem& item);
  bool replay(const CachedPage& row, const input::InputItem& item, const std::string& key,
              int pages);
  bool error(const input::InputItem& item, const std::string& key, record::Error error);

  const SchedulerOptions options_;
  Admission& admission_;
};

}  // namespace ocrbatch::pipeline
