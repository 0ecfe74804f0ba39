#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace ocrbatch::pipeline {

// Holds results that finished out of order and releases them by sequence number. In
// unordered mode it releases everything at once. Its size is bounded by the caller, who
// admits at most `window` sequence numbers past the last one released.
template <typename T>
class ReorderBuffer {
 public:
  explicit ReorderBuffer(bool ordered) : ordered_(ordered) {}

  void insert(uint64_t seq, T value) { pending_.emplace(seq, std::move(value)); }

  // Everything that may be written now, in order.
  std::vector<T> take_ready() {
    std::vector<T> ready;
    auto it = pending_.begin();
    while (it != pending_.end() && (!ordered_ || it->first == next_)) {
      if (it->first >= next_) next_ = it->first + 1;
      ready.push_back(std::move(it->second));
      it = pending_.erase(it);
    }
    return ready;
  }

  // Everything still held, in sequence order, gaps and all: used when a run stops early.
  std::vector<T> take_all() {
    std::vector<T> all;
    for (auto& [seq, value] : pending_) all.push_back(std::move(value));
    pending_.clear();
    return all;
  }

  size_t size() const { return pending_.size(); }

 private:
  bool ordered_;
  uint64_t next_ = 0;
  std::map<uint64_t, T> pending_;
};

}  // namespace ocrbatch::pipeline
