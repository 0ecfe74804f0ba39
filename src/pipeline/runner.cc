#include "pipeline/runner.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <thread>
#include <utility>

#include "pipeline/page_worker.h"
#include "pipeline/reorder_buffer.h"
#include "pipeline/scheduler.h"

namespace ocrbatch::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kTick = std::chrono::milliseconds(200);

}  // namespace

Runner::Runner(RunnerOptions options, engine::RecognizerFactory make_engine,
               ChainFactory make_chain)
    : options_(std::move(options)),
      make_engine_(std::move(make_engine)),
      make_chain_(std::move(make_chain)) {
  if (options_.jobs < 1) options_.jobs = 1;
  if (options_.window == 0) options_.window = 2 * static_cast<size_t>(options_.jobs) + 2;
}

void Runner::cancel() {
  stop_ = true;
  std::lock_guard<std::mutex> lock(admission_mutex_);
  if (admission_ != nullptr) admission_->close();
}

record::RunStats Runner::run(const DiscoverFn& discover, RecordHandler& handler) {
  const auto started = Clock::now();
  const auto stopped = [this] { return stop_.load(); };
  Admission admission(options_.window, options_.jobs, stopped);
  {
    std::lock_guard<std::mutex> lock(admission_mutex_);
    admission_ = &admission;
  }

  // Producer: discovery, then one job per page. Nothing may escape the thread: a failure that
  // is nobody's input's fault (the ledger's disk is full) stops the run with its reason.
  std::thread producer([&] {
    Scheduler scheduler(
        {options_.cache, options_.emit_all, options_.retry_errors, options_.max_pages}, admission);
    try {
      discover([&](input::InputItem item) { return !stopped() && scheduler.take(item); });
    } catch (const std::exception& e) {
      admission.abort(e.what());
      cancel();
    }
    admission.producer_done();
  });

  // Workers: each owns one PageWorker, and so one engine, for its whole life.
  std::vector<std::thread> workers;
  for (int w = 0; w < options_.jobs; ++w) {
    workers.emplace_back([&] {
      PageWorker worker(make_engine_, make_chain_ ? make_chain_() : preprocess::Chain(),
                        {options_.max_pixels, options_.engine_limits}, options_.routing);
      while (auto job = admission.next_job()) {
        if (stopped()) break;
        try {
          worker.ensure_engine();
        } catch (...) {
          admission.setup_failed(std::current_exception());
          cancel();
          break;
        }
        auto outcome = worker.process(*job, stopped);
        if (!outcome) break;  // abandoned mid-page by a stop
        admission.deliver(job->seq, std::move(*outcome));
      }
      admission.worker_done();
    });
  }

  record::RunStats stats = write_records(admission, handler);

  // The producer may still be inside discovery; stop it and wait.
  if (stopped()) cancel();
  producer.join();
  for (auto& worker : workers) worker.join();
  {
    std::lock_guard<std::mutex> lock(admission_mutex_);
    admission_ = nullptr;
  }
  if (auto error = admission.setup_error()) std::rethrow_exception(error);

  stats.skipped = admission.skipped();
  stats.skipped_by_kind = admission.skipped_by_kind();
  stats.cached += admission.cached();
  stats.aborted = admission.aborted();
  stats.interrupted = stop_.load() && !output_closed_;
  stats.elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
  return stats;
}

record::RunStats Runner::write_records(Admission& admission, RecordHandler& handler) {
  record::RunStats stats;
  ReorderBuffer<Outcome> reorder(options_.ordered);
  Progress progress;
  ResultCache* cache = options_.cache;
  output_closed_ = false;
  const auto write = [&](std::vector<Outcome>& ready) {
    for (auto& outcome : ready) {
      if (!output_closed_ && !handler.on_record(outcome.record)) {
        output_closed_ = true;
        cancel();
      }
      if (output_closed_) continue;
      if (outcome.from_cache) {
        stats.count_replayed(outcome.record);
        ++stats.cached;
      } else {
        stats.count(outcome.record);
      }
      if (cache == nullptr || outcome.key.empty()) continue;
      try {
        cache->store(outcome.key, outcome.page, outcome.pages, outcome.record, outcome.from_cache);
      } catch (const std::exception& e) {
        // Stop storing and stop the run: going on would write records nobody remembers.
        admission.abort(e.what());
        cache = nullptr;
        cancel();
      }
    }
  };

  for (;;) {
    auto batch = admission.take(kTick, reorder.size());
    for (auto& [seq, rec] : batch.arrived) reorder.insert(seq, std::move(rec));
    auto ready = batch.finished && stop_.load() ? reorder.take_all() : reorder.take_ready();
    write(ready);
    admission.release(ready.size());

    progress.total = batch.admitted + batch.skipped + batch.cached;
    progress.total_known = batch.discovery_done;
    progress.skipped = batch.skipped;
    progress.cached = batch.cached;
    progress.total_estimated = false;
    if (!progress.total_known && options_.unreached_inputs) {
      if (const auto unreached = options_.unreached_inputs()) {
        progress.total += *unreached;
        progress.total_estimated = true;
      }
    }
    progress.done = stats.pages + stats.errors + progress.skipped + progress.cached;
    progress.total = std::max(progress.total, progress.done);
    progress.pages = stats.pages;
    progress.errors = stats.errors;
    handler.on_progress(progress);
    // Late arrivals after a stop (a worker finishing as we decided) still get written.
    if (batch.finished && !admission.has_results()) break;
  }
  return stats;
}

}  // namespace ocrbatch::pipeline
