#pragma once
// The units that move through the pipeline: a page job for a worker, and the finished record
// that comes back for the writer.

#include <cstdint>
#include <memory>
#include <string>

#include "image/image.h"
#include "record/record.h"

namespace ocrbatch::pipeline {

// One page of one input, to be decoded and recognised by a worker.
struct Job {
  uint64_t seq = 0;  // position in the output order
  std::string source;
  int page = 1;
  int pages = 1;
  uint64_t page_offset = 0;  // where the page starts in `bytes`, as image::PageRef has it
  std::shared_ptr<const std::string> bytes;  // the encoded file, shared by its pages
  image::Format format = image::Format::unknown;
  std::string key;     // content key in the cache, if there is one
  int part = 0;        // this job's place among the records of its input (0-based)
  int parts = 1;       // records its input gives
  bool quiet = false;  // its result goes only to per-input files (see Outcome::quiet)
};

// A finished record and what the cache needs to remember it.
struct Outcome {
  record::Record record;
  std::string key;  // empty: not cacheable (e.g. a file that could not be read)
  int page = 0;
  int pages = 0;
  bool from_cache = false;  // replayed from the cache, not recognised in this run
  // The records of one input arrive one after another, `part` 0 to `parts` - 1, so a writer of
  // one file per input knows when an input is complete and when one of its records is missing.
  int part = 0;
  int parts = 1;
  // Already in a committed output and not written to the stream again: replayed only so the
  // per-input files can be written whole. Counted as cached, not stored again.
  bool quiet = false;
  // Every record of the input comes from the cache: its per-input files that exist are current.
  bool unchanged = false;
};

}  // namespace ocrbatch::pipeline
