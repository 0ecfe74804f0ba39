#pragma once
// Reads back the JSON Lines (or JSON array) outputs of several runs, usually the shards of one
// night, and totals them into one summary: what `ocrbatch summary` prints and gates on.

#include <cstdint>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace ocrbatch::output {

// How one run's output ended. Worst last: the order decides the verdict.
enum class RunEnd {
  complete,     // a summary record, not interrupted
  interrupted,  // a summary with "interrupted":true (a signal, or the ledger failed)
  no_summary,   // records but no summary: the run was killed, or is still going
  truncated,    // the last line is cut short
  invalid,      // a line that is not an ocrbatch record
  unreadable,   // the file could not be opened or read
};
const char* to_string(RunEnd end);

struct CombineOptions {
  size_t slowest = 10;     // pages listed by duration
  size_t duplicates = 10;  // duplicate (source, page) pairs listed
};

class Combiner {
 public:
  explicit Combiner(CombineOptions options = {});

  // Reads one output. A file may hold several runs one after the other (`cat out-*.jsonl`):
  // each summary record ends one.
  void add(const std::string& file, std::istream& in);
  void add_unreadable(const std::string& file, const std::string& why);

  // The combined summary record.
  nlohmann::ordered_json summary() const;
  // One line for people: counts and the state of the shards.
  std::string human_line() const;
  // One line per run that did not end complete, and per missing or repeated shard.
  std::vector<std::string> problems() const;

  RunEnd worst() const;
  bool missing_shards() const { return !missing().empty() || shard_counts_.size() > 1; }
  uint64_t errors() const { return errors_; }

 private:
  struct Run {
    std::string file;
    RunEnd end = RunEnd::no_summary;
    std::string detail;  // why, for invalid and unreadable
    std::string run_id;
    int64_t shard_index = -1, shard_count = 0;
    uint64_t pages = 0, errors = 0;
  };
  struct Slow {
    double ms;
    std::string source;
    int page;
    std::string file;
    bool operator<(const Slow& other) const { return ms > other.ms; }  // min-heap on top
  };
  void record(Run& run, const nlohmann::json& j);
  void finish(Run& run, const nlohmann::json& summary);
  std::vector<int64_t> missing() const;

  CombineOptions options_;
  std::vector<Run> runs_;
  uint64_t files_ = 0;
  uint64_t pages_ = 0, errors_ = 0, skipped_ = 0, cached_ = 0;
  std::map<std::string, uint64_t> errors_by_code_, skipped_by_kind_;
  double elapsed_s_ = 0;
  std::vector<Slow> slowest_;  // a heap of at most options_.slowest
  // (source, page) -> index of the first run that wrote it
  std::unordered_map<std::string, size_t> seen_;
  struct Duplicate {
    std::string source;
    int page;
    std::vector<std::string> files;
  };
  uint64_t duplicate_count_ = 0;
  std::vector<Duplicate> duplicates_;  // the first options_.duplicates of them
  std::set<int64_t> shard_counts_;
  std::map<int64_t, std::vector<size_t>> shards_;  // index -> runs
};

}  // namespace ocrbatch::output
