#pragma once
// The bounded window shared by the producer, the workers and the writer for one run. Every
// record (a page job, an error, a replayed result) takes a slot and a sequence number before
// it exists, and gives the slot back when the writer has written it, so the job queue and the
// reorder buffer together never hold more than the window.

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/bounded_queue.h"
#include "pipeline/job.h"

namespace ocrbatch::pipeline {

class Admission {
 public:
  using Stopped = std::function<bool()>;
  Admission(size_t window, int workers, Stopped stopped);

  // Producer side.
  // Takes a slot and a sequence number; blocks while the window is full. False once stopped.
  bool admit(uint64_t* seq);
  // A record made without a worker (an error, a replay) in the slot `seq` it was admitted to.
  void deliver(uint64_t seq, Outcome outcome);
  bool push_job(Job job) { return jobs_.push(std::move(job)); }
  void count_skipped(record::SkipKind why);
  void count_cached();  // done and emitted by an earlier run: no record, no slot
  void producer_done();

  // Worker side. A job taken by next_job() is on that worker until finish_job() or drop_job().
  std::optional<Job> next_job();
  // The record of the job admitted as `seq`.
  void finish_job(uint64_t seq, Outcome outcome);
  // A job given up without a record, because the run stopped.
  void drop_job();
  void worker_done();
  // The first engine setup failure; rethrown by the runner once every thread has ended.
  void setup_failed(std::exception_ptr error);
  std::exception_ptr setup_error();
  // A failure that is nobody's input's fault (the ledger's disk is full): the first one is kept
  // as RunStats::aborted. The caller cancels the run.
  void abort(const std::string& why);
  std::string aborted();

  // Writer side.
  struct Batch {
    std::vector<std::pair<uint64_t, Outcome>> arrived;
    uint64_t admitted = 0;  // sequence numbers handed out so far
    uint64_t skipped = 0;
    uint64_t cached = 0;
    bool discovery_done = false;
    // Nothing more will arrive: discovery is done and every admitted record is in hand (or
    // written), or the run is stopped and every worker has ended.
    bool finished = false;
  };
  // Waits up to `tick` for records, then takes what arrived. `held` is how many records the
  // writer holds unwritten (its reorder buffer).
  Batch take(std::chrono::milliseconds tick, size_t held);
  // `n` records were written: their slots are free again.
  void release(size_t n);
  // True if records arrived after the last take().
  bool has_results();
  uint64_t skipped();
  std::map<std::string, uint64_t> skipped_by_kind();
  uint64_t cached();

  // Jobs queued and on workers, and when a worker last finished one; from any thread.
  struct Activity {
    uint64_t queued = 0;
    uint64_t in_flight = 0;
    double last_page_s = 0;  // Unix time; 0: none yet
  };
  Activity activity();

  // Wakes every waiter, after a stop.
  void close();

 private:
  const size_t window_;
  const Stopped stopped_;
  BoundedQueue<Job> jobs_;
  std::mutex mutex_;
  std::condition_variable changed_;  // results arrived, a slot freed, or state changed
  std::vector<std::pair<uint64_t, Outcome>> results_;
  uint64_t next_seq_ = 0;  // sequence numbers handed out
  uint64_t released_ = 0;  // records written (their slots are free again)
  bool discovery_done_ = false;
  int workers_running_;
  uint64_t skipped_ = 0;
  std::map<std::string, uint64_t> skipped_by_kind_;
  uint64_t cached_ = 0;
  uint64_t in_flight_ = 0;
  double last_page_s_ = 0;
  std::exception_ptr setup_error_;
  std::string aborted_;
};

}  // namespace ocrbatch::pipeline
