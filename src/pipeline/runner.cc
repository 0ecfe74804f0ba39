#include "pipeline/runner.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <thread>
#include <utility>

#include "image/image.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/reorder_buffer.h"

namespace ocrbatch::pipeline {
namespace {

using record::ErrorCode;
using record::ErrorResult;
using record::PageResult;
using record::Record;
using Clock = std::chrono::steady_clock;

constexpr auto kTick = std::chrono::milliseconds(200);

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

struct Runner::Job {
  uint64_t seq = 0;
  std::string source;
  int page = 1;
  int pages = 1;
  uint64_t page_offset = 0;  // where the page starts in `bytes` (image::PageRef)
  std::shared_ptr<const std::string> bytes;
  image::Format format = image::Format::unknown;
  std::string key;  // content key in the cache, if there is one
};

// A finished record and what the cache needs to remember it.
struct Runner::Outcome {
  Record record;
  std::string key;  // empty: not cacheable (e.g. a file that could not be read)
  int page = 0;
  int pages = 0;
  bool from_cache = false;
};

// State shared by the producer, the workers and the writer for one run.
struct Runner::Shared {
  explicit Shared(size_t capacity) : window(capacity), jobs(capacity) {}

  const size_t window;
  BoundedQueue<Job> jobs;

  std::mutex mutex;
  std::condition_variable changed;  // results arrived, a slot freed, or state changed
  std::vector<std::pair<uint64_t, Outcome>> results;
  uint64_t next_seq = 0;  // sequence numbers handed out
  uint64_t released = 0;  // records written (their window slots are free again)
  bool discovery_done = false;
  int workers_running = 0;
  uint64_t skipped = 0;
  uint64_t cached = 0;  // pages already done and emitted by an earlier run
  std::exception_ptr setup_error;

  void wake() {
    std::lock_guard<std::mutex> lock(mutex);
    changed.notify_all();
  }
};

// Refuses a page whose header declares more pixels than allowed, or a side Tesseract
// cannot take, before its pixels are decoded. A header that cannot be read is left to the
// decoder to report.
std::optional<record::Error> Runner::check_size(const Job& job) const {
  const auto head = image::header(*job.bytes, job.format, {job.page - 1, job.page_offset});
  if (!head) return std::nullopt;
  const auto& h = head.value();
  const uint64_t pixels = static_cast<uint64_t>(h.width) * static_cast<uint64_t>(h.height);
  const std::string size = std::to_string(h.width) + "x" + std::to_string(h.height);
  if (options_.max_pixels > 0 && pixels > options_.max_pixels)
    return record::Error{ErrorCode::too_large, "image is " + size + " (" + std::to_string(pixels) +
                                                   " pixels), over the --max-pixels limit of " +
                                                   std::to_string(options_.max_pixels)};
  if (h.width > image::kMaxSide || h.height > image::kMaxSide)
    return record::Error{ErrorCode::too_large, "image is " + size + "; Tesseract takes at most " +
                                                   std::to_string(image::kMaxSide) +
                                                   " pixels a side"};
  return std::nullopt;
}

Runner::Runner(RunnerOptions options, engine::EngineFactory make_engine, ChainFactory make_chain)
    : options_(std::move(options)),
      make_engine_(std::move(make_engine)),
      make_chain_(std::move(make_chain)) {
  if (options_.jobs < 1) options_.jobs = 1;
  if (options_.window == 0) options_.window = 2 * static_cast<size_t>(options_.jobs) + 2;
}

void Runner::cancel() {
  stop_ = true;
  std::lock_guard<std::mutex> lock(shared_mutex_);
  if (shared_ != nullptr) {
    shared_->jobs.close();
    shared_->jobs.clear();
    shared_->wake();
  }
}

record::RunStats Runner::run(const DiscoverFn& discover, RecordHandler& handler,
                             std::unique_ptr<engine::Engine> first_engine) {
  const auto started = Clock::now();
  Shared shared(options_.window);
  {
    std::lock_guard<std::mutex> lock(shared_mutex_);
    shared_ = &shared;
  }
  const auto stopped = [this] { return stop_.load(); };

  // Takes a window slot and a sequence number; blocks while the window is full.
  auto admit = [&](uint64_t* seq) {
    std::unique_lock<std::mutex> lock(shared.mutex);
    shared.changed.wait(
        lock, [&] { return stopped() || shared.next_seq - shared.released < shared.window; });
    if (stopped()) return false;
    *seq = shared.next_seq++;
    shared.changed.notify_all();
    return true;
  };
  auto deliver = [&](uint64_t seq, Outcome outcome) {
    std::lock_guard<std::mutex> lock(shared.mutex);
    shared.results.emplace_back(seq, std::move(outcome));
    shared.changed.notify_all();
  };
  auto count = [&](uint64_t Shared::*counter) {
    std::lock_guard<std::mutex> lock(shared.mutex);
    ++(shared.*counter);
  };
  ResultCache* const cache = options_.cache;

  // Emits a cached result under the input's current name, or counts it as already done.
  auto replay = [&](const CachedPage& row, const input::InputItem& item, const std::string& key,
                    int pages) {
    if (row.emitted && !options_.emit_all) {
      count(&Shared::cached);
      return true;
    }
    uint64_t seq = 0;
    if (!admit(&seq)) return false;
    Record record = row.record;
    std::visit([&](auto& r) { r.source = item.name; }, record);
    deliver(seq, Outcome{std::move(record), key, row.page, pages, true});
    return true;
  };

  // Sends the pages of an image that still need work to the workers; replays the rest.
  auto schedule = [&](const input::InputItem& item) {
    uint64_t seq = 0;
    std::string key;
    CacheEntry entry;
    if (cache) {
      key = cache->key_for(*item.bytes);
      entry = cache->lookup(key);
    }
    const auto redo = [&](const CachedPage& row) { return options_.retry_errors && row.is_error; };
    if (entry.known() && entry.pages == 0 && !redo(entry.rows.front()))
      return replay(entry.rows.front(), item, key, 0);

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
      if (!found) {
        if (!admit(&seq)) return false;
        deliver(seq, Outcome{ErrorResult{item.name, 0, found.error()}, key, 0, 0, false});
        return true;
      }
      if (options_.max_pages > 0 && refs.size() > static_cast<size_t>(options_.max_pages)) {
        if (!admit(&seq)) return false;
        deliver(seq, Outcome{ErrorResult{item.name,
                                         0,
                                         {ErrorCode::too_large,
                                          "more than " + std::to_string(options_.max_pages) +
                                              " pages, over the --max-pages limit of " +
                                              std::to_string(options_.max_pages)}},
                             key, 0, 0, false});
        return true;
      }
      pages = static_cast<int>(refs.size());
    }
    // An input named "scan.tif#3" asks for that page alone.
    if (item.page > pages) {
      if (!admit(&seq)) return false;
      deliver(seq,
              Outcome{ErrorResult{item.name,
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
    for (int page = first; page <= last; ++page) {
      const CachedPage* row = nullptr;
      for (const auto& r : entry.rows)
        if (r.page == page) row = &r;
      if (row && !redo(*row)) {
        if (!replay(*row, item, key, pages)) return false;
        continue;
      }
      // Pages the ledger already knows the count of are found only if one needs work.
      if (refs.empty()) find_pages();
      const uint64_t offset =
          static_cast<size_t>(page) <= refs.size() ? refs[static_cast<size_t>(page) - 1].offset : 0;
      if (!admit(&seq)) return false;
      Job job{seq, item.name, page, pages, offset, item.bytes, item.format, key};
      if (!shared.jobs.push(std::move(job))) return false;
    }
    return true;
  };

  // Producer: discovery, then one job per page.
  std::thread producer([&] {
    const input::ItemSink sink = [&](input::InputItem item) {
      if (stopped()) return false;
      switch (item.kind) {
        case input::InputItem::Kind::skipped:
          count(&Shared::skipped);
          return true;
        case input::InputItem::Kind::error: {
          uint64_t seq = 0;
          if (!admit(&seq)) return false;
          deliver(seq, Outcome{ErrorResult{item.name, 0, *item.error}, {}, 0, 0, false});
          return true;
        }
        case input::InputItem::Kind::image:
          break;
      }
      return schedule(item);
    };
    discover(sink);
    shared.jobs.close();
    std::lock_guard<std::mutex> lock(shared.mutex);
    shared.discovery_done = true;
    shared.changed.notify_all();
  });

  // Workers: each owns one engine for its whole life.
  std::vector<std::thread> workers;
  shared.workers_running = options_.jobs;
  for (int w = 0; w < options_.jobs; ++w) {
    std::unique_ptr<engine::Engine> engine = w == 0 ? std::move(first_engine) : nullptr;
    workers.emplace_back([&, engine = std::move(engine)]() mutable {
      preprocess::Chain chain = make_chain_ ? make_chain_() : preprocess::Chain();
      const engine::CancelCheck cancel_check = stopped;
      for (;;) {
        auto job = shared.jobs.pop();
        if (!job || stopped()) break;
        // Built on first use: a small batch with a large -j loads only the engines it needs.
        if (!engine) {
          try {
            engine = make_engine_();
          } catch (...) {
            {
              std::lock_guard<std::mutex> lock(shared.mutex);
              if (!shared.setup_error) shared.setup_error = std::current_exception();
            }
            cancel();
            break;
          }
        }
        const auto start = Clock::now();
        if (auto refused = check_size(*job)) {
          deliver(job->seq,
                  Outcome{ErrorResult{job->source, job->pages > 1 ? job->page : 0, *refused},
                          job->key, job->page, job->pages, false});
          continue;
        }
        auto decoded = image::decode(*job->bytes, job->format, {job->page - 1, job->page_offset});
        if (!decoded) {
          deliver(job->seq,
                  Outcome{ErrorResult{job->source, job->pages > 1 ? job->page : 0, decoded.error()},
                          job->key, job->page, job->pages, false});
          continue;
        }
        preprocess::Page prepared = preprocess::make_page(std::move(decoded.value()));
        job->bytes.reset();  // the encoded copy is no longer needed by this job
        chain.run(prepared);
        auto recognised = chain.recognize(prepared, *engine, cancel_check);
        if (stopped()) break;  // abandoned mid-page: nothing finished to report
        if (!recognised) {
          deliver(job->seq, Outcome{ErrorResult{job->source, job->pages > 1 ? job->page : 0,
                                                recognised.error()},
                                    job->key, job->page, job->pages, false});
          continue;
        }
        PageResult page;
        page.source = std::move(job->source);
        page.page = job->page;
        page.pages = job->pages;
        page.width = prepared.source_width;
        page.height = prepared.source_height;
        page.dpi = prepared.source_dpi;
        page.text = std::move(recognised->text);
        page.confidence = recognised->confidence;
        page.words = recognised->words;
        page.items = std::move(recognised->items);
        page.preprocess = std::move(prepared.done);
        page.lang = engine->lang();
        page.duration_ms = ms_since(start);
        deliver(job->seq, Outcome{std::move(page), job->key, job->page, job->pages, false});
      }
      std::lock_guard<std::mutex> lock(shared.mutex);
      --shared.workers_running;
      shared.changed.notify_all();
    });
  }

  // Writer: this thread.
  record::RunStats stats;
  ReorderBuffer<Outcome> reorder(options_.ordered);
  Progress progress;
  bool output_open = true;
  auto write = [&](std::vector<Outcome>& ready) {
    for (auto& outcome : ready) {
      if (output_open && !handler.on_record(outcome.record)) {
        output_open = false;
        cancel();
      }
      if (!output_open) continue;
      if (outcome.from_cache) {
        stats.count_replayed(outcome.record);
        ++stats.cached;
      } else {
        stats.count(outcome.record);
      }
      if (cache && !outcome.key.empty())
        cache->store(outcome.key, outcome.page, outcome.pages, outcome.record, outcome.from_cache);
    }
  };

  for (;;) {
    std::vector<std::pair<uint64_t, Outcome>> arrived;
    bool finished = false;
    {
      std::unique_lock<std::mutex> lock(shared.mutex);
      shared.changed.wait_for(lock, kTick, [&] {
        return !shared.results.empty() ||
               (shared.discovery_done && shared.released == shared.next_seq) ||
               (stopped() && shared.workers_running == 0);
      });
      arrived.swap(shared.results);
      progress.total = shared.next_seq + shared.skipped + shared.cached;
      progress.total_known = shared.discovery_done;
      progress.skipped = shared.skipped;
      progress.cached = shared.cached;
      finished = (shared.discovery_done && shared.released + arrived.size() == shared.next_seq &&
                  reorder.size() == 0) ||
                 (stopped() && shared.workers_running == 0);
    }
    for (auto& [seq, rec] : arrived) reorder.insert(seq, std::move(rec));
    auto ready = finished && stopped() ? reorder.take_all() : reorder.take_ready();
    write(ready);
    if (!ready.empty()) {
      std::lock_guard<std::mutex> lock(shared.mutex);
      shared.released += ready.size();
      shared.changed.notify_all();
    }
    if (!progress.total_known && options_.unreached_inputs)
      progress.total += options_.unreached_inputs();
    progress.done = stats.pages + stats.errors + progress.skipped + progress.cached;
    progress.total = std::max(progress.total, progress.done);
    progress.pages = stats.pages;
    progress.errors = stats.errors;
    handler.on_progress(progress);
    if (finished) {
      // Late arrivals after a stop (a worker finishing as we decided) still get written.
      std::lock_guard<std::mutex> lock(shared.mutex);
      if (shared.results.empty()) break;
    }
  }

  // The producer may still be inside discovery; stop it and wait.
  if (stopped()) cancel();
  producer.join();
  for (auto& worker : workers) worker.join();
  {
    std::lock_guard<std::mutex> lock(shared_mutex_);
    shared_ = nullptr;
  }
  if (shared.setup_error) std::rethrow_exception(shared.setup_error);

  stats.skipped = shared.skipped;
  stats.cached += shared.cached;
  stats.interrupted = stop_.load() && output_open;
  stats.elapsed_s = ms_since(started) / 1000.0;
  return stats;
}

}  // namespace ocrbatch::pipeline
