#pragma once
// The batch pipeline: one producer discovers inputs and splits them into page jobs
// (Scheduler), a pool of workers (one PageWorker each, with its own engine) decodes and
// recognises, and the calling thread writes records in order through a RecordHandler. The
// Admission window bounds what is in flight.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/engine.h"
#include "input/input_item.h"
#include "pipeline/admission.h"
#include "pipeline/page_worker.h"
#include "pipeline/result_cache.h"
#include "pipeline/scheduler.h"
#include "preprocess/chain.h"
#include "record/record.h"

namespace ocrbatch::pipeline {

struct RunnerOptions {
  int jobs = 1;
  bool ordered = true;
  // Page jobs admitted past the oldest unwritten one. Bounds the images held in memory
  // and the reorder buffer together. 0 picks 2 * jobs + 2.
  size_t window = 0;
  // Inputs discovery has not reached yet, if anyone is counting them: lets progress show a
  // total before discovery is done. Nothing while no count covers every input.
  std::function<std::optional<uint64_t>()> unreached_inputs;
  // Earlier results (the ledger). Null: every input is processed.
  ResultCache* cache = nullptr;
  bool emit_all = false;      // write cached records again, not only new work
  bool retry_errors = false;  // process again pages whose cached result is an error
  // Pages over these limits are refused with too_large before they are decoded.
  uint64_t max_pixels = 0;       // width * height; 0: no limit
  engine::Limits engine_limits;  // and a side longer than the engine takes
  int max_pages = 0;             // pages in one file; 0: no limit
  int pdf_dpi = 0;               // PDF pages are rendered at this; 0: auto
  bool keep_page_image = false;  // records carry their encoded source page (for -f pdf)
  PdfText pdf_text = PdfText::automatic;
  // Which path reads each page; each worker makes its own detector-path recogniser.
  PageRouting routing;
  // Set when every input gets files of its own (--output-dir); see SchedulerOptions.
  OutputChecker check_output;
};

// Live counters for progress display. Units are records written plus files skipped.
struct Progress {
  uint64_t done = 0;
  uint64_t total = 0;            // best estimate of `done` at the end
  bool total_known = false;      // discovery has finished: `total` is exact
  bool total_estimated = false;  // `total` includes a count of the inputs not yet reached;
                                 // neither flag: `total` is only what has been found so far
  uint64_t pages = 0;
  uint64_t errors = 0;
  uint64_t skipped = 0;
  uint64_t cached = 0;
};

// What the runner tells the outside world. Called only on the thread that called run().
class RecordHandler {
 public:
  virtual ~RecordHandler() = default;
  // Returns false when the output is gone (closed pipe): the run stops quietly.
  virtual bool on_record(const record::Record& record) = 0;
  // Every outcome in output order, with where it sits in its input. The default passes the
  // records meant for the stream to on_record; quiet ones exist only for per-input files.
  virtual bool on_outcome(const Outcome& outcome) {
    return outcome.quiet || on_record(outcome.record);
  }
  // Called after each record and a few times a second while waiting.
  virtual void on_progress(const Progress& /*progress*/) {}
};

// Runs discovery on the producer thread, pushing every item into the sink it is given.
using DiscoverFn = std::function<void(const input::ItemSink&)>;
using ChainFactory = std::function<preprocess::Chain()>;

class Runner {
 public:
  Runner(RunnerOptions options, engine::RecognizerFactory make_engine, ChainFactory make_chain);

  // Runs the whole batch. Rethrows an engine SetupError from a worker.
  record::RunStats run(const DiscoverFn& discover, RecordHandler& handler);

  // Stops taking new work and abandons in-flight pages; run() then writes what has
  // finished and returns. Safe to call from any thread.
  void cancel();
  bool cancelled() const { return stop_.load(); }

  // The run so far: what has been written and what the threads are doing. Safe to call from
  // any thread; after run() returns it holds the run's final counts.
  struct Snapshot {
    record::RunStats stats;
    record::RunActivity activity;
  };
  Snapshot snapshot();

 private:
  // The writer loop, on the calling thread: takes what arrives, restores the order, writes,
  // tells the cache, reports progress. Returns when nothing more will arrive.
  record::RunStats write_records(Admission& admission, RecordHandler& handler);

  RunnerOptions options_;
  engine::RecognizerFactory make_engine_;
  ChainFactory make_chain_;
  std::atomic<bool> stop_{false};
  std::mutex admission_mutex_;
  Admission* admission_ = nullptr;                 // live only during run()
  bool output_closed_ = false;                     // the handler refused a record (closed pipe)
  std::chrono::steady_clock::time_point started_;  // guarded by admission_mutex_
  std::mutex live_mutex_;                          // guards the two below
  record::RunStats live_stats_;                    // counted by the writer loop
  record::RunActivity live_activity_;              // held, started_s; the rest when run() ends
};

}  // namespace ocrbatch::pipeline
