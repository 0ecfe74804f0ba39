#pragma once
// The ledger: an SQLite database of every page done, keyed by content hash and settings
// fingerprint, that makes nightly runs incremental and crash-safe. The only place that
// includes SQLite.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "pipeline/result_cache.h"
#include "record/record.h"

struct sqlite3;

namespace ocrbatch::ledger {

class LedgerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Another run holds the ledger's lock.
class LedgerBusy : public LedgerError {
 public:
  using LedgerError::LedgerError;
};

// A signal arrived while waiting for another run's lock (--wait-lock).
class LedgerWaitInterrupted : public LedgerError {
 public:
  using LedgerError::LedgerError;
};

struct LedgerOptions {
  std::string path;
  std::string fingerprint;        // settings that change results; see settings_fingerprint()
  bool wait_lock = false;         // wait for another run instead of failing at once
  std::function<bool()> stopped;  // polled while waiting: true gives up the wait
};

// Where this run's records go. A file output counts as emitted only once it has been
// renamed into place; stdout counts as emitted as soon as a record is written.
struct RunOutput {
  std::string path;       // empty: stdout
  std::string temp_path;  // the file being written before the rename
};

struct LedgerStats {
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

class Ledger : public pipeline::ResultCache {
 public:
  // Opens or creates the ledger, takes its lock, and settles what earlier interrupted runs
  // left behind. Throws LedgerBusy or LedgerError.
  explicit Ledger(LedgerOptions options);
  ~Ledger() override;
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Records the start of a run writing to `output`.
  void begin_run(const RunOutput& output);
  // The output is complete (renamed into place, or stdout closed): its records count as
  // emitted. Also records the time of the last successful run.
  void finish_run(bool success);

  std::string key_for(std::string_view bytes) override;
  pipeline::CacheEntry lookup(const std::string& key) override;
  void store(const std::string& key, int page, int pages, const record::Record& record,
             bool from_cache) override;

  LedgerStats stats();
  // Unix time of the last run that finished with every input succeeding, 0 if none.
  int64_t last_success();

 private:
  void exec(const char* sql);
  void recover_interrupted_runs();

  LedgerOptions options_;
  int lock_fd_ = -1;
  sqlite3* db_ = nullptr;
  std::mutex mutex_;
  int64_t run_id_ = 0;
  bool to_stdout_ = true;
  bool run_open_ = false;
};

}  // namespace ocrbatch::ledger
