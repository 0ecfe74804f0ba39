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

Runner::Snapshot Runner::snapshot() {
  Snapshot now;
  {
    std::lock_guard<std::mutex> lock(live_mutex_);
    now.stats = live_stats_;
    now.activity = live_activity_;
  }
  std::lock_guard<std::mutex> lock(admission_mutex_);
  if (admission_ == nullptr) return now;
  const auto activity = admission_->activity();
  now.activity.queued = activity.queued;
  now.activity.in_flight = activity.in_flight;
  now.activity.last_page_s = activity.last_page_s;
  now.stats.skipped = admission_->skipped();
  now.stats.skipped_by_kind = admission_->skipped_by_kind();
  now.stats.cached += admission_->cached();
  now.stats.elapsed_s = std::chrono::duration<double>(Clock::now() - started_).count();
  return now;
}

record::RunStats Runner::run(const DiscoverFn& discover, RecordHandler& handler) {
  const auto stopped = [this] { return stop_.load(); };
  Admission admission(options_.window, options_.jobs, stopped);
  {
    std::lock_guard<std::mutex> live(live_mutex_);
    live_stats_ = {};
    live_activity_ = {};
    live_activity_.started_s =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::lock_guard<std::mutex> lock(admission_mutex_);
    started_ = Clock::now();
    admission_ = &admission;
  }
  const auto started = started_;

  // Producer: discovery, then one job per page. Nothing may escape the thread: a failure that
  // is nobody's input's fault (the ledger's disk is full) stops the run with its reason.
  std::thread producer([&] {
    Scheduler scheduler({options_.cache, options_.emit_all, options_.retry_errors,
                         options_.max_pages, options_.check_output},
                        admission);
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
                        {options_.max_pixels, options_.engine_limits, options_.pdf_dpi,
                         options_.keep_page_image, options_.pdf_text},
                        options_.routing);
      while (auto job = admission.next_job()) {
        if (stopped()) {
          admission.drop_job();
          break;
        }
        try {
          worker.ensure_engine();
        } catch (...) {
          admission.drop_job();
          admission.setup_failed(std::current_exception());
          cancel();
          break;
        }
        auto outcome = worker.process(*job, stopped);
        if (!outcome) {  // abandoned mid-page by a stop
          admission.drop_job();
          break;
        }
        admission.finish_job(job->seq, std::move(*outcome));
      }
      admission.worker_done();
    });
  }

  record::RunStats stats = write_records(admission, handler);

  // The producer may still be inside discovery; stop it and wait.
  if (stopped()) cancel();
  producer.join();
  for (auto& worker : workers) worker.join();

  stats.skipped = admission.skipped();
  stats.skipped_by_kind = admission.skipped_by_kind();
  stats.cached += admission.cached();
  stats.aborted = admission.aborted();
  stats.interrupted = stop_.load() && !output_closed_;
  stats.elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
  {
    // In one step, so that snapshot() sees either the live counts or the final ones.
    std::lock_guard<std::mutex> live(live_mutex_);
    live_stats_ = stats;
    live_activity_ = {0, 0, 0, live_activity_.started_s, admission.activity().last_page_s};
    std::lock_guard<std::mutex> lock(admission_mutex_);
    admission_ = nullptr;
  }
  if (auto error = admission.setup_error()) std::rethrow_exception(error);
  return stats;
}

record::RunStats Runner::write_records(Admission& admission, RecordHandler& handler) {
  uint64_t pages = 0, errors = 0, quiet = 0;
  ReorderBuffer<Outcome> reorder(options_.ordered);
  Progress progress;
  ResultCache* cache = options_.cache;
  output_closed_ = false;
  const auto write = [&](std::vector<Outcome>& ready) {
    for (auto& outcome : ready) {
      if (!output_closed_ && !handler.on_outcome(outcome)) {
        output_closed_ = true;
        cancel();
      }
      if (output_closed_) continue;
      if (outcome.quiet) {
        // Done in an earlier run, as a page the scheduler only counts: no record, nothing new.
        std::lock_guard<std::mutex> live(live_mutex_);
        ++live_stats_.cached;
        ++quiet;
        continue;
      }
      {
        // Counted where snapshot() reads, rather than copied there after each record: the
        // copy would be several KiB a page.
        std::lock_guard<std::mutex> live(live_mutex_);
        if (outcome.from_cache) {
          live_stats_.count_replayed(outcome.record);
          ++live_stats_.cached;
        } else {
          live_stats_.count(outcome.record);
        }
        pages = live_stats_.pages;
        errors = live_stats_.errors;
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
    {
      std::lock_guard<std::mutex> live(live_mutex_);
      live_activity_.held = reorder.size();
    }

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
    progress.done = pages + errors + quiet + progress.skipped + progress.cached;
    progress.total = std::max(progress.total, progress.done);
    progress.pages = pages;
    progress.errors = errors;
    handler.on_progress(progress);
    // Late arrivals after a stop (a worker finishing as we decided) still get written.
    if (batch.finished && !admission.has_results()) break;
  }
  std::lock_guard<std::mutex> live(live_mutex_);
  return live_stats_;
}

}  // namespace ocrbatch::pipeline
