#pragma once
// Rewrites the metrics file while a run goes, so monitoring sees a stuck run while it is
// stuck, not the next morning. Its own thread makes and writes the text: the workers and the
// writer loop never wait for the disk.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace ocrbatch::cli {

class LiveMetrics {
 public:
  // The text to write now; nothing to skip this write.
  using TextFn = std::function<std::optional<std::string>()>;

  // Writes `text()` to `path` (util::AtomicFile: a reader sees the old file or the new one,
  // never part of one) at once, then every `interval_s` seconds until destroyed. A failed
  // write is tried again at the next interval; the run's final write reports failures.
  LiveMetrics(std::string path, double interval_s, TextFn text);
  // Stops the thread; a write under way finishes first, so none lands after this returns.
  ~LiveMetrics();
  LiveMetrics(const LiveMetrics&) = delete;
  LiveMetrics& operator=(const LiveMetrics&) = delete;

 private:
  void loop();

  const std::string path_;
  const double interval_s_;
  const TextFn text_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ocrbatch::cli
