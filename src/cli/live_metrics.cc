#include "cli/live_metrics.h"

#include <chrono>
#include <exception>
#include <utility>

#include "util/atomic_file.h"

namespace ocrbatch::cli {

LiveMetrics::LiveMetrics(std::string path, double interval_s, TextFn text)
    : path_(std::move(path)), interval_s_(interval_s), text_(std::move(text)) {
  thread_ = std::thread([this] { loop(); });
}

LiveMetrics::~LiveMetrics() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LiveMetrics::loop() {
  const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(interval_s_));
  auto next = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (wake_.wait_until(lock, next, [this] { return stop_; })) return;
    lock.unlock();
    try {
      if (const auto text = text_()) {
        util::AtomicFile file(path_);
        file.stream() << *text;
        file.commit();
      }
    } catch (const std::exception&) {
      // The AtomicFile removed its temporary file; the next interval tries again.
    }
    // From the planned time, so the writes keep their rhythm; after a write slower than
    // the interval, a whole interval from now rather than at once.
    next += interval;
    if (const auto now = std::chrono::steady_clock::now(); next < now) next = now + interval;
    lock.lock();
  }
}

}  // namespace ocrbatch::cli
