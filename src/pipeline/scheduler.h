#pragma once
// The producer's half of the pipeline: turns each discovered item into records. A file that
// could not be read becomes an error record; an image is looked up in the cache, its remembered
// pages replayed or counted as done, and every page still to do becomes a job for the workers.

#include <functional>
#include <optional>
#include <string>

#include "input/input_item.h"
#include "pipeline/admission.h"
#include "pipeline/result_cache.h"

namespace ocrbatch::pipeline {

// What the per-input files of one input need, when the run writes them (--output-dir).
struct OutputCheck {
  std::optional<record::Error>
      refused;                 // its files may not be written: the input is not recognised
  bool outputs_exist = false;  // every output file of the input is there
  bool needs_image = false;    // a missing one is made from the page images (pdf): read it again
};
// Called on the producer thread with each image's name, in input order.
using OutputChecker = std::function<OutputCheck(const std::string& name)>;

struct SchedulerOptions {
  ResultCache* cache = nullptr;  // null: every page is done
  bool emit_all = false;         // write remembered records again, not only new work
  bool retry_errors = false;     // do again pages whose remembered result is an error
  int max_pages = 0;             // pages in one file; 0: no limit
  // Set when each input gets files of its own: an input is written whole or not at all, so
  // remembered pages already emitted are replayed quietly (for the files only) unless the
  // input is unchanged and its files exist.
  OutputChecker check_output;
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
  // Where a record sits among its input's records, and what is known of the input as a whole.
  struct Part {
    int part = 0;
    int parts = 1;
    bool unchanged = false;    // every record of it comes from the cache
    bool files_exist = false;  // with check_output: all its files are there
  };
  bool replay(const CachedPage& row, const input::InputItem& item, const std::string& key,
              int pages, Part part);
  bool error(const input::InputItem& item, const std::string& key, record::Error error);

  const SchedulerOptions options_;
  Admission& admission_;
};

}  // namespace ocrbatch::pipeline
