#include "ledger/ledger.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "output/json_record.h"
#include "util/hash.h"

namespace ocrbatch::ledger {
namespace {

constexpr int kSchemaVersion = 1;

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY,
  started INTEGER NOT NULL,
  output TEXT NOT NULL,          -- '' for stdout
  temp_output TEXT NOT NULL,
  temp_inode TEXT NOT NULL,      -- "device:inode" of the temporary file; a rename keeps it
  finished INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS results(
  hash TEXT NOT NULL,            -- XXH3-128 of the input's bytes
  settings TEXT NOT NULL,        -- fingerprint of everything that changes the result
  page INTEGER NOT NULL,         -- 1-based; 0: the whole file failed before paging
  pages INTEGER NOT NULL,
  source TEXT NOT NULL,          -- the name it had when it was recognised
  is_error INTEGER NOT NULL,
  record TEXT NOT NULL,          -- the JSON record as written
  run INTEGER NOT NULL,          -- the run that last wrote it to an output
  emitted INTEGER NOT NULL,      -- 1 once that output was committed
  done_at INTEGER NOT NULL,
  PRIMARY KEY(hash, settings, page));
CREATE INDEX IF NOT EXISTS results_by_run ON results(run);
)sql";

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string inode_of(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return {};
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

// "ledger '/var/lib/ocrbatch/ledger.db': database or disk is full"
std::string describe(sqlite3* db) {
  const char* file = sqlite3_db_filename(db, "main");
  return std::string("ledger '") + (file ? file : "?") + "': " + sqlite3_errmsg(db);
}

// A prepared statement that finalises itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw LedgerError(describe(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  // Returns true while there is a row.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw LedgerError(describe(db_));
  }
  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

Ledger::Ledger(LedgerOptions options) : options_(std::move(options)) {
  // An advisory lock on the database file itself: independent of SQLite's own locks,
  // released by the kernel if the process dies, so a crashed run never blocks the next.
  lock_fd_ = ::open(options_.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0)
    throw LedgerError("cannot open ledger '" + options_.path + "': " + std::strerror(errno));
  // Waiting polls instead of blocking in flock(), so a signal ends the wait at once.
  while (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK && options_.wait_lock) {
      if (options_.stopped && options_.stopped()) {
        ::close(lock_fd_);
        throw LedgerWaitInterrupted(
            "interrupted while waiting for another run to release the ledger '" + options_.path +
            "'");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (err == EINTR) continue;
    ::close(lock_fd_);
    if (err == EWOULDBLOCK)
      throw LedgerBusy("another ocrbatch run is using the ledger '" + options_.path +
                       "' (use --wait-lock to wait for it)");
    throw LedgerError("cannot lock ledger '" + options_.path + "': " + std::strerror(err));
  }
  if (sqlite3_open_v2(options_.path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    ::close(lock_fd_);
    throw LedgerError("cannot open ledger '" + options_.path + "': " + why);
  }
  try {
    // WAL with synchronous=NORMAL: each commit survives the process being killed, and
    // costs no fsync; only a power cut can lose the last few commits.
    // First, so that a reader holding the database (sqlite3 run by a sysadmin, a
    // monitoring query) makes the steps below wait instead of failing with "locked".
    exec("PRAGMA busy_timeout=10000");
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec(kSchema);
    Statement version(db_, "SELECT value FROM meta WHERE key='schema_version'");
    if (version.step()) {
      if (std::stoi(version.text(0)) != kSchemaVersion)
        throw LedgerError("ledger '" + options_.path + "' has schema version " + version.text(0) +
                          "; this ocrbatch reads version " + std::to_string(kSchemaVersion));
    } else {
      Statement set(db_, "INSERT INTO meta(key, value) VALUES('schema_version', ?)");
      set.bind(1, std::to_string(kSchemaVersion)).step();
    }
    recover_interrupted_runs();
  } catch (const std::exception& e) {
    sqlite3_close(db_);
    ::close(lock_fd_);
    if (dynamic_cast<const LedgerError*>(&e)) throw;
    throw LedgerError("ledger '" + options_.path + "' is not usable: " + e.what());
  }
}

Ledger::~Ledger() {
  // A run that ends without finish_run (its output failed) delivered nothing: close it so
  // recovery does not mistake it for one that was killed.
  if (run_open_) {
    try {
      Statement done(db_, "UPDATE runs SET finished = 1 WHERE id = ?");
      done.bind(1, run_id_).step();
    } catch (const LedgerError&) {
    }
  }
  sqlite3_close(db_);
  ::close(lock_fd_);  // releases the lock
}

void Ledger::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string why = error ? error : "unknown error";
    sqlite3_free(error);
    throw LedgerError("ledger '" + options_.path + "': " + why);
  }
}

// A run killed before it finished wrote its records either to stdout (already marked
// emitted) or to a temporary file. If the output now has the temporary file's inode, the
// rename happened just before the kill: its records were delivered. Otherwise they were
// not, and will be written again by the next run that meets their inputs; a temporary
// file still lying there is removed.
void Ledger::recover_interrupted_runs() {
  Statement runs(db_, "SELECT id, output, temp_output, temp_inode FROM runs WHERE finished = 0");
  while (runs.step()) {
    const int64_t id = runs.integer(0);
    const std::string output = runs.text(1), temp = runs.text(2), inode = runs.text(3);
    if (!output.empty()) {
      if (!inode.empty() && inode_of(output) == inode) {
        Statement mark(db_, "UPDATE results SET emitted = 1 WHERE run = ?");
        mark.bind(1, id).step();
      } else if (!inode.empty() && inode_of(temp) == inode) {
        ::unlink(temp.c_str());
      }
    }
    Statement done(db_, "UPDATE runs SET finished = 1 WHERE id = ?");
    done.bind(1, id).step();
  }
}

void Ledger::begin_run(const RunOutput& output) {
  std::lock_guard<std::mutex> lock(mutex_);
  to_stdout_ = output.path.empty();
  Statement insert(db_,
                   "INSERT INTO runs(started, output, temp_output, temp_inode) VALUES(?, ?, ?, ?)");
  insert.bind(1, now_s())
      .bind(2, output.path)
      .bind(3, output.temp_path)
      .bind(4, inode_of(output.temp_path))
      .step();
  run_id_ = sqlite3_last_insert_rowid(db_);
  run_open_ = true;
}

void Ledger::finish_run(bool success) {
  std::lock_guard<std::mutex> lock(mutex_);
  exec("BEGIN IMMEDIATE");
  Statement mark(db_, "UPDATE results SET emitted = 1 WHERE run = ?");
  mark.bind(1, run_id_).step();
  Statement done(db_, "UPDATE runs SET finished = 1 WHERE id = ?");
  done.bind(1, run_id_).step();
  if (success) {
    Statement last(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES('last_success', ?)");
    last.bind(1, std::to_string(now_s())).step();
  }
  exec("COMMIT");
  run_open_ = false;
}

std::string Ledger::key_for(std::string_view bytes) { return util::content_hash(bytes); }

pipeline::CacheEntry Ledger::lookup(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement query(db_,
                  "SELECT page, pages, is_error, record, emitted, run FROM results "
                  "WHERE hash = ? AND settings = ? ORDER BY page");
  query.bind(1, key).bind(2, options_.fingerprint);
  pipeline::CacheEntry entry;
  while (query.step()) {
    pipeline::CachedPage row;
    row.page = static_cast<int>(query.integer(0));
    entry.pages = static_cast<int>(query.integer(1));
    row.is_error = query.integer(2) != 0;
    try {
      row.record = output::record_from_json(nlohmann::json::parse(query.text(3)));
    } catch (const std::exception&) {
      continue;  // an unreadable row is simply redone
    }
    // Written by this very run (the same content under another name): not "done before",
    // so the second name gets its record too.
    row.emitted = query.integer(4) != 0 && !(run_open_ && query.integer(5) == run_id_);
    entry.rows.push_back(std::move(row));
  }
  return entry;
}

void Ledger::store(const std::string& key, int page, int pages, const record::Record& rec,
                   bool from_cache) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t emitted_now = to_stdout_ ? 1 : 0;
  if (from_cache) {
    // Written again by this run: it now belongs to this run's output.
    Statement update(db_,
                     "UPDATE results SET run = ?, emitted = MAX(emitted, ?) "
                     "WHERE hash = ? AND settings = ? AND page = ?");
    update.bind(1, run_id_)
        .bind(2, emitted_now)
        .bind(3, key)
        .bind(4, options_.fingerprint)
        .bind(5, page)
        .step();
    return;
  }
  const bool is_error = std::holds_alternative<record::ErrorResult>(rec);
  const std::string source = std::visit([](const auto& r) { return r.source; }, rec);
  Statement insert(db_,
                   "INSERT OR REPLACE INTO results(hash, settings, page, pages, source, is_error, "
                   "record, run, emitted, done_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, key)
      .bind(2, options_.fingerprint)
      .bind(3, page)
      .bind(4, pages)
      .bind(5, source)
      .bind(6, is_error ? 1 : 0)
      .bind(7, output::dump(output::to_json(rec, record::Detail::layout)))
      .bind(8, run_id_)
      .bind(9, emitted_now)
      .bind(10, now_s())
      .step();
}

LedgerStats Ledger::stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  LedgerStats stats;
  Statement count(db_, "SELECT COUNT(*) FROM results");
  if (count.step()) stats.rows = static_cast<uint64_t>(count.integer(0));
  struct stat st {};
  if (::stat(options_.path.c_str(), &st) == 0) stats.bytes = static_cast<uint64_t>(st.st_size);
  if (::stat((options_.path + "-wal").c_str(), &st) == 0)
    stats.bytes += static_cast<uint64_t>(st.st_size);
  return stats;
}

int64_t Ledger::last_success() {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement query(db_, "SELECT value FROM meta WHERE key = 'last_success'");
  return query.step() ? std::stoll(query.text(0)) : 0;
}

}  // namespace ocrbatch::ledger
