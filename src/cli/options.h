#pragma once
// Command-line parsing in two stages: CLI11 fills raw options, then validate() checks them
// and produces the RunConfig the rest of the program is built from.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/backends.h"
#include "input/shard.h"
#include "recognize/routing.h"
#include "record/record.h"

namespace ocrbatch::cli {

struct RunConfig {
  std::vector<std::string> inputs;  // paths; "-" is stdin
  std::string files_from;           // "" none, "-" stdin, else a path
  char list_separator = '\n';
  bool hidden = false;
  bool list = false;   // --list: print what discovery finds, then exit without OCR
  std::string output;  // "" means stdout
  // The stream's format (-f, or jsonl with --output-dir); `stream` false: no stream at all.
  std::string format = "jsonl";
  bool stream = true;
  std::string output_dir;            // --output-dir: files of each input go below it
  std::vector<std::string> formats;  // with --output-dir: one file per input for each
  record::Detail detail = record::Detail::none;
  bool csv_safe = false;  // -f csv: neutralise text a spreadsheet would run
  bool pdf_a = false;     // -f pdf: PDF/A-2b
  int jobs = 1;
  bool ordered = true;
  std::string progress = "auto";
  bool quiet = false;
  uint64_t max_file_bytes = 1ull << 30;
  uint64_t max_pixels = 150000000;
  int max_pages = 10000;
  int pdf_dpi = 0;                // --pdf-dpi; 0: auto
  std::string pdf_text = "auto";  // --pdf-text: auto, ocr or keep
  uint64_t max_archive_bytes = 16ull << 30;
  std::string metrics_file;
  double metrics_interval_s = 15;  // rewrite the metrics file this often during a run; 0: never
  std::string log_file;
  std::string ledger;  // "" no ledger
  bool emit_all = false;
  bool retry_errors = false;
  bool wait_lock = false;
  std::string preprocess = "auto";    // canonical: "auto", "none" or step names joined by commas
  std::string backend = "tesseract";  // a name in engine::backend_table()
  recognize::EngineMode engine_mode = recognize::EngineMode::automatic;  // --engine
  recognize::ReaderChoice reader = recognize::ReaderChoice::automatic;   // --recognizer
  std::string models_dir;  // --models-dir; "": OCRBATCH_MODELS, then the installed folder
  engine::BackendOptions engine;
  std::optional<input::Shard> shard;  // --shard: only this shard's inputs
  std::string run_id;                 // made at start: in every JSON record and log line
};

// Thrown for a bad command line; main prints it with a hint and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown when --help, --version or --list-steps cannot be written to stdout; exit 2.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ParseOutcome { run, exit_ok };

// Parses argv. On --help, --version or --list-steps prints to stdout and returns exit_ok.
// Throws UsageError, or OutputError when that text cannot be written.
ParseOutcome parse(int argc, const char* const* argv, RunConfig& config);

std::string version_text();
// The known name nearest to `name` by edit distance, or "" if none is close enough to suggest.
std::string nearest_name(const std::string& name, const std::vector<std::string>& known);
// The --list-steps text.
std::string steps_text();

}  // namespace ocrbatch::cli
