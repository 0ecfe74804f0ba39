#pragma once
// --output-dir: one file per input and format below one folder, each written to a temporary
// file beside its final name and renamed there once the input's last record is in.

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "output/sink.h"
#include "record/record.h"

namespace ocrbatch::output {

// Where an input's files go below the output folder: its path there without the extension,
// or an unsafe_path error. A file met walking a named folder keeps its path below that folder;
// a named file (or archive) gets its base name; any other name (from a list) is kept as given
// without "./" and without a leading "/"; "-" (stdin) is "stdin". An archive entry goes below
// its archive's name, extension kept ("x.zip::a/b.png" is "x.zip/a/b"), so that x.zip, x.tar
// and a folder x never share files. A ".." component or an absolute entry name is refused.
// `folders` and `files` are the named inputs as spelled.
record::Result<std::string> output_stem(const std::string& source,
                                        const std::vector<std::string>& folders,
                                        const std::vector<std::string>& files);

struct OutputDirOptions {
  std::string dir;                   // created if missing
  std::vector<std::string> formats;  // names in sink_table()
  SinkOptions sink;
  std::vector<std::string> folders;  // named input folders, as spelled
  std::vector<std::string> files;    // named input files and archives, as spelled
};

class OutputDir {
 public:
  explicit OutputDir(OutputDirOptions options);  // throws std::runtime_error
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  // What an input's files need, asked before it is read, in input order (the producer thread).
  struct Check {
    std::optional<record::Error> refused;  // unsafe_path or output_conflict
    bool exist = false;                    // every one of its files is there
    bool needs_image = false;              // a missing one is drawn from the page images
  };
  Check check(const std::string& source);

  // Takes each record in output order, with its place among its input's records (the writer
  // thread). `unchanged`: every record of the input comes from the ledger, so only its files
  // that are missing are written; those there are left alone. Returns an error for an input
  // whose files could not be written (a link put in the way since check(), a full disk).
  std::optional<record::Error> write(const record::Record& record, int part, int parts,
                                     bool unchanged);
  // The run is over: an input still open is incomplete, and its temporary files go.
  void finish();
  // Removes the temporary files now, from any thread; for a process about to exit.
  void abandon() const;

 private:
  struct Open;
  std::optional<record::Error> open(const std::string& source, bool only_missing);
  std::optional<record::Error> commit();
  void drop();

  OutputDirOptions options_;
  int dir_fd_ = -1;
  std::vector<std::pair<dev_t, ino_t>> named_files_;  // inputs never written over
  std::unordered_set<std::string> stems_;             // taken by an input of this run
  std::unique_ptr<Open> open_;                        // the input being written
  int next_part_ = 0;
  bool skipping_ = false;  // the rest of this input's records are not written
  mutable std::mutex temps_mutex_;
  int temps_dir_ = -1;  // the folder holding `temps_`
  std::vector<std::string> temps_;
};

}  // namespace ocrbatch::output
