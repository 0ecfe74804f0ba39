#include "pipeline/admission.h"

#include <chrono>

namespace ocrbatch::pipeline {

Admission::Admission(size_t window, int workers, Stopped stopped)
    : window_(window), stopped_(std::move(stopped)), jobs_(window), workers_running_(workers) {}

bool Admission::admit(uint64_t* seq) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return stopped_() || next_seq_ - released_ < window_; });
  if (stopped_()) return false;
  *seq = next_seq_++;
  changed_.notify_all();
  return true;
}

void Admission::deliver(uint64_t seq, Outcome outcome) {
  std::lock_guard<std::mutex> lock(mutex_);
  results_.emplace_back(seq, std::move(outcome));
  changed_.notify_all();
}

std::optional<Job> Admission::next_job() {
  auto job = jobs_.pop();
  if (job) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++in_flight_;
  }
  return job;
}

void Admission::finish_job(uint64_t seq, Outcome outcome) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  std::lock_guard<std::mutex> lock(mutex_);
  --in_flight_;
  last_page_s_ = std::chrono::duration<double>(now).count();
  results_.emplace_back(seq, std::move(outcome));
  changed_.notify_all();
}

void Admission::drop_job() {
  std::lock_guard<std::mutex> lock(mutex_);
  --in_flight_;
}

void Admission::count_skipped(record::SkipKind why) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++skipped_;
  ++skipped_by_kind_[std::string(record::to_string(why))];
}

void Admission::count_cached() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++cached_;
}

void Admission::producer_done() {
  jobs_.close();
  std::lock_guard<std::mutex> lock(mutex_);
  discovery_done_ = true;
  changed_.notify_all();
}

void Admission::worker_done() {
  std::lock_guard<std::mutex> lock(mutex_);
  --workers_running_;
  changed_.notify_all();
}

void Admission::setup_failed(std::exception_ptr error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!setup_error_) setup_error_ = std::move(error);
}

std::exception_ptr Admission::setup_error() {
  std::lock_guard<std::mutex> lock(mutex_);
  return setup_error_;
}

void Admission::abort(const std::string& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (aborted_.empty()) aborted_ = why;
}

std::string Admission::aborted() {
  std::lock_guard<std::mutex> lock(mutex_);
  return aborted_;
}

Admission::Batch Admission::take(std::chrono::milliseconds tick, size_t held) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, tick, [&] {
    return !results_.empty() || (discovery_done_ && released_ == next_seq_) ||
           (stopped_() && workers_running_ == 0);
  });
  Batch batch;
  batch.arrived.swap(results_);
  batch.admitted = next_seq_;
  batch.skipped = skipped_;
  batch.cached = cached_;
  batch.discovery_done = discovery_done_;
  batch.finished =
      (discovery_done_ && held == 0 && released_ + batch.arrived.size() == next_seq_) ||
      (stopped_() && workers_running_ == 0);
  return batch;
}

void Admission::release(size_t n) {
  if (n == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  released_ += n;
  changed_.notify_all();
}

bool Admission::has_results() {
  std::lock_guard<std::mutex> lock(mutex_);
  return !results_.empty();
}

uint64_t Admission::skipped() {
  std::lock_guard<std::mutex> lock(mutex_);
  return skipped_;
}

std::map<std::string, uint64_t> Admission::skipped_by_kind() {
  std::lock_guard<std::mutex> lock(mutex_);
  return skipped_by_kind_;
}

uint64_t Admission::cached() {
  std::lock_guard<std::mutex> lock(mutex_);
  return cached_;
}

Admission::Activity Admission::activity() {
  Activity activity;
  activity.queued = jobs_.size();
  std::lock_guard<std::mutex> lock(mutex_);
  activity.in_flight = in_flight_;
  activity.last_page_s = last_page_s_;
  return activity;
}

void Admission::close() {
  jobs_.close();
  jobs_.clear();
  std::lock_guard<std::mutex> lock(mutex_);
  changed_.notify_all();
}

}  // namespace ocrbatch::pipeline
